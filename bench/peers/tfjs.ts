// TensorFlow.js as the peer measured in the same run: the wasm backend (XNNPACK, SIMD, pinned
// to one thread) and the plain JavaScript cpu backend. Loaded through its CommonJS bundle, which
// (unlike tfjs-core's ES build under Node) registers every gradient that training needs.

import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export type TfBackend = 'wasm' | 'cpu';
export type Tf = typeof import('@tensorflow/tfjs');

let loaded: Tf | undefined;

/** TensorFlow.js with the requested backend active. */
export async function loadTf(backend: TfBackend): Promise<Tf> {
  const require = createRequire(import.meta.url);
  if (!loaded) {
    loaded = require('@tensorflow/tfjs') as Tf;
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(`${dist}/`);
    wasm.setThreadsCount(1);
  }
  await loaded.setBackend(backend);
  await loaded.ready();
  return loaded;
}
