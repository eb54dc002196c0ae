// Masked-word pretraining of the attention model's encoder on unlabelled text: the vocabulary is
// fitted on the texts as train() fits it for the attention model, then epochs of seeded shuffled
// batches, each with ~15% of its words hidden (masking.ts) and the encoder asked for them
// (src/models/masked-words.ts), AdamW on the dense parameters and lazy Adam on the table's
// touched rows (optimizer.ts), the learning rate falling linearly to 0, gradients clipped as the
// attention model's training clips them. The result is an encoder file (src/model-file/encoder-
// file.ts) that train({ init }) starts a classifier from. Same texts, options and seed → the
// same bytes. Labels play no part: the texts may be a task's own training texts.

import { ENCODER_DEFAULTS, encoderHidden } from '../models/attention-model.js';
import { MaskedWordModel } from '../models/masked-words.js';
import { Random } from '../nn/random.js';
import { encodeEncoder, type PretrainingRecord } from '../model-file/encoder-file.js';
import { Runtime, type RuntimeOptions } from '../runtime/runtime.js';
import { resolveFeatureOptions, type FeatureOptions } from '../text/feature-options.js';
import { Featurizer, ORDERED_ID_OFFSET } from '../text/features.js';
import { createTokenizer } from '../text/tokenize.js';
import { maskBatch, UnigramSampler } from './masking.js';
import { ModelOptimizer } from './optimizer.js';
import { ATTENTION_DEFAULTS, checkPositiveInt, definedOnly } from './options.js';
import { learningRate } from './schedule.js';

/** How pretrain() trains the encoder; every field has a default. */
export interface PretrainOptions {
  /** Embedding width (default 64, as train()'s). */
  dim?: number;
  /** Encoder layers (default 1). */
  layers?: number;
  /** Attention heads (default 4). */
  heads?: number;
  /** Feed-forward width (default 128). */
  ff?: number;
  /** Longest text in tokens (default 64); longer ones are cut. */
  maxLen?: number;
  /** Layer normalisation before each block (default false: after, as train()'s). */
  normFirst?: boolean;
  /** Passes over the texts (default 5). */
  epochs?: number;
  /** AdamW's learning rate, falling linearly to 0 (default 1e-3). */
  lr?: number;
  /** Texts per step (default 32). */
  batch?: number;
  /** The seed of weights, shuffling, masking and dropout (default 0). */
  seed?: number;
  /** The share of words hidden (default 0.15, BERT's). */
  maskRate?: number;
  /** Negatives shared by each batch's masked words (default 128). */
  negatives?: number;
  /** The encoder's dropout (default 0.1, as train()'s). */
  dropout?: number;
  /** Featurizer settings (the tokenizer, minCount, maxVocabulary); the classifier started from the file keeps them. */
  features?: FeatureOptions;
  /** Called after each epoch with its mean masked-word loss. */
  onEpoch?: (report: PretrainEpoch) => void;
  /** The WebAssembly runtime's settings. */
  runtime?: RuntimeOptions;
}

/** One epoch of pretraining. */
export interface PretrainEpoch {
  /** 1-based. */
  epoch: number;
  /** Mean masked-word loss over the epoch's batches (cross-entropy among the sampled candidates). */
  loss: number;
  /** Seconds since pretraining started. */
  seconds: number;
}

/** What pretrain() gives: the encoder file's bytes and each epoch's loss. */
export interface PretrainResult {
  /** The pretrained encoder's file: give it to train() as `init` (or write it, for `sentiwasm train --init`). */
  bytes: Uint8Array;
  /** Each epoch's loss, in order. */
  epochs: PretrainEpoch[];
  /** Words in the vocabulary. */
  words: number;
}

/**
 * Pretrains the attention model's encoder on `texts` by masked-word prediction.
 * @example
 * ```ts
 * const { bytes } = await pretrain(texts, { epochs: 3 });
 * const model = await train(labelled, { arch: 'attention', init: bytes });
 * ```
 */
export async function pretrain(texts: Iterable<string>, options: PretrainOptions = {}): Promise<PretrainResult> {
  const o = {
    ...ATTENTION_DEFAULTS,
    dim: 64,
    epochs: 5,
    lr: 1e-3,
    batch: 32,
    seed: 0,
    maskRate: 0.15,
    negatives: 128,
    ...definedOnly(options),
  };
  for (const name of ['dim', 'layers', 'heads', 'ff', 'maxLen', 'epochs', 'batch', 'negatives'] as const)
    checkPositiveInt(name, o[name]);
  if (o.dim % o.heads !== 0) throw new RangeError(`dim (${o.dim}) must split evenly among ${o.heads} heads`);
  if (!(o.lr > 0)) throw new RangeError(`lr must be a positive number, got ${o.lr}`);
  if (!(o.maskRate > 0 && o.maskRate < 1)) throw new RangeError(`maskRate must be in (0, 1), got ${o.maskRate}`);
  if (!(o.dropout >= 0 && o.dropout < 1)) throw new RangeError(`dropout must be in [0, 1), got ${o.dropout}`);

  // The attention model reads words unmarked by negation (train() sets the same for it).
  const featureOptions = { ...o.features, tokenizer: { negation: false, ...definedOnly(o.features?.tokenizer ?? {}) } };
  const tokenize = createTokenizer(resolveFeatureOptions(featureOptions).tokenizer);
  const tokenLists = [...texts].map((text) => tokenize(text));
  const featurizer = Featurizer.fit(tokenLists, featureOptions);
  featurizer.freeze();
  const words = featurizer.vocabulary.size;
  if (words === 0) throw new RangeError('pretraining needs text with words in it; the texts have none');
  const sequences = tokenLists
    .map((tokens) => Int32Array.from(featurizer.orderedIds(tokens, o.maxLen)))
    .filter((ids) => ids.length > 0);
  const V = words + ORDERED_ID_OFFSET;
  const counts = new Float64Array(V);
  for (const ids of sequences) for (const id of ids) if (id >= ORDERED_ID_OFFSET) counts[id]++;
  const sampler = new UnigramSampler(counts);

  const encoder = { ...ENCODER_DEFAULTS, layers: o.layers, heads: o.heads, ff: o.ff, maxLen: o.maxLen };
  const shape = { rows: words, dim: o.dim, hidden: encoderHidden({ ...encoder, normFirst: o.normFirst }), classes: 2 };
  // A batch hides about rate × its words; room for twice that and a word per text covers any batch.
  const maxTargets = Math.ceil(2 * o.maskRate * o.batch * o.maxLen) + o.batch;
  const rt = await Runtime.create(o.runtime);
  const model = new MaskedWordModel(rt, shape, {
    maxBatch: o.batch,
    maxTargets,
    maxNegatives: o.negatives,
    seed: o.seed,
    dropout: o.dropout,
  });
  const optimizer = new ModelOptimizer(model.parameterGroups(), { kind: 'adam', lr: o.lr, weightDecay: 0 });
  rt.seal('masked-word pretraining');

  const rng = new Random(o.seed);
  const order = Array.from(sequences.keys());
  const steps = Math.ceil(sequences.length / o.batch);
  const total = steps * o.epochs;
  const negatives = new Int32Array(o.negatives);
  const reports: PretrainEpoch[] = [];
  const started = performance.now();
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    let lossSum = 0;
    let batches = 0;
    for (let s = 0; s < steps; s++) {
      const picked = order.slice(s * o.batch, (s + 1) * o.batch).map((i) => sequences[i]);
      for (let n = 0; n < negatives.length; n++) negatives[n] = sampler.draw(rng);
      const batch = maskBatch(picked, negatives, rng, { rate: o.maskRate, maxTargets, words });
      if (batch.positions.length === 0) continue;
      lossSum += model.forward(batch, optimizer.steps);
      batches++;
      model.backward();
      if (o.clipNorm > 0) optimizer.clipGradients(o.clipNorm);
      optimizer.step(learningRate(o.lr, optimizer.steps, total));
    }
    const report = { epoch, loss: batches ? lossSum / batches : 0, seconds: (performance.now() - started) / 1000 };
    reports.push(report);
    o.onEpoch?.(report);
  }
  const record: PretrainingRecord = {
    epochs: o.epochs,
    maskRate: o.maskRate,
    negatives: o.negatives,
    loss: reports[reports.length - 1].loss,
  };
  return { bytes: encodeEncoder(model.encoder, featurizer, record), epochs: reports, words };
}
