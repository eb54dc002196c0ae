// Elementwise activations. Each keeps what its backward needs: ReLU and GELU read their input,
// Sigmoid and Tanh their output (cheaper than recomputing the function).

import type { Runtime } from '../runtime/runtime.js';
import type { Layer, LayerBuffers } from './layer.js';
import type { ParameterSpec } from './parameters.js';

/** The parts every parameter-free, shape-preserving layer shares. */
abstract class Elementwise implements Layer {
  abstract readonly kind: string;
  outputFeatures(inFeatures: number): number {
    return inFeatures;
  }
  parameters(): ParameterSpec[] {
    return [];
  }
  bind(): void {}
  cacheFloats(_inFeatures: number): number {
    return 0;
  }
  /** Writes the function of each input value to the output buffer. */
  abstract forward(rt: Runtime, io: LayerBuffers, training: boolean, seed: number): void;
  /** Adds ∂loss/∂inp, from ∂loss/∂out, to io.dinp. */
  abstract backward(rt: Runtime, io: LayerBuffers): void;
}

/**
 * max(x, 0).
 * @example
 * ```ts
 * new Sequential([new Linear(3, 5), new ReLU()])
 * ```
 */
export class ReLU extends Elementwise {
  /** The layer's name. */
  readonly kind = 'ReLU';
  forward(rt: Runtime, io: LayerBuffers): void {
    rt.kernels.relu_forward(io.out, io.inp, io.batch * io.inFeatures);
  }
  backward(rt: Runtime, io: LayerBuffers): void {
    if (io.dinp) rt.kernels.relu_backward(io.dinp, io.dout, io.inp, io.batch * io.inFeatures);
  }
}

/**
 * 1 / (1 + e^−x).
 * @example
 * ```ts
 * new Sigmoid()
 * ```
 */
export class Sigmoid extends Elementwise {
  /** The layer's name. */
  readonly kind = 'Sigmoid';
  forward(rt: Runtime, io: LayerBuffers): void {
    rt.kernels.sigmoid_forward(io.out, io.inp, io.batch * io.inFeatures);
  }
  backward(rt: Runtime, io: LayerBuffers): void {
    if (io.dinp) rt.kernels.sigmoid_backward(io.dinp, io.dout, io.out, io.batch * io.inFeatures);
  }
}

/**
 * tanh(x).
 * @example
 * ```ts
 * new Tanh()
 * ```
 */
export class Tanh extends Elementwise {
  /** The layer's name. */
  readonly kind = 'Tanh';
  forward(rt: Runtime, io: LayerBuffers): void {
    rt.kernels.tanh_forward(io.out, io.inp, io.batch * io.inFeatures);
  }
  backward(rt: Runtime, io: LayerBuffers): void {
    if (io.dinp) rt.kernels.tanh_backward(io.dinp, io.dout, io.out, io.batch * io.inFeatures);
  }
}

/**
 * x·Φ(x), the exact (erf) form.
 * @example
 * ```ts
 * new GELU()
 * ```
 */
export class GELU extends Elementwise {
  /** The layer's name. */
  readonly kind = 'GELU';
  forward(rt: Runtime, io: LayerBuffers): void {
    rt.kernels.gelu_forward(io.out, io.inp, io.batch * io.inFeatures);
  }
  backward(rt: Runtime, io: LayerBuffers): void {
    if (io.dinp) rt.kernels.gelu_backward(io.dinp, io.dout, io.inp, io.batch * io.inFeatures);
  }
}

/**
 * Zeroes each value with probability p while training and scales the rest by 1/(1−p).
 * @example
 * ```ts
 * new Dropout(0.1)
 * ```
 */
export class Dropout extends Elementwise {
  /** The layer's name. */
  readonly kind = 'Dropout';
  constructor(
    /** The probability of zeroing each value while training (default 0.5). */
    readonly p = 0.5,
  ) {
    super();
    if (!(p >= 0 && p < 1)) throw new RangeError(`Dropout: p must be in [0, 1), got ${p}`);
  }
  /** One float of mask per input value. */
  override cacheFloats(inFeatures: number): number {
    return inFeatures;
  }
  forward(rt: Runtime, io: LayerBuffers, training: boolean, seed: number): void {
    const n = io.batch * io.inFeatures;
    if (training && this.p > 0) rt.kernels.dropout_forward(io.out, io.cache, io.inp, n, this.p, seed >>> 0);
    else {
      rt.kernels.copy_f32(io.out, io.inp, n);
      rt.kernels.fill_f32(io.cache, n, 1);
    }
  }
  backward(rt: Runtime, io: LayerBuffers): void {
    if (io.dinp) rt.kernels.dropout_backward(io.dinp, io.dout, io.cache, io.batch * io.inFeatures);
  }
}
