// Reading data files from disk in Node, streamed: the readers in records.ts and examples.ts do
// the work, this module only opens files and turns the file system's errors into DataErrors that
// name the file. Kept apart so that browser bundles never see `node:fs`.

import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataError } from './errors.js';
import { createExampleStream, type ExampleOptions, type ExampleStream } from './examples.js';
import { formatFromFileName, unknownFormatHint, type DataFormat } from './formats.js';
import { readRecords, type DataRecord, type RecordOptions } from './records.js';

/** Large reads: fewer chunks mean fewer trips through the parser's bookkeeping. */
const CHUNK_BYTES = 1 << 20;

function pathOf(path: string | URL): string {
  return typeof path === 'string' ? path : fileURLToPath(path);
}

/**
 * The format of a data file from its extension, or a DataError saying how to name it. (The
 * readers below also recognise fastText's lines by their content, whatever the extension.)
 * @example
 * ```ts
 * detectFileFormat("data/train.tsv") // "tsv"
 * ```
 */
export function detectFileFormat(path: string | URL): DataFormat {
  const file = pathOf(path);
  const format = formatFromFileName(file);
  if (format === undefined)
    throw new DataError(file, 0, 'cannot tell the format from the file name', unknownFormatHint(), 'unknown-format');
  return format;
}

/** The file's bytes in chunks; a missing or unreadable file becomes a DataError naming it. */
async function* fileChunks(file: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES })) yield chunk;
  } catch (e) {
    if (!(e instanceof Error) || !('code' in e) || e.code === undefined || e instanceof DataError) throw e;
    const [problem, hint] =
      e.code === 'ENOENT'
        ? ['there is no such file', `check the path (a relative path starts from ${process.cwd()})`]
        : e.code === 'EISDIR'
          ? ['this is a directory, not a file', 'give the path of a data file inside it']
          : e.code === 'EACCES' || e.code === 'EPERM'
            ? ['permission to read the file is denied', 'check its permissions']
            : [`cannot read the file (${e.message})`, 'check the path and the disk'];
    throw new DataError(file, 0, problem, hint, 'unreadable');
  }
}

function withFile<T extends RecordOptions>(file: string, options: T): T {
  const format = options.format ?? formatFromFileName(file);
  if (format !== undefined) return { ...options, fileName: options.fileName ?? file, format };
  // An extension that does not tell (.txt, .train, none): fastText's files are named so, and
  // their lines say what they are. Other guesses are for text in memory: a .txt file of other
  // lines could as well be CSV as TSV, so it is an error that asks for the format.
  return { ...options, fileName: options.fileName ?? file, guess: ['fasttext'] };
}

/**
 * Streams labelled examples from a CSV, TSV, JSONL or fastText file; iterating again re-reads the file.
 * @example
 * ```ts
 * for await (const e of readExamplesFromFile("train.tsv", { skipBad: true })) console.log(e.label, e.text)
 * ```
 */
export function readExamplesFromFile(path: string | URL, options: ExampleOptions = {}): ExampleStream {
  const file = pathOf(path);
  const opts = withFile(file, options);
  return createExampleStream(() => fileChunks(file), opts);
}

/**
 * Streams the records of a CSV, TSV, JSONL or fastText file.
 * @example
 * ```ts
 * for await (const r of readRecordsFromFile("train.csv")) console.log(r.line, r.fields)
 * ```
 */
export function readRecordsFromFile(path: string | URL, options: RecordOptions = {}): AsyncGenerator<DataRecord> {
  const file = pathOf(path);
  return readRecords(fileChunks(file), withFile(file, options));
}
