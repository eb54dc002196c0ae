export type { KernelExports } from './exports.js';
export { allocMatrix, assertFinite, checkDims, matmul, type Matrix, type MatmulOptions } from './kernels.js';
export {
  alignUp,
  defaultRuntime,
  Runtime,
  setDefaultRuntime,
  type AllocationMark,
  type MemoryBlock,
  type RuntimeOptions,
  type ThreadLayout,
} from './runtime.js';
export {
  defaultWasmUrl,
  hasRelaxedSimd,
  setFileReader,
  type WasmBytes,
  type WasmMemory,
  type WasmModule,
  type WasmSource,
} from './wasm-source.js';
