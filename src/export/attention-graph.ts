// The attention model as an ONNX graph, its encoder layer by layer as src/nn/transformer.ts
// computes it (ReLU in the feed-forward block, so opset 17 suffices: LayerNormalization is its
// newest operator here):
//
//   ids, mask cut to the first maxLen positions (sentiwasm truncates longer texts)
//   x = embedding[ids] + position[0..T)
//   with bigram buckets: x += bigram[(previous id · 116049371 + id) mod buckets], the previous
//   id of a text's first position being 0 (padding): bigramRow's arithmetic, exact in int64
//   per layer, norm after:  r1 = x + SA(x);  n1 = LN1(r1);  out = LN2(n1 + FF(n1))
//              norm first:  r1 = x + SA(LN1(x));  out = r1 + FF(LN2(r1))
//   SA(h): qkv = h·Wqkvᵀ + b, split into heads; softmax(q·kᵀ/√hs + key mask)·v; ·Woᵀ + bo
//   FF(h) = relu(h·W1ᵀ + b1)·W2ᵀ + b2
//   pooled = masked mean of out over the real positions, or out at position 0
//   logits = pooled·Wᵀ + b
//
// sentiwasm packs texts without padding; here a batch is padded, and the mask keeps padding out:
// a padded key gets −1e9 added to its score (its softmax weight is exactly 0 in float32), and
// pooling averages the real positions only. Padded queries compute rows nobody reads. Texts are
// left-aligned (real ids first), so position t of the padded row is position t of the text.

import { encoderConfig } from '../models/attention-model.js';
import { BIGRAM_MULTIPLIER } from '../text/ngrams.js';
import { LAYER_NORM_EPS } from '../nn/transformer.js';
import { int, ints, type GraphBuilder } from './graph.js';
import { gemm, layerNorm, linear, maskedMean } from './layers.js';
import { tensorOf, type ExportSource } from './source.js';

/** What a padded key adds to its attention score. */
const MASKED_SCORE = -1e9;

/** logits [batch × classes] of the attention model. */
export function attentionGraph(g: GraphBuilder, ids: string, mask: string, source: ExportSource): string {
  const config = encoderConfig(source.shape);
  const { dim: C, classes: K } = source.shape;
  const T = config.maxLen;
  const cut = (x: string, name: string) => g.node('Slice', [x, g.int64([0]), g.int64([T]), g.int64([1])], name);
  const tokens = cut(ids, 'encoder.ids');
  const keep = cut(mask, 'encoder.mask');

  const table = tensorOf(source, 'embedding.weight');
  const embedding = g.weight('embedding.weight', [table.length / C, C], table);
  const positionTable = g.weight('position.weight', [T, C], tensorOf(source, 'position.weight'));
  const length = g.node('Shape', [tokens], 'encoder.length', { start: int(1), end: int(2) });
  const positions = g.node('Slice', [positionTable, g.int64([0]), length, g.int64([0])], 'encoder.positions');
  let x = g.node(
    'Add',
    [g.node('Gather', [embedding, tokens], 'encoder.tokens', { axis: int(0) }), positions],
    'encoder.embedded',
  );
  if (config.bigrams > 0) x = addBigrams(g, x, tokens, source);

  // [B, T] → [B, 1, 1, T]: 0 for a real key, −1e9 for padding, added to every head's scores.
  const keyBias = g.node(
    'Unsqueeze',
    [
      g.node(
        'Mul',
        [
          g.node('Sub', [g.scalar('encoder.one', 1), keep], 'encoder.padding'),
          g.scalar('encoder.masked_score', MASKED_SCORE),
        ],
        'encoder.key_bias_2d',
      ),
      g.int64([1, 2]),
    ],
    'encoder.key_bias',
  );

  for (let l = 0; l < config.layers; l++) x = encoderLayer(g, x, keyBias, source, l);

  const pooled =
    config.pooling === 'first'
      ? g.node('Gather', [x, g.int64([0], true)], 'pooled', { axis: int(1) })
      : maskedMean(g, x, keep, 'pooled');
  return gemm(g, pooled, tensorOf(source, 'head.weight'), tensorOf(source, 'head.bias'), C, K, 'head');
}

/** x + bigram[row of (previous id, id)] at every position, as AttentionModel.loadBigrams and bigramRow compute it. */
function addBigrams(g: GraphBuilder, x: string, tokens: string, source: ExportSource): string {
  const buckets = encoderConfig(source.shape).bigrams;
  const C = source.shape.dim;
  // The ids shifted right by one position along the text, padding (0) coming in at the front.
  const previous = g.node(
    'Pad',
    [g.node('Slice', [tokens, g.int64([0]), g.int64([-1]), g.int64([1])], 'bigram.cut'), g.int64([0, 1, 0, 0])],
    'bigram.previous',
  );
  // Ids are below 2^31, so previous·116049371 + id stays far below 2^63.
  const combined = g.node(
    'Add',
    [g.node('Mul', [previous, g.int64([BIGRAM_MULTIPLIER], true)], 'bigram.scaled'), tokens],
    'bigram.combined',
  );
  const rows = g.node('Mod', [combined, g.int64([buckets], true)], 'bigram.rows');
  const table = g.weight('bigram.weight', [buckets, C], tensorOf(source, 'bigram.weight'));
  return g.node(
    'Add',
    [x, g.node('Gather', [table, rows], 'bigram.embedded', { axis: int(0) })],
    'encoder.with_bigrams',
  );
}

function encoderLayer(g: GraphBuilder, x: string, keyBias: string, source: ExportSource, l: number): string {
  const config = encoderConfig(source.shape);
  const C = source.shape.dim;
  const F = config.ff;
  const p = `encoder.layers.${l}.`;
  const t = (name: string) => tensorOf(source, p + name);
  const norm = (h: string, i: 1 | 2) =>
    layerNorm(g, h, t(`norm${i}.weight`), t(`norm${i}.bias`), LAYER_NORM_EPS, `${p}norm${i}`);
  const feedForward = (h: string) => {
    const hidden = g.node(
      'Relu',
      [linear(g, h, t('linear1.weight'), t('linear1.bias'), C, F, `${p}linear1`)],
      `${p}relu`,
    );
    return linear(g, hidden, t('linear2.weight'), t('linear2.bias'), F, C, `${p}linear2`);
  };
  if (config.normFirst) {
    const r1 = g.node('Add', [x, selfAttention(g, norm(x, 1), keyBias, source, l)], `${p}residual1`);
    return g.node('Add', [r1, feedForward(norm(r1, 2))], `${p}residual2`);
  }
  const n1 = norm(g.node('Add', [x, selfAttention(g, x, keyBias, source, l)], `${p}residual1`), 1);
  return norm(g.node('Add', [n1, feedForward(n1)], `${p}residual2`), 2);
}

/** Multi-head self-attention of h [B, T, C] as assembly/attention.ts computes it, padded keys masked. */
function selfAttention(g: GraphBuilder, h: string, keyBias: string, source: ExportSource, l: number): string {
  const { heads: NH } = encoderConfig(source.shape);
  const C = source.shape.dim;
  const hs = C / NH;
  const p = `encoder.layers.${l}.self_attn`;
  const t = (name: string) => tensorOf(source, `${p}.${name}`);
  const qkv = linear(g, h, t('in_proj_weight'), t('in_proj_bias'), C, 3 * C, `${p}.in_proj`);
  const [q, k, v] = g.nodeWithOutputs('Split', [qkv, g.int64([C, C, C])], [`${p}.q`, `${p}.k`, `${p}.v`], {
    axis: int(2),
  });
  // [B, T, C] → [B, T, NH, hs] → [B, NH, T, hs] (keys as [B, NH, hs, T]).
  const split = (x: string, perm: number[], name: string) =>
    g.node('Transpose', [g.node('Reshape', [x, g.int64([0, 0, NH, hs])], `${name}.split`)], name, { perm: ints(perm) });
  const qh = split(q, [0, 2, 1, 3], `${p}.q_heads`);
  const kt = split(k, [0, 2, 3, 1], `${p}.k_heads_t`);
  const vh = split(v, [0, 2, 1, 3], `${p}.v_heads`);
  // The kernel scales each dot product by the float32 1/√hs.
  const scale = g.scalar(`${p}.scale`, Math.fround(1 / Math.fround(Math.sqrt(hs))));
  const scores = g.node(
    'Add',
    [g.node('Mul', [g.node('MatMul', [qh, kt], `${p}.dots`), scale], `${p}.scaled`), keyBias],
    `${p}.scores`,
  );
  const weights = g.node('Softmax', [scores], `${p}.weights`, { axis: int(-1) });
  const heads = g.node('MatMul', [weights, vh], `${p}.heads`);
  const merged = g.node(
    'Reshape',
    [g.node('Transpose', [heads], `${p}.heads_t`, { perm: ints([0, 2, 1, 3]) }), g.int64([0, 0, C])],
    `${p}.merged`,
  );
  return linear(g, merged, t('out_proj.weight'), t('out_proj.bias'), C, C, `${p}.out_proj`);
}
