// The bag model, fastText's supervised model: the mean of a text's feature vectors, then one
// linear layer to the class logits. Because the head is linear, W·mean(e) + b = mean(W·e) + b:
// prediction averages each feature row's precomputed class scores (C numbers) instead of its
// vector (dim numbers), and explain() splits the score exactly among the tokens.

import { Linear } from '../nn/linear.js';
import type { Runtime } from '../runtime/runtime.js';
import type { FeatureSpan } from '../text/features.js';
import { BagFrontModel, bagFrontScoreBound, bagFrontTensorShapes } from './bag-front-model.js';
import type { ModelExplanation, ModelLayout, ModelShape, TextModelClass } from './text-model.js';

export class BagModel extends BagFrontModel {
  static readonly arch = 'bag';
  /** Members of dim d average into one bag model of dim K·d exactly (see addMember). */
  static readonly averagesMembers = true;
  static readonly hogwild = true;
  static readonly linearHead = true;
  /** SGD at a high rate, as fastText trains it. */
  static readonly defaults = { optimizer: 'sgd', lr: { sgd: 2, adam: 0.003 } } as const;
  readonly arch = BagModel.arch;
  /** Every row's class scores W·e_r [rows × classes], and prediction's output buffer [maxBatch × classes]. */
  private readonly rowScores: { table: number; out: number };
  private scoresFresh = false;

  static readonly tensorShapes = bagFrontTensorShapes;

  /** The per-row class scores: rows × classes. */
  static extraFloats(shape: ModelShape): number {
    return Math.max(1, shape.rows) * shape.classes;
  }
  static readonly scoreBound = bagFrontScoreBound;

  static create(rt: Runtime, shape: ModelShape, layout: ModelLayout): BagModel {
    return new BagModel(rt, shape, layout);
  }

  static checkShape(shape: ModelShape): string | undefined {
    return shape.hidden.length > 0
      ? `a bag model has no hidden layers, but this one lists ${shape.hidden.length}`
      : undefined;
  }

  private constructor(rt: Runtime, shape: ModelShape, layout: ModelLayout) {
    super(rt, shape, layout, [new Linear(shape.dim, shape.classes)]);
    // Laid out with the model, so that validating during training allocates nothing.
    const C = shape.classes;
    this.rowScores = {
      table: rt.allocF32(this.embedding.rows * C, 'bag.rowScores'),
      out: rt.allocF32(this.maxBatch * C, 'bag.predictions'),
    };
  }

  override weightsChanged(): void {
    this.scoresFresh = false;
  }

  // out[B×C] = mean of each bag's rows of the row-score table + b
  protected override predictLoaded(batch: number): number {
    const { table, out } = this.rowScores;
    const rt = this.runtime;
    const C = this.shape.classes;
    if (!this.scoresFresh) {
      const weight = this.head.parameters.get('0.weight');
      rt.kernels.matmul_nt(
        table,
        this.embedding.table,
        weight.ptr,
        this.embedding.rows,
        this.shape.dim,
        C,
        0,
        rt.matmulScratch,
      );
      this.scoresFresh = true;
    }
    this.embedding.forwardFrom(table, C, out);
    rt.kernels.bias_forward(out, this.head.parameters.get('0.bias').ptr, batch, C);
    return out;
  }

  /**
   * Exact: the score is a sum over features of (1/n)·w·e_f plus the bias's part, so each feature's
   * term goes to the tokens it spans, shared equally (an n-gram among its words; under
   * uniqueFeatures a feature met several times among its occurrences, as it counts once).
   */
  override explain(
    tokenCount: number,
    spans: readonly FeatureSpan[],
    uniqueFeatures: boolean,
    target: number,
  ): ModelExplanation {
    const { w, bias } = this.scoreWeights(target);
    const D = this.shape.dim;
    const table = this.embedding.values();
    let occurrences: Map<number, number> | undefined;
    if (uniqueFeatures) {
      occurrences = new Map();
      for (const span of spans) occurrences.set(span.row, (occurrences.get(span.row) ?? 0) + 1);
    }
    const features = occurrences?.size ?? spans.length;
    const contributions = new Float64Array(tokenCount);
    let score = bias;
    for (const span of spans) {
      let dot = 0;
      for (let d = 0; d < D; d++) dot += w[d] * table[span.row * D + d];
      const value = dot / features / (occurrences?.get(span.row) ?? 1);
      score += value;
      const share = value / (span.end - span.start);
      for (let i = span.start; i < span.end; i++) contributions[i] += share;
    }
    return { score, bias, contributions, method: 'exact' };
  }

  /** The score as one linear map of the mean bag vector: direction w and bias. */
  private scoreWeights(target: number): { w: Float64Array; bias: number } {
    const C = this.shape.classes;
    const D = this.shape.dim;
    const params = this.head.parameters;
    const W = params.values(params.get('0.weight'));
    const b = params.values(params.get('0.bias'));
    const w = new Float64Array(D);
    for (let d = 0; d < D; d++) {
      let mean = 0;
      for (let c = 0; c < C; c++) mean += W[c * D + d] / C;
      w[d] = C === 2 ? W[D + d] - W[d] : W[target * D + d] - mean;
    }
    let meanB = 0;
    for (let c = 0; c < C; c++) meanB += b[c] / C;
    return { w, bias: C === 2 ? b[1] - b[0] : b[target] - meanB };
  }

  /**
   * Writes a trained member (a bag model of dim d) into slot m of this K-member model of dim K·d:
   * its vectors into columns [m·d, (m+1)·d) of every row, its head weights divided by K into the
   * same columns, its bias divided by K added in. This model's logits are then exactly the mean
   * of the members' logits: W·mean(e) + b = Σ_m (W_m/K)·mean(e_m) + b_m/K.
   */
  addMember(member: BagModel, m: number, K: number): void {
    const D = this.shape.dim;
    const d = member.shape.dim;
    const C = this.shape.classes;
    const table = this.embedding.values();
    const part = member.embedding.values();
    for (let r = 0; r < this.embedding.rows; r++) table.set(part.subarray(r * d, (r + 1) * d), r * D + m * d);
    const params = this.head.parameters;
    const W = params.values(params.get('0.weight'));
    const b = params.values(params.get('0.bias'));
    const memberParams = member.head.parameters;
    const Wm = memberParams.values(memberParams.get('0.weight'));
    const bm = memberParams.values(memberParams.get('0.bias'));
    for (let c = 0; c < C; c++) {
      for (let j = 0; j < d; j++) W[c * D + m * d + j] = Wm[c * d + j] / K;
      b[c] = (m === 0 ? 0 : b[c]) + bm[c] / K;
    }
    this.weightsChanged();
  }
}

BagModel satisfies TextModelClass;
