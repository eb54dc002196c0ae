// UTF-8 decoding of input that arrives in chunks, with the exact place of every bad byte.
//
// The fast path is one fatal TextDecoder call per chunk (native code). The decoder's own stream
// state is not relied on, because when it fails it cannot say where: instead the few bytes of a
// character cut by a chunk boundary are carried into the next chunk by hand, so that every
// chunk decodes on its own and its first byte has a known offset in the input. Only a chunk that
// fails to decode is walked byte by byte, with the WHATWG rules for "maximal subparts" (the runs
// that TextDecoder turns into one U+FFFD each), to find each bad run and its offset; a chunk
// whose bad runs are simply to read as U+FFFD is left to TextDecoder. The line of a bad byte is
// not counted here: see Utf8Decoder.

import { DataError } from './errors.js';

/**
 * A maximal run of bytes that is not UTF-8 (what TextDecoder replaces with one U+FFFD).
 * @inline
 */
export interface BadBytes {
  /** Offset of its first byte in the input (0-based). */
  offset: number;
  /** The bytes, 1 to 3 of them (a plain array: a file in another encoding has a bad run every few bytes, and typed arrays cost more to make). */
  bytes: number[];
}

/**
 * What a bad run does: 'stop' the decoding (see Utf8Decoder.bad), read as U+FFFD ('replace'),
 * or read as `mark`, with `onMark` told about it before the text that holds the mark is returned.
 */
export type Utf8DecoderOptions =
  { onBad: 'stop' } | { onBad: 'replace' } | { onBad: 'mark'; mark: string; onMark: (bad: BadBytes) => void };

const EMPTY = new Uint8Array(0);

function newDecoder(): TextDecoder {
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
}

/**
 * Decodes chunks of bytes, strings in between allowed. With onBad 'stop', a chunk with a bad
 * byte gives the text before it and sets `bad`: the caller passes that text on, then stops with
 * an error, so that everything before the bad byte is read (rows and their own errors first)
 * and the line of the bad byte is where the text's reader has got to.
 * @example
 * ```ts
 * const utf8 = new Utf8Decoder({ onBad: 'stop' }); const text = utf8.bytes(chunk, false); if (utf8.bad) …
 * ```
 */
export class Utf8Decoder {
  /** The first bad run, once met with onBad 'stop'. */
  bad: BadBytes | undefined;
  private decoder = newDecoder();
  /** The start of a character that the last chunk cut short (at most 3 bytes). */
  private carry: Uint8Array = EMPTY;
  /** Offset in the input of carry[0], or of the next chunk when nothing is carried. */
  private offset = 0;

  constructor(private readonly options: Utf8DecoderOptions) {}

  /** Decodes a chunk; `final` for the end of the input, after which nothing more can complete a character. */
  bytes(chunk: Uint8Array, final: boolean): string {
    let bytes = chunk;
    if (this.carry.length > 0) {
      bytes = new Uint8Array(this.carry.length + chunk.length);
      bytes.set(this.carry);
      bytes.set(chunk, this.carry.length);
    }
    // TextDecoder drops a byte order mark at the start of its input; here chunks are decoded one
    // by one with ignoreBOM (so a U+FEFF that starts a later chunk stays), and the start is ours.
    const start =
      this.offset === 0 && bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    const end = final ? bytes.length : unfinishedStart(bytes);
    let text: string;
    try {
      // `stream: true` only because it is Node's faster path (3 ms against 6.5 ms for the 3.7 MB of
      // SST-2); the flush after it throws if bytes were held back, which with `end` placed as it
      // is can only be a bad run cut short by a carried character.
      text = this.decoder.decode(bytes.subarray(start, end), { stream: true });
      this.decoder.decode();
    } catch {
      // A decoder that has thrown mid-stream keeps its state: start afresh.
      this.decoder = newDecoder();
      text = this.repair(bytes, start, end);
    }
    // A copy: the source may reuse its buffer for the next chunk.
    this.carry = end < bytes.length ? bytes.slice(end) : EMPTY;
    this.offset += end;
    return text;
  }

  /** A chunk that is text already: a character left unfinished by the bytes before it is bad. */
  string(text: string): string {
    const before = this.carry.length > 0 ? this.bytes(EMPTY, true) : '';
    return this.bad === undefined ? before + text : before;
  }

  /** The slow path, for bytes[start, end) that hold bad bytes. */
  private repair(bytes: Uint8Array, start: number, end: number): string {
    const options = this.options;
    // TextDecoder's own replacement is both the reference and native.
    if (options.onBad === 'replace')
      return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(start, end));
    // A plain view: Node makes each subarray of a Buffer a Buffer, slow for many short runs.
    const b = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    const pieces: string[] = [];
    let from = start;
    let i = start;
    while (i < end) {
      const n = utf8Length(b, i, end);
      if (n > 0) {
        i += n;
        continue;
      }
      const before = from < i ? this.decoder.decode(b.subarray(from, i)) : '';
      const bad: BadBytes = { offset: this.offset + i, bytes: [] };
      for (let k = i; k < i - n; k++) bad.bytes.push(b[k]!);
      if (options.onBad === 'stop') {
        this.bad = bad;
        return before;
      }
      pieces.push(before, options.mark);
      options.onMark(bad);
      i -= n;
      from = i;
    }
    pieces.push(this.decoder.decode(b.subarray(from, end)));
    return pieces.join('');
  }
}

/**
 * The length of the UTF-8 character at b[i] when it is valid and complete before `end`; else
 * minus the length of the maximal subpart there (the bytes one U+FFFD stands for): a lead byte
 * and the continuation bytes that fit it, up to the first that does not (WHATWG Encoding, 4.1).
 */
function utf8Length(b: Uint8Array, i: number, end: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  let need: number;
  // The second byte's range rules out overlong forms (E0, F0), surrogates (ED) and > U+10FFFF (F4).
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) need = 1;
  else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    if (c === 0xe0) lo = 0xa0;
    else if (c === 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    if (c === 0xf0) lo = 0x90;
    else if (c === 0xf4) hi = 0x8f;
  } else return -1;
  for (let k = 1; k <= need; k++) {
    const d = i + k < end ? b[i + k]! : -1;
    if (d < lo || d > hi) return -k;
    lo = 0x80;
    hi = 0xbf;
  }
  return need + 1;
}

/** Where a character that the end of b cuts short begins (b.length if none): those bytes wait for the next chunk. */
function unfinishedStart(b: Uint8Array): number {
  const n = b.length;
  for (let i = n - 1; i >= 0 && i >= n - 3; i--) {
    const c = b[i]!;
    if (c < 0x80) return n;
    // A lead byte: carried only if what follows it is a valid start; a bad run is found in this chunk.
    if (c >= 0xc0) return c >= 0xc2 && c <= 0xf4 && utf8Length(b, i, n) === i - n ? i : n;
  }
  return n;
}

/**
 * The DataError for a bad run, at the line given.
 * @example
 * ```ts
 * badEncodingError("a.tsv", 3, { offset: 20, bytes: [0xff] }, "--encoding-errors replace|skip")
 * ```
 */
export function badEncodingError(file: string, line: number, bad: BadBytes, option: string): DataError {
  const hex = bad.bytes.map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ');
  return new DataError(
    file,
    line,
    `the text is not valid UTF-8 (${bad.bytes.length === 1 ? 'byte' : 'bytes'} ${hex} at byte offset ${bad.offset})`,
    `save the file as UTF-8 (for example with iconv -f GBK -t UTF-8), or use ${option}`,
    'bad-encoding',
  );
}
