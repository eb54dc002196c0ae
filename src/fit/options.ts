// Training options: what a caller can ask for, the defaults, and the checks and derived values
// (epochs, members, learning rate) worked out from the data before anything is laid out.

import type { DatasetOptions } from '../data/datasets/options.js';
import type { SparseOptimizer } from '../nn/embedding-bag.js';
import type { RuntimeOptions } from '../runtime/runtime.js';
import type { FeatureOptions } from '../text/feature-options.js';
import { ENCODER_DEFAULTS, encoderHidden, type EncoderConfig } from '../models/attention-model.js';
import { modelClass, type Architecture } from '../models/registry.js';
import type { ScheduleName } from './schedule.js';
import {
  DEFAULT_CHECKPOINT_INTERVAL,
  parseCheckpointInterval,
  type CheckpointInterval,
} from './checkpoint-interval.js';
import { autoMembers } from './members.js';
import { availableCores, knownCores } from '../runtime/cores.js';

/** A text and its label; a label may be a string or a number, and predictions give it back as it was given. */
export interface LabelledText<L extends string | number = string> {
  /** The text to classify. */
  text: string;
  /** Its label: a class name, or a number standing for one. */
  label: L;
}

/** Labelled examples in memory, a stream of them (e.g. readExamplesFromFile), or a CSV/TSV/JSONL file path or URL (Node). */
export type TrainingData<L extends string | number = string> =
  Iterable<LabelledText<L>> | AsyncIterable<LabelledText<L>> | string | URL;

/** Progress after a batch, given to `onBatch` every `batchEvery` steps. */
export interface BatchInfo {
  /** With several members (see TrainOptions.members): which one is training, from 1. */
  member?: number;
  /** The epoch under way, from 1. */
  epoch: number;
  /** Steps done so far, over all epochs. */
  step: number;
  /** Steps the whole run will take, over all epochs. */
  totalSteps: number;
  /** The batch's mean loss. */
  loss: number;
  /** The learning rate the step used. */
  lr: number;
  /** Tokens (as the tokeniser cuts the texts: words, punctuation, Chinese words) processed per second so far. */
  tokensPerSecond: number;
  /** Seconds since training started. */
  seconds: number;
}

/** What one epoch achieved, given to `onEpoch` and listed in TrainResult.epochs. */
export interface EpochReport {
  /** With several members: whose epoch this was, from 1. */
  member?: number;
  /** The epoch, from 1. */
  epoch: number;
  /** Mean loss over the epoch's training examples. */
  trainLoss: number;
  /** Fraction of the epoch's training examples predicted right as they were trained on. */
  trainAccuracy: number;
  /** Mean loss on the validation data after the epoch, when there is validation data. */
  validLoss?: number;
  /** Accuracy on the validation data after the epoch, when there is validation data. */
  validAccuracy?: number;
  /** Seconds the epoch took. */
  seconds: number;
  /** Whitespace-separated input words processed per second in the epoch. */
  tokensPerSecond: number;
}

/**
 * Options for train(): the model, its size, the training schedule, validation, progress callbacks, threads and
 * checkpoints. Every field has a default (TRAIN_DEFAULTS, and the feature defaults of FeatureOptions).
 */
export interface TrainOptions extends FeatureOptions {
  /** The model: 'bag' (default), 'mlp' or 'attention'. */
  arch?: Architecture;
  /** Embedding width (default 64). */
  dim?: number;
  /**
   * Bag model: train it as this many independent members of dim/members columns each (own seed,
   * own shuffling), whose logits the saved model averages: a variance-reducing ensemble that is
   * still one bag model of width dim. Default: one member per 32 columns (dim 64 → 2); mlp: 1.
   */
  members?: number | 'auto';
  /** Hidden widths of the mlp head (default [64]). */
  hidden?: number[];
  /** Passes over the data; default: enough for about 60,000 examples seen, at least 5 and at most 50. */
  epochs?: number | 'auto';
  /** Base learning rate; 'auto' (default): the model's own (bag and mlp: SGD 2 and 0.2, Adam 0.003; attention: Adam 1e-3). */
  lr?: number | 'auto';
  /** Examples per step (default 8; the attention model's 32). */
  batch?: number;
  /** 'sgd' or 'adam'; 'auto' (default): SGD for the bag model, Adam for the mlp and attention models. */
  optimizer?: SparseOptimizer | 'auto';
  /** How the learning rate changes over the run (default 'linear': down to 0 at the last step, as fastText). */
  schedule?: ScheduleName;
  /** Steps (≥ 1) or a fraction of all steps (< 1) over which the rate rises linearly from 0 (default 0). */
  warmup?: number;
  /** Seeds the initial weights, shuffling and dropout: the same seed and data give the same model (default 0). */
  seed?: number;
  /** Examples to validate on after each epoch, a fraction to hold out, or a data file or (Node) data set ("sst2:dev"). */
  validation?: readonly LabelledText[] | number | string;
  /**
   * Train in a worker, off the calling thread: a module Web Worker in browsers, worker_threads in
   * Node. Progress callbacks, warnings, checkpoints and `signal` work as without it; the model
   * comes back as bytes and is loaded here. Default false.
   */
  worker?: boolean;
  /** In Node: how data-set names given as the data or `validation` are fetched (cache folder, offline, …). */
  datasets?: DatasetOptions;
  /**
   * Stop after this many epochs without a better validation loss, keeping the best weights
   * (default: a quarter of the epochs, at least 3; 0 = never stop, keep the last weights).
   */
  patience?: number | 'auto';
  /**
   * Which validation score picks the epoch whose weights are kept: 'loss' (the default), the
   * lowest loss; 'accuracy', the highest accuracy, the lower loss among equals. Not with
   * checkpoints, which keep the best epoch's loss only.
   */
  bestBy?: 'loss' | 'accuracy';
  /** Weight classes by inverse frequency ('auto') or by name. */
  classWeights?: 'auto' | Record<string, number>;
  /** Class names in order; default: the labels seen, sorted (numerically when they are numbers). */
  labels?: string[];
  /** Word vectors to start from (e.g. read with parseVectors); words the model keeps get them. */
  pretrainedVectors?: Map<string, Float32Array>;
  /** L2 weight decay (SGD only; applied to the embedding rows a batch uses and to the head; default 0). */
  weightDecay?: number;
  /** Leave out each feature of a training example with this probability (word dropout; default 0.2). */
  featureDropout?: number;
  /**
   * Bag model: start each feature's vector from its naive-Bayes log-count ratios times this
   * (e.g. 0.1; default 0: a random start only; not with mlp or pretrained vectors). See naive-bayes-start.ts.
   */
  naiveBayesStart?: number;
  /** Fit a softmax temperature on the validation data (default true when there is validation data). */
  calibrate?: boolean;
  /** Called with progress every `batchEvery` steps and at the last step. */
  onBatch?: (info: BatchInfo) => void;
  /**
   * Stops training early when aborted: the run ends at the next step and resolves to the model so
   * far (the best epoch's weights when there is validation data; with several members, the mean
   * of those trained so far). Aborted before the first step, training rejects with its reason.
   */
  signal?: AbortSignal;
  /** Called every this many steps (default 100). */
  batchEvery?: number;
  /** Called with each epoch's report as it ends. */
  onEpoch?: (report: EpochReport) => void;
  /** Told about data that will train poorly (e.g. most labels with only a few examples); also in TrainResult.warnings. */
  onWarning?: (message: string) => void;
  /**
   * Hands the bytes of a checkpoint to `save` every `every` (default "60s"): a number of steps
   * over all members (1000), or a time ("60s", "5m", { seconds: 60 }) counted from the end of
   * the last save. Each holds the whole state of the run, from which `resume` carries on to the
   * same model bytes; a whole one costs about the model's size (two, three times with Adam's
   * moments or several members) in copying and writing (see `append` for less), so time suits
   * large models better than steps.
   * Once the run has ended (not stopped), `remove` is called, unless `keepCheckpoint`.
   */
  checkpoint?: {
    /** How often to checkpoint: a number of steps (counted over all members), or a time ("60s", "5m", { seconds }). Default "60s". */
    every?: CheckpointInterval;
    /** Keeps a whole checkpoint's bytes (e.g. writes them to a file); training waits for a returned promise. */
    save: (bytes: Uint8Array) => void | Promise<void>;
    /**
     * Given, most checkpoints are patches instead: the bytes to add after those saved last (what
     * changed since: for a bag model, the head and the table rows the steps used), so that a
     * checkpoint costs what changed rather than the whole model. `resume` takes the bytes saved
     * followed by those appended; a patch cut off at the end is left out. Now and then (once
     * the patches add up to the whole) `save` is called again with a whole checkpoint.
     */
    append?: (bytes: Uint8Array) => void | Promise<void>;
    /** Removes what `save` and `append` kept, once a run has ended (unless keepCheckpoint). */
    remove?: () => void | Promise<void>;
  };
  /** Keep the checkpoint after a run that ended: `checkpoint.remove` is not called. */
  keepCheckpoint?: boolean;
  /** The bytes of a checkpoint of this run (same data and options) to carry on from. */
  resume?: Uint8Array;
  /** Attention model: encoder layers (default 1). */
  layers?: number;
  /** Attention model: attention heads per layer; dim must split evenly among them (default 4). */
  heads?: number;
  /** Attention model: the feed-forward block's width (default 128). */
  ff?: number;
  /** Attention model: the longest text in tokens; longer texts are truncated to their first maxLen tokens (default 64). */
  maxLen?: number;
  /** Attention model: dropout after attention, inside and after the feed-forward block (default 0.1). */
  dropout?: number;
  /** Attention model: layer normalisation before each block instead of after each residual sum (default false, as PyTorch). */
  normFirst?: boolean;
  /** Attention model: pool the masked mean of the positions (default) or the first position. */
  pooling?: 'mean' | 'first';
  /** Attention model: clip the gradients' global L2 norm to this before each step (default 1; 0 = never). */
  clipNorm?: number;
  /**
   * Threads to train on, or 'auto' (the default): the cores there are, up to AUTO_THREADS_MAX,
   * wherever that gives the same bytes as one thread or the model gains from it; else 1.
   * - A bag model of several members (the default at dim 64) trains its members side by side,
   *   one per thread: the same bytes as on one thread. 'auto' takes up to one thread a member.
   * - A bag model of one member trains on all threads at once, each taking its share of every
   *   epoch's examples and updating the shared weights without locks (Hogwild, as fastText): not
   *   byte-reproducible, as the threads' updates interleave differently on every run; 'auto'
   *   leaves it on one thread.
   * - The mlp and attention models train data-parallel: each thread takes a slice of every
   *   batch, and their gradients are merged in a fixed order before the one update. A run gives
   *   the same bytes every time on the same number of threads (a different number gives
   *   different, equally good, bytes: pass 1 for bytes that match on every machine). 'auto' uses
   *   threads for the models whose steps gain from them (see TextModelClass.parallelSteps) and
   *   no more threads than AUTO_THREADS_MIN_EXAMPLES examples each.
   * Where threads cannot start (a browser page that is not cross-origin isolated), training uses
   * one, with a warning when more were asked for by number. A number above the cores there are
   * is cut to them, with a warning: more threads than cores only take turns.
   */
  threads?: number | 'auto';
  /** Options for the WebAssembly runtime the model is built in. */
  runtime?: RuntimeOptions;
}

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
};
/** The attention model's defaults (W5's model, with dropout and clipping for the default run). */
export const ATTENTION_DEFAULTS = { ...ENCODER_DEFAULTS, dropout: 0.1, clipNorm: 1 };
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
    }),
  };
  if (!used) return e;
  for (const name of ['layers', 'heads', 'ff', 'maxLen'] as const) checkPositiveInt(name, e[name]);
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
