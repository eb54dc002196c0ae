// Optimisers: each attaches to a model's parameter block, lays out its state once (momentum,
// moments) next to it, and steps with one flat WebAssembly loop over the whole block.

import type { ParameterBlock } from './parameters.js';

/** An optimiser over one parameter block, as torch.optim's: attach it once, then step after each backward pass. */
export interface Optimizer {
  /** Its name, as a user would write it ("SGD", "Adam", "AdamW"). */
  readonly kind: string;
  /** The learning rate of the next step; schedules change it between steps. */
  lr: number;
  /** Lays out the optimiser's state for this block; called once. */
  attach(params: ParameterBlock): void;
  /** One update from the gradients in the block. */
  step(): void;
  /** The optimiser's state (step count, momentum or moments), copied out: for checkpoints. */
  saveState(): OptimizerState;
  /** Puts back a state that saveState() gave, so that the next step is the one that would have followed. */
  loadState(state: OptimizerState): void;
}

/**
 * An optimiser's state: its step count and its buffers by name, each as long as the parameter block.
 * @inline
 */
export interface OptimizerState {
  /** Steps taken so far. */
  steps: number;
  /** Its state buffers by name ("velocity", "m", "v"), each as long as the parameter block. */
  buffers: Record<string, Float32Array>;
}

/** Options for SGD, as torch.optim.SGD's. */
export interface SGDOptions {
  /** The learning rate. */
  lr: number;
  /** Momentum factor (default 0). */
  momentum?: number;
  /** Dampening of the momentum (default 0). */
  dampening?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent, as torch.optim.SGD.
 * @example
 * ```ts
 * new SGD({ lr: 0.01 })
 * ```
 */
export class SGD implements Optimizer {
  /** Its name. */
  readonly kind = 'SGD';
  lr: number;
  /** Momentum factor. */
  readonly momentum: number;
  /** Dampening of the momentum. */
  readonly dampening: number;
  /** L2 penalty added to the gradient. */
  readonly weightDecay: number;
  /** Whether the momentum is Nesterov's. */
  readonly nesterov: boolean;
  private params?: ParameterBlock;
  private velocity = 0;
  private steps = 0;

  constructor(options: SGDOptions) {
    this.lr = checkRate(options.lr);
    this.momentum = options.momentum ?? 0;
    this.dampening = options.dampening ?? 0;
    this.weightDecay = options.weightDecay ?? 0;
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0))
      throw new RangeError('SGD: Nesterov momentum needs momentum > 0 and dampening 0');
  }

  attach(params: ParameterBlock): void {
    this.params = params;
    if (this.momentum !== 0) this.velocity = params.rt.allocF32(params.size, `${params.label}.sgd.velocity`);
  }

  step(): void {
    const p = attached(this.params, this.kind);
    p.rt.kernels.sgd_step(
      p.ptr,
      p.gradPtr,
      this.velocity,
      p.size,
      this.lr,
      this.momentum,
      this.dampening,
      this.weightDecay,
      this.nesterov ? 1 : 0,
      this.steps === 0 ? 1 : 0,
    );
    this.steps++;
  }

  saveState(): OptimizerState {
    return { steps: this.steps, buffers: this.velocity ? { velocity: copyOut(this.params!, this.velocity) } : {} };
  }

  loadState(state: OptimizerState): void {
    this.steps = state.steps;
    if (this.velocity) copyIn(attached(this.params, this.kind), this.velocity, state.buffers.velocity, 'velocity');
  }
}

/** Adam's defaults, PyTorch's: the decay rates of the moments and the term added to the denominator. */
export const ADAM_DEFAULTS: { readonly betas: [number, number]; readonly eps: number } = {
  betas: [0.9, 0.999],
  eps: 1e-8,
};

/** Options for Adam and AdamW, as torch.optim.Adam's. */
export interface AdamOptions {
  /** The learning rate (default 1e-3). */
  lr?: number;
  /** Decay rates of the first and second moments (default [0.9, 0.999]). */
  betas?: [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps?: number;
  /** Weight decay: added to the gradient for Adam, decoupled for AdamW (default 0; AdamW 0.01). */
  weightDecay?: number;
}

/**
 * Adam, as torch.optim.Adam (weight decay added to the gradient).
 * @example
 * ```ts
 * new Adam({ lr: 1e-3 })
 * ```
 */
export class Adam implements Optimizer {
  /** Its name. */
  readonly kind: string = 'Adam';
  lr: number;
  /** Decay rate of the first moment. */
  readonly beta1: number;
  /** Decay rate of the second moment. */
  readonly beta2: number;
  /** Added to the denominator for numerical stability. */
  readonly eps: number;
  /** Weight decay (added to the gradient, or decoupled for AdamW). */
  readonly weightDecay: number;
  /** Whether weight decay is decoupled from the gradient (AdamW). */
  protected decoupled = false;
  private params?: ParameterBlock;
  private m = 0;
  private v = 0;
  private steps = 0;

  constructor(options: AdamOptions = {}) {
    this.lr = checkRate(options.lr ?? 1e-3);
    [this.beta1, this.beta2] = options.betas ?? ADAM_DEFAULTS.betas;
    this.eps = options.eps ?? ADAM_DEFAULTS.eps;
    this.weightDecay = options.weightDecay ?? 0;
    for (const beta of [this.beta1, this.beta2])
      if (!(beta >= 0 && beta < 1)) throw new RangeError(`${this.kind}: betas must be in [0, 1)`);
  }

  attach(params: ParameterBlock): void {
    this.params = params;
    this.m = params.rt.allocF32(params.size, `${params.label}.adam.m`);
    this.v = params.rt.allocF32(params.size, `${params.label}.adam.v`);
  }

  step(): void {
    const p = attached(this.params, this.kind);
    this.steps++;
    p.rt.kernels.adam_step(
      p.ptr,
      p.gradPtr,
      this.m,
      this.v,
      p.size,
      this.lr,
      this.beta1,
      this.beta2,
      this.eps,
      this.weightDecay,
      this.decoupled ? 1 : 0,
      this.steps,
    );
  }

  saveState(): OptimizerState {
    const p = attached(this.params, this.kind);
    return { steps: this.steps, buffers: { m: copyOut(p, this.m), v: copyOut(p, this.v) } };
  }

  loadState(state: OptimizerState): void {
    const p = attached(this.params, this.kind);
    this.steps = state.steps;
    copyIn(p, this.m, state.buffers.m, 'm');
    copyIn(p, this.v, state.buffers.v, 'v');
  }
}

/**
 * AdamW, as torch.optim.AdamW (decoupled weight decay, default 0.01).
 * @example
 * ```ts
 * new AdamW({ lr: 1e-3 })
 * ```
 */
export class AdamW extends Adam {
  /** Its name. */
  override readonly kind = 'AdamW';
  constructor(options: AdamOptions = {}) {
    super({ weightDecay: 0.01, ...options });
    this.decoupled = true;
  }
}

/**
 * Scales all gradients so their global L2 norm is at most maxNorm; returns the norm before clipping.
 * @example
 * ```ts
 * clipGradNorm(model.parameters, 1.0)
 * ```
 */
export function clipGradNorm(params: ParameterBlock, maxNorm: number): number {
  const k = params.rt.kernels;
  const norm = Math.sqrt(k.sum_squares_f32(params.gradPtr, params.size));
  if (norm > maxNorm) k.scale_f32(params.gradPtr, params.size, maxNorm / (norm + 1e-6));
  return norm;
}

function checkRate(lr: number): number {
  if (!(Number.isFinite(lr) && lr > 0)) throw new RangeError(`learning rate must be a positive number, got ${lr}`);
  return lr;
}

function copyOut(params: ParameterBlock, ptr: number): Float32Array {
  return params.rt.f32(ptr, params.size).slice();
}

function copyIn(params: ParameterBlock, ptr: number, values: Float32Array | undefined, name: string): void {
  if (!(values instanceof Float32Array) || values.length !== params.size) {
    throw new RangeError(
      `optimiser state "${name}" has ${values?.length ?? 'no'} values, the parameters ${params.size}`,
    );
  }
  params.rt.f32(ptr, params.size).set(values);
}

function attached(params: ParameterBlock | undefined, kind: string): ParameterBlock {
  if (!params) throw new Error(`${kind}: attach the optimiser to a model's parameters before stepping`);
  return params;
}
