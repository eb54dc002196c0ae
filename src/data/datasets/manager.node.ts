// Data sets by name in Node: the file of a data set's split, from the cache, a local copy or a
// download (resuming after a broken connection), its published checksums verified before
// anything is used, unpacked into the cache and turned into files the readers read. The registry
// (what to download, what it must hash to) is ./registry.ts; the cache ./cache.node.ts.
// Kept apart so that browser bundles never see `node:fs` or `node:zlib`.

import { messageOf } from '../../format/schema.js';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { cachedManifest, cacheDirOf, exists, type Manifest } from './cache.node.js';
import { downloadAndUnpack, fromLocal } from './fetch.node.js';
import type { DatasetOptions, SourceOverride } from './options.js';
import {
  DatasetError,
  datasetNames,
  isDatasetSpec,
  parseDatasetSpec,
  type DatasetEntry,
  type DatasetRef,
  type DatasetSource,
} from './registry.js';

/** A split of a data set, on disk. */
export interface ResolvedDataset {
  /** NAME:SPLIT. */
  id: string;
  /** The data set's name, as in DATASETS. */
  name: string;
  /** The split's canonical name (dev for validation). */
  split: string;
  /** The split's file: CSV, TSV or JSONL, as its extension says. */
  path: string;
  /** Its data rows (without the header), when known. */
  rows?: number;
  /** The data set's entry in DATASETS. */
  entry: DatasetEntry;
  /** The download it comes from, overrides applied. */
  source: DatasetSource;
  /** How the file came to be: from the cache, downloaded now, or from a local copy. */
  origin: 'cache' | 'download' | 'local';
  /** Rows of the published file left out of this one because their text is empty (see the csv-split recipe). */
  dropped?: number;
}

/**
 * The environment variable whose path stands in for a data set.
 * @example
 * ```ts
 * standInVariable("uci-yelp") // "SENTIWASM_DATASET_UCI_YELP"
 * ```
 */
export function standInVariable(name: string): string {
  return `SENTIWASM_DATASET_${name.toUpperCase().replace(/-/g, '_')}`;
}

/** The source with the overrides of options.sources or $SENTIWASM_DATASETS applied. */
export async function effectiveSource(source: DatasetSource, options: DatasetOptions): Promise<DatasetSource> {
  const overrides = options.sources ?? (await overridesFromEnv(options.env ?? process.env));
  const o = overrides?.[source.id];
  if (!o) return source;
  const replacesChecksums =
    o.bytes !== undefined || o.sha256 !== undefined || o.md5 !== undefined || o.sha512 !== undefined;
  return {
    ...source,
    url: o.url ?? source.url,
    ...(replacesChecksums
      ? {
          bytes: o.bytes,
          sha256: o.sha256?.toLowerCase(),
          md5: o.md5?.toLowerCase(),
          sha512: o.sha512?.toLowerCase(),
          checksumSource: 'given in the overrides',
        }
      : {}),
  };
}

async function overridesFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): Promise<Record<string, SourceOverride> | undefined> {
  const file = env.SENTIWASM_DATASETS;
  if (!file) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new DatasetError(
      `SENTIWASM_DATASETS names ${file}, which cannot be read as JSON (${messageOf(e)}). It should hold {"<source id>": {"url": …, "sha256": …}}`,
    );
  }
  if (parsed === null || typeof parsed !== 'object')
    throw new DatasetError(
      `${file} (SENTIWASM_DATASETS) should hold an object {"<source id>": {"url": …, "sha256": …}}`,
    );
  return parsed as Record<string, SourceOverride>;
}

/**
 * What the cache holds for a data set: its folder and split files when they are there.
 * @example
 * ```ts
 * (await datasetCacheStatus("sst2")).cached
 * ```
 */
export async function datasetCacheStatus(
  name: string,
  options: DatasetOptions = {},
): Promise<{
  /** Whether the cache holds the data set's files, checked and complete. */
  cached: boolean;
  /** Its folder in the cache (whether or not it is there). */
  dir: string;
  /** Each split's data rows, by split name, when cached. */
  rows: Record<string, number>;
  /** Rows left out of each split's file because their text is empty, by file name, when cached. */
  dropped: Record<string, number>;
}> {
  const ref = requireRef(name);
  const source = await effectiveSource(ref.source, options);
  const dir = join(cacheDirOf(options), source.id);
  const m = await cachedManifest(dir, source);
  const rows: Record<string, number> = {};
  const dropped: Record<string, number> = {};
  if (m)
    for (const [split, { file }] of Object.entries(ref.entry.splits)) {
      rows[split] = m.files[file]?.rows;
      if (m.files[file]?.dropped) dropped[split] = m.files[file].dropped!;
    }
  return { cached: m !== undefined, dir, rows, dropped };
}

function requireRef(spec: string): DatasetRef {
  const ref = parseDatasetSpec(spec);
  if (!ref) throw new DatasetError(`"${spec}" is not a data-set name; the names are ${datasetNames().join(', ')}`);
  return ref;
}

/**
 * The file of a data set's split, downloading, verifying and unpacking it into the cache the
 * first time (a name is NAME or NAME:SPLIT, e.g. "sst2", "sst2:dev", "imdb:test").
 * @example
 * ```ts
 * const { path } = await resolveDataset("sst2:dev"); for await (const e of readExamplesFromFile(path)) console.log(e.label, e.text)
 * ```
 */
export async function resolveDataset(spec: string, options: DatasetOptions = {}): Promise<ResolvedDataset> {
  const ref = requireRef(spec);
  const source = await effectiveSource(ref.source, options);
  const split = ref.entry.splits[ref.split];
  const env = options.env ?? process.env;
  const from = options.from ?? env[standInVariable(ref.entry.name)];
  const base = { id: ref.id, name: ref.entry.name, split: ref.split, entry: ref.entry, source };
  const counts = (m: Manifest | undefined) => {
    const f = m?.files[split.file];
    return { rows: f?.rows, ...(f?.dropped ? { dropped: f.dropped } : {}) };
  };
  if (from) {
    const { dir, manifest, direct } = await fromLocal(ref, source, resolve(from), options);
    if (direct) return { ...base, ...direct, origin: 'local' };
    return { ...base, path: join(dir, split.file), ...counts(manifest), origin: 'local' };
  }
  const cache = cacheDirOf(options);
  const dir = join(cache, source.id);
  const cached = await cachedManifest(dir, source);
  if (cached) return { ...base, path: join(dir, split.file), ...counts(cached), origin: 'cache' };
  if (options.offline) {
    throw new DatasetError(
      `${ref.id} is not in the cache (${cache}), and offline mode forbids downloading it. ` +
        `Download it once while online (sentiwasm datasets get ${ref.entry.name}), or give a local copy ` +
        `(--from PATH, or ${standInVariable(ref.entry.name)}=PATH): the archive ${source.fileName}, or a folder holding ${split.file}`,
    );
  }
  const manifest = await downloadAndUnpack(ref.entry.name, source, cache, options);
  return { ...base, path: join(dir, split.file), ...counts(manifest), origin: 'download' };
}

/**
 * Every split of a data set (or the one named), fetched as resolveDataset does.
 * @example
 * ```ts
 * for (const s of await getDataset("imdb")) console.log(s.id, s.path, s.rows)
 * ```
 */
export async function getDataset(spec: string, options: DatasetOptions = {}): Promise<ResolvedDataset[]> {
  const ref = requireRef(spec);
  const splits = spec.includes(':') ? [ref.split] : Object.keys(ref.entry.splits);
  const out: ResolvedDataset[] = [];
  // The first split fetches the whole source; the others find it in the cache.
  for (const split of splits) out.push(await resolveDataset(`${ref.entry.name}:${split}`, options));
  return out;
}

/**
 * A path as given, or the file of the data set it names: an existing path is always read as a
 * file, so a file named like a data set still wins.
 * @example
 * ```ts
 * await resolveDataPath("sst2:dev") // "/home/me/.cache/sentiwasm/sst2/dev.tsv"
 * ```
 */
export async function resolveDataPath(pathOrName: string, options: DatasetOptions = {}): Promise<string> {
  if (!isDatasetSpec(pathOrName) || (await exists(pathOrName))) return pathOrName;
  return (await resolveDataset(pathOrName, options)).path;
}
