// Every parameter of a model lives in one contiguous block, its gradient in a second block with
// the same layout, so zeroing all gradients is one fill and an optimiser step is one flat loop.

import type { Runtime } from '../runtime/runtime.js';
import type { Random } from './random.js';

/** What a layer asks for: a named shape and how to initialise it. */
export interface ParameterSpec {
  /** Its name, local to the layer ("weight", "bias"). */
  name: string;
  /** Its shape, row-major. */
  shape: readonly number[];
  /** Fills its initial values. */
  init: (values: Float32Array, rng: Random) => void;
}

/** One parameter's place in the block. */
export interface Parameter {
  /** Its name in the model ("0.weight": layer index, then local name). */
  readonly name: string;
  /** Its shape, row-major. */
  readonly shape: readonly number[];
  /** Floats it holds. */
  readonly size: number;
  /** Byte offset of the values. */
  readonly ptr: number;
  /** Byte offset of the gradient. */
  readonly gradPtr: number;
}

/** Values for some or all parameters, keyed by name: nested arrays (as PyTorch's state_dict prints) or flat. */
export type ParameterValues = Record<string, ArrayLike<number> | number[][]>;

/**
 * Every parameter of a model in one contiguous block of the runtime's memory, and their gradients in a second block
 * with the same layout: zeroing all gradients is one fill and an optimiser's step one flat loop.
 */
export class ParameterBlock {
  /** Each parameter's place in the block, in layout order. */
  readonly params: readonly Parameter[];
  /** Floats in the block. */
  readonly size: number;
  /** Byte offset of the values block. */
  readonly ptr: number;
  /** Byte offset of the gradients block. */
  readonly gradPtr: number;
  private readonly byName: Map<string, Parameter>;

  /**
   * Lays the parameters out once; values are initialised from `rng`, gradients are zero. `label`
   * names the blocks in the runtime's memory plan (`${label}.parameters`, `${label}.gradients`).
   */
  constructor(
    /** The runtime whose memory holds the blocks. */
    readonly rt: Runtime,
    specs: readonly ParameterSpec[],
    rng: Random,
    /** Names the blocks in the runtime's memory plan. */
    readonly label = 'net',
  ) {
    const size = specs.reduce((n, s) => n + shapeSize(s.shape), 0);
    this.size = size;
    this.ptr = rt.allocF32(size, `${label}.parameters`);
    this.gradPtr = rt.allocF32(size, `${label}.gradients`);
    const params: Parameter[] = [];
    let offset = 0;
    for (const spec of specs) {
      const n = shapeSize(spec.shape);
      params.push({
        name: spec.name,
        shape: spec.shape,
        size: n,
        ptr: this.ptr + offset * 4,
        gradPtr: this.gradPtr + offset * 4,
      });
      offset += n;
    }
    this.params = params;
    this.byName = new Map(params.map((p) => [p.name, p]));
    if (this.byName.size !== params.length) throw new Error('parameter names must be unique');
    // A thread's copy of a model uses the host's parameters in place: they are already initialised (and maybe trained).
    if (rt.isShared(`${label}.parameters`)) return;
    for (const [i, spec] of specs.entries()) spec.init(this.values(params[i]), rng);
  }

  /** The parameter called `name`, or an error listing the names there are. */
  get(name: string): Parameter {
    const p = this.byName.get(name);
    if (!p) throw new RangeError(`no parameter "${name}"; the model has ${[...this.byName.keys()].join(', ')}`);
    return p;
  }

  /** A fresh view of a parameter's values. */
  values(p: Parameter): Float32Array {
    return this.rt.f32(p.ptr, p.size);
  }

  /** A fresh view of a parameter's gradient. */
  grad(p: Parameter): Float32Array {
    return this.rt.f32(p.gradPtr, p.size);
  }

  /** Zeroes every gradient: one fill over the gradient block. */
  zeroGrad(): void {
    this.rt.kernels.fill_f32(this.gradPtr, this.size, 0);
  }

  /**
   * Sets parameters from outside. Every key must name a parameter and every size must match;
   * with `complete`, every parameter must be given. Nothing is written unless all checks pass.
   * @example
   * ```ts
   * block.set({ '0.weight': [[0.1, 0.2, 0.3]], '0.bias': [0] }, { complete: true });
   * ```
   */
  set(values: ParameterValues, { complete = false, source = 'weights' } = {}): void {
    const staged: [Parameter, Float32Array][] = [];
    for (const [name, raw] of Object.entries(values)) {
      const p = this.byName.get(name);
      if (!p)
        throw new RangeError(`${source}: unknown parameter "${name}"; expected ${[...this.byName.keys()].join(', ')}`);
      const flat = flatten(raw, `${source}: "${name}"`);
      if (flat.length !== p.size) {
        throw new RangeError(
          `${source}: "${name}" has ${flat.length} values, the model needs ${p.size} (shape ${p.shape.join('×')})`,
        );
      }
      const bad = flat.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new RangeError(`${source}: "${name}" value ${bad} is not a finite number`);
      staged.push([p, flat]);
    }
    if (complete) {
      const missing = this.params.filter((p) => !(p.name in values)).map((p) => p.name);
      if (missing.length) throw new RangeError(`${source}: missing ${missing.map((m) => `"${m}"`).join(', ')}`);
    }
    for (const [p, flat] of staged) this.values(p).set(flat);
  }

  /** Copies of every parameter's values, keyed by name, shaped as nested arrays for 2-D shapes. */
  toJSON(which: 'values' | 'grads' = 'values'): Record<string, number[] | number[][]> {
    const out: Record<string, number[] | number[][]> = {};
    for (const p of this.params) {
      const flat = Array.from(which === 'values' ? this.values(p) : this.grad(p));
      out[p.name] = p.shape.length === 2 ? chunk(flat, p.shape[1]) : flat;
    }
    return out;
  }
}

/**
 * Number of elements of a shape.
 * @example
 * ```ts
 * shapeSize([5, 3]) // 15
 * ```
 */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function flatten(raw: ArrayLike<number> | number[][], what: string): Float32Array {
  if (!raw || typeof raw !== 'object' || typeof raw.length !== 'number') throw new TypeError(`${what} is not an array`);
  const items = Array.from<unknown>(raw);
  if (items.some((v) => Array.isArray(v))) {
    const first = items[0];
    const width = Array.isArray(first) ? first.length : -1;
    const isRow = (row: unknown): row is number[] => Array.isArray(row) && row.length === width;
    if (!items.every(isRow)) throw new RangeError(`${what}: rows differ in length`);
    return Float32Array.from(items.flat());
  }
  const isNumber = (v: unknown): v is number => typeof v === 'number';
  if (!items.every(isNumber)) throw new TypeError(`${what}: values must be numbers`);
  return Float32Array.from(items);
}

function chunk(flat: number[], width: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < flat.length; i += width) rows.push(flat.slice(i, i + width));
  return rows;
}
