// Word vectors for TrainOptions.pretrainedVectors, by name (a vector set the data-set manager
// fetches, verifies and caches: src/data/datasets/vector-sets.ts) or from a file (word2vec text,
// as fastText's .vec; word2vec binary when the name ends in .bin).

import { readFile, stat } from 'node:fs/promises';
import { resolveVectors } from '../data/datasets/vectors.node.js';
import { findVectorSet } from '../data/datasets/vector-sets.js';
import type { DatasetOptions } from '../data/datasets/options.js';
import { parseBinaryVectors, parseVectors } from './vectors.js';

/**
 * Word vectors by name ("glove-6b-100d", downloaded and verified into the cache the first time)
 * or from a file; an existing file wins over a name. Give them to train() as pretrainedVectors.
 * @example
 * ```ts
 * const vectors = await loadVectors("glove-6b-100d");
 * const model = await train("sst2", { arch: "attention", dim: 100, heads: 4, pretrainedVectors: vectors, vectorsLr: 0 });
 * ```
 */
export async function loadVectors(
  nameOrFile: string,
  options: DatasetOptions = {},
): Promise<Map<string, Float32Array>> {
  const isFile = await stat(nameOrFile).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!isFile && findVectorSet(nameOrFile)) {
    const { path } = await resolveVectors(nameOrFile, options);
    return parseBinaryVectors(new Uint8Array(await readFile(path)), path);
  }
  const bytes = await readFile(nameOrFile);
  return nameOrFile.toLowerCase().endsWith('.bin')
    ? parseBinaryVectors(new Uint8Array(bytes), nameOrFile)
    : parseVectors(bytes.toString('utf8'), nameOrFile);
}
