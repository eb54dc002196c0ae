// Pretrained word vectors by name in Node: the set's word2vec binary file, from the cache or
// downloaded, verified against its published checksum before anything of it is used, and
// unpacked into the cache as the data sets are (./fetch.node.ts; the cache: ./cache.node.ts).

import { join } from 'node:path';
import { cachedManifest, cacheDirOf } from './cache.node.js';
import { downloadAndUnpack } from './fetch.node.js';
import { effectiveSource } from './manager.node.js';
import type { DatasetOptions } from './options.js';
import { DatasetError, type DatasetSource } from './registry.js';
import { vectorSetOf, VECTORS_FILE, type VectorSetEntry } from './vector-sets.js';

/** A vector set, on disk. */
export interface ResolvedVectors {
  /** Its name, as in VECTOR_SETS. */
  name: string;
  /** Its file: word2vec binary ("<count> <dim>\n", then each word, a space, dim float32 LE, "\n"). */
  path: string;
  /** Words in the file. */
  words: number;
  /** The set's entry in VECTOR_SETS. */
  entry: VectorSetEntry;
  /** The download it comes from, overrides applied. */
  source: DatasetSource;
  /** How the file came to be: from the cache, or downloaded now. */
  origin: 'cache' | 'download';
}

/**
 * Whether the cache holds a vector set, checked and complete, and its folder there.
 * @example
 * ```ts
 * (await vectorsCacheStatus("glove-6b-100d")).cached
 * ```
 */
export async function vectorsCacheStatus(
  name: string,
  options: DatasetOptions = {},
): Promise<{
  /** Whether the cache holds the set's file, checked and complete. */
  cached: boolean;
  /** Its folder in the cache (whether or not it is there). */
  dir: string;
}> {
  const source = await effectiveSource(vectorSetOf(name).source, options);
  const dir = join(cacheDirOf(options), source.id);
  return { cached: (await cachedManifest(dir, source)) !== undefined, dir };
}

/**
 * The file of a set of word vectors by name, downloading, verifying and unpacking it into the
 * cache the first time (as resolveDataset does for a data set; the same options apply, `from`
 * aside).
 * @example
 * ```ts
 * const { path, words } = await resolveVectors("glove-6b-100d")
 * ```
 */
export async function resolveVectors(name: string, options: DatasetOptions = {}): Promise<ResolvedVectors> {
  const set = vectorSetOf(name);
  const source = await effectiveSource(set.source, options);
  const cache = cacheDirOf(options);
  const dir = join(cache, source.id);
  const path = join(dir, VECTORS_FILE);
  const base = { name: set.entry.name, path, entry: set.entry, source };
  const cached = await cachedManifest(dir, source);
  if (cached) return { ...base, words: cached.files[VECTORS_FILE]?.rows ?? 0, origin: 'cache' };
  if (options.offline)
    throw new DatasetError(
      `${set.entry.name} is not in the cache (${cache}), and offline mode forbids downloading it. ` +
        `Download it once while online (sentiwasm datasets get ${set.entry.name}), or give a vectors file instead`,
    );
  const manifest = await downloadAndUnpack(set.entry.name, source, cache, options);
  return { ...base, words: manifest.files[VECTORS_FILE]?.rows ?? 0, origin: 'download' };
}
