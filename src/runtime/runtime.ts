// One WebAssembly instance and its one linear memory. The runtime hands out byte ranges of that
// memory (a bump allocator: models lay their blocks out once and keep them) and makes fresh
// typed-array views on demand, because growing the memory detaches every old view.

import type { KernelExports } from './exports.js';
import {
  defaultWasmUrl,
  hasRelaxedSimd,
  resolveWasmSource,
  type WasmMemory,
  type WasmModule,
  type WasmSource,
} from './wasm-source.js';

const PAGE_BYTES = 65536;
/** Blocks start on cache-line boundaries so SIMD loads of a row never straddle two lines needlessly. */
export const DEFAULT_ALIGN = 64;

/**
 * Options for Runtime.create: which WebAssembly build to run, the initial memory, and whether the memory is shared with
 * threads.
 */
export interface RuntimeOptions {
  /** The WebAssembly to run: bytes, a URL, a Response or a compiled Module. Default: the shipped release build. */
  wasm?: WasmSource;
  /**
   * Run the shipped build whose matrix products use fused multiply-add (relaxed SIMD), when the
   * engine has it (`runtime.fma` tells); else the default build. About 1.4× faster matrix
   * products, but results differ from the default build's in the last bits, so training is
   * byte-for-byte reproducible only on engines running the same build. Ignored when `wasm` is given.
   */
  fma?: boolean;
  /** Initial memory in bytes (rounded up to 64 KiB pages). */
  initialBytes?: number;
  /**
   * Lay the memory out as a shared WebAssembly.Memory and run the threads build over it, so that
   * worker threads can run instances of the core over the same memory (see forThread). `wasm`,
   * when given, must then be a threads build (one that imports a shared memory).
   */
  shared?: boolean;
}

/**
 * Where a thread's runtime lays its blocks out: a region of the host's plan that is the thread's
 * alone (scratch, batch buffers, activations, gradients), and the blocks all threads use in
 * place (weights and optimiser state), found by name.
 */
export interface ThreadLayout {
  /** The thread's own bytes [offset, offset + bytes), a block the host laid out before the thread started. */
  region: {
    /** Where the region starts, a byte offset. */
    offset: number;
    /** Its size in bytes. */
    bytes: number;
  };
  /** Blocks of the host's plan that this thread uses where they are, neither zeroed nor reinitialised. */
  shared: readonly MemoryBlock[];
}

/** The largest memory (4 GiB, all 32-bit addresses reach); a shared memory must declare its maximum, so both say it. */
const MAXIMUM_PAGES = 65536;

/** A saved position of the allocator; `release(mark)` frees everything allocated after it. */
export type AllocationMark = number;

/** One block of the memory plan: what it holds, where it starts, how many bytes. */
export interface MemoryBlock {
  /** What the block holds ("net.parameters", "embedding.ids", …). */
  name: string;
  /** Where it starts, a byte offset into the memory. */
  offset: number;
  /** Its size in bytes. */
  bytes: number;
}

/**
 * One instance of the WebAssembly core and its memory, with the memory plan: blocks are allocated once, by name, when a
 * model is built, and every kernel works on byte offsets into them.
 */
export class Runtime {
  /** The raw kernels; prefer the checked wrappers in kernels.ts. */
  readonly kernels: KernelExports;
  /** The linear memory every kernel works in (a WebAssembly.Memory). */
  readonly memory: WasmMemory;
  /** Whether this runtime runs the fused multiply-add build (RuntimeOptions.fma). */
  readonly fma: boolean;
  /** The matrix products' packing scratch: the first block of the plan (one per thread, once there are threads). */
  readonly matmulScratch: number;
  private top: number;
  private growCount = 0;
  /** Every block laid out so far, in address order: the memory plan. */
  private readonly blocks: MemoryBlock[] = [];
  /** Set once a model is laid out: then any further allocation is a bug, reported as such. */
  private sealedBy: string | undefined;
  /** The compiled core, kept when the memory is shared so that threads can instantiate it over the same memory. */
  readonly module: WasmModule | undefined;
  /** A thread's runtime: the end of its region, and the host's blocks it uses in place. */
  private readonly thread: { end: number; shared: Map<string, MemoryBlock> } | undefined;

  private constructor(
    memory: WebAssembly.Memory,
    kernels: KernelExports,
    fma: boolean,
    module?: WasmModule,
    layout?: ThreadLayout,
  ) {
    this.memory = memory;
    this.kernels = kernels;
    this.fma = fma;
    this.module = module;
    // A thread lays its blocks out in its own region; the core's static data (below heap_base) and
    // the host's blocks are the host's. Every instance writes the same read-only tables below
    // heap_base when it starts, so a thread starting while others run changes no byte they read.
    this.thread = layout && {
      end: layout.region.offset + layout.region.bytes,
      shared: new Map(layout.shared.map((b) => [b.name, b])),
    };
    this.top = alignUp(layout ? layout.region.offset : kernels.heap_base(), DEFAULT_ALIGN);
    this.matmulScratch = this.alloc(kernels.matmul_scratch_bytes(), DEFAULT_ALIGN, 'kernels.matmulScratch');
  }

  /**
   * Instantiates the numeric core.
   * @example
   * ```ts
   * const rt = await Runtime.create();
   * ```
   */
  static async create(options: RuntimeOptions = {}): Promise<Runtime> {
    const pages = Math.max(1, Math.ceil((options.initialBytes ?? 16 * PAGE_BYTES) / PAGE_BYTES));
    const shared = options.shared === true;
    const memory = new WebAssembly.Memory({
      initial: pages,
      maximum: MAXIMUM_PAGES,
      ...(shared ? { shared: true } : {}),
    });
    const fma = options.wasm === undefined && options.fma === true && hasRelaxedSimd();
    const source =
      options.wasm === undefined ? await compiledShipped(fma, shared) : await resolveWasmSource(options.wasm);
    const module = await compileSource(source);
    // A shared runtime keeps its compiled module for the threads.
    return new Runtime(memory, await instantiateCore(module, memory), fma, shared ? module : undefined);
  }

  /**
   * A thread's runtime: a new instance of the host's core over the host's shared memory, laying
   * its blocks out in the region the host gave it and using the shared blocks in place. It never
   * grows the memory (the host does, between phases).
   * @example
   * ```ts
   * const rt = await Runtime.forThread(memory, module, { region, shared }, false);
   * ```
   */
  static async forThread(memory: WasmMemory, module: WasmModule, layout: ThreadLayout, fma = false): Promise<Runtime> {
    return new Runtime(
      memory as WebAssembly.Memory,
      await instantiateCore(module as WebAssembly.Module, memory),
      fma,
      module,
      layout,
    );
  }

  /** Whether this is a host's runtime over a shared memory (Runtime.create({ shared: true })), which can plan threads. */
  get shared(): boolean {
    return this.module !== undefined && this.thread === undefined;
  }

  /**
   * Whether the block called `name` is one this thread uses in place (a weight or optimiser block
   * the host laid out and initialised): a model built in a thread leaves its values alone.
   */
  isShared(name: string): boolean {
    return this.thread?.shared.has(name) ?? false;
  }

  /** Bytes currently in linear memory. */
  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  /** How many times the memory has grown; a training step must not change it. */
  get grows(): number {
    return this.growCount;
  }

  /** The first free byte: a training step must leave it where it was. */
  get allocated(): number {
    return this.top;
  }

  /**
   * Reserves `bytes` bytes, zero-filled, growing the memory if needed; returns the byte offset.
   * `name` labels the block in the memory plan (see plan()).
   * @example
   * ```ts
   * const ptr = rt.alloc(4 * 1024, 64, 'embedding.ids');
   * ```
   */
  alloc(bytes: number, align = DEFAULT_ALIGN, name = 'block'): number {
    if (!Number.isInteger(bytes) || bytes < 0)
      throw new RangeError(`cannot allocate ${bytes} bytes of WebAssembly memory`);
    if (this.sealedBy !== undefined)
      throw new Error(
        `sentiwasm: "${name}" (${bytes} bytes) asked for memory after ${this.sealedBy} laid its memory out; nothing may be allocated after that`,
      );
    const shared = this.thread?.shared.get(name);
    if (shared) {
      if (shared.bytes !== bytes)
        throw new Error(
          `sentiwasm: a thread laid out "${name}" as ${bytes} bytes, but the host's block has ${shared.bytes}; the thread must build the very model the host built`,
        );
      this.blocks.push(shared);
      return shared.offset;
    }
    const ptr = alignUp(this.top, align);
    const end = ptr + bytes;
    if (this.thread && end > this.thread.end)
      throw new RangeError(
        `sentiwasm: a thread's region ends at byte ${this.thread.end}, too soon for "${name}" (${bytes} bytes at ${ptr}); the host must plan a larger region`,
      );
    this.ensure(end);
    this.top = end;
    // Memory released by `release` may hold old data; callers expect zeros.
    new Uint8Array(this.memory.buffer, ptr, bytes).fill(0);
    this.blocks.push({ name, offset: ptr, bytes });
    return ptr;
  }

  /** Reserves n float32 values; returns the byte offset. */
  allocF32(n: number, name = 'block'): number {
    return this.alloc(n * 4, DEFAULT_ALIGN, name);
  }

  /**
   * The memory plan: every block laid out, in address order, with its name and size.
   * @example
   * ```ts
   * for (const b of rt.plan()) console.log(b.name, b.offset, b.bytes);
   * ```
   */
  plan(): readonly MemoryBlock[] {
    return this.blocks;
  }

  /**
   * Declares the plan complete: from now on an allocation throws, naming the block that asked.
   * A model seals its runtime once laid out, so that a step or a prediction that would allocate
   * is caught by the tests rather than leaking memory in users' hands.
   */
  seal(by: string): void {
    this.sealedBy = by;
  }

  /** Whether seal() was called. */
  get sealed(): boolean {
    return this.sealedBy !== undefined;
  }

  /** Remembers the allocator's position, for scoped temporaries. */
  mark(): AllocationMark {
    return this.top;
  }

  /** Frees everything allocated since `mark` (the memory itself never shrinks). */
  release(mark: AllocationMark): void {
    if (mark > this.top) throw new RangeError('sentiwasm: release() of a mark that is ahead of the allocator');
    this.top = mark;
    while (this.blocks.length && this.blocks[this.blocks.length - 1].offset >= mark) this.blocks.pop();
  }

  /** Makes sure the memory holds at least `end` bytes. */
  ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    // Grow geometrically so that a model built layer by layer grows a handful of times, not once per layer.
    const want = Math.max(end, Math.min(have * 2, have + 256 * 1024 * 1024));
    const pages = Math.ceil((want - have) / PAGE_BYTES);
    try {
      this.memory.grow(pages);
    } catch {
      // The engine refused (a WebAssembly memory holds at most 4 GiB, and a browser tab may allow less).
      throw new RangeError(
        `out of WebAssembly memory: the model needs ${formatBytes(end)} and the engine gives at most ${formatBytes(have)} here. ` +
          'Make the model smaller: a lower dim, fewer buckets or a higher minCount, a smaller batch',
      );
    }
    this.growCount++;
  }

  /** A fresh Float32Array view of n floats at ptr (views go stale when memory grows: do not keep them). */
  f32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, n);
  }

  /** A fresh Int32Array view of n ints at ptr. */
  i32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, n);
  }

  /** A fresh byte view. */
  u8(ptr: number, n: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, n);
  }
}

function formatBytes(n: number): string {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GB` : `${Math.round(n / 1024 ** 2)} MB`;
}

/**
 * Rounds n up to a multiple of align (a power of two).
 * @example
 * ```ts
 * alignUp(100, 64) // 128
 * ```
 */
export function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

const shippedModules = new Map<string, Promise<WebAssembly.Module>>();

/** A shipped build (default or fma, plain or threads), fetched and compiled once per process: every model gets its own instance of it. */
function compiledShipped(fma: boolean, threads: boolean): Promise<WebAssembly.Module> {
  const key = `${fma}/${threads}`;
  let module = shippedModules.get(key);
  if (!module) {
    module = (async () => compileSource(await resolveWasmSource(defaultWasmUrl(fma, threads))))();
    shippedModules.set(key, module);
    module.catch(() => shippedModules.delete(key));
  }
  return module;
}

/**
 * An instance of the core over `memory`, its exports called directly. The core imports its memory
 * and nothing else (a build that imports AssemblyScript's abort gets one that throws), so no
 * loader stands between: a bundle carries no glue for it, and a worker needs no import map.
 */
async function instantiateCore(module: WebAssembly.Module, memory: WasmMemory): Promise<KernelExports> {
  const abort = (_message: number, _file: number, line: number, column: number) => {
    throw new Error(`sentiwasm: the WebAssembly core aborted at line ${line}:${column} of its source`);
  };
  const instance = await WebAssembly.instantiate(module, { env: { memory: memory as WebAssembly.Memory, abort } });
  // The contract with the core (contract.ts, checked by scripts/contract.mjs) says what it exports.
  const exports: object = instance.exports;
  return exports as KernelExports;
}

/** Compiles what resolveWasmSource gave (a Module is returned as it is). */
async function compileSource(source: Awaited<ReturnType<typeof resolveWasmSource>>): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof Response) return WebAssembly.compile(await source.arrayBuffer());
  // A file: URL was read into bytes (the stand-in WasmModule type is a bare object, hence the cast).
  return WebAssembly.compile(source as BufferSource);
}

let shared: Promise<Runtime> | undefined;

/**
 * The runtime that models use unless given another; created on first use.
 * @example
 * ```ts
 * const rt = await defaultRuntime();
 * ```
 */
export function defaultRuntime(): Promise<Runtime> {
  shared ??= Runtime.create();
  return shared;
}

/**
 * Installs the runtime that `defaultRuntime()` returns (for example one made from fetched bytes).
 * @example
 * ```ts
 * setDefaultRuntime(Runtime.create({ wasm: await fetch('/assets/sentiwasm.wasm') }));
 * ```
 */
export function setDefaultRuntime(runtime: Runtime | Promise<Runtime>): void {
  shared = Promise.resolve(runtime);
}
