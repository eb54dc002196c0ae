// Thin typed wrappers over the WebAssembly kernels: each checks shapes in TypeScript and throws
// a readable error before a pointer reaches WebAssembly, then passes only numbers.

import type { Runtime } from './runtime.js';

/** A row-major float32 matrix living in the runtime's memory. */
export interface Matrix {
  /** Byte offset of its first element. */
  readonly ptr: number;
  /** Rows. */
  readonly rows: number;
  /** Columns. */
  readonly cols: number;
}

/**
 * Allocates a zeroed rows×cols matrix in the runtime's memory.
 * @example
 * ```ts
 * const x = allocMatrix(rt, 2, 3); // { ptr, rows: 2, cols: 3 }
 * ```
 */
export function allocMatrix(rt: Runtime, rows: number, cols: number): Matrix {
  checkDims('allocMatrix', rows, cols);
  return { ptr: rt.allocF32(rows * cols), rows, cols };
}

/** How matmul combines its operands. */
export interface MatmulOptions {
  /** Use Aᵀ in place of A. */
  transposeA?: boolean;
  /** Use Bᵀ in place of B. */
  transposeB?: boolean;
  /** Add the product into C instead of overwriting it. */
  accumulate?: boolean;
}

/**
 * C (+)= op(A)·op(B) with op = identity or transpose; shapes are checked first.
 * @example
 * ```ts
 * matmul(rt, y, x, w, { transposeB: true }); // Y = X·Wᵀ
 * ```
 */
export function matmul(rt: Runtime, c: Matrix, a: Matrix, b: Matrix, options: MatmulOptions = {}): void {
  const { transposeA = false, transposeB = false, accumulate = false } = options;
  const M = transposeA ? a.cols : a.rows;
  const K = transposeA ? a.rows : a.cols;
  const Kb = transposeB ? b.cols : b.rows;
  const N = transposeB ? b.rows : b.cols;
  if (K !== Kb)
    throw new RangeError(`matmul: inner dimensions differ (${describe(a, transposeA)} · ${describe(b, transposeB)})`);
  if (c.rows !== M || c.cols !== N)
    throw new RangeError(`matmul: output is ${c.rows}×${c.cols}, the product is ${M}×${N}`);
  if (transposeA && transposeB) throw new RangeError('matmul: Aᵀ·Bᵀ is not provided; compute (B·A)ᵀ instead');
  const acc = accumulate ? 1 : 0;
  const k = rt.kernels;
  if (transposeA) k.matmul_tn(c.ptr, a.ptr, b.ptr, M, K, N, acc, rt.matmulScratch);
  else if (transposeB) k.matmul_nt(c.ptr, a.ptr, b.ptr, M, K, N, acc, rt.matmulScratch);
  else k.matmul_nn(c.ptr, a.ptr, b.ptr, M, K, N, acc, rt.matmulScratch);
}

function describe(m: Matrix, transposed: boolean): string {
  return transposed ? `${m.cols}×${m.rows} (transposed)` : `${m.rows}×${m.cols}`;
}

/**
 * Throws a RangeError naming `what` unless every dimension is a positive integer.
 * @example
 * ```ts
 * checkDims('Linear', 3, 0) // RangeError: Linear: dimensions must be positive integers, got 3×0
 * ```
 */
export function checkDims(what: string, ...dims: number[]): void {
  for (const d of dims) {
    if (!Number.isInteger(d) || d <= 0)
      throw new RangeError(`${what}: dimensions must be positive integers, got ${dims.join('×')}`);
  }
}

/**
 * Throws if any of n floats at ptr is NaN or infinite, naming what was checked.
 * @example
 * ```ts
 * assertFinite(rt, x.ptr, 6, 'inputs');
 * ```
 */
export function assertFinite(rt: Runtime, ptr: number, n: number, what: string): void {
  const bad = rt.kernels.count_nonfinite_f32(ptr, n);
  if (bad === 0) return;
  const view = rt.f32(ptr, n);
  const first = view.findIndex((v) => !Number.isFinite(v));
  throw new RangeError(`${what}: ${bad} value(s) are NaN or infinite (the first at index ${first})`);
}
