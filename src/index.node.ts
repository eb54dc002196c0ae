// The Node entry: everything the browser entry has, plus reading files from disk (the shipped
// WebAssembly, model files, data files) and saving model files atomically.

import { readFile } from 'node:fs/promises';
import { setFileReader } from './runtime/wasm-source.js';

setFileReader(async (file) => new Uint8Array(await readFile(file)));

export * from './index.js';
export * from './io/save.node.js';
export * from './data/files.node.js';
export * from './runtime/relaxed-simd.node.js';
