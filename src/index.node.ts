/**
 * The Node entry (`import { train } from 'sentiwasm'` resolves here in Node): everything the
 * browser entry has, plus reading files from disk (the shipped WebAssembly, model files, data
 * files), saving model files atomically, and data sets by name.
 * @example
 * ```ts
 * const model = await train('sst2', { validation: 'sst2:dev', epochs: 5 });
 * await saveModelFileAtomic('sst2.bin', model.toBytes());
 * ```
 * @module node
 */

import { readFile } from 'node:fs/promises';
import { setFileReader } from './runtime/wasm-source.js';
import { nodeThreadStarter } from './train/thread-starter.node.js';
import { setThreadStarter } from './train/threads.js';

setFileReader(async (file) => new Uint8Array(await readFile(file)));
// Training on several threads runs worker_threads workers over one shared memory.
setThreadStarter(nodeThreadStarter);

export * from './index.js';
export * from './io/save.node.js';
export * from './data/files.node.js';
export * from './runtime/relaxed-simd.node.js';
// Data sets by name: the registry, and fetching into the cache. train and trainWithReport here
// take a name where the library's take a path (train("sst2")); they shadow the library's.
export * from './data/datasets/registry.js';
export {
  datasetCacheStatus,
  getDataset,
  resolveDataPath,
  resolveDataset,
  standInVariable,
  type ResolvedDataset,
} from './data/datasets/manager.node.js';
export { defaultCacheDir } from './data/datasets/cache.node.js';
export type { DatasetOptions, DatasetProgress, SourceOverride } from './data/datasets/options.js';
export type { NodeTrainOptions } from './io/train-by-name.node.js';
// …and with the `worker` option, in a worker_threads worker.
export { train, trainWithReport } from './worker/train.node.js';
