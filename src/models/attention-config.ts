// The attention model's sizes and tensors (attention-model.ts is the model): what a model file's
// `hidden` records of the encoder, the tensors a model of a shape has, the checks of a shape read
// from a file, and a bound on its logits from the weights.

import type { ParameterSpec } from '../nn/parameters.js';
import type { Random } from '../nn/random.js';
import { encoderLayerParameters } from '../nn/transformer.js';
import { ORDERED_ID_OFFSET } from '../text/features.js';
import { bigramBucket, MAX_BUCKETS, type BigramModulus } from '../text/ngrams.js';
import type { ModelShape } from './text-model.js';

/** The encoder's sizes and choices (what `hidden` records in a model file). */
export interface EncoderConfig {
  layers: number;
  heads: number;
  /** Feed-forward width. */
  ff: number;
  /** Longest text in tokens; longer ones are truncated. */
  maxLen: number;
  /** Layer normalisation before each block (true) or after each residual sum (false). */
  normFirst: boolean;
  pooling: 'mean' | 'first';
  /**
   * Buckets of hashed word bigrams (0: none). Each position t adds the row of the bigram
   * (word t−1, word t) to its token embedding, word −1 being padding (see bigramRow).
   */
  bigrams: number;
}

/** The encoder `sentiwasm train FILE --arch attention` builds (W5's): one layer, 4 heads, feed-forward 128, texts of up to 64 tokens. */
export const ENCODER_DEFAULTS: EncoderConfig = {
  layers: 1,
  heads: 4,
  ff: 128,
  maxLen: 64,
  normFirst: false,
  pooling: 'mean',
  bigrams: 0,
};

/**
 * An EncoderConfig as a model file's `hidden` list: six sizes, and a seventh, the bigram buckets,
 * only when there are bigrams (so a model without them is recorded as before bigrams existed).
 * @example
 * ```ts
 * encoderHidden({ layers: 1, heads: 4, ff: 128, maxLen: 64, normFirst: false, pooling: 'mean', bigrams: 0 }) // [128, 1, 4, 64, 1, 1]
 * ```
 */
export function encoderHidden(c: EncoderConfig): number[] {
  const sizes = [c.ff, c.layers, c.heads, c.maxLen, c.normFirst ? 2 : 1, c.pooling === 'first' ? 2 : 1];
  return c.bigrams > 0 ? [...sizes, c.bigrams] : sizes;
}

/** The EncoderConfig a shape's `hidden` records (see encoderHidden); entries it lacks are ENCODER_DEFAULTS'. */
export function encoderConfig(shape: ModelShape): EncoderConfig {
  const d = encoderHidden(ENCODER_DEFAULTS);
  const [ff, layers, heads, maxLen, norm, pooling] = d.map((v, i) => shape.hidden[i] ?? v);
  const bigrams = shape.hidden[6] ?? 0;
  return { layers, heads, ff, maxLen, normFirst: norm === 2, pooling: pooling === 2 ? 'first' : 'mean', bigrams };
}

/** The most bigram buckets: fastText's bucket arithmetic (ngrams.ts) is exact up to here. */
export const MAX_BIGRAM_BUCKETS = MAX_BUCKETS;

/**
 * The table row of the bigram (previous, current) of ordered ids (previous is PAD_ID at a text's
 * first position): its bucket by fastText's bigram combination, (previous·116049371 + current)
 * mod buckets, after the `tokenRows` rows of the token table (the two share one table).
 * Training, prediction and explanations all take a position's bigram from here; the ONNX graph
 * computes the same in int64.
 * @example
 * ```ts
 * bigramRow(14, 22, bigramModulus(1000), 100) // 100 + (14 · 116049371 + 22) mod 1000
 * ```
 */
export function bigramRow(previous: number, current: number, modulus: BigramModulus, tokenRows: number): number {
  return tokenRows + bigramBucket(previous, current, modulus);
}

/** Texts per prediction batch (a loaded model lays its activations out for this many) at max length 64 or less. */
export const PREDICT_SEQUENCES = 64;

/**
 * Texts per prediction batch of a loaded model: PREDICT_SEQUENCES, fewer for a longer max length,
 * so that the attention weights (texts × heads × maxLen² floats per layer) stay as large as at 64.
 */
export function predictSequences(maxLen: number): number {
  return Math.max(1, Math.min(PREDICT_SEQUENCES, Math.floor((PREDICT_SEQUENCES * 64 * 64) / (maxLen * maxLen))));
}

/** Draws N(0, 1) values (Box–Muller), as nn.Embedding initialises its rows. */
function normal(values: Float32Array, rng: Random): void {
  for (let i = 0; i < values.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
    const a = 2 * Math.PI * rng.next();
    values[i] = r * Math.cos(a);
    if (i + 1 < values.length) values[i + 1] = r * Math.sin(a);
  }
}

const zeros = (values: Float32Array) => values.fill(0);

/** The tensors of a model of `shape`, in its file's order: the tables (token, then bigram when there is one), then the parameter block's. */
export function tensorSpecs(shape: ModelShape): ParameterSpec[] {
  const c = encoderConfig(shape);
  const C = shape.dim;
  const layer = { dim: C, heads: c.heads, ff: c.ff, normFirst: c.normFirst };
  const bound = 1 / Math.sqrt(C);
  const uniform = (values: Float32Array, rng: Random) => {
    for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-bound, bound);
  };
  return [
    { name: 'embedding.weight', shape: [shape.rows + ORDERED_ID_OFFSET, C], init: normal },
    // Zeros: a model with bigrams starts as the same model without them, and learns what they add.
    ...(c.bigrams > 0 ? [{ name: 'bigram.weight', shape: [c.bigrams, C], init: zeros }] : []),
    { name: 'position.weight', shape: [c.maxLen, C], init: normal },
    ...Array.from({ length: c.layers }, (_, l) => encoderLayerParameters(layer, `encoder.layers.${l}.`)).flat(),
    { name: 'head.weight', shape: [shape.classes, C], init: uniform },
    { name: 'head.bias', shape: [shape.classes], init: uniform },
  ];
}

export function maxAbs(values: Float32Array | undefined): number {
  let m = 0;
  if (values) for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

/** What is wrong with a shape's encoder sizes (any length of `hidden` up to seven), or undefined. */
export function checkEncoder(shape: ModelShape): string | undefined {
  const c = encoderConfig(shape);
  const [norm = 1, pooling = 1] = shape.hidden.slice(4);
  if (!(Number.isInteger(c.bigrams) && c.bigrams >= 0 && c.bigrams <= MAX_BIGRAM_BUCKETS))
    return `the attention model's bigram buckets (${c.bigrams}) must be an integer from 0 to ${MAX_BIGRAM_BUCKETS}`;
  if (shape.dim % c.heads !== 0) return `dim (${shape.dim}) does not split evenly among ${c.heads} heads`;
  if (!(norm === 1 || norm === 2) || !(pooling === 1 || pooling === 2))
    return `the attention model's norm (${norm}) and pooling (${pooling}) must each be 1 or 2`;
  if (c.maxLen > 65536 || c.layers > 64)
    return `the attention model's sizes (${c.layers} layers, max length ${c.maxLen}) are beyond what sentiwasm builds`;
  return undefined;
}

/** Activations of a loaded model (prediction batches; backward for one text, for explanations). */
export function encoderExtraFloats(shape: ModelShape): number {
  const c = encoderConfig(shape);
  const texts = predictSequences(c.maxLen);
  const rows = texts * c.maxLen;
  const bigramRows = c.bigrams > 0 ? rows * shape.dim : 0;
  return (
    c.layers * (rows * (16 * shape.dim + 4 * c.ff) + texts * c.heads * c.maxLen * c.maxLen) +
    2 * rows * shape.dim +
    bigramRows
  );
}

/**
 * A bound on any logit from the weights, layer by layer: a layer norm's output is at most
 * √C·max|γ| + max|β| per value, a linear layer multiplies a bound by in·max|W| and adds max|b|,
 * attention averages values, ReLU only shrinks.
 */
export function encoderScoreBound(shape: ModelShape, t: Record<string, Float32Array>): number {
  const c = encoderConfig(shape);
  const C = shape.dim;
  const lin = (x: number, w: string, b: string, inF: number) => inF * maxAbs(t[w]) * x + maxAbs(t[b]);
  let x = maxAbs(t['embedding.weight']) + maxAbs(t['position.weight']) + maxAbs(t['bigram.weight']);
  for (let l = 0; l < c.layers; l++) {
    const p = `encoder.layers.${l}.`;
    const norm = (i: number) => Math.sqrt(C) * maxAbs(t[`${p}norm${i}.weight`]) + maxAbs(t[`${p}norm${i}.bias`]);
    const sa = (h: number) =>
      lin(
        lin(h, `${p}self_attn.in_proj_weight`, `${p}self_attn.in_proj_bias`, C),
        `${p}self_attn.out_proj.weight`,
        `${p}self_attn.out_proj.bias`,
        C,
      );
    const ff = (h: number) =>
      lin(lin(h, `${p}linear1.weight`, `${p}linear1.bias`, C), `${p}linear2.weight`, `${p}linear2.bias`, c.ff);
    if (c.normFirst) {
      x += sa(norm(1));
      x += ff(norm(2));
    } else {
      x = norm(2); // the layer ends with a layer norm, whatever came before
    }
  }
  return lin(x, 'head.weight', 'head.bias', C);
}
