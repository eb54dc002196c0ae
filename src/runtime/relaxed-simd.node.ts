// Node 20 runs WebAssembly relaxed SIMD (which the fma build needs) only behind a V8 flag; Node 22
// and later run it by default. V8 accepts the flag at run time, before a module is compiled.

import { setFlagsFromString } from 'node:v8';
import { hasRelaxedSimd } from './wasm-source.js';

/**
 * Turns relaxed SIMD on in this Node process if it is off; returns whether the engine now has it.
 * @example
 * ```ts
 * enableRelaxedSimd(); const rt = await Runtime.create({ fma: true });
 * ```
 */
export function enableRelaxedSimd(): boolean {
  if (!hasRelaxedSimd()) setFlagsFromString('--experimental-wasm-relaxed-simd');
  return hasRelaxedSimd();
}
