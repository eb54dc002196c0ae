// The contract every layer of a Sequential model keeps. A layer maps [batch × inFeatures] to
// [batch × outFeatures]; Sequential owns all buffers and hands each layer pointers to them.

import type { Runtime } from '../runtime/runtime.js';
import type { Parameter, ParameterSpec } from './parameters.js';

/** The buffers a layer works on in one call; pointers are byte offsets, 0 means "not needed". */
export interface LayerBuffers {
  /** Examples in this call. */
  readonly batch: number;
  /** Width of each input row. */
  readonly inFeatures: number;
  /** Width of each output row. */
  readonly outFeatures: number;
  /** [batch × inFeatures] */
  readonly inp: number;
  /** [batch × outFeatures] */
  readonly out: number;
  /** ∂loss/∂inp, accumulated into; 0 when nothing upstream needs it (the first layer). */
  readonly dinp: number;
  /** ∂loss/∂out */
  readonly dout: number;
  /** [batch × cacheFloats] that forward fills for backward. */
  readonly cache: number;
}

/**
 * The contract every layer of a Sequential model keeps: it maps [batch × inFeatures] to [batch × outFeatures] in
 * buffers Sequential owns, declares its parameters, and pairs a forward pass with a backward pass that adds to the
 * gradients.
 */
export interface Layer {
  /** The layer's kind, as a user would write it ("Linear", "ReLU", …). */
  readonly kind: string;
  /** Output width for an input width; throws if the input cannot feed this layer. */
  outputFeatures(inFeatures: number): number;
  /** Parameters to lay out (local names such as "weight"), given the input width. */
  parameters(inFeatures: number): ParameterSpec[];
  /** Receives the laid-out parameters, in the order `parameters` declared them. */
  bind(params: readonly Parameter[]): void;
  /** Floats per example that forward keeps for backward beyond inp and out (dropout's mask). */
  cacheFloats(inFeatures: number): number;
  /**
   * Writes io.out from io.inp, keeping in io.cache what backward needs; `training` turns dropout on, `seed` draws its
   * masks.
   */
  forward(rt: Runtime, io: LayerBuffers, training: boolean, seed: number): void;
  /** Accumulates parameter gradients and, when io.dinp ≠ 0, ∂loss/∂inp. */
  backward(rt: Runtime, io: LayerBuffers): void;
}
