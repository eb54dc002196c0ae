// What a caller of train() can ask for: the examples, the options, and what the progress hooks
// receive. The defaults and the checks are in options.ts.

import type { DatasetOptions } from '../data/datasets/options.js';
import type { SparseOptimizer } from '../nn/embedding-bag.js';
import type { RuntimeOptions } from '../runtime/runtime.js';
import type { FeatureOptions } from '../text/feature-options.js';
import type { Architecture } from '../models/registry.js';
import type { ScheduleName } from './schedule.js';
import type { CheckpointInterval } from './checkpoint-interval.js';

/** One training example: a text and its label. */
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
  /**
   * Word vectors to start from (read with loadVectors, by name such as "glove-6b-100d" or from a
   * file); words the model keeps get them. Their width must be dim.
   */
  pretrainedVectors?: Map<string, Float32Array>;
  /**
   * The learning rate of the rows pretrained vectors filled, as a multiple of lr: 0 keeps them
   * frozen (Kim's static vectors), 0.1 tunes them slowly, 1 (default) as every other row. Rows of
   * words the vectors lack learn at the full rate.
   */
  vectorsLr?: number;
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
   * Attention model: hashed word bigrams, in this many buckets (default 100,000; 0: none). Each
   * position adds to its token embedding a learned row for the pair (previous word, this word),
   * hashed as fastText hashes word bigrams, so the encoder sees word pairs from the first layer.
   */
  attentionBigrams?: number;
  /**
   * Attention model: the bytes of a pretrained encoder file (pretrain(), `sentiwasm pretrain`) to
   * start from: its vocabulary, its encoder sizes and weights and its token table; the
   * classification head starts fresh. Sizes given here must agree with the file's (those left
   * unset are taken from it); the featurizer's settings are the file's.
   */
  init?: Uint8Array;
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
