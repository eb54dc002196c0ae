// From chunks (strings, bytes, streams) to text, decoded as UTF-8 across chunk boundaries: the
// first layer of reading examples (./records.ts reads the text into records). Nothing here holds
// more than one chunk, so files bigger than memory work. Bytes that are not UTF-8 stop the read at
// their exact line and byte offset (see ./utf8.ts), or read as U+FFFD.
// No Node APIs: this module also runs in browsers (src/data/files.node.ts adds the file system).

import type { DataError } from './errors.js';
import { Utf8Decoder, badEncodingError, type BadBytes } from './utf8.js';

/** Where text comes from: a string, bytes, or a stream of either (Node streams, fetch bodies, Blobs). */
export type ChunkSource =
  | string
  | Uint8Array
  | ArrayBuffer
  | Blob
  | ReadableStream<string | Uint8Array>
  | AsyncIterable<string | Uint8Array>
  | Iterable<string | Uint8Array>;

function isReadableStream(x: unknown): x is ReadableStream<string | Uint8Array> {
  return typeof (x as ReadableStream | null)?.getReader === 'function';
}

/** Browsers other than Firefox cannot `for await` a ReadableStream yet; a reader always works. */
async function* readStream(stream: ReadableStream<string | Uint8Array>): AsyncGenerator<string | Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Decodes a source into text chunks, UTF-8 across chunk boundaries (a character split between
 * two chunks comes out whole). Invalid UTF-8 is a DataError naming its line and byte offset
 * ('throw', the default), or reads as U+FFFD exactly as TextDecoder reads it ('replace').
 * @example
 * ```ts
 * for await (const text of decodeChunks(fs.createReadStream("a.csv"))) parser.push(text)
 * ```
 */
export async function* decodeChunks(
  source: ChunkSource,
  options: { fileName?: string; encodingErrors?: 'throw' | 'replace' } = {},
): AsyncGenerator<string> {
  // The readers take the line of a bad byte from their parser; text on its own has its lines counted.
  let line = 1;
  let afterCR = false;
  const utf8 = new Utf8Decoder({ onBad: options.encodingErrors === 'replace' ? 'replace' : 'stop' });
  const fail = (bad: BadBytes) =>
    badEncodingError(options.fileName ?? '<input>', line, bad, 'encodingErrors: "replace"');
  for await (const text of decodeWith(source, utf8, fail)) {
    line += lineBreaks(text, afterCR);
    afterCR = text.charCodeAt(text.length - 1) === 13;
    yield text;
  }
}

/**
 * Line breaks in `text` as the CSV parser counts them: LF, CR LF and a lone CR are one each.
 * `afterCR`: the text before it ended in a CR (so a leading LF completes that break).
 */
function lineBreaks(text: string, afterCR: boolean): number {
  let n = afterCR && text.charCodeAt(0) === 10 ? -1 : 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 10) n++;
  return n;
}

/**
 * The non-empty text chunks of a source. At a bad byte that is not replaced, the text before it
 * comes out first, and `fail` is called only when the next chunk is asked for: by then the
 * consumer has read all the text before the bad byte, so its line count is the bad byte's line.
 */
export async function* decodeWith(
  source: ChunkSource,
  utf8: Utf8Decoder,
  fail: (bad: BadBytes) => DataError,
): AsyncGenerator<string> {
  if (typeof source === 'string') {
    if (source.length > 0) yield source;
    return;
  }
  let chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;
  if (source instanceof Uint8Array) chunks = [source];
  else if (source instanceof ArrayBuffer) chunks = [new Uint8Array(source)];
  else if (typeof Blob !== 'undefined' && source instanceof Blob) chunks = readStream(source.stream());
  else if (isReadableStream(source) && !(Symbol.asyncIterator in source)) chunks = readStream(source);
  else chunks = source as AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? utf8.string(chunk) : utf8.bytes(chunk, false);
    if (text.length > 0) yield text;
    if (utf8.bad !== undefined) throw fail(utf8.bad);
  }
  const tail = utf8.bytes(new Uint8Array(0), true);
  if (tail.length > 0) yield tail;
  if (utf8.bad !== undefined) throw fail(utf8.bad);
}
