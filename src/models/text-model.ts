// The contract between a text model and everything around it. A text model maps bags (or, for
// later architectures, sequences) of feature rows to class logits, trains by backpropagation,
// and names its tensors; the text-facing shell (src/classifier/classifier.ts) tokenises, keeps labels
// and calls these methods, and never asks which architecture it holds. The registry
// (registry.ts) maps an architecture's name to its class.

import type { ParameterBlock } from '../nn/parameters.js';
import type { SparseOptimizer, SparseRows } from '../nn/sparse-rows.js';
import type { Runtime } from '../runtime/runtime.js';
import type { FeatureSpan } from '../text/features.js';

/** The sizes a model is built from; with the architecture's name they are what a model file records. */
export interface ModelShape {
  /** Feature rows the featurizer gives ids for: the embedding table's rows. */
  rows: number;
  /** Embedding width. */
  dim: number;
  /** Hidden widths between the embedding and the logits ([] for none). */
  hidden: number[];
  classes: number;
}

/** How a model is laid out in its runtime, and trained: batch capacity, optimiser, initial weights. */
export interface ModelLayout {
  /** Examples per batch. */
  maxBatch: number;
  /** Feature ids per batch, all examples together. */
  maxIds: number;
  /**
   * The optimiser training uses (src/fit/optimizer.ts): SGD, or Adam (AdamW on the dense
   * parameters). The bag models lay the table's Adam moments out with the table.
   */
  optimizer: SparseOptimizer;
  seed: number;
  /** Draw initial weights (default true); false leaves zeros, for weights loaded or merged in. */
  initialise?: boolean;
  /** Lay out what training needs (default true); a model loaded only to predict skips backward's buffers. */
  training?: boolean;
  /** Sequence models: the probability of dropping an activation in training (default 0). */
  dropout?: number;
  /** Clip the gradients' global L2 norm to this before each step (default 0: no clipping); read by the training step (src/fit/step.ts). */
  clipNorm?: number;
}

/** A tensor by name, as model files, checkpoints and exports see it. */
export interface NamedTensor {
  name: string;
  shape: number[];
  /** A fresh view of its values in linear memory. */
  values(): Float32Array;
}

/** Copies of every tensor's values, by name: what early stopping and checkpoints keep. */
export type WeightSnapshot = Record<string, Float32Array>;

/** Each token's share of the score; see TextClassifier.explain. */
export interface ModelExplanation {
  score: number;
  bias: number;
  contributions: Float64Array;
  method: ExplanationMethod;
}

/**
 * How explain() splits a score: 'exact' (a linear head), 'occlusion' (the drop in score when a
 * token is left out), 'gradient×input' (the score's gradient at each token's embedding, dotted
 * with that embedding; the bias is what the tokens leave unexplained).
 * @inline
 */
export type ExplanationMethod = 'exact' | 'occlusion' | 'gradient×input';

/**
 * What an optimiser updates (src/fit/optimizer.ts), as tinygrad's get_parameters(model) gives
 * its Optimizer: the dense blocks (values and gradients each one block, stepped as one flat loop)
 * and the tables whose rows a batch touched (updated in those rows alone).
 */
export interface ParameterGroups {
  dense: readonly ParameterBlock[];
  sparse: readonly SparseRows[];
}

export interface TextModel {
  /** The architecture's name in the registry and in model files. */
  readonly arch: string;
  readonly shape: ModelShape;
  readonly runtime: Runtime;
  readonly maxBatch: number;
  /**
   * Set for a model that reads ordered token ids (Featurizer.orderedIds, at most this many per
   * text: longer texts are truncated) instead of bags of feature rows: what load(), logits() and
   * explain() are then given. Undefined for the bag models.
   */
  readonly sequenceLength?: number;

  /** Loads a training batch: feature rows of every example back to back, `offsets` (batch + 1) where each starts. */
  load(rows: ArrayLike<number>, offsets: Int32Array, batch: number): void;
  /**
   * Forward pass of the loaded batch in training mode; returns the offset of its logits [batch ×
   * classes]. `step` (updates so far) seeds dropout's masks, so that a resumed run drops as the
   * uninterrupted one.
   */
  forward(batch: number, step?: number): number;
  /** Where the loss writes ∂loss/∂logits [maxBatch × classes] before backward. */
  readonly logitsGradPtr: number;
  /** Zeroes every gradient (parameters and activations, ∂loss/∂logits included): before the loss writes its part. */
  zeroGrad(): void;
  /** Accumulates every gradient from ∂loss/∂logits: the forward pass read in reverse. */
  backward(batch: number): void;
  /** What an optimiser updates: the model's dense parameter blocks and sparse tables. */
  parameterGroups(): ParameterGroups;

  /** Every tensor, by name, in a fixed order. */
  tensors(): NamedTensor[];
  /** The vector of each feature row [rows × dim]: word vectors for nearest neighbours and exports. */
  rowVectors(): Float32Array;
  /** Must be called after weights are changed from outside (caches derived from them go stale). */
  weightsChanged(): void;

  /**
   * Logits [n × classes] of n items in evaluation mode, where `appendRows(i, out)` appends item
   * i's feature rows; items of any length (a long one is taken in parts).
   */
  logits(n: number, appendRows: (i: number, out: number[]) => void): Float32Array;
  /** Each token's share of the score of `target` (see TextClassifier.explain). */
  explain(
    tokenCount: number,
    spans: readonly FeatureSpan[],
    uniqueFeatures: boolean,
    target: number,
    ids?: readonly number[],
  ): ModelExplanation;
  /** Attention models: the attention weights of one text's ordered ids, [layer][head] each [T × T] row-major. */
  attentionWeights?(ids: readonly number[]): Float32Array[][];
}

/** The class side of a model: how the registry builds one. */
export interface TextModelClass {
  /** The architecture's name. */
  readonly arch: string;
  /** Whether independent members of it can be averaged into one model of it (see BagModel.addMember). */
  readonly averagesMembers: boolean;
  /**
   * Whether threads may update its weights without locks (Hogwild, as fastText trains): sparse
   * updates of a linear model, which shrug off a stale read. Other models train data-parallel.
   */
  readonly hogwild?: boolean;
  /**
   * Whether its data-parallel steps gain from more threads enough that threads: 'auto' uses them:
   * a step's forward and backward (split among threads) must far outweigh its merge and update
   * (one thread's).
   */
  readonly parallelSteps?: boolean;
  /** Whether the logits are linear in the mean feature vector (a naive-Bayes start needs that). */
  readonly linearHead: boolean;
  /** What training uses unless told otherwise: the optimiser, and the learning rate for each. */
  readonly defaults: {
    optimizer: SparseOptimizer;
    lr: Record<SparseOptimizer, number>;
    batch?: number;
    featureDropout?: number;
  };
  /** Whether the model reads ordered token ids (see TextModel.sequenceLength) rather than bags of feature rows. */
  readonly sequenceInput?: boolean;
  create(rt: Runtime, shape: ModelShape, layout: ModelLayout): TextModel;
  /** Checks a shape read from a file; returns what is wrong, or undefined. */
  checkShape(shape: ModelShape): string | undefined;
  /** Floats a model of this shape lays out beyond its tensors and their gradients (caches such as the bag's row scores). */
  extraFloats(shape: ModelShape): number;
  /** The tensors a model of this shape has, by name and shape, in tensors()' order (read before building one). */
  tensorShapes(shape: ModelShape): { name: string; shape: number[] }[];
  /**
   * A bound on the absolute value of any logit any input can give, from the weights: a file
   * whose weights could overflow float32 is refused rather than predicting NaN.
   */
  scoreBound(shape: ModelShape, tensors: Record<string, Float32Array>): number;
}

/** The score explain() splits: the logit margin for two classes, else the target's logit minus the mean logit. */
export function scoreOf(logits: Float32Array, row: number, classes: number, target: number): number {
  const at = row * classes;
  if (classes === 2) return logits[at + 1] - logits[at];
  let mean = 0;
  for (let c = 0; c < classes; c++) mean += logits[at + c] / classes;
  return logits[at + target] - mean;
}
