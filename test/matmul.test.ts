// The three blocked SIMD matrix products against their scalar references (every shape, with and
// without accumulation), against plain float64 JavaScript for small shapes, and at the edges of
// memory: they must touch nothing outside their operands and never grow the memory.

import { describe, expect, it } from 'vitest';
import {
  fmaReferenceRuntime,
  get,
  maxRelDiff,
  put,
  randomArray,
  referenceRuntime,
  seededRandom,
  type ReferenceRuntime,
} from './helpers.js';

type Orientation = 'nn' | 'nt' | 'tn';
const ORIENTATIONS: Orientation[] = ['nn', 'nt', 'tn'];

/** [M, K, N]: ones, odd sizes, sizes around the 16-wide panels and the k-blocks (128, 256), N < 10, M < 4. */
const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [1, 3, 5],
  [2, 3, 5],
  [3, 1, 7],
  [5, 7, 3],
  [7, 13, 9],
  [1, 300, 17],
  [17, 33, 15],
  [16, 16, 16],
  [2, 257, 32],
  [49, 129, 31],
  [64, 64, 64],
  [33, 65, 129],
  [128, 512, 256],
  [64, 100, 1], // nt: one output column takes the dot-product path
  [3, 37, 7],
  [3, 20, 40], // fewer than 4 rows: B read in place (nn, tn), dot products (nt)
];

/** Shapes of the operands for C[M×N]: A is M×K (K×M for tn), B is K×N (N×K for nt). */
function operandLengths(M: number, K: number, N: number): [number, number, number] {
  return [M * K, K * N, M * N];
}

/** C (+)= op(A)·op(B) in float64, the textbook triple loop. */
function productF64(
  o: Orientation,
  a: Float32Array,
  b: Float32Array,
  c0: Float32Array | null,
  M: number,
  K: number,
  N: number,
): Float64Array {
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = c0 ? c0[i * N + j] : 0;
      for (let k = 0; k < K; k++) {
        const x = o === 'tn' ? a[k * M + i] : a[i * K + k];
        const y = o === 'nt' ? b[j * K + k] : b[k * N + j];
        s += x * y;
      }
      out[i * N + j] = s;
    }
  }
  return out;
}

function run(
  rt: ReferenceRuntime,
  o: Orientation,
  c: number,
  a: number,
  b: number,
  M: number,
  K: number,
  N: number,
  acc: number,
): void {
  rt.kernels[`matmul_${o}`](c, a, b, M, K, N, acc, rt.matmulScratch);
}

function runRef(
  rt: ReferenceRuntime,
  o: Orientation,
  c: number,
  a: number,
  b: number,
  M: number,
  K: number,
  N: number,
  acc: number,
): void {
  rt.kernels[`matmul_${o}_ref`](c, a, b, M, K, N, acc);
}

/** Blocked sums round differently from the reference's one running sum; the gap grows like √K. */
const tolerance = (K: number) => 1e-5 * Math.max(1, Math.sqrt(K));

// Both shipped builds' kernels: the default one and the one whose products use fused multiply-add,
// each in its test build, which has the scalar references beside them.
const BUILDS: Array<[string, () => Promise<ReferenceRuntime>]> = [
  ['default', referenceRuntime],
  ['fma', fmaReferenceRuntime],
];

describe.each(BUILDS)('%s build', (_, makeRuntime) => {
  describe.each(ORIENTATIONS)('matmul_%s', async (o) => {
    const rt = await makeRuntime();

    it.each(SHAPES)(
      `matmul_${o} matches the scalar reference for M=%i K=%i N=%i, overwriting and accumulating`,
      (M, K, N) => {
        const mark = rt.mark();
        const rand = seededRandom(M * 10007 + K * 101 + N);
        const [la, lb, lc] = operandLengths(M, K, N);
        const a = put(rt, randomArray(rand, la));
        const b = put(rt, randomArray(rand, lb));
        const start = randomArray(rand, lc, 2);
        for (const acc of [0, 1]) {
          const c = put(rt, start);
          const cRef = put(rt, start);
          run(rt, o, c, a, b, M, K, N, acc);
          runRef(rt, o, cRef, a, b, M, K, N, acc);
          const got = get(rt, c, lc);
          expect(got.every(Number.isFinite)).toBe(true);
          expect(maxRelDiff(got, get(rt, cRef, lc))).toBeLessThan(tolerance(K));
        }
        rt.release(mark);
      },
    );

    it.each([
      [1, 3, 5],
      [2, 3, 5],
      [5, 7, 3],
      [7, 13, 9],
      [18, 20, 33],
    ])(`matmul_${o} equals the float64 triple loop for M=%i K=%i N=%i`, (M, K, N) => {
      const mark = rt.mark();
      const rand = seededRandom(M + 31 * K + 977 * N);
      const [la, lb, lc] = operandLengths(M, K, N);
      const av = randomArray(rand, la);
      const bv = randomArray(rand, lb);
      const cv = randomArray(rand, lc);
      const [a, b] = [put(rt, av), put(rt, bv)];
      const c = put(rt, cv);
      run(rt, o, c, a, b, M, K, N, 0);
      expect(maxRelDiff(get(rt, c, lc), productF64(o, av, bv, null, M, K, N))).toBeLessThan(1e-6);
      const c2 = put(rt, cv);
      run(rt, o, c2, a, b, M, K, N, 1);
      expect(maxRelDiff(get(rt, c2, lc), productF64(o, av, bv, cv, M, K, N))).toBeLessThan(1e-6);
      rt.release(mark);
    });

    it(`matmul_${o} writes nothing outside C and never grows the memory`, () => {
      const mark = rt.mark();
      const [M, K, N] = [13, 70, 37];
      const rand = seededRandom(7);
      const [la, lb, lc] = operandLengths(M, K, N);
      const a = put(rt, randomArray(rand, la));
      const b = put(rt, randomArray(rand, lb));
      const guard = 64;
      const block = put(rt, new Float32Array(lc + 2 * guard).fill(123.5));
      const bytes = rt.byteLength;
      run(rt, o, block + guard * 4, a, b, M, K, N, 1);
      run(rt, o, block + guard * 4, a, b, M, K, N, 0);
      const all = get(rt, block, lc + 2 * guard);
      expect(Array.from(all.subarray(0, guard)).every((v) => v === 123.5)).toBe(true);
      expect(Array.from(all.subarray(guard + lc)).every((v) => v === 123.5)).toBe(true);
      expect(rt.byteLength).toBe(bytes);
      rt.release(mark);
    });

    it.each([
      ['A', 7, 21, 19],
      ['B', 7, 21, 19],
      ['C', 7, 21, 19],
      ['A', 3, 21, 35],
      ['B', 3, 21, 35],
      ['C', 3, 21, 35],
    ])(`matmul_${o} reads nothing past the end of %s when it ends the memory (M=%i K=%i N=%i)`, (which, M, K, N) => {
      // Any read past the operand that ends the linear memory traps ("memory access out of bounds").
      const mark = rt.mark();
      const rand = seededRandom(11 + M);
      const [la, lb, lc] = operandLengths(M, K, N);
      const lengths = { A: la, B: lb, C: lc };
      const others = (['A', 'B', 'C'] as const).filter((x) => x !== which);
      const ptr: Record<string, number> = {};
      for (const x of others) ptr[x] = put(rt, randomArray(rand, lengths[x as 'A' | 'B' | 'C']));
      const cRef = rt.allocF32(lc); // before putAtEnd: nothing may be allocated after it
      ptr[which] = putAtEnd(rt, randomArray(rand, lengths[which as 'A' | 'B' | 'C']));
      rt.f32(cRef, lc).set(rt.f32(ptr.C, lc));
      expect(() => run(rt, o, ptr.C, ptr.A, ptr.B, M, K, N, 1)).not.toThrow();
      runRef(rt, o, cRef, ptr.A, ptr.B, M, K, N, 1);
      expect(maxRelDiff(get(rt, ptr.C, lc), get(rt, cRef, lc))).toBeLessThan(tolerance(K));
      rt.release(mark);
    });

    it(`matmul_${o} with K = 0 gives zeros, or leaves C alone when accumulating`, () => {
      const mark = rt.mark();
      const c = put(rt, [1, 2, 3, 4, 5, 6]);
      run(rt, o, c, 0, 0, 2, 0, 3, 1);
      expect(Array.from(get(rt, c, 6))).toEqual([1, 2, 3, 4, 5, 6]);
      run(rt, o, c, 0, 0, 2, 0, 3, 0);
      expect(Array.from(get(rt, c, 6))).toEqual([0, 0, 0, 0, 0, 0]);
      rt.release(mark);
    });
  });
});

/** Copies values so that they end exactly at the end of linear memory. */
function putAtEnd(rt: ReferenceRuntime, values: Float32Array): number {
  const bytes = values.length * 4;
  rt.ensure(rt.allocated + bytes + 64);
  const filler = rt.byteLength - rt.allocated - bytes;
  rt.alloc(filler, 1);
  const ptr = rt.alloc(bytes, 4);
  expect(ptr + bytes).toBe(rt.byteLength);
  rt.f32(ptr, values.length).set(values);
  return ptr;
}
