// One training step of a text model: load the batch, forward to logits, softmax cross-entropy,
// the same read in reverse, then the update (clipping, then the optimiser's step: optimizer.ts).
// This is the step train() runs, and the one the tests drive directly.

import { CrossEntropyLoss } from '../nn/losses.js';
import type { SparseOptimizer } from '../nn/sparse-rows.js';
import type { TextModel } from '../models/text-model.js';
import { ModelOptimizer, type PretrainedRows } from './optimizer.js';

/** A batch as the step takes it: feature rows back to back, where each example starts, targets, weights. */
export interface StepBatch {
  rows: Int32Array;
  /** batch + 1 entries. */
  offsets: Int32Array;
  targets: Int32Array;
  /** Per-example loss weights; read only when the step was made with class weights. */
  weights: Float32Array;
}

/** How a step trains: the optimiser and its settings, and whether examples carry loss weights. */
export interface StepOptions {
  /** The optimiser (the model's layout names it: ModelLayout.optimizer). */
  optimizer: SparseOptimizer;
  lr: number;
  weightDecay: number;
  /** Clip the gradients' global L2 norm to this before each update (0 or unset: no clipping; ModelLayout.clipNorm). */
  clipNorm?: number;
  classWeights: boolean;
  /** Rows pretrained vectors filled, which step at another rate (TrainOptions.vectorsLr). */
  pretrainedRows?: PretrainedRows;
}

export class TrainingStep {
  /** The model's optimiser: its state is saved and loaded with checkpoints. */
  readonly optimizer: ModelOptimizer;
  private readonly loss = new CrossEntropyLoss();
  private readonly clipNorm: number;
  private readonly targetPtr: number;
  private readonly weightPtr: number;

  /** Lays out the optimiser's state and the step's buffers (targets, weights), once. */
  constructor(
    private readonly model: TextModel,
    options: StepOptions,
  ) {
    this.optimizer = new ModelOptimizer(model.parameterGroups(), {
      kind: options.optimizer,
      lr: options.lr,
      weightDecay: options.weightDecay,
      pretrainedRows: options.pretrainedRows,
    });
    this.clipNorm = options.clipNorm ?? 0;
    this.targetPtr = model.runtime.alloc(model.maxBatch * 4, undefined, 'step.targets');
    this.weightPtr = options.classWeights ? model.runtime.allocF32(model.maxBatch, 'step.weights') : 0;
  }

  /**
   * Forward, loss, backward and update on `batch` examples; returns the mean loss and how many
   * the model got right before the update.
   */
  run(data: StepBatch, batch: number, lr: number): { loss: number; correct: number } {
    const result = this.gradients(data, batch);
    this.update(lr);
    return result;
  }

  /** Clips the gradients (when asked to), then one update of every parameter; caches derived from the weights go stale. */
  update(lr: number): void {
    if (this.clipNorm > 0) this.optimizer.clipGradients(this.clipNorm);
    this.optimizer.step(lr);
    this.model.weightsChanged();
  }

  /**
   * Forward, loss and backward on `batch` examples, leaving the gradients in the model; `share`
   * scales them (the part of a batch's weight these examples carry, when threads split a batch).
   */
  gradients(data: StepBatch, batch: number, share = 1): { loss: number; correct: number } {
    const { model, loss, targetPtr, weightPtr } = this;
    const rt = model.runtime;
    const C = model.shape.classes;
    model.load(data.rows, data.offsets, batch);
    const logits = model.forward(batch, this.optimizer.steps);
    rt.i32(targetPtr, batch).set(data.targets.subarray(0, batch));
    if (weightPtr) rt.f32(weightPtr, batch).set(data.weights.subarray(0, batch));
    const buffers = { batch, width: C, pred: logits, target: targetPtr, weights: weightPtr };
    const value = loss.forward(rt, buffers);
    const correct = countCorrect(rt.f32(logits, batch * C), data.targets, batch, C);
    model.zeroGrad();
    loss.backward(rt, model.logitsGradPtr, buffers, share);
    model.backward(batch);
    return { loss: value, correct };
  }
}

function countCorrect(logits: Float32Array, targets: Int32Array, batch: number, C: number): number {
  let correct = 0;
  for (let b = 0; b < batch; b++) {
    let arg = 0;
    for (let c = 1; c < C; c++) if (logits[b * C + c] > logits[b * C + arg]) arg = c;
    if (arg === targets[b]) correct++;
  }
  return correct;
}
