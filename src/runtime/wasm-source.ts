// Where the WebAssembly bytes come from. Browsers and bundlers fetch the URL next to this module
// (`new URL(…, import.meta.url)` needs no bundler settings); Node reads file: URLs from disk
// through a reader that the Node entry point installs, so this module imports nothing from Node.

/** Anything the runtime can instantiate from: bytes, a URL (or its string), a fetch Response or a compiled module. */
export type WasmSource = BufferSource | URL | string | Response | WebAssembly.Module;

/** Reads a file: URL or a file-system path. */
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
  if (!fileReader) throw new Error(`sentiwasm: cannot read ${String(file)} here (no file system); pass the bytes or an http(s) URL instead`);
  return fileReader(file);
}

/** The release build shipped with the package. */
export function defaultWasmUrl(): URL {
  return new URL('../../build/sentiwasm.wasm', import.meta.url);
}

/** Turns a source into something `@assemblyscript/loader` instantiates (bytes, Response or Module). */
export async function resolveWasmSource(source: WasmSource): Promise<BufferSource | Response | WebAssembly.Module> {
  if (typeof source === 'string') source = new URL(source, typeof location !== 'undefined' ? location.href : undefined);
  if (!(source instanceof URL)) return source;
  if (source.protocol === 'file:') {
    if (!fileReader) throw new Error(`sentiwasm: cannot read ${source.href} here; import sentiwasm from its Node entry, or pass the WebAssembly bytes or an http(s) URL to Runtime.create({ wasm })`);
    return fileReader(source);
  }
  const response = await fetch(source);
  if (!response.ok) throw new Error(`sentiwasm: fetching ${source.href} failed with HTTP ${response.status}`);
  return response;
}
