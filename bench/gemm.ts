// Matrix-product throughput (workload W2 in shared/BENCHMARKS.md): square C = A·B for each
// orientation, plus any M×K×N shape (the MLP's own products). Every measurement first checks the
// kernel against float64 sums and throws if it is wrong: a fast wrong kernel is no result.
//
//   npx tsx bench/gemm.ts            prints the table (build/sentiwasm.wasm must be built)

import { readFileSync } from 'node:fs';
import { Random } from '../src/nn/random.js';
import { Runtime } from '../src/runtime/runtime.js';
import { median } from './record.js';

export type Orientation = 'nn' | 'nt' | 'tn';

export interface GemmResult {
  /** Median GFLOP/s over the runs (2·M·K·N flops per product). */
  gflops: number;
  runsGflops: number[];
}

export interface ProductResult extends GemmResult {
  /** Median milliseconds per product. */
  msPerProduct: number;
}

/** Shortest run: enough repetitions that timer resolution and call overhead vanish. */
const MIN_RUN_MS = 100;

/**
 * Throughput of square C[n×n] = A·B in one orientation, median GFLOP/s over `runs` runs.
 * @example const { gflops } = await measureGemm(rt, 256, 'nn');
 */
export async function measureGemm(rt: Runtime, n: number, orientation: Orientation, runs = 5): Promise<GemmResult> {
  const { gflops, runsGflops } = await measureProduct(rt, n, n, n, orientation, runs);
  return { gflops, runsGflops };
}

/**
 * Throughput and time of C[M×N] = op(A)·op(B) for one shape and orientation.
 * @example const { msPerProduct } = await measureProduct(rt, 128, 512, 256, 'nt');
 */
export async function measureProduct(
  rt: Runtime,
  M: number,
  K: number,
  N: number,
  orientation: Orientation,
  runs = 5,
): Promise<ProductResult> {
  const mark = rt.mark();
  try {
    const a = rt.allocF32(M * K);
    const b = rt.allocF32(K * N);
    const c = rt.allocF32(M * N);
    const rng = new Random(M * 1_000_003 + K * 1009 + N);
    const av = rt.f32(a, M * K);
    for (let i = 0; i < av.length; i++) av[i] = rng.uniform(-1, 1);
    const bv = rt.f32(b, K * N);
    for (let i = 0; i < bv.length; i++) bv[i] = rng.uniform(-1, 1);

    const product = rt.kernels[`matmul_${orientation}`].bind(rt.kernels);
    const kernel: Kernel = (c, a, b, M, K, N, acc) => product(c, a, b, M, K, N, acc, rt.matmulScratch);

    kernel(c, a, b, M, K, N, 0);
    validate(rt, orientation, c, a, b, M, K, N);

    // Warm up first: V8 runs a wasm function in its baseline compiler until it has been hot for a
    // while, then swaps in the optimised code; timing the baseline would understate the kernel.
    const warmUntil = performance.now() + MIN_RUN_MS;
    while (performance.now() < warmUntil) kernel(c, a, b, M, K, N, 0);
    // Calibrate: grow the repetitions until one run lasts MIN_RUN_MS.
    let reps = 1;
    for (;;) {
      const t = timeReps(kernel, c, a, b, M, K, N, reps);
      if (t >= MIN_RUN_MS) break;
      reps = t <= 0 ? reps * 8 : Math.max(reps * 2, Math.ceil((reps * MIN_RUN_MS * 1.1) / t));
    }
    const flops = 2 * M * K * N;
    const runsGflops: number[] = [];
    const runsMs: number[] = [];
    for (let r = 0; r < runs; r++) {
      const ms = timeReps(kernel, c, a, b, M, K, N, reps) / reps;
      runsMs.push(ms);
      runsGflops.push(flops / (ms * 1e6));
    }
    return { gflops: median(runsGflops), runsGflops, msPerProduct: median(runsMs) };
  } finally {
    rt.release(mark);
  }
}

type Kernel = (c: number, a: number, b: number, M: number, K: number, N: number, accumulate: number) => void;

function timeReps(
  kernel: Kernel,
  c: number,
  a: number,
  b: number,
  M: number,
  K: number,
  N: number,
  reps: number,
): number {
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) kernel(c, a, b, M, K, N, 0);
  return performance.now() - t0;
}

/**
 * Checks the product against float64 sums computed here: every entry of a small product, sampled
 * entries of a large one (where all of them would take seconds). The shipped builds have no
 * scalar references (the test builds do; test/matmul.test.ts compares each product with its own).
 */
function validate(
  rt: Runtime,
  orientation: Orientation,
  c: number,
  a: number,
  b: number,
  M: number,
  K: number,
  N: number,
): void {
  const tolerance = 1e-5 * Math.max(1, Math.sqrt(K));
  const got = rt.f32(c, M * N);
  const av = rt.f32(a, M * K);
  const bv = rt.f32(b, K * N);
  const samples: Array<[number, number]> = [];
  if (M * K * N <= 256 ** 3) {
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) samples.push([i, j]);
  } else {
    const rng = new Random(12345);
    samples.push([0, 0], [M - 1, N - 1], [0, N - 1], [M - 1, 0]);
    for (let s = 0; s < 60; s++) samples.push([rng.int(M), rng.int(N)]);
  }
  for (const [i, j] of samples) {
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const x = orientation === 'tn' ? av[k * M + i] : av[i * K + k];
      const y = orientation === 'nt' ? bv[j * K + k] : bv[k * N + j];
      sum += x * y;
    }
    check(got[i * N + j], sum, i * N + j);
  }

  function check(value: number, expected: number, index: number): void {
    if (!(Math.abs(value - expected) <= tolerance * (1 + Math.abs(expected)))) {
      const i = Math.floor(index / N);
      throw new Error(
        `matmul_${orientation} ${M}×${K}×${N}: C[${i},${index - i * N}] = ${value}, expected ${expected}; not timing a wrong kernel`,
      );
    }
  }
}

/** The products of one training step of an MLP 512→256→256→1 at batch 128. */
export const MLP_PRODUCTS: Array<{ what: string; orientation: Orientation; M: number; K: number; N: number }> = [
  { what: 'forward  Y1 = X·W1ᵀ', orientation: 'nt', M: 128, K: 512, N: 256 },
  { what: 'forward  Y2 = H1·W2ᵀ', orientation: 'nt', M: 128, K: 256, N: 256 },
  { what: 'backward dW1 = dY1ᵀ·X', orientation: 'tn', M: 256, K: 128, N: 512 },
  { what: 'backward dW2 = dY2ᵀ·H1', orientation: 'tn', M: 256, K: 128, N: 256 },
  { what: 'backward dH1 = dY2·W2', orientation: 'nn', M: 128, K: 256, N: 256 },
];

if (import.meta.url === `file://${process.argv[1]}`) {
  const wasm = process.argv[2] ?? 'build/sentiwasm.wasm';
  const rt = await Runtime.create({ wasm: readFileSync(wasm) });
  const sizes = [64, 128, 256, 512, 1024];
  console.log(`GFLOP/s, square C = A·B, single thread (${wasm})`);
  console.log(['n'.padStart(6), ...(['nn', 'nt', 'tn'] as const).map((o) => `matmul_${o}`.padStart(11))].join(''));
  for (const n of sizes) {
    const row = [String(n).padStart(6)];
    for (const o of ['nn', 'nt', 'tn'] as const) row.push((await measureGemm(rt, n, o)).gflops.toFixed(1).padStart(11));
    console.log(row.join(''));
  }
  console.log('\nMLP 512→256→256→1, batch 128: one product each');
  let total = 0;
  for (const p of MLP_PRODUCTS) {
    const r = await measureProduct(rt, p.M, p.K, p.N, p.orientation);
    total += r.msPerProduct;
    console.log(
      `  ${p.what.padEnd(24)} matmul_${p.orientation} M=${p.M} K=${p.K} N=${p.N}`.padEnd(58) +
        `${(r.msPerProduct * 1000).toFixed(0).padStart(6)} µs ${r.gflops.toFixed(1).padStart(6)} GFLOP/s`,
    );
  }
  console.log(`  total ${(total * 1000).toFixed(0)} µs`);
}
