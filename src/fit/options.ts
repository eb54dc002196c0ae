// Training options: what a caller can ask for, the defaults, and the checks and derived values
// (epochs, members, learning rate) worked out from the data before anything is laid out.

import type { SparseOptimizer } from '../nn/embedding-bag.js';
import { ENCODER_DEFAULTS, MAX_BIGRAM_BUCKETS, encoderHidden, type EncoderConfig } from '../models/attention-model.js';
import { modelClass, type Architecture } from '../models/registry.js';
import type { ScheduleName } from './schedule.js';
import { DEFAULT_CHECKPOINT_INTERVAL, parseCheckpointInterval } from './checkpoint-interval.js';
import { autoMembers } from './members.js';
import { availableCores, knownCores } from '../runtime/cores.js';

import type { TrainOptions } from './train-options.js';

export type { LabelledText, TrainingData, BatchInfo, EpochReport, TrainOptions } from './train-options.js';

/**
 * A training example contributes at most this many features per step: a text longer than that
 * (in unigrams, n-grams and subwords) contributes an evenly spread sample of them, drawn anew
 * each time it is met. The batch buffers then depend on the batch size, not on the longest text
 * (a 5 MB text would otherwise ask for gigabytes). Prediction uses every feature. The longest
 * ChnSentiCorp review has 10,098 features (character 1–3-grams); SST-2's longest sentence 103.
 */
export const MAX_TRAINING_FEATURES = 16_384;
/** A WebAssembly memory holds at most 4 GiB; a model that needs more is refused before training. */
export const WASM_MEMORY_LIMIT = 4 * 1024 ** 3;
/** Labels with fewer examples than this train poorly; when most labels have so few, training warns. */
const FEW_EXAMPLES = 5;
/** `value` typed as the option it fills, not as the literal it is (checked, unlike a cast). */
const widen = <T>(value: T): T => value;
/** The defaults: the settings `sentiwasm train FILE` uses. */
export const TRAIN_DEFAULTS = {
  /** The bag-of-n-grams model. */
  arch: widen<Architecture>('bag'),
  /** Embedding width. */
  dim: 64,
  /** One hidden layer of 64 in the mlp head. */
  hidden: [64],
  /** One bag member per 32 columns. */
  members: widen<number | 'auto'>('auto'),
  /** Enough for about 60,000 examples seen, at least 5 and at most 50. */
  epochs: widen<number | 'auto'>('auto'),
  /** SGD: 2 for the bag model, 0.2 for the mlp head; Adam: 0.003. */
  lr: widen<number | 'auto'>('auto'),
  /** Examples per step. */
  batch: 8,
  /** SGD for the bag model; the mlp head learns far better with Adam. */
  optimizer: widen<SparseOptimizer | 'auto'>('auto'),
  /** The rate falls linearly to 0 at the last step. */
  schedule: widen<ScheduleName>('linear'),
  /** No warm-up. */
  warmup: 0,
  /** The seed of weights, shuffling and dropout. */
  seed: 0,
  /** A quarter of the epochs, at least 3. */
  patience: widen<number | 'auto'>('auto'),
  /** Word dropout: each feature of an example is left out with this probability. */
  featureDropout: 0.2,
  /** A random start, not a naive-Bayes one. */
  naiveBayesStart: 0,
  /** No weight decay. */
  weightDecay: 0,
  /** Pretrained vectors learn at the rate of every other row. */
  vectorsLr: 1,
};
/** The attention model's defaults (W5's model, with dropout and clipping for the default run). */
/**
 * The attention model's training defaults: the encoder's, with hashed word bigrams in 100,000
 * buckets (+2 points over none on 10 SST-2 folds, +1.5 on ChnSentiCorp's 5; docs/accuracy.md).
 * A model file without a bigram size has none (ENCODER_DEFAULTS).
 */
export const ATTENTION_DEFAULTS = { ...ENCODER_DEFAULTS, bigrams: 100_000, dropout: 0.1, clipNorm: 1 };
export type Resolved = ReturnType<typeof resolveOptions>;
/** The most threads threads: 'auto' takes: beyond it, a step's merge and the memory of each thread's copy outweigh a further core. */
export const AUTO_THREADS_MAX = 4;
/** The fewest examples per thread that threads: 'auto' asks for: below it, starting threads takes about as long as it saves. */
export const AUTO_THREADS_MIN_EXAMPLES = 2000;

/** The members `options` ask for: their count, or for 'auto' (the default) autoMembers' choice. */
function membersOf(arch: Architecture, options: TrainOptions): number {
  const members = options.members ?? TRAIN_DEFAULTS.members;
  return members === 'auto'
    ? autoMembers(arch, options.dim ?? TRAIN_DEFAULTS.dim, options.pretrainedVectors !== undefined)
    : members;
}

/** What threads: 'auto' means for this architecture, options and data size (see TrainOptions.threads). */
export function autoThreads(arch: Architecture, options: TrainOptions, examples: number): number {
  if (options.checkpoint || options.resume) return 1;
  const model = modelClass(arch);
  const threads = Math.max(
    1,
    Math.min(availableCores(), AUTO_THREADS_MAX, Math.floor(examples / AUTO_THREADS_MIN_EXAMPLES)),
  );
  if (model.hogwild) {
    const members = membersOf(arch, options);
    return members > 1 ? Math.min(threads, members) : 1;
  }
  return model.parallelSteps ? threads : 1;
}

/**
 * A thread count asked for by number, at most the cores there are: more threads than cores only
 * take turns, each holding its own copy of the model's working memory. Said through `warn`.
 * @example capThreads(8, (m) => console.warn(m)) // 2 on a machine of 2 cores, with a warning
 */
export function capThreads(threads: number, warn?: (message: string) => void): number {
  // Where nothing says how many cores there are, nothing is cut (threads may not start at all: see train).
  const cores = knownCores();
  if (cores === undefined || !(Number.isInteger(threads) && threads > cores)) return threads;
  warn?.(`threads: ${threads} asked for, ${cores} cores here; training on ${cores}`);
  return cores;
}

/**
 * The options with every default filled in, the 'auto' ones from the data size and architecture;
 * `warn` hears of what was changed (a thread count above the cores there are).
 */
export function resolveOptions(options: TrainOptions, examples: number, warn?: (message: string) => void) {
  const chosen = { ...TRAIN_DEFAULTS, ...definedOnly(options) };
  const epochs = chosen.epochs === 'auto' ? autoEpochs(examples) : chosen.epochs;
  const model = modelClass(chosen.arch);
  const optimizer: SparseOptimizer = chosen.optimizer === 'auto' ? model.defaults.optimizer : chosen.optimizer;
  const encoder = resolveEncoder(options, chosen.dim, model.sequenceInput === true);
  const o = {
    ...chosen,
    threads:
      chosen.threads === undefined || chosen.threads === 'auto'
        ? autoThreads(chosen.arch, options, examples)
        : capThreads(chosen.threads, warn),
    ...(model.sequenceInput ? sequenceDefaults(options, model.defaults) : {}),
    hidden: model.sequenceInput ? encoderHidden(encoder) : chosen.hidden,
    encoder,
    epochs,
    optimizer,
    lr: chosen.lr === 'auto' ? model.defaults.lr[optimizer] : chosen.lr,
    patience: chosen.patience === 'auto' ? Math.max(3, Math.round(epochs / 4)) : chosen.patience,
    members: membersOf(chosen.arch, options),
  };
  checkPositiveInt('dim', o.dim);
  checkPositiveInt('members', o.members);
  if (o.members > 1) {
    if (!model.averagesMembers)
      throw new RangeError(
        `members > 1 needs the bag architecture; the ${o.arch} head cannot be averaged into one model`,
      );
    if (o.dim % o.members !== 0) throw new RangeError(`dim (${o.dim}) must split evenly among ${o.members} members`);
    if (options.pretrainedVectors) throw new RangeError('pretrained vectors start one model: use members 1 with them');
  }
  checkPositiveInt('batch', o.batch);
  checkPositiveInt('epochs', o.epochs);
  if (!(o.lr > 0)) throw new RangeError(`lr must be a positive number, got ${o.lr}`);
  if (o.weightDecay && o.optimizer !== 'sgd' && !model.sequenceInput)
    throw new RangeError('weightDecay works with the sgd optimizer only');
  if (!(o.featureDropout >= 0 && o.featureDropout < 1))
    throw new RangeError(`featureDropout must be in [0, 1), got ${o.featureDropout}`);
  if (!(o.naiveBayesStart >= 0 && Number.isFinite(o.naiveBayesStart)))
    throw new RangeError(`naiveBayesStart must be a number ≥ 0, got ${o.naiveBayesStart}`);
  if (o.naiveBayesStart > 0 && !model.linearHead)
    throw new RangeError(`naiveBayesStart works with the bag architecture only, not ${o.arch}`);
  if (o.naiveBayesStart > 0 && options.pretrainedVectors)
    throw new RangeError('naiveBayesStart and pretrained vectors are two starting points: use one');
  if (!(o.vectorsLr >= 0 && Number.isFinite(o.vectorsLr)))
    throw new RangeError(`vectorsLr must be a number ≥ 0, got ${o.vectorsLr}`);
  if (o.vectorsLr !== 1 && !options.pretrainedVectors)
    throw new RangeError('vectorsLr needs pretrainedVectors: give pretrainedVectors with it');
  checkPositiveInt('threads', o.threads);
  if (o.threads > 1) {
    if (options.checkpoint || options.resume)
      throw new RangeError(`checkpoints need threads 1: a run on ${o.threads} threads cannot be replayed from one`);
  }
  if (options.checkpoint) parseCheckpointInterval(options.checkpoint.every ?? DEFAULT_CHECKPOINT_INTERVAL);
  if (options.bestBy !== undefined && options.bestBy !== 'loss' && options.bestBy !== 'accuracy')
    throw new RangeError(`bestBy must be 'loss' or 'accuracy', got ${JSON.stringify(options.bestBy)}`);
  if (options.bestBy === 'accuracy' && (options.checkpoint || options.resume))
    throw new RangeError("bestBy 'accuracy' cannot go with checkpoints, which keep the best epoch's loss only");
  return o;
}

/** The attention model's settings, checked (read by sequence models only). */
function resolveEncoder(
  options: TrainOptions,
  dim: number,
  used: boolean,
): EncoderConfig & { dropout: number; clipNorm: number } {
  const e = {
    ...ATTENTION_DEFAULTS,
    ...definedOnly({
      layers: options.layers,
      heads: options.heads,
      ff: options.ff,
      maxLen: options.maxLen,
      dropout: options.dropout,
      normFirst: options.normFirst,
      pooling: options.pooling,
      clipNorm: options.clipNorm,
      bigrams: options.attentionBigrams,
    }),
  };
  if (!used) return e;
  for (const name of ['layers', 'heads', 'ff', 'maxLen'] as const) checkPositiveInt(name, e[name]);
  if (!(Number.isInteger(e.bigrams) && e.bigrams >= 0 && e.bigrams <= MAX_BIGRAM_BUCKETS))
    throw new RangeError(
      `attentionBigrams must be an integer from 0 (no bigrams) to ${MAX_BIGRAM_BUCKETS} buckets, got ${e.bigrams}`,
    );
  if (dim % e.heads !== 0) throw new RangeError(`dim (${dim}) must split evenly among ${e.heads} heads`);
  if (!(e.dropout >= 0 && e.dropout < 1)) throw new RangeError(`dropout must be in [0, 1), got ${e.dropout}`);
  if (!(e.clipNorm >= 0 && Number.isFinite(e.clipNorm)))
    throw new RangeError(`clipNorm must be a number ≥ 0, got ${e.clipNorm}`);
  if (e.pooling !== 'mean' && e.pooling !== 'first')
    throw new RangeError(`pooling must be "mean" or "first", got ${JSON.stringify(e.pooling)}`);
  return e;
}

/** A sequence model's own defaults for what the caller left unset (batch size, word dropout). */
function sequenceDefaults(
  options: TrainOptions,
  defaults: { batch?: number; featureDropout?: number },
): { batch?: number; featureDropout?: number } {
  return {
    ...(options.batch === undefined && defaults.batch !== undefined ? { batch: defaults.batch } : {}),
    ...(options.featureDropout === undefined && defaults.featureDropout !== undefined
      ? { featureDropout: defaults.featureDropout }
      : {}),
  };
}

/**
 * Refuses a label column that holds about as many distinct values as there are rows (ids, texts
 * or scores read as labels): nothing can be learned from it, and a softmax over every row is slow.
 */
export function checkLabelCount(labels: number, examples: number): void {
  if (labels >= 10 && labels * 2 > examples) {
    throw new RangeError(
      `${labels} different labels among ${examples} examples: the label column seems to hold something else (ids, texts or scores). ` +
        'Check which column holds the labels and name it (labelColumn, or --label-column in the CLI)',
    );
  }
}

/** A warning when most labels have fewer than FEW_EXAMPLES examples. */
export function labelWarnings(counts: Record<string, number>): string[] {
  const values = Object.values(counts);
  const few = values.filter((n) => n < FEW_EXAMPLES).length;
  if (values.length <= 2 || few * 2 <= values.length) return [];
  return [
    `${few} of the ${values.length} labels have fewer than ${FEW_EXAMPLES} examples each; a classifier learns little from so few. ` +
      'Check the label column (labelColumn, --label-column), or gather more examples per label',
  ];
}

/** Refuses, before anything is laid out, a model bigger than a WebAssembly memory can hold. */
export function checkModelSize(rows: number, o: Resolved): void {
  // The table, Adam's two moments of it when used, and the members' own tables beside the merged one.
  const copies = (o.optimizer === 'adam' ? 3 : 1) + (o.members > 1 ? 1 : 0);
  const bytes = Math.max(1, rows) * o.dim * 4 * copies;
  if (bytes < WASM_MEMORY_LIMIT * 0.9) return;
  const maxDim = Math.floor((WASM_MEMORY_LIMIT * 0.9) / (Math.max(1, rows) * 4 * copies));
  throw new RangeError(
    `the model would need ${(bytes / 1024 ** 3).toFixed(1)} GB of WebAssembly memory (${rows} feature rows × dim ${o.dim}), ` +
      `more than the 4 GB one can hold. Lower dim (at most ${maxDim} here), or keep fewer features: fewer buckets, a higher minCount, shorter n-grams`,
  );
}

/** Small data sets need more passes: aim at ~60,000 examples seen, within 5..50 epochs. */
export function autoEpochs(examples: number): number {
  return Math.min(50, Math.max(5, Math.ceil(60_000 / examples)));
}

/**
 * Numbers in numeric order, anything else alphabetically.
 * @example
 * ```ts
 * sortLabels(['10', '2', '1']) // ['1', '2', '10']
 * ```
 */
export function sortLabels(labels: Iterable<string>): string[] {
  const list = [...labels];
  const numeric = list.every((l) => l.trim() !== '' && Number.isFinite(Number(l)));
  return numeric ? list.sort((a, b) => Number(a) - Number(b)) : list.sort();
}

export function resolveClassWeights(
  spec: TrainOptions['classWeights'],
  labels: string[],
  counts: Record<string, number>,
): Float32Array | undefined {
  if (!spec) return undefined;
  const total = labels.reduce((s, l) => s + counts[l], 0);
  if (spec === 'auto') return Float32Array.from(labels, (l) => (counts[l] ? total / (labels.length * counts[l]) : 0));
  for (const key of Object.keys(spec))
    if (!labels.includes(key)) throw new RangeError(`class weight for unknown label "${key}"`);
  return Float32Array.from(labels, (l) => {
    const w = spec[l] ?? 1;
    if (!(w >= 0)) throw new RangeError(`class weight of "${l}" must be ≥ 0, got ${w}`);
    return w;
  });
}

export function checkPositiveInt(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
}

export function definedOnly<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key in o) if (Object.hasOwn(o, key) && o[key] !== undefined) out[key] = o[key];
  return out;
}
