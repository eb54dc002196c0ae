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

import { installNodePlatform } from './io/platform.node.js';

// Files from disk, threads as worker_threads workers, and train() reading data sets by name.
installNodePlatform();

export * from './index.js';
export * from './io/save.node.js';
export * from './data/files.node.js';
export * from './runtime/relaxed-simd.node.js';
// Data sets by name: the registry, and fetching into the cache (train("sst2") reads through it).
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
// Pretrained word vectors by name, through the same manager, or from a file.
export * from './data/datasets/vector-sets.js';
export { resolveVectors, vectorsCacheStatus, type ResolvedVectors } from './data/datasets/vectors.node.js';
export { loadVectors } from './io/load-vectors.node.js';
export { parseBinaryVectors } from './io/vectors.js';
export type { DatasetOptions, DatasetProgress, SourceOverride } from './data/datasets/options.js';
