// Where the WebAssembly bytes come from. Browsers and bundlers fetch the URL next to this module
// (`new URL(…, import.meta.url)` needs no bundler settings); Node reads file: URLs from disk
// through a reader that the Node entry point installs, so this module imports nothing from Node.

// The public types below name no DOM or WebAssembly type: those come with TypeScript's "DOM"
// library, which a Node project (lib ES2022 and @types/node) does not load, so declarations
// naming them fail there ("Cannot find namespace 'WebAssembly'"). Minimal structural stand-ins
// take their place; the real objects fit them in every environment.

/** Bytes of a WebAssembly module (what the DOM library calls a BufferSource). */
export type WasmBytes = ArrayBuffer | ArrayBufferView;

/**
 * A compiled WebAssembly.Module. The DOM library declares Module as an empty interface, so any
 * object fits it there too: this stand-in loses no checking.
 */
export type WasmModule = object;

/** The parts of a WebAssembly.Memory the runtime exposes. */
export interface WasmMemory {
  /** The memory's bytes (an ArrayBuffer, or a SharedArrayBuffer for a shared memory). */
  readonly buffer: ArrayBuffer;
  /** Grows the memory by `delta` pages of 64 KiB; returns its previous size in pages. */
  grow(delta: number): number;
}

/** Anything the runtime can instantiate from: bytes, a URL (or its string), a fetch Response or a compiled WebAssembly.Module. */
export type WasmSource = WasmBytes | URL | string | Response | WasmModule;

/**
 * Reads a file: URL or a file-system path.
 * @inline
 */
type FileReader = (file: URL | string) => Promise<Uint8Array>;
let fileReader: FileReader | undefined;

/** Installed once by the Node entry point so that file: URLs are read from disk. */
export function setFileReader(reader: FileReader): void {
  fileReader = reader;
}

/** Whether a file system reader is installed (Node). */
export function canReadFiles(): boolean {
  return fileReader !== undefined;
}

/** Reads a file: URL or path through the installed reader, or explains that this environment has none. */
export function readFileBytes(file: URL | string): Promise<Uint8Array> {
  if (!fileReader)
    throw new Error(
      `sentiwasm: cannot read ${String(file)} here (no file system); pass the bytes or an http(s) URL instead`,
    );
  return fileReader(file);
}

/**
 * The release build shipped with the package; with `fma`, the build whose matrix products use
 * fused multiply-add (WebAssembly relaxed SIMD); with `threads`, the same code over a shared
 * memory (what threads run). Each URL is spelled out so bundlers find all four.
 * @example
 * ```ts
 * const rt = await Runtime.create({ wasm: defaultWasmUrl(hasRelaxedSimd()) });
 * ```
 */
export function defaultWasmUrl(fma = false, threads = false): URL {
  if (threads)
    return fma
      ? new URL('../../build/sentiwasm-fma-threads.wasm', import.meta.url)
      : new URL('../../build/sentiwasm-threads.wasm', import.meta.url);
  return fma
    ? new URL('../../build/sentiwasm-fma.wasm', import.meta.url)
    : new URL('../../build/sentiwasm.wasm', import.meta.url);
}

/**
 * Whether this engine runs WebAssembly relaxed SIMD (V8 11.4 and later: Chrome 114+, Node 22+;
 * Node 20 with --experimental-wasm-relaxed-simd): validates a one-function module that uses
 * relaxed_madd.
 * @example
 * ```ts
 * hasRelaxedSimd() // true in Chrome 114+ and Node 22+
 * ```
 */
export function hasRelaxedSimd(): boolean {
  const zeros = [0xfd, 0x0c, ...new Array<number>(16).fill(0)]; // v128.const 0
  const body = [0x00, ...zeros, ...zeros, ...zeros, 0xfd, 0x85, 0x02, 0x0b]; // f32x4.relaxed_madd; end
  const code = [0x01, body.length, ...body];
  const type = [0x01, 0x60, 0x00, 0x01, 0x7b]; // one type: () -> v128
  return WebAssembly.validate(
    new Uint8Array([
      0x00,
      0x61,
      0x73,
      0x6d,
      0x01,
      0x00,
      0x00,
      0x00,
      0x01,
      type.length,
      ...type,
      0x03,
      0x02,
      0x01,
      0x00,
      0x0a,
      code.length,
      ...code,
    ]),
  );
}

/** Turns a source into something the runtime compiles (bytes, Response or Module). */
export async function resolveWasmSource(source: WasmSource): Promise<WasmBytes | Response | WasmModule> {
  if (typeof source === 'string') source = new URL(source, typeof location !== 'undefined' ? location.href : undefined);
  if (!(source instanceof URL)) return source;
  if (source.protocol === 'file:') {
    if (!fileReader)
      throw new Error(
        `sentiwasm: cannot read ${source.href} here; import sentiwasm from its Node entry, or pass the WebAssembly bytes or an http(s) URL to Runtime.create({ wasm })`,
      );
    return fileReader(source);
  }
  const response = await fetch(source);
  if (!response.ok) throw new Error(`sentiwasm: fetching ${source.href} failed with HTTP ${response.status}`);
  return response;
}
