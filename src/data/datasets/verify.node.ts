// Verifying a downloaded file (or a local copy) against the size and checksums its source
// publishes, before anything of it is used.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { DatasetSource } from './registry.js';

export interface Digests {
  bytes: number;
  sha256: string;
  md5: string;
  sha512: string;
}

export async function digestFile(path: string): Promise<Digests> {
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  const sha512 = createHash('sha512');
  let bytes = 0;
  // Without an encoding, a file stream gives Buffers.
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    if (!(chunk instanceof Uint8Array)) throw new TypeError(`${path}: the file stream gave text, not bytes`);
    sha256.update(chunk);
    md5.update(chunk);
    sha512.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: sha256.digest('hex'), md5: md5.digest('hex'), sha512: sha512.digest('hex') };
}

/** Compares what was received with every published checksum; names the first that differs. */
export function mismatch(source: DatasetSource, got: Digests): string | undefined {
  if (source.bytes !== undefined && got.bytes !== source.bytes) {
    return `it is ${got.bytes.toLocaleString('en')} bytes long, expected ${source.bytes.toLocaleString('en')} (SHA-256 ${got.sha256})`;
  }
  if (source.sha256 && got.sha256 !== source.sha256) return `its SHA-256 is ${got.sha256}, expected ${source.sha256}`;
  if (source.sha512 && got.sha512 !== source.sha512)
    return `its SHA-512 is ${got.sha512}, expected ${source.sha512} (SHA-256 ${got.sha256})`;
  if (source.md5 && got.md5 !== source.md5)
    return `its MD5 is ${got.md5}, expected ${source.md5} (SHA-256 ${got.sha256})`;
  return undefined;
}

export function checked(source: DatasetSource): string[] {
  return [
    source.bytes !== undefined && 'size',
    source.sha256 && 'sha256',
    source.sha512 && 'sha512',
    source.md5 && 'md5',
  ].filter((x): x is string => Boolean(x));
}
