// Shared test fixtures: a runtime over the freshly built WebAssembly, a seeded generator, and
// helpers to move arrays in and out of linear memory.

import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataError } from '../src/data/errors.js';
import { enableRelaxedSimd } from '../src/runtime/relaxed-simd.node.js';
import type { KernelExports, KernelReferences } from '../src/runtime/exports.js';
import { Runtime } from '../src/runtime/runtime.js';

export const WASM_PATH = new URL('../build/sentiwasm.wasm', import.meta.url);

/** A new runtime over build/sentiwasm.wasm (built by `npm run asbuild`). */
export async function testRuntime(): Promise<Runtime> {
  if (!existsSync(WASM_PATH)) throw new Error('build/sentiwasm.wasm is missing: run `npm run asbuild` first');
  return Runtime.create({ wasm: readFileSync(WASM_PATH) });
}

export const FMA_WASM_PATH = new URL('../build/sentiwasm-fma.wasm', import.meta.url);

/** A new runtime over build/sentiwasm-fma.wasm, the fused multiply-add build. */
export async function fmaTestRuntime(): Promise<Runtime> {
  if (!existsSync(FMA_WASM_PATH)) throw new Error('build/sentiwasm-fma.wasm is missing: run `npm run asbuild` first');
  enableRelaxedSimd();
  return Runtime.create({ wasm: readFileSync(FMA_WASM_PATH) });
}

/** A runtime whose kernels include the scalar references (`*_ref`), which only the test builds export. */
export type ReferenceRuntime = Runtime & { readonly kernels: KernelExports & KernelReferences };

export const TEST_WASM_PATH = new URL('../build/sentiwasm.test.wasm', import.meta.url);

/** A new runtime over build/sentiwasm.test.wasm: the default build's kernels with their scalar references beside them. */
export async function referenceRuntime(): Promise<ReferenceRuntime> {
  if (!existsSync(TEST_WASM_PATH)) throw new Error('build/sentiwasm.test.wasm is missing: run `npm run asbuild` first');
  return (await Runtime.create({ wasm: readFileSync(TEST_WASM_PATH) })) as ReferenceRuntime;
}

export const FMA_TEST_WASM_PATH = new URL('../build/sentiwasm-fma.test.wasm', import.meta.url);

/** A new runtime over build/sentiwasm-fma.test.wasm: the fma build's kernels with their scalar references. */
export async function fmaReferenceRuntime(): Promise<ReferenceRuntime> {
  if (!existsSync(FMA_TEST_WASM_PATH))
    throw new Error('build/sentiwasm-fma.test.wasm is missing: run `npm run asbuild` first');
  enableRelaxedSimd();
  return (await Runtime.create({ wasm: readFileSync(FMA_TEST_WASM_PATH) })) as ReferenceRuntime;
}

/** mulberry32: a small seeded generator so every test sees the same numbers. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n uniform values in [-scale, scale). */
export function randomArray(rand: () => number, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rand() * 2 - 1) * scale;
  return out;
}

/** Copies values into freshly allocated memory; returns the pointer. */
export function put(rt: Runtime, values: ArrayLike<number>): number {
  const ptr = rt.allocF32(values.length);
  rt.f32(ptr, values.length).set(values);
  return ptr;
}

/** Copies int32 values into freshly allocated memory; returns the pointer. */
export function putI32(rt: Runtime, values: ArrayLike<number>): number {
  const ptr = rt.alloc(values.length * 4);
  rt.i32(ptr, values.length).set(values);
  return ptr;
}

/** A copy of n floats at ptr. */
export function get(rt: Runtime, ptr: number, n: number): Float32Array {
  return rt.f32(ptr, n).slice();
}

/** Largest |a−b| / (1 + |b|) over two arrays. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return worst;
}

/** The bag-front model (embedding bag + dense head) inside a trained bag or mlp classifier, for tests that look at its parts. */
export function bagFront(model: { model: unknown }): import('../src/models/bag-front-model.js').BagFrontModel {
  return model.model as import('../src/models/bag-front-model.js').BagFrontModel;
}

/** The built command line, run by the CLI tests in child processes as a user runs it. */
export const CLI_PATH = new URL('../dist/cli/main.js', import.meta.url);

/** Runs the built CLI with `args` (and `input` on standard input, `env` added to the environment); never throws on a failing exit. */
export async function cli(
  args: string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  const path = fileURLToPath(CLI_PATH);
  if (!existsSync(path)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [path, ...args],
      { env: { ...process.env, ...options.env }, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const code = error
          ? typeof (error as { code?: unknown }).code === 'number'
            ? (error as { code: number }).code
            : 1
          : 0;
        resolve({ stdout, stderr, code });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}

/** The DataError `work` throws; anything else it throws is rethrown, and not throwing fails. */
export function thrownDataError(work: () => unknown): DataError {
  try {
    work();
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error('expected a DataError');
}

/** The DataError `promise` rejects with; see thrownDataError. */
export async function rejectedDataError(promise: Promise<unknown>): Promise<DataError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error('expected a DataError');
}

/** −log softmax(row b)[target] of [B × C] logits: softmax cross-entropy, worked out apart from the kernels. */
export function crossEntropyOfRow(logits: Float32Array, b: number, C: number, target: number): number {
  const row = Array.from(logits.subarray(b * C, (b + 1) * C));
  const max = Math.max(...row);
  return max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) - row[target];
}

/** ∂objective/∂v for every value v of every tensor by central differences (v ± eps, then put back). */
export function numericGradients(
  tensors: readonly { values(): Float32Array }[],
  objective: () => number,
  eps: number,
): number[][] {
  return tensors.map((t) =>
    Array.from({ length: t.values().length }, (_, i) => {
      const saved = t.values()[i];
      t.values()[i] = saved + eps;
      const plus = objective();
      t.values()[i] = saved - eps;
      const minus = objective();
      t.values()[i] = saved;
      return (plus - minus) / (2 * eps);
    }),
  );
}
