// The data-set cache: where it is, the manifest that says what a source's folder holds, and
// writing into it so that a file at its final name is always complete.
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

import { randomBytes } from 'node:crypto';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DatasetOptions } from './options.js';
import { leavesOutEmpty, withoutEmptyTexts } from './recipes.node.js';
import type { DatasetRecipe, DatasetSource } from './registry.js';

/** What the cache holds for one source. */
export interface Manifest {
  format: 1;
  source: string;
  url: string;
  fileName: string;
  bytes: number;
  sha256: string;
  md5: string;
  /** SHA-512, where the source publishes one (manifests written before it was checked have none). */
  sha512?: string;
  /** The checksums that were compared with published ones ('size', 'sha256', 'md5'); empty when none is published. */
  verified: string[];
  origin: string;
  /** Each file's data rows, and the rows left out of it for an empty text (recipes that leave any out). */
  files: Record<string, { rows: number; dropped?: number }>;
  created: string;
}

export const MANIFEST = 'manifest.json';
export const MANIFEST_FORMAT = 1;

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

export function cacheDirOf(options: DatasetOptions): string {
  return resolve(options.cacheDir ?? defaultCacheDir(options.env ?? process.env));
}

export async function exists(path: string): Promise<boolean> {
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
export async function cachedManifest(dir: string, source: DatasetSource): Promise<Manifest | undefined> {
  const m = await readManifest(dir);
  if (!m) return undefined;
  if (source.sha256 && m.sha256 !== source.sha256) return undefined;
  if (source.md5 && m.md5 !== source.md5) return undefined;
  if (source.sha512 && m.sha512 !== source.sha512) return undefined;
  if (source.bytes !== undefined && m.bytes !== source.bytes) return undefined;
  // A source without checksums (uci-sentences) is known by its address.
  if (!source.sha256 && !source.md5 && !source.sha512 && m.url !== source.url) return undefined;
  for (const f of recipeFiles(source.recipe)) if (!(await exists(join(dir, f)))) return undefined;
  return leavesOutEmpty(source.recipe) ? await cleanCachedFiles(dir, m, source.recipe) : m;
}

/**
 * A cache unpacked before its recipe left out empty rows still holds them: they are left out now,
 * in place (each file rewritten by one rename), and counted in the manifest as an unpacking would.
 */
async function cleanCachedFiles(dir: string, m: Manifest, recipe: DatasetRecipe): Promise<Manifest> {
  const column = leavesOutEmpty(recipe)!;
  const stale = recipeFiles(recipe).filter((f) => m.files[f]?.dropped === undefined);
  if (stale.length === 0) return m;
  for (const f of stale) {
    const cleaned = withoutEmptyTexts(await readFile(join(dir, f), 'utf8'), column, f);
    await writeAtomically(join(dir, f), cleaned.text);
    m.files[f] = { rows: cleaned.rows, dropped: cleaned.dropped };
  }
  await writeAtomically(join(dir, MANIFEST), `${JSON.stringify(m, null, 2)}\n`);
  return m;
}

export async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}
