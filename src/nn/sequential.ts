// A model as a list of layers. Building it lays out, once, the parameter block, the gradient
// block and an activation arena sized for the largest batch; after that a forward or backward
// pass only reuses those buffers, so a training step allocates nothing.

import type { Runtime } from '../runtime/runtime.js';
import { assertFinite, checkDims } from '../runtime/kernels.js';
import type { Layer, LayerBuffers } from './layer.js';
import { ParameterBlock, type ParameterSpec, type ParameterValues } from './parameters.js';
import { Random } from './random.js';

/** Options for Sequential.build: the input width, the largest batch, the seed. */
export interface BuildOptions {
  /** Width of each input row. */
  inFeatures: number;
  /** Largest batch a single pass will see (default 256); larger inputs are split. */
  maxBatch?: number;
  /** Seed for the initial weights and dropout masks (default 0). */
  seed?: number;
  /** Also compute ∂loss/∂input in backward (for gradient checks and input attributions). */
  inputGrad?: boolean;
  /** Prefix of its blocks' names in the runtime's memory plan (default "net"). */
  name?: string;
}

interface Slots {
  /** [maxBatch × width] output of each layer; index 0 is the model's input. */
  acts: number[];
  /** ∂loss/∂acts[i]; index 0 (the input) is 0 unless built with inputGrad. */
  grads: number[];
  caches: number[];
  widths: number[];
}

/**
 * A model as a list of layers. Building it lays out, once, the parameters, their gradients and an activation arena
 * sized for the largest batch, so that a training step allocates nothing.
 */
export class Sequential {
  /** The layers, input first. */
  readonly layers: readonly Layer[];
  private built?: {
    rt: Runtime;
    params: ParameterBlock;
    slots: Slots;
    maxBatch: number;
    gradBlock: [number, number];
    seed: number;
  };
  private passes = 0;

  /**
   * @example
   * ```ts
   * const net = new Sequential([new Linear(3, 5), new ReLU(), new Linear(5, 1), new Sigmoid()]);
   * ```
   */
  constructor(layers: Layer[]) {
    if (layers.length === 0) throw new RangeError('Sequential needs at least one layer');
    this.layers = layers;
  }

  /**
   * Lays the model out in `rt`'s memory and initialises its weights from the seed.
   * @example
   * ```ts
   * net.build(rt, { inFeatures: 3, maxBatch: 2, seed: 1 });
   * ```
   */
  build(rt: Runtime, options: BuildOptions): this {
    if (this.built) throw new Error('this model is already built');
    const { inFeatures, maxBatch = 256, seed = 0, inputGrad = false, name = 'net' } = options;
    checkDims('Sequential.build', inFeatures, maxBatch);
    const widths = [inFeatures];
    const specs: ParameterSpec[] = [];
    const counts: number[] = [];
    for (const [i, layer] of this.layers.entries()) {
      const own = layer.parameters(widths[i]).map((s) => ({ ...s, name: `${i}.${s.name}` }));
      specs.push(...own);
      counts.push(own.length);
      widths.push(layer.outputFeatures(widths[i]));
    }
    const params = new ParameterBlock(rt, specs, new Random(seed), name);
    let next = 0;
    for (const [i, layer] of this.layers.entries()) {
      layer.bind(params.params.slice(next, next + counts[i]));
      next += counts[i];
    }
    // Activations and caches first, then every activation gradient in one run of memory, so
    // zeroing them all before a backward pass is a single fill.
    const acts = widths.map((w, i) => rt.allocF32(maxBatch * w, `${name}.activations.${i}`));
    const caches = this.layers.map((layer, i) => {
      const n = layer.cacheFloats(widths[i]) * maxBatch;
      return n ? rt.allocF32(n, `${name}.${i}.cache`) : 0;
    });
    const grads = widths.map((w, i) =>
      i === 0 && !inputGrad ? 0 : rt.allocF32(maxBatch * w, `${name}.activationGrads.${i}`),
    );
    const gradStart = grads[0] || grads[1];
    const gradBlock: [number, number] = [gradStart, (rt.mark() - gradStart) / 4];
    this.built = { rt, params, slots: { acts, grads, caches, widths }, maxBatch, gradBlock, seed };
    return this;
  }

  private get state() {
    if (!this.built) throw new Error('build the model first: model.build(runtime, { inFeatures })');
    return this.built;
  }

  /** The runtime the model was built in (throws before build). */
  get runtime(): Runtime {
    return this.state.rt;
  }
  /** The model's parameters and their gradients. */
  get parameters(): ParameterBlock {
    return this.state.params;
  }
  /** The largest batch one pass takes. */
  get maxBatch(): number {
    return this.state.maxBatch;
  }
  /** Width of each input row. */
  get inFeatures(): number {
    return this.state.slots.widths[0];
  }
  /** Width of each output row. */
  get outFeatures(): number {
    const w = this.state.slots.widths;
    return w[w.length - 1];
  }
  /** Byte offset of the input buffer [maxBatch × inFeatures]. */
  get inputPtr(): number {
    return this.state.slots.acts[0];
  }
  /** Byte offset of the output buffer [maxBatch × outFeatures]. */
  get outputPtr(): number {
    const a = this.state.slots.acts;
    return a[a.length - 1];
  }
  /** Byte offset of ∂loss/∂output, which the loss fills before `backward`. */
  get outputGradPtr(): number {
    const g = this.state.slots.grads;
    return g[g.length - 1];
  }

  /** Sets weights from outside (keys "0.weight", "0.bias", … as in a PyTorch state_dict). */
  setParameters(values: ParameterValues, options?: { complete?: boolean; source?: string }): void {
    this.parameters.set(values, options);
  }

  /** Runs the layers over the `batch` rows already in the input buffer; returns the output pointer. */
  forwardBatch(batch: number, training: boolean): number {
    const { rt, slots, seed } = this.state;
    const passSeed = (Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) + this.passes++) >>> 0;
    for (const [i, layer] of this.layers.entries())
      layer.forward(rt, this.buffers(i, batch), training, passSeed + i * 0x9e3779b9);
    return slots.acts[slots.acts.length - 1];
  }

  /** Byte offset of ∂loss/∂input (built with inputGrad), else 0. */
  get inputGradPtr(): number {
    return this.state.slots.grads[0];
  }

  /** Zeroes all activation gradients (one fill); call before the loss writes ∂loss/∂output. */
  zeroActivationGrads(): void {
    const { rt, gradBlock } = this.state;
    rt.kernels.fill_f32(gradBlock[0], gradBlock[1], 0);
  }

  /** The forward pass read in reverse: accumulates every parameter gradient. */
  backwardBatch(batch: number): void {
    const { rt } = this.state;
    for (let i = this.layers.length - 1; i >= 0; i--) this.layers[i].backward(rt, this.buffers(i, batch));
  }

  private buffers(i: number, batch: number): LayerBuffers {
    const { acts, grads, caches, widths } = this.state.slots;
    return {
      batch,
      inFeatures: widths[i],
      outFeatures: widths[i + 1],
      inp: acts[i],
      out: acts[i + 1],
      dinp: grads[i],
      dout: grads[i + 1],
      cache: caches[i],
    };
  }

  /** Copies the first `batch` rows of `rows` into the input buffer, refusing short input and NaN. */
  loadInputs(rows: Float32Array, batch: number, what = 'inputs'): void {
    const { rt, slots, maxBatch } = this.state;
    const width = slots.widths[0];
    if (batch > maxBatch) throw new RangeError(`${what}: batch of ${batch} exceeds maxBatch ${maxBatch}`);
    const n = batch * width;
    if (rows.length < n) throw new RangeError(`${what}: expected ${batch}×${width} values, got ${rows.length}`);
    rt.f32(slots.acts[0], n).set(rows.length === n ? rows : rows.subarray(0, n));
    assertFinite(rt, slots.acts[0], n, what);
  }

  /**
   * Runs the model in evaluation mode on any number of rows; returns [rows × outFeatures].
   * @example
   * ```ts
   * net.predict([[0.45, -0.23, 0.78]]) // Float32Array [0.53]
   * ```
   */
  predict(inputs: number[][] | Float32Array): Float32Array {
    const { rt, maxBatch } = this.state;
    const flat = toRows(inputs, this.inFeatures, 'inputs');
    const n = flat.length / this.inFeatures;
    const out = new Float32Array(n * this.outFeatures);
    for (let start = 0; start < n; start += maxBatch) {
      const batch = Math.min(maxBatch, n - start);
      this.loadInputs(flat.subarray(start * this.inFeatures, (start + batch) * this.inFeatures), batch);
      const ptr = this.forwardBatch(batch, false);
      out.set(rt.f32(ptr, batch * this.outFeatures), start * this.outFeatures);
    }
    return out;
  }
}

/**
 * Flattens rows of numbers to a Float32Array of n×width, with a clear error for ragged or non-numeric input.
 * @example
 * ```ts
 * toRows([[1, 2], [3, 4]], 2, 'inputs') // Float32Array [1, 2, 3, 4]
 * ```
 */
export function toRows(inputs: number[][] | Float32Array, width: number, what: string): Float32Array {
  if (inputs instanceof Float32Array) {
    if (inputs.length % width !== 0)
      throw new RangeError(`${what}: ${inputs.length} values do not make rows of ${width}`);
    return inputs;
  }
  const flat = new Float32Array(inputs.length * width);
  for (const [r, row] of inputs.entries()) {
    if (!Array.isArray(row) || row.length !== width) {
      throw new RangeError(`${what}: row ${r} has ${Array.isArray(row) ? row.length : 'no'} values, expected ${width}`);
    }
    for (let c = 0; c < width; c++) {
      const v = row[c];
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new RangeError(`${what}: row ${r}, column ${c} is ${v}, not a finite number`);
      flat[r * width + c] = v;
    }
  }
  return flat;
}
