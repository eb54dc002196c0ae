// The bag and mlp models as ONNX graphs. Both read a text as the mean of its feature rows'
// vectors (sentiwasm's embedding bag): Gather the rows of `ids`, zero the padding with `mask`,
// ReduceSum over the positions and divide by the count (at least 1: an empty text's mean is
// zeros, as in sentiwasm). The mlp's head follows as Gemm → Relu → … → Gemm.
//
// The bag model's head is one linear layer, so W·mean(e) + b = mean(W·e) + b: as sentiwasm's own
// prediction does (BagModel.predictLoaded), the graph gathers each row's class scores W·e_r,
// worked out once here, instead of its vector. The file is dim/classes times smaller (a table of
// rows × classes, not rows × dim) and the graph does classes, not dim, additions per feature.
// A bag trained as several members is already one bag model whose logits are the members' mean
// (BagModel.addMember), so the averaging is in these weights.

import { int, type GraphBuilder } from './graph.js';
import { gemm, maskedMean } from './layers.js';
import { tensorOf, type ExportSource } from './source.js';

/** logits [batch × classes] of the bag model. */
export function bagGraph(g: GraphBuilder, ids: string, mask: string, source: ExportSource): string {
  const { dim: D, classes: C } = source.shape;
  const table = tensorOf(source, 'embedding.weight');
  const weight = tensorOf(source, 'head.0.weight');
  const rows = table.length / D;
  const scores = new Float32Array(rows * C);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += table[r * D + d] * weight[c * D + d];
      scores[r * C + c] = s;
    }
  }
  const rowScores = g.weight('embedding.row_scores', [rows, C], scores);
  const gathered = g.node('Gather', [rowScores, ids], 'bag.gathered', { axis: int(0) });
  const mean = maskedMean(g, gathered, mask, 'bag.mean');
  return g.node('Add', [mean, g.weight('head.0.bias', [C], tensorOf(source, 'head.0.bias'))], 'logits.raw');
}

/** logits [batch × classes] of the mlp model: the mean vector, then Linear → ReLU per hidden width, then Linear. */
export function mlpGraph(g: GraphBuilder, ids: string, mask: string, source: ExportSource): string {
  const { dim: D, hidden, classes: C } = source.shape;
  const table = tensorOf(source, 'embedding.weight');
  const embedding = g.weight('embedding.weight', [table.length / D, D], table);
  const gathered = g.node('Gather', [embedding, ids], 'bag.gathered', { axis: int(0) });
  let h = maskedMean(g, gathered, mask, 'bag.mean');
  const widths = [D, ...hidden, C];
  for (let i = 1; i < widths.length; i++) {
    const layer = 2 * (i - 1);
    const name = `head.${layer}`;
    h = gemm(
      g,
      h,
      tensorOf(source, `${name}.weight`),
      tensorOf(source, `${name}.bias`),
      widths[i - 1],
      widths[i],
      name,
    );
    if (i < widths.length - 1) h = g.node('Relu', [h], `head.${layer + 1}.relu`);
  }
  return h;
}
