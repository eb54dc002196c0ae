// The training step and a small training loop over in-memory arrays. A step is: copy the batch
// in, forward, loss, zero gradients, backward, (clip), update. Everything it touches was laid
// out when the Trainer was made, so steps allocate nothing in WebAssembly memory.

import { toRows, type Sequential } from './sequential.js';
import type { Loss } from './losses.js';
import { clipGradNorm, type Optimizer } from './optimizers.js';
import { Random } from './random.js';

/** What a Trainer trains with: the loss, the optimiser, and optional gradient clipping. */
export interface TrainerOptions {
  /** The loss to minimise. */
  loss: Loss;
  /** The optimiser that updates the parameters. */
  optimizer: Optimizer;
  /** Rescale gradients to this global L2 norm when larger. */
  clipGradNorm?: number;
}

/** Callbacks inside one training step. */
export interface StepHooks {
  /** Called after backward and before the update, while the gradients are in place. */
  onGradients?: () => void;
}

/**
 * One training step at a time on a built Sequential model: batch in, forward, loss, backward, (clip), update, with
 * every buffer laid out when the Trainer is made.
 */
export class Trainer {
  /** The model it trains. */
  readonly model: Sequential;
  /** The loss it minimises. */
  readonly loss: Loss;
  /** The optimiser attached to the model's parameters. */
  readonly optimizer: Optimizer;
  /** The global gradient norm gradients are clipped to, if any. */
  readonly maxGradNorm?: number;
  private readonly targetPtr: number;
  private readonly weightPtr: number;

  /**
   * @example
   * ```ts
   * const trainer = new Trainer(net, { loss: new BCELoss(), optimizer: new SGD({ lr: 0.01 }) });
   * ```
   */
  constructor(model: Sequential, options: TrainerOptions) {
    this.model = model;
    this.loss = options.loss;
    this.optimizer = options.optimizer;
    this.maxGradNorm = options.clipGradNorm;
    const rt = model.runtime;
    const perExample = this.loss.targets === 'class' ? 1 : model.outFeatures;
    this.targetPtr = rt.alloc(model.maxBatch * perExample * 4);
    this.weightPtr = rt.allocF32(model.maxBatch);
    this.optimizer.attach(model.parameters);
  }

  /**
   * One training step on `batch` examples: inputs [batch × in], targets as the loss stores them
   * (floats [batch × out], or class indices [batch]), optional per-example weights. Returns the loss.
   */
  step(
    inputs: Float32Array,
    targets: Float32Array | Int32Array,
    batch: number,
    weights?: Float32Array,
    hooks: StepHooks = {},
  ): number {
    const { model, loss, optimizer } = this;
    const rt = model.runtime;
    model.loadInputs(inputs, batch);
    this.loadTargets(targets, batch);
    if (weights) rt.f32(this.weightPtr, batch).set(weights.subarray(0, batch));
    const pred = model.forwardBatch(batch, true);
    const buffers = {
      batch,
      width: model.outFeatures,
      pred,
      target: this.targetPtr,
      weights: weights ? this.weightPtr : 0,
    };
    const value = loss.forward(rt, buffers);
    model.parameters.zeroGrad();
    model.zeroActivationGrads();
    loss.backward(rt, model.outputGradPtr, buffers);
    model.backwardBatch(batch);
    if (this.maxGradNorm !== undefined) clipGradNorm(model.parameters, this.maxGradNorm);
    hooks.onGradients?.();
    optimizer.step();
    return value;
  }

  /** The loss of the current model on one batch, without training. */
  evaluate(inputs: Float32Array, targets: Float32Array | Int32Array, batch: number): number {
    const { model } = this;
    model.loadInputs(inputs, batch);
    this.loadTargets(targets, batch);
    const pred = model.forwardBatch(batch, false);
    return this.loss.forward(model.runtime, {
      batch,
      width: model.outFeatures,
      pred,
      target: this.targetPtr,
      weights: 0,
    });
  }

  private loadTargets(targets: Float32Array | Int32Array, batch: number): void {
    const rt = this.model.runtime;
    if (this.loss.targets === 'class') {
      if (!(targets instanceof Int32Array)) throw new TypeError(`${this.loss.kind} takes class indices (Int32Array)`);
      const classes = this.model.outFeatures;
      for (let i = 0; i < batch; i++) {
        if (!(targets[i] >= 0 && targets[i] < classes))
          throw new RangeError(`targets: class ${targets[i]} at row ${i} is outside 0..${classes - 1}`);
      }
      rt.i32(this.targetPtr, batch).set(targets.subarray(0, batch));
    } else {
      const n = batch * this.model.outFeatures;
      if (targets.length < n) throw new RangeError(`targets: expected ${n} values, got ${targets.length}`);
      const view = rt.f32(this.targetPtr, n);
      view.set(targets.subarray(0, n));
      for (let i = 0; i < n; i++)
        if (!Number.isFinite(view[i])) throw new RangeError(`targets: value ${i} is ${view[i]}, not a finite number`);
    }
  }
}

/** What fit() tells `onEpoch` after each epoch. */
export interface EpochInfo {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean training loss over the epoch's batches (weighted by batch size). */
  loss: number;
  /** The learning rate of the epoch's last step. */
  lr: number;
}

/** Options for fit(): the loss, optimiser and epochs, with batch size, shuffling, a schedule and callbacks. */
export interface FitOptions extends TrainerOptions {
  /** Passes over the data. */
  epochs: number;
  /** Examples per step; default: the whole data set (full batch). */
  batchSize?: number;
  /** Shuffle every epoch (default: true for mini-batches, false for full batch). */
  shuffle?: boolean;
  /** Seeds shuffling and dropout (default 0). */
  seed?: number;
  /** Per-example weights. */
  sampleWeights?: ArrayLike<number>;
  /** Learning rate for each 0-based step, given the total number of steps (a schedule). */
  lrSchedule?: (step: number, totalSteps: number) => number;
  /** Called after each epoch; returning false stops training. */
  onEpoch?: (info: EpochInfo) => void | boolean;
  /** Called after backward and before the update of each step. */
  onGradients?: (epoch: number, step: number) => void;
}

/** What fit() returns. */
export interface FitResult {
  /** Mean training loss of each epoch, as computed during the epoch's forward passes. */
  losses: number[];
}

/**
 * Trains `model` on in-memory data.
 * @example
 * ```ts
 * fit(net, [[0.45, -0.23, 0.78]], [1], { loss: new BCELoss(), optimizer: new SGD({ lr: 0.01 }), epochs: 100 })
 * ```
 */
export function fit(
  model: Sequential,
  inputs: number[][] | Float32Array,
  targets: ArrayLike<number> | number[][],
  options: FitOptions,
): FitResult {
  const trainer = new Trainer(model, options);
  const x = toRows(inputs, model.inFeatures, 'inputs');
  const n = x.length / model.inFeatures;
  const classTargets = options.loss.targets === 'class';
  const width = classTargets ? 1 : model.outFeatures;
  const y = classTargets ? Int32Array.from(targets, Number) : toTargets(targets, width);
  if (y.length !== n * width) throw new RangeError(`targets: ${n} inputs but ${y.length / width} targets`);
  const batchSize = Math.min(options.batchSize ?? n, model.maxBatch);
  const shuffle = options.shuffle ?? batchSize < n;
  const rng = new Random(options.seed ?? 0);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const stepsPerEpoch = Math.ceil(n / batchSize);
  const xb = new Float32Array(batchSize * model.inFeatures);
  const yb = classTargets ? new Int32Array(batchSize) : new Float32Array(batchSize * width);
  const wb = options.sampleWeights ? new Float32Array(batchSize) : undefined;
  const losses: number[] = [];
  let step = 0;
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    if (shuffle) rng.shuffle(order);
    let total = 0;
    for (let start = 0; start < n; start += batchSize) {
      const batch = Math.min(batchSize, n - start);
      for (let r = 0; r < batch; r++) {
        const i = order[start + r];
        xb.set(x.subarray(i * model.inFeatures, (i + 1) * model.inFeatures), r * model.inFeatures);
        yb.set(y.subarray(i * width, (i + 1) * width), r * width);
        if (wb) wb[r] = options.sampleWeights![i];
      }
      if (options.lrSchedule) trainer.optimizer.lr = options.lrSchedule(step, stepsPerEpoch * options.epochs);
      const onGradients = options.onGradients;
      const hooks = onGradients ? { onGradients: () => onGradients(epoch, step) } : {};
      total += trainer.step(xb, yb, batch, wb, hooks) * batch;
      step++;
    }
    const info = { epoch, loss: total / n, lr: trainer.optimizer.lr };
    losses.push(info.loss);
    if (options.onEpoch?.(info) === false) break;
  }
  return { losses };
}

function toTargets(targets: ArrayLike<number> | number[][], width: number): Float32Array {
  const isRows = (t: ArrayLike<number> | number[][]): t is number[][] => Array.isArray(t[0]);
  if (isRows(targets)) return toRows(targets, width, 'targets');
  return Float32Array.from(targets);
}
