// The Node entry: everything the browser entry has, plus reading the shipped WebAssembly (and
// other file: URLs) from disk.

import { readFile } from 'node:fs/promises';
import { setFileUrlReader } from './runtime/wasm-source.js';

setFileUrlReader(async (url) => new Uint8Array(await readFile(url)));

export * from './index.js';
