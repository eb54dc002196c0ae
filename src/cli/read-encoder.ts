// Reading `train --init ENCODER`'s file: its bytes, checked here (src/model-file/encoder-file.ts)
// so that a missing, damaged or foreign file is refused naming it, before any data is read.

import { readFile } from 'node:fs/promises';
import { ModelFileError } from '../format/model-file.js';
import { codeOf } from '../format/schema.js';
import { decodeEncoder } from '../model-file/encoder-file.js';
import { CliError } from './errors.js';

/** A pretrained encoder's bytes, read and checked here so that a problem names the file before anything else is read. */
export async function readEncoder(file: string): Promise<Uint8Array> {
  const bytes = await readFile(file).catch((error: unknown) => {
    throw new CliError(`${file}: cannot read the pretrained encoder (${codeOf(error) ?? error})`);
  });
  try {
    decodeEncoder(bytes, file);
  } catch (error) {
    if (error instanceof ModelFileError) throw new CliError(error.message);
    throw error;
  }
  return bytes;
}
