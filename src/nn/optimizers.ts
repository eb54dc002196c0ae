// Optimisers: each attaches to a model's parameter block, lays out its state once (momentum,
// moments) next to it, and steps with one flat WebAssembly loop over the whole block.

import type { ParameterBlock } from './parameters.js';

export interface Optimizer {
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
  steps: number;
  buffers: Record<string, Float32Array>;
}

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
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
  readonly kind = 'SGD';
  lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
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

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
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
  readonly kind: string = 'Adam';
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  protected decoupled = false;
  private params?: ParameterBlock;
  private m = 0;
  private v = 0;
  private steps = 0;

  constructor(options: AdamOptions = {}) {
    this.lr = checkRate(options.lr ?? 1e-3);
    [this.beta1, this.beta2] = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
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
