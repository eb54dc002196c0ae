// Saving and reading model files on disk (Node only; kept out of index.ts so browser bundles
// never see `node:fs`).
//
// A save never leaves a half-written file where the old one stood: the bytes go to a temporary
// file in the same directory, which is flushed to disk and then renamed over the target. A
// rename within one file system is atomic, so a reader (or a crash, or a full disk) sees either
// the whole old file or the whole new one. The directory is flushed too, where the platform
// allows, so that the rename itself survives a power cut.
//
// The new file gets default permissions, and a symbolic link at `path` is replaced by a regular
// file: the price of never writing into the old file in place.

import { randomBytes } from 'node:crypto';
import { open, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelFileError } from '../format/model-file.js';
import { codeOf, messageOf } from '../format/schema.js';

/** Options of saveModelFileAtomic. */
export interface SaveModelFileOptions {
  /**
   * Called with the temporary file's path once it is written and flushed, just before it is
   * renamed over the target. If it throws, the save fails as any other failure would: the
   * temporary file is removed and the old file stays. Tests use it to simulate a failing save.
   */
  beforeRename?: (tempPath: string) => void | Promise<void>;
  /** What the file is, in messages (default "the model"; a run's state is "the checkpoint"). */
  what?: string;
}

function pathOf(path: string | URL): string {
  return typeof path === 'string' ? path : fileURLToPath(path);
}

/** What to do about a file-system error, by its code. */
function hintFor(code: string | undefined, file: string, reading: boolean): string {
  const dir = dirname(file);
  switch (code) {
    case 'ENOENT':
      return reading
        ? `check the path (relative paths start from ${process.cwd()})`
        : `check that the folder ${dir} exists (relative paths start from ${process.cwd()})`;
    case 'ENOTDIR':
      return `a part of the path ${dir} is a file, not a folder`;
    case 'EISDIR':
      return `${file} is a folder; give the path of a file`;
    case 'EACCES':
    case 'EPERM':
      return `check the permissions of ${file} and of the folder ${dir}`;
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full; free some space and try again';
    case 'EROFS':
      return `the file system holding ${dir} is read-only; choose another place`;
    default:
      return 'check the path';
  }
}

function describeError(e: unknown): { code: string | undefined; text: string } {
  const code = codeOf(e);
  return { code, text: code ?? messageOf(e) };
}

/** Flushes a directory's entries (the rename) to disk; not every platform can (Windows cannot), and then the rename is still done. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort: the new file is in place either way; only its durability across a power cut is weaker.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Writes `bytes` to `path` so that `path` holds either its old contents or all of `bytes`, never
 * a mixture or a cut-off file: writes `${path}.tmp-<pid>-<random>` in the same directory, flushes
 * it to disk, renames it over `path`, then flushes the directory where possible. On failure the
 * temporary file is removed, the old file at `path` is untouched, and a ModelFileError naming
 * `path` says what went wrong (the original error is its `cause`).
 * @example
 * ```ts
 * await saveModelFileAtomic("model.bin", encodeModelFile({ config, sections }))
 * ```
 */
export async function saveModelFileAtomic(
  path: string | URL,
  bytes: Uint8Array,
  options: SaveModelFileOptions = {},
): Promise<void> {
  const file = pathOf(path);
  const temp = `${file}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  let handle: FileHandle | undefined;
  let tempExists = false;
  try {
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`the bytes to save are ${typeof bytes}, not a Uint8Array`);
    // 'wx': create, and fail rather than write into a file someone else made under this name.
    handle = await open(temp, 'wx');
    tempExists = true;
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await options.beforeRename?.(temp);
    await rename(temp, file);
    tempExists = false;
  } catch (e) {
    await handle?.close().catch(() => undefined);
    if (tempExists) await unlink(temp).catch(() => undefined);
    const { code, text } = describeError(e);
    throw new ModelFileError(
      file,
      `cannot save ${options.what ?? 'the model'} (${text}); the file that was there, if any, is unchanged`,
      hintFor(code, file, false),
      'not-saved',
      { cause: e },
    );
  }
  await syncDirectory(dirname(file));
}

/**
 * Checks, before any long work, that a model file could be saved at `path`: it is not a folder,
 * and its folder exists and takes new files (tried by creating and removing a small file there,
 * which also catches read-only disks and permissions that a mode check would miss). Throws the
 * ModelFileError a failed save would give; writes nothing that stays.
 * @example
 * ```ts
 * await checkCanSave("models/sentiment.bin") // before training for an hour
 * ```
 */
export async function checkCanSave(path: string | URL, what = 'the model'): Promise<void> {
  const file = pathOf(path);
  const refuse = (problem: string, code: string | undefined, cause?: unknown): never => {
    throw new ModelFileError(file, `cannot save ${what} there (${problem})`, hintFor(code, file, false), 'not-saved', {
      cause,
    });
  };
  const existing = await stat(file).catch(() => undefined);
  if (existing?.isDirectory()) refuse('it is a folder', 'EISDIR');
  const probe = `${file}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await (await open(probe, 'wx')).close();
  } catch (e) {
    const { code, text } = describeError(e);
    refuse(text, code, e);
  }
  await unlink(probe).catch(() => undefined);
}

/**
 * The bytes of the file at `path`, ready for decodeModelFile; a missing or unreadable file is a
 * ModelFileError naming `path` and saying what to check (`what` names the file: "the checkpoint").
 * @example
 * ```ts
 * const contents = decodeModelFile(await readModelFileBytes("model.bin"), "model.bin")
 * ```
 */
export async function readModelFileBytes(path: string | URL, what = 'the model file'): Promise<Uint8Array> {
  const file = pathOf(path);
  try {
    const buffer = await readFile(file);
    // A plain Uint8Array over the same memory: no copy, and no Buffer methods leak into the model.
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (e) {
    const { code, text } = describeError(e);
    const problem = code === 'ENOENT' ? `cannot read ${what}: there is no such file` : `cannot read ${what} (${text})`;
    throw new ModelFileError(file, problem, hintFor(code, file, true), 'unreadable', { cause: e });
  }
}
