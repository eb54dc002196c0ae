// Data sets by name in Node: download (resuming after a broken connection), verify the
// published checksums before anything is used, unpack into the cache and turn the files into
// ones the readers read. The registry (what to download, what it must hash to) is ./datasets.ts.
// Kept apart so that browser bundles never see `node:fs` or `node:zlib`.
//
// The cache ($SENTIWASM_CACHE, else the user's cache folder; see defaultCacheDir):
//
//   .partial/<file>        a download under way (and <file>.json: its URL and validators); a
//                          later attempt resumes it with an HTTP Range request
//   <source id>/           a verified, unpacked data set: its files and manifest.json; made in
//                          .tmp-<id>-<pid>-<random>/ and renamed when complete
//   local/<hash>/<id>/     files made from an unpacked folder given with `from`
//
// A file at its final name is always complete: downloads become data only after their size and
// checksums match, and a folder appears by one rename once every file in it is written.

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { unzipSync } from 'fflate';
import { parseCsv } from './csv.js';
import {
  DatasetError,
  datasetNames,
  decodeSplitCodes,
  isDatasetSpec,
  parseDatasetSpec,
  type DatasetEntry,
  type DatasetRecipe,
  type DatasetRef,
  type DatasetSource,
} from './datasets.js';
import { TarReader } from './tar.js';

/** What happens while a data set is fetched, for progress bars and logs. */
export type DatasetProgress =
  /** Bytes arriving (told as they come, and once at the start). */
  | {
      /** What is happening. */
      phase: 'download';
      /** The data set's name. */
      dataset: string;
      /** The address downloaded from. */
      url: string;
      /** Bytes received so far, a resumed part included. */
      received: number;
      /** The file's size, when the server or the source says. */
      total?: number;
      /** Bytes a previous, broken download left, which this one carries on from. */
      resumedFrom?: number;
    }
  /** A connection broke; the download tries again after a pause. */
  | {
      /** What is happening. */
      phase: 'retry';
      /** The data set's name. */
      dataset: string;
      /** The address downloaded from. */
      url: string;
      /** Bytes kept so far, from which the next attempt resumes. */
      received: number;
      /** The attempt about to be made after the first, from 1. */
      attempt: number;
      /** The pause before it, in milliseconds. */
      delayMs: number;
      /** What went wrong. */
      error: string;
    }
  /** The file matched every published size and checksum. */
  | {
      /** What is happening. */
      phase: 'verified';
      /** The data set's name. */
      dataset: string;
      /** The file's SHA-256, lower-case hex. */
      sha256: string;
      /** What was compared: 'size', 'sha256' and/or 'md5'. */
      checked: string[];
    }
  /** Nothing was published to check the file against; it is used as it is. */
  | {
      /** What is happening. */
      phase: 'unverified';
      /** The data set's name. */
      dataset: string;
      /** The file's SHA-256, lower-case hex, for the record. */
      sha256: string;
      /** Why there was nothing to check (DatasetSource.checksumSource). */
      reason: string;
    }
  /** The file is being unpacked into the cache. */
  | {
      /** What is happening. */
      phase: 'unpack';
      /** The data set's name. */
      dataset: string;
      /** The cache folder it is unpacked into. */
      into: string;
    }
  /** The data set's files are in the cache. */
  | {
      /** What is happening. */
      phase: 'ready';
      /** The data set's name. */
      dataset: string;
      /** The cache folder holding them. */
      dir: string;
    };

/** Where the checksums and address of a download may be replaced (mirrors, tests). */
export type SourceOverride = Partial<Pick<DatasetSource, 'url' | 'bytes' | 'sha256' | 'md5'>>;

/** Where data sets are cached and fetched from, and how downloads behave. */
export interface DatasetOptions {
  /** The cache folder (default: $SENTIWASM_CACHE, else defaultCacheDir()). */
  cacheDir?: string;
  /** Use the cache only; never download. */
  offline?: boolean;
  /**
   * A local copy standing in for the data set: the archive as published (verified like a
   * download, then unpacked into the cache), a folder holding the split's file (train.tsv, …;
   * used where it is), or a folder holding the unpacked archive. Default:
   * $SENTIWASM_DATASET_<NAME> (upper case, - as _; e.g. SENTIWASM_DATASET_UCI_YELP).
   */
  from?: string;
  /**
   * Other addresses or checksums, by source id (see DATASET_SOURCES). An override that gives
   * any of bytes, sha256 or md5 replaces all three; one that gives only a url keeps them (a
   * mirror serves the same file). Default: the JSON file named by $SENTIWASM_DATASETS.
   */
  sources?: Readonly<Record<string, SourceOverride>>;
  /** Told about downloading, verifying and unpacking. */
  onProgress?: (progress: DatasetProgress) => void;
  /** Attempts after the first when a connection breaks (default 4; the first retry is immediate, then 1, 2, 4 s). */
  retries?: number;
  /** Give up on a connection that sends nothing for this long (default 60,000 ms). */
  timeoutMs?: number;
  /** The environment read for SENTIWASM_* (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

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
}

/** What the cache holds for one source. */
interface Manifest {
  format: 1;
  source: string;
  url: string;
  fileName: string;
  bytes: number;
  sha256: string;
  md5: string;
  /** The checksums that were compared with published ones ('size', 'sha256', 'md5'); empty when none is published. */
  verified: string[];
  origin: string;
  files: Record<string, { rows: number }>;
  created: string;
}

const MANIFEST = 'manifest.json';
const MANIFEST_FORMAT = 1;

/**
 * The cache folder: $SENTIWASM_CACHE; else on Linux and other Unixes $XDG_CACHE_HOME/sentiwasm
 * or ~/.cache/sentiwasm, on macOS ~/Library/Caches/sentiwasm, on Windows
 * %LOCALAPPDATA%\sentiwasm\Cache.
 * @example
 * ```ts
 * defaultCacheDir({ XDG_CACHE_HOME: "/tmp/c" }, "linux") // "/tmp/c/sentiwasm"
 * ```
 */
export function defaultCacheDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: string = process.platform,
  home: string = homedir(),
): string {
  if (env.SENTIWASM_CACHE) return env.SENTIWASM_CACHE;
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'sentiwasm', 'Cache');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'sentiwasm');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'sentiwasm');
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
async function effectiveSource(source: DatasetSource, options: DatasetOptions): Promise<DatasetSource> {
  const overrides = options.sources ?? (await overridesFromEnv(options.env ?? process.env));
  const o = overrides?.[source.id];
  if (!o) return source;
  const replacesChecksums = o.bytes !== undefined || o.sha256 !== undefined || o.md5 !== undefined;
  return {
    ...source,
    url: o.url ?? source.url,
    ...(replacesChecksums
      ? {
          bytes: o.bytes,
          sha256: o.sha256?.toLowerCase(),
          md5: o.md5?.toLowerCase(),
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
      `SENTIWASM_DATASETS names ${file}, which cannot be read as JSON (${(e as Error).message}). It should hold {"<source id>": {"url": …, "sha256": …}}`,
    );
  }
  if (parsed === null || typeof parsed !== 'object')
    throw new DatasetError(
      `${file} (SENTIWASM_DATASETS) should hold an object {"<source id>": {"url": …, "sha256": …}}`,
    );
  return parsed as Record<string, SourceOverride>;
}

function cacheDirOf(options: DatasetOptions): string {
  return resolve(options.cacheDir ?? defaultCacheDir(options.env ?? process.env));
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The recipe's output files. */
function recipeFiles(recipe: DatasetRecipe): string[] {
  return Array.isArray(recipe.files) ? [...recipe.files] : Object.keys(recipe.files);
}

async function readManifest(dir: string): Promise<Manifest | undefined> {
  try {
    const m = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as Manifest;
    return m.format === MANIFEST_FORMAT ? m : undefined;
  } catch {
    return undefined;
  }
}

/** The cached files of a source, when complete and made from what the source's checksums describe. */
async function cachedManifest(dir: string, source: DatasetSource): Promise<Manifest | undefined> {
  const m = await readManifest(dir);
  if (!m) return undefined;
  if (source.sha256 && m.sha256 !== source.sha256) return undefined;
  if (source.md5 && m.md5 !== source.md5) return undefined;
  if (source.bytes !== undefined && m.bytes !== source.bytes) return undefined;
  // A source without checksums (uci-sentences) is known by its address.
  if (!source.sha256 && !source.md5 && m.url !== source.url) return undefined;
  for (const f of recipeFiles(source.recipe)) if (!(await exists(join(dir, f)))) return undefined;
  return m;
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
}> {
  const ref = requireRef(name);
  const source = await effectiveSource(ref.source, options);
  const dir = join(cacheDirOf(options), source.id);
  const m = await cachedManifest(dir, source);
  const rows: Record<string, number> = {};
  if (m) for (const [split, { file }] of Object.entries(ref.entry.splits)) rows[split] = m.files[file]?.rows;
  return { cached: m !== undefined, dir, rows };
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
  if (from) {
    const { dir, manifest, direct } = await fromLocal(ref, source, resolve(from), options);
    return { ...base, path: direct ?? join(dir, split.file), rows: manifest?.files[split.file]?.rows, origin: 'local' };
  }
  const cache = cacheDirOf(options);
  const dir = join(cache, source.id);
  const cached = await cachedManifest(dir, source);
  if (cached) return { ...base, path: join(dir, split.file), rows: cached.files[split.file]?.rows, origin: 'cache' };
  if (options.offline) {
    throw new DatasetError(
      `${ref.id} is not in the cache (${cache}), and offline mode forbids downloading it. ` +
        `Download it once while online (sentiwasm datasets get ${ref.entry.name}), or give a local copy ` +
        `(--from PATH, or ${standInVariable(ref.entry.name)}=PATH): the archive ${source.fileName}, or a folder holding ${split.file}`,
    );
  }
  const manifest = await downloadAndUnpack(ref, source, cache, options);
  return { ...base, path: join(dir, split.file), rows: manifest.files[split.file]?.rows, origin: 'download' };
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

// ---------------------------------------------------------------------------------------------
// Downloading

/** An HTTP status that retrying will not change. */
class FinalHttpError extends Error {}

interface PartMeta {
  url: string;
  etag?: string;
  lastModified?: string;
  total?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Streams the source to `part`, resuming what an earlier attempt (or run) left there when the
 * server honours Range, restarting when it does not. Returns the bytes received.
 */
async function download(
  dataset: string,
  source: DatasetSource,
  part: string,
  options: DatasetOptions,
): Promise<number> {
  const metaPath = `${part}.json`;
  const retries = options.retries ?? 4;
  const timeoutMs = options.timeoutMs ?? 60_000;
  let meta: PartMeta | undefined;
  try {
    meta = JSON.parse(await readFile(metaPath, 'utf8')) as PartMeta;
  } catch {
    meta = undefined;
  }
  // What is left from a download of another address is not this file.
  if (meta?.url !== source.url) {
    await rm(part, { force: true });
    meta = { url: source.url };
  }
  for (let attempt = 0; ; attempt++) {
    let have = (await exists(part)) ? (await stat(part)).size : 0;
    try {
      if (meta.total !== undefined && have === meta.total) return have;
      return await downloadOnce(dataset, source, part, metaPath, meta, have, timeoutMs, options.onProgress);
    } catch (e) {
      have = (await exists(part)) ? (await stat(part)).size : 0;
      const error = e as Error;
      const message = describeFetchError(error);
      if (e instanceof FinalHttpError || attempt >= retries) {
        throw new DatasetError(
          `${dataset}: downloading ${source.url} failed${attempt > 0 ? ` after ${attempt + 1} attempts` : ''}: ${message}.` +
            (have > 0
              ? ` The ${have.toLocaleString('en')} bytes received are kept in ${part}; the next attempt resumes from there.`
              : '') +
            (e instanceof FinalHttpError
              ? ''
              : ' Check the connection and try again, or download the file yourself and give it with --from.'),
        );
      }
      const delayMs = attempt === 0 ? 0 : 1000 * 2 ** (attempt - 1);
      options.onProgress?.({
        phase: 'retry',
        dataset,
        url: source.url,
        received: have,
        attempt: attempt + 1,
        delayMs,
        error: message,
      });
      if (delayMs) await sleep(delayMs);
    }
  }
}

function describeFetchError(error: Error): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return 'the server stopped sending';
  if (error.message === 'terminated' || error.message === 'fetch failed')
    return cause?.message ? `${error.message} (${cause.message})` : error.message;
  return error.message;
}

async function downloadOnce(
  dataset: string,
  source: DatasetSource,
  part: string,
  metaPath: string,
  meta: PartMeta,
  have: number,
  timeoutMs: number,
  onProgress: DatasetOptions['onProgress'],
): Promise<number> {
  // identity: a server that gzips the response on the fly would hand over other bytes than the
  // published file's, and byte ranges of a compressed stream do not resume it.
  const headers: Record<string, string> = { 'accept-encoding': 'identity', 'user-agent': 'sentiwasm' };
  if (have > 0) {
    headers.range = `bytes=${have}-`;
    // If the file changed upstream since the first part came, the server sends all of it.
    const validator = meta.etag ?? meta.lastModified;
    if (validator) headers['if-range'] = validator;
  }
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), timeoutMs);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), timeoutMs);
  };
  try {
    const res = await fetch(source.url, { headers, signal: controller.signal, redirect: 'follow' });
    if (res.status === 416 && have > 0) {
      // The range starts at or past the end: what we have is either all of it or not this file.
      await res.body?.cancel();
      const total = Number(/\/(\d+)$/.exec(res.headers.get('content-range') ?? '')?.[1]);
      if (total === have) return have;
      await rm(part, { force: true });
      throw new Error('the server refused to resume; starting again');
    }
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel();
      const message = `HTTP ${res.status} ${res.statusText}`.trim();
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)
        throw new FinalHttpError(message);
      throw new Error(message);
    }
    let start = 0;
    let total: number | undefined;
    if (res.status === 206) {
      const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
      if (!range || Number(range[1]) !== have) {
        await res.body?.cancel();
        await rm(part, { force: true });
        throw new Error('the server resumed at another place; starting again');
      }
      start = have;
      total = range[3] === '*' ? undefined : Number(range[3]);
    } else {
      const length = res.headers.get('content-length');
      total = length !== null && !res.headers.get('content-encoding') ? Number(length) : undefined;
    }
    meta.etag = res.headers.get('etag') ?? meta.etag;
    meta.lastModified = res.headers.get('last-modified') ?? meta.lastModified;
    meta.total = total ?? meta.total;
    // Read the body from now on: a stream that fails drops what it holds unread, and the setup
    // below awaits the disk, while the bytes before a broken connection are what a resume keeps.
    const body = drain(res.body);
    await writeFile(metaPath, JSON.stringify(meta));
    const file = await open(part, start > 0 ? 'a' : 'w');
    let received = start;
    onProgress?.({
      phase: 'download',
      dataset,
      url: source.url,
      received,
      total,
      resumedFrom: start > 0 ? start : undefined,
    });
    try {
      for await (const chunk of body) {
        touch();
        await file.write(chunk);
        received += chunk.length;
        onProgress?.({ phase: 'download', dataset, url: source.url, received, total });
      }
    } finally {
      await file.close();
    }
    if (total !== undefined && received !== total)
      throw new Error(`the connection closed after ${received} of ${total} bytes`);
    return received;
  } finally {
    clearTimeout(timer);
    // Stops reading a body that is no longer wanted (after an error writing it, say).
    controller.abort();
  }
}

/** The chunks of a response body, read as fast as they come and handed on in order, then its error if it failed. */
function drain(body: ReadableStream<Uint8Array> | null): AsyncIterable<Uint8Array> {
  const queue: Uint8Array[] = [];
  let failure: { error: unknown } | undefined;
  let done = body === null;
  let wake: (() => void) | undefined;
  if (body) {
    void (async () => {
      try {
        for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
          queue.push(chunk);
          wake?.();
        }
      } catch (error) {
        failure = { error };
      }
      done = true;
      wake?.();
    })();
  }
  return (async function* () {
    for (;;) {
      while (queue.length) yield queue.shift()!;
      if (done) {
        if (failure) throw failure.error;
        return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  })();
}

// ---------------------------------------------------------------------------------------------
// Verifying

interface Digests {
  bytes: number;
  sha256: string;
  md5: string;
}

async function digestFile(path: string): Promise<Digests> {
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    sha256.update(chunk as Buffer);
    md5.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: sha256.digest('hex'), md5: md5.digest('hex') };
}

/** Compares what was received with every published checksum; names the first that differs. */
function mismatch(source: DatasetSource, got: Digests): string | undefined {
  if (source.bytes !== undefined && got.bytes !== source.bytes) {
    return `it is ${got.bytes.toLocaleString('en')} bytes long, expected ${source.bytes.toLocaleString('en')} (SHA-256 ${got.sha256})`;
  }
  if (source.sha256 && got.sha256 !== source.sha256) return `its SHA-256 is ${got.sha256}, expected ${source.sha256}`;
  if (source.md5 && got.md5 !== source.md5)
    return `its MD5 is ${got.md5}, expected ${source.md5} (SHA-256 ${got.sha256})`;
  return undefined;
}

function checked(source: DatasetSource): string[] {
  return [source.bytes !== undefined && 'size', source.sha256 && 'sha256', source.md5 && 'md5'].filter(
    (x): x is string => Boolean(x),
  );
}

// ---------------------------------------------------------------------------------------------
// Fetching into the cache

async function downloadAndUnpack(
  ref: DatasetRef,
  source: DatasetSource,
  cache: string,
  options: DatasetOptions,
): Promise<Manifest> {
  const partialDir = join(cache, '.partial');
  await mkdir(partialDir, { recursive: true });
  const part = join(partialDir, source.fileName);
  await download(ref.entry.name, source, part, options);
  const digests = await digestFile(part);
  const wrong = mismatch(source, digests);
  if (wrong) {
    // A file that is not the published one is of no use, resumed or not: nothing of it stays.
    await rm(part, { force: true });
    await rm(`${part}.json`, { force: true });
    await rmdir(partialDir).catch(() => undefined);
    throw new DatasetError(
      `${ref.entry.name}: refused the download from ${source.url}: ${wrong}. It was deleted and nothing was ` +
        'cached. The file may have changed upstream or been damaged on the way; try again, and if it persists, report it.',
    );
  }
  const manifest = await unpackVerified(ref, source, part, digests, 'download', cache, options);
  await rm(part, { force: true });
  await rm(`${part}.json`, { force: true });
  // Gone when no other download is under way.
  await rmdir(partialDir).catch(() => undefined);
  return manifest;
}

/** Unpacks a file whose checksums were compared (or that has none to compare) into <cache>/<id>. */
async function unpackVerified(
  ref: DatasetRef,
  source: DatasetSource,
  archive: string,
  digests: Digests,
  origin: string,
  cache: string,
  options: DatasetOptions,
): Promise<Manifest> {
  const verified = checked(source);
  if (verified.length)
    options.onProgress?.({ phase: 'verified', dataset: ref.entry.name, sha256: digests.sha256, checked: verified });
  else
    options.onProgress?.({
      phase: 'unverified',
      dataset: ref.entry.name,
      sha256: digests.sha256,
      reason: source.checksumSource,
    });
  const dir = join(cache, source.id);
  const manifest = await prepareInto(
    dir,
    ref,
    source,
    () => archiveEntries(source, archive, wantedBy(source.recipe)),
    {
      url: source.url,
      bytes: digests.bytes,
      sha256: digests.sha256,
      md5: digests.md5,
      verified,
      origin,
    },
    options,
  );
  return manifest;
}

/** Writes the recipe's files into a fresh temporary folder and renames it to `dir`. */
async function prepareInto(
  dir: string,
  ref: DatasetRef,
  source: DatasetSource,
  entries: () => AsyncIterable<ArchiveEntry>,
  about: Pick<Manifest, 'url' | 'bytes' | 'sha256' | 'md5' | 'verified' | 'origin'>,
  options: DatasetOptions,
): Promise<Manifest> {
  const parent = resolve(dir, '..');
  await mkdir(parent, { recursive: true });
  await removeAbandoned(parent, basename(dir));
  const tmp = join(parent, `.tmp-${basename(dir)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  options.onProgress?.({ phase: 'unpack', dataset: ref.entry.name, into: dir });
  try {
    await mkdir(tmp);
    const outputs = await runRecipe(source, entries());
    const files: Manifest['files'] = {};
    for (const [name, { text, rows }] of outputs) {
      await writeFile(join(tmp, name), text);
      files[name] = { rows };
    }
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      source: source.id,
      fileName: source.fileName,
      ...about,
      files,
      created: new Date().toISOString(),
    };
    await writeFile(join(tmp, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    // An older, incomplete or differently verified copy makes way; then one rename publishes it.
    await rm(dir, { recursive: true, force: true });
    try {
      await rename(tmp, dir);
    } catch (e) {
      // Another process published the same data first: theirs is as good as ours.
      const code = (e as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') || !(await cachedManifest(dir, source)))
        throw e;
    }
    options.onProgress?.({ phase: 'ready', dataset: ref.entry.name, dir });
    return manifest;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Removes the temporary folders of runs that died while unpacking (their process is gone). */
async function removeAbandoned(parent: string, id: string): Promise<void> {
  const prefix = `.tmp-${id}-`;
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    const m = name.startsWith(prefix) ? /^(\d+)-[0-9a-f]+$/.exec(name.slice(prefix.length)) : null;
    if (!m) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') await rm(join(parent, name), { recursive: true, force: true });
    }
  }
}

/** A local copy standing in for a data set (see DatasetOptions.from). */
async function fromLocal(
  ref: DatasetRef,
  source: DatasetSource,
  path: string,
  options: DatasetOptions,
): Promise<{ dir: string; manifest?: Manifest; direct?: string }> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new DatasetError(`${ref.entry.name}: ${path} (given to stand in for it) does not exist`);
  }
  const split = ref.entry.splits[ref.split];
  if (info.isDirectory()) {
    const direct = join(path, split.file);
    if (await exists(direct)) return { dir: path, direct };
    // A folder holding the unpacked archive: made into files in a folder of its own, made anew each time.
    const key = createHash('sha1').update(path).digest('hex').slice(0, 12);
    const dir = join(cacheDirOf(options), 'local', key, source.id);
    try {
      const manifest = await prepareInto(
        dir,
        ref,
        source,
        () => folderEntries(path, wantedBy(source.recipe)),
        {
          url: path,
          bytes: 0,
          sha256: '',
          md5: '',
          verified: [],
          origin: `folder ${path}`,
        },
        options,
      );
      return { dir, manifest };
    } catch (e) {
      if (!(e instanceof DatasetError)) throw e;
      throw new DatasetError(
        `${ref.entry.name}: the folder ${path} holds neither ${split.file} nor the unpacked ${source.fileName} (${e.message})`,
      );
    }
  }
  // A file: the archive as published, checked like a download.
  const digests = await digestFile(path);
  const wrong = mismatch(source, digests);
  if (wrong) {
    throw new DatasetError(
      `${ref.entry.name}: ${path} is not ${source.fileName} as published: ${wrong}. Give the file as downloaded from ` +
        `${source.url}, or a folder holding ${split.file}`,
    );
  }
  const cache = cacheDirOf(options);
  const dir = join(cache, source.id);
  const cached = await cachedManifest(dir, source);
  if (cached && checked(source).length) return { dir, manifest: cached };
  const manifest = await unpackVerified(ref, source, path, digests, `file ${path}`, cache, options);
  return { dir, manifest };
}

// ---------------------------------------------------------------------------------------------
// Unpacking

/** A member of an archive (or of an unpacked folder), its path with / separators. */
interface ArchiveEntry {
  name: string;
  data: Uint8Array;
}

type Wanted = (name: string) => boolean;

function normalise(name: string): string {
  return name.replace(/\\/g, '/').replace(/^(\.\/|\/)+/, '');
}

/** Which members a recipe reads. */
function wantedBy(recipe: DatasetRecipe): Wanted {
  switch (recipe.kind) {
    case 'extract':
    case 'tsv-columns': {
      const members = new Set(Object.values(recipe.files));
      return (name) => members.has(name);
    }
    case 'labelled-lines': {
      const members = new Set(Object.values(recipe.files).flat());
      return (name) => members.has(name);
    }
    case 'csv-split':
      return (name) => name === recipe.member;
    case 'folders': {
      const parts = Object.values(recipe.files);
      const labels = Object.keys(recipe.labels);
      return (name) => {
        const p = name.split('/');
        return (
          p.length === 4 &&
          p[0] === recipe.root &&
          parts.includes(p[1]) &&
          labels.includes(p[2]) &&
          p[3].endsWith('.txt')
        );
      };
    }
  }
}

async function* archiveEntries(source: DatasetSource, path: string, wanted: Wanted): AsyncGenerator<ArchiveEntry> {
  if (source.kind === 'file') {
    const name = (source.recipe.kind === 'csv-split' && source.recipe.member) || source.fileName;
    yield { name, data: new Uint8Array(await readFile(path)) };
    return;
  }
  if (source.kind === 'zip') {
    let files;
    try {
      files = unzipSync(new Uint8Array(await readFile(path)), { filter: (f) => wanted(normalise(f.name)) });
    } catch (e) {
      throw new DatasetError(
        `${path} cannot be unzipped (${(e as Error).message}): it is not the ${source.fileName} this data set needs`,
      );
    }
    for (const [name, data] of Object.entries(files)) yield { name: normalise(name), data };
    return;
  }
  // tar.gz, streamed: the IMDB archive unpacks to ~100,000 files, of which 50,000 are kept.
  const reader = new TarReader((name) => wanted(normalise(name)));
  const gunzip = createGunzip();
  const piping = pipeline(createReadStream(path), gunzip);
  piping.catch(() => undefined); // the same error reaches the loop below through gunzip
  try {
    for await (const chunk of gunzip) {
      for (const e of reader.push(chunk as Uint8Array)) if (e.data) yield { name: normalise(e.name), data: e.data };
    }
    await piping;
    reader.end();
  } catch (e) {
    if (e instanceof DatasetError) throw e;
    throw new DatasetError(`${path} cannot be unpacked as ${source.fileName} (${(e as Error).message})`);
  }
}

/**
 * The files of a folder holding an unpacked archive, named as in the archive. The folder may be
 * the one the archive unpacks into (holding aclImdb/) or that top folder itself (aclImdb/).
 */
async function* folderEntries(root: string, wanted: Wanted): AsyncGenerator<ArchiveEntry> {
  const all = await readdir(root, { recursive: true, withFileTypes: true });
  const files = all
    .filter((d) => d.isFile())
    .map((d) =>
      relative(root, join(d.parentPath ?? (d as { path?: string }).path ?? root, d.name))
        .split(sep)
        .join('/'),
    );
  const top = basename(root);
  const asIs = files.some((f) => wanted(f));
  for (const f of files.sort()) {
    const name = asIs ? f : `${top}/${f}`;
    if (wanted(name)) yield { name, data: new Uint8Array(await readFile(join(root, f))) };
  }
}

const decoder = new TextDecoder('utf-8');

/** Reads the wanted members and makes the recipe's files (text and row counts). */
async function runRecipe(
  source: DatasetSource,
  entries: AsyncIterable<ArchiveEntry>,
): Promise<Map<string, { text: string; rows: number }>> {
  const recipe = source.recipe;
  const members = new Map<string, Uint8Array>();
  const out = new Map<string, { text: string; rows: number }>();
  const member = (name: string): string => {
    const data = members.get(name);
    if (!data) throw new DatasetError(`${source.fileName} holds no ${name}: is it the archive this data set needs?`);
    return decoder.decode(data);
  };
  if (recipe.kind === 'folders') {
    // label folder → JSONL rows, sorted by label, then by the review's number, whatever the archive's order.
    const parts = new Map<string, { label: string; id: number; rating: number; text: string }[]>();
    const partOf = new Map(Object.entries(recipe.files).map(([file, part]) => [part, file]));
    for await (const e of entries) {
      const [, part, folder, file] = e.name.split('/');
      const m = /^(\d+)_(\d+)\.txt$/.exec(file);
      const list = parts.get(part) ?? [];
      list.push({
        label: recipe.labels[folder],
        id: m ? Number(m[1]) : list.length,
        rating: m ? Number(m[2]) : 0,
        text: decoder.decode(e.data),
      });
      parts.set(part, list);
    }
    for (const [part, file] of partOf) {
      const rows = parts.get(part);
      if (!rows?.length)
        throw new DatasetError(
          `${source.fileName} holds no reviews in ${recipe.root}/${part}/: is it the archive this data set needs?`,
        );
      rows.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : a.id - b.id));
      out.set(file, {
        text: rows.map((r) => `${JSON.stringify({ text: r.text, label: r.label, rating: r.rating })}\n`).join(''),
        rows: rows.length,
      });
    }
    return out;
  }
  for await (const e of entries) members.set(e.name, e.data);
  switch (recipe.kind) {
    case 'extract':
      for (const [file, name] of Object.entries(recipe.files)) {
        const text = member(name);
        out.set(file, { text, rows: countLines(text) - 1 });
      }
      break;
    case 'labelled-lines':
      for (const [file, names] of Object.entries(recipe.files)) {
        const several = names.length > 1;
        const lines = [several ? 'sentence\tlabel\tsource' : 'sentence\tlabel'];
        for (const name of names) {
          const site = basename(name).replace(/_.*$/, '');
          for (const line of member(name).split(/\r?\n/)) {
            const tab = line.lastIndexOf('\t');
            if (tab < 0) continue;
            const sentence = line.slice(0, tab).replace(/\t/g, ' ').trim();
            lines.push(`${sentence}\t${line.slice(tab + 1).trim()}${several ? `\t${site}` : ''}`);
          }
        }
        out.set(file, { text: `${lines.join('\n')}\n`, rows: lines.length - 1 });
      }
      break;
    case 'tsv-columns':
      for (const [file, name] of Object.entries(recipe.files)) {
        const [head, ...body] = member(name).split(/\r?\n/);
        const columns = head.split('\t');
        const t = columns.indexOf(recipe.text);
        const l = columns.indexOf(recipe.label);
        if (t < 0 || l < 0)
          throw new DatasetError(
            `${source.fileName}: ${name} has no columns ${recipe.text} and ${recipe.label} (it has ${columns.join(', ')})`,
          );
        const lines = ['label\ttext'];
        for (const line of body) {
          const fields = line.split('\t');
          if (fields.length <= Math.max(t, l) || fields[t] === '' || fields[l] === '') continue;
          lines.push(`${fields[l]}\t${fields[t]}`);
        }
        out.set(file, { text: `${lines.join('\n')}\n`, rows: lines.length - 1 });
      }
      break;
    case 'csv-split': {
      const [header, ...rows] = parseCsv(member(recipe.member), { fileName: recipe.member });
      if (rows.length !== recipe.rows) {
        throw new DatasetError(
          `${recipe.member} has ${rows.length} rows, the fixed split lists ${recipe.rows}: it is not the file this data set needs`,
        );
      }
      const codes = decodeSplitCodes(recipe.codes, rows.length);
      const parts = recipe.files.map(() => [csvLine(header.fields)]);
      rows.forEach((row, i) => parts[codes[i]].push(csvLine(row.fields)));
      recipe.files.forEach((file, i) => out.set(file, { text: `${parts[i].join('\n')}\n`, rows: parts[i].length - 1 }));
      break;
    }
  }
  return out;
}

function countLines(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (line.trim() !== '') n++;
  return n;
}

/** One RFC 4180 record: fields holding a comma, quote or line break are quoted, quotes doubled. */
function csvLine(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
}
