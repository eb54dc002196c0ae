// Reading the members of a downloaded archive (zip, tar.gz, or a data file as it is) or of a
// folder holding an unpacked one, as the recipe wants them.

import { messageOf } from '../../format/schema.js';
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { unzipSync } from 'fflate';
import { TarReader } from '../tar.js';
import { DatasetError, type DatasetSource } from './registry.js';

/** A member of an archive (or of an unpacked folder), its path with / separators. */
export interface ArchiveEntry {
  name: string;
  data: Uint8Array;
}

export type Wanted = (name: string) => boolean;

function normalise(name: string): string {
  return name.replace(/\\/g, '/').replace(/^(\.\/|\/)+/, '');
}

export async function* archiveEntries(
  source: DatasetSource,
  path: string,
  wanted: Wanted,
): AsyncGenerator<ArchiveEntry> {
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
        `${path} cannot be unzipped (${messageOf(e)}): it is not the ${source.fileName} this data set needs`,
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
    throw new DatasetError(`${path} cannot be unpacked as ${source.fileName} (${messageOf(e)})`);
  }
}

/**
 * The files of a folder holding an unpacked archive, named as in the archive. The folder may be
 * the one the archive unpacks into (holding aclImdb/) or that top folder itself (aclImdb/).
 */
export async function* folderEntries(root: string, wanted: Wanted): AsyncGenerator<ArchiveEntry> {
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
