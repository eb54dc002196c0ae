// Fetching a data set into the cache: downloaded, verified and unpacked into <cache>/<id>, or
// made from a local copy standing in for it (the archive as published, or a folder).

import { codeOf } from '../../format/schema.js';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import {
  cachedManifest,
  cacheDirOf,
  exists,
  MANIFEST,
  MANIFEST_FORMAT,
  writeAtomically,
  type Manifest,
} from './cache.node.js';
import { download } from './download.node.js';
import type { DatasetOptions } from './options.js';
import { emptyReason, leavesOutEmpty, runRecipe, wantedBy, withoutEmptyTexts } from './recipes.node.js';
import { DatasetError, type DatasetRef, type DatasetSource } from './registry.js';
import { archiveEntries, folderEntries, type ArchiveEntry } from './unpack.node.js';
import { checked, digestFile, mismatch, type Digests } from './verify.node.js';

/** Downloads `source` for the data set (or word vectors) `name`, verifies it, and unpacks it into <cache>/<id>. */
export async function downloadAndUnpack(
  name: string,
  source: DatasetSource,
  cache: string,
  options: DatasetOptions,
): Promise<Manifest> {
  const partialDir = join(cache, '.partial');
  await mkdir(partialDir, { recursive: true });
  const part = join(partialDir, source.fileName);
  await download(name, source, part, options);
  const digests = await digestFile(part);
  const wrong = mismatch(source, digests);
  if (wrong) {
    // A file that is not the published one is of no use, resumed or not: nothing of it stays.
    await rm(part, { force: true });
    await rm(`${part}.json`, { force: true });
    await rmdir(partialDir).catch(() => undefined);
    throw new DatasetError(
      `${name}: refused the download from ${source.url}: ${wrong}. It was deleted and nothing was ` +
        'cached. The file may have changed upstream or been damaged on the way; try again, and if it persists, report it.',
    );
  }
  const manifest = await unpackVerified(name, source, part, digests, 'download', cache, options);
  await rm(part, { force: true });
  await rm(`${part}.json`, { force: true });
  // Gone when no other download is under way.
  await rmdir(partialDir).catch(() => undefined);
  return manifest;
}

/** Unpacks a file whose checksums were compared (or that has none to compare) into <cache>/<id>. */
async function unpackVerified(
  name: string,
  source: DatasetSource,
  archive: string,
  digests: Digests,
  origin: string,
  cache: string,
  options: DatasetOptions,
): Promise<Manifest> {
  const verified = checked(source);
  if (verified.length)
    options.onProgress?.({ phase: 'verified', dataset: name, sha256: digests.sha256, checked: verified });
  else
    options.onProgress?.({
      phase: 'unverified',
      dataset: name,
      sha256: digests.sha256,
      reason: source.checksumSource,
    });
  const dir = join(cache, source.id);
  const manifest = await prepareInto(
    dir,
    name,
    source,
    () => archiveEntries(source, archive, wantedBy(source.recipe)),
    {
      url: source.url,
      bytes: digests.bytes,
      sha256: digests.sha256,
      md5: digests.md5,
      ...(source.sha512 ? { sha512: digests.sha512 } : {}),
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
  name: string,
  source: DatasetSource,
  entries: () => AsyncIterable<ArchiveEntry>,
  about: Pick<Manifest, 'url' | 'bytes' | 'sha256' | 'md5' | 'sha512' | 'verified' | 'origin'>,
  options: DatasetOptions,
): Promise<Manifest> {
  const parent = resolve(dir, '..');
  await mkdir(parent, { recursive: true });
  await removeAbandoned(parent, basename(dir));
  const tmp = join(parent, `.tmp-${basename(dir)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  options.onProgress?.({ phase: 'unpack', dataset: name, into: dir });
  try {
    await mkdir(tmp);
    const outputs = await runRecipe(source, entries());
    const files: Manifest['files'] = {};
    for (const [file, { text, rows, dropped }] of outputs) {
      await writeFile(join(tmp, file), text);
      files[file] = { rows, ...(dropped !== undefined ? { dropped } : {}) };
      if (dropped)
        options.onProgress?.({
          phase: 'dropped',
          dataset: name,
          file,
          rows: dropped,
          reason: emptyReason(source),
        });
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
      const code = codeOf(e);
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') || !(await cachedManifest(dir, source)))
        throw e;
    }
    options.onProgress?.({ phase: 'ready', dataset: name, dir });
    return manifest;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Removes the temporary folders of runs that died while unpacking (their process is gone). */
async function removeAbandoned(parent: string, id: string): Promise<void> {
  const prefix = `.tmp-${id}-`;
  for (const name of await readdir(parent).catch((): string[] => [])) {
    const m = name.startsWith(prefix) ? /^(\d+)-[0-9a-f]+$/.exec(name.slice(prefix.length)) : null;
    if (!m) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch (e) {
      if (codeOf(e) === 'ESRCH') await rm(join(parent, name), { recursive: true, force: true });
    }
  }
}

/** A local copy standing in for a data set (see DatasetOptions.from). */
export async function fromLocal(
  ref: DatasetRef,
  source: DatasetSource,
  path: string,
  options: DatasetOptions,
): Promise<{ dir: string; manifest?: Manifest; direct?: { path: string; rows?: number; dropped?: number } }> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new DatasetError(`${ref.entry.name}: ${path} (given to stand in for it) does not exist`);
  }
  const split = ref.entry.splits[ref.split];
  if (info.isDirectory()) {
    const direct = join(path, split.file);
    if (await exists(direct)) return { dir: path, direct: await cleanLocalFile(ref, source, direct, options) };
    // A folder holding the unpacked archive: made into files in a folder of its own, made anew each time.
    const key = createHash('sha1').update(path).digest('hex').slice(0, 12);
    const dir = join(cacheDirOf(options), 'local', key, source.id);
    try {
      const manifest = await prepareInto(
        dir,
        ref.entry.name,
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
  const manifest = await unpackVerified(ref.entry.name, source, path, digests, `file ${path}`, cache, options);
  return { dir, manifest };
}

/**
 * A split's file in a local folder, as the recipe would have made it: where the recipe leaves out
 * rows with an empty text and the file holds some, a copy without them in the cache
 * (local/<hash>/<id>/<file>, made anew each time, as the folder may change); else the file itself.
 */
async function cleanLocalFile(
  ref: DatasetRef,
  source: DatasetSource,
  file: string,
  options: DatasetOptions,
): Promise<{ path: string; rows?: number; dropped?: number }> {
  const column = leavesOutEmpty(source.recipe);
  if (!column) return { path: file };
  const cleaned = withoutEmptyTexts(await readFile(file, 'utf8'), column, file);
  if (cleaned.dropped === 0) return { path: file, rows: cleaned.rows };
  const key = createHash('sha1').update(file).digest('hex').slice(0, 12);
  const dir = join(cacheDirOf(options), 'local', key, source.id);
  await mkdir(dir, { recursive: true });
  const path = join(dir, basename(file));
  await writeAtomically(path, cleaned.text);
  options.onProgress?.({
    phase: 'dropped',
    dataset: ref.entry.name,
    file,
    rows: cleaned.dropped,
    reason: emptyReason(source),
  });
  return { path, rows: cleaned.rows, dropped: cleaned.dropped };
}
