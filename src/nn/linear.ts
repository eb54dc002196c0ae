// Linear: y = x·Wᵀ + b with W stored [out × in] as PyTorch stores it, so weights move between
// the two unchanged.

import type { Runtime } from '../runtime/runtime.js';
import { checkDims } from '../runtime/kernels.js';
import type { Layer, LayerBuffers } from './layer.js';
import type { Parameter, ParameterSpec } from './parameters.js';

/** Options for a Linear layer. */
export interface LinearOptions {
  /** Learn a bias (default true). */
  bias?: boolean;
}

/**
 * A fully connected layer, y = x·Wᵀ + b, with W stored [out × in] as PyTorch stores it and PyTorch's initialisation.
 */
export class Linear implements Layer {
  /** The layer's name. */
  readonly kind = 'Linear';
  /** Whether the layer learns a bias. */
  readonly hasBias: boolean;
  private weight!: Parameter;
  private bias?: Parameter;

  /**
   * @example
   * ```ts
   * new Linear(3, 5)
   * ```
   */
  constructor(
    /** Width of each input row. */
    readonly inFeatures: number,
    /** Width of each output row. */
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    checkDims('Linear', inFeatures, outFeatures);
    this.hasBias = options.bias ?? true;
  }

  outputFeatures(inFeatures: number): number {
    if (inFeatures !== this.inFeatures)
      throw new RangeError(`Linear(${this.inFeatures}, ${this.outFeatures}) cannot take ${inFeatures} input features`);
    return this.outFeatures;
  }

  parameters(): ParameterSpec[] {
    // PyTorch's default: kaiming_uniform_(a=√5) for W and U(±1/√in) for b, both bound 1/√in.
    const bound = 1 / Math.sqrt(this.inFeatures);
    const uniform = (values: Float32Array, rng: { uniform(a: number, b: number): number }) => {
      for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-bound, bound);
    };
    const specs: ParameterSpec[] = [{ name: 'weight', shape: [this.outFeatures, this.inFeatures], init: uniform }];
    if (this.hasBias) specs.push({ name: 'bias', shape: [this.outFeatures], init: uniform });
    return specs;
  }

  bind(params: readonly Parameter[]): void {
    this.weight = params[0];
    this.bias = params[1];
  }

  cacheFloats(): number {
    return 0;
  }

  // out[B×O] = inp[B×I] · W[O×I]ᵀ + b[O]
  forward(rt: Runtime, io: LayerBuffers): void {
    const k = rt.kernels;
    k.matmul_nt(io.out, io.inp, this.weight.ptr, io.batch, this.inFeatures, this.outFeatures, 0, rt.matmulScratch);
    if (this.bias) k.bias_forward(io.out, this.bias.ptr, io.batch, this.outFeatures);
  }

  // dW[O×I] += doutᵀ·inp;  db[O] += Σ_b dout;  dinp[B×I] += dout · W
  backward(rt: Runtime, io: LayerBuffers): void {
    const k = rt.kernels;
    k.matmul_tn(this.weight.gradPtr, io.dout, io.inp, this.outFeatures, io.batch, this.inFeatures, 1, rt.matmulScratch);
    if (this.bias) k.bias_backward(this.bias.gradPtr, io.dout, io.batch, this.outFeatures);
    if (io.dinp)
      k.matmul_nn(io.dinp, io.dout, this.weight.ptr, io.batch, this.outFeatures, this.inFeatures, 1, rt.matmulScratch);
  }
}
