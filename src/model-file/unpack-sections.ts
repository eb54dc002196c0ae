// The packed sections of a quantized classifier file, read back (pack-sections.ts writes them and
// says how they are laid out). A module of its own, imported when a packed file is read: a page
// that never reads one never loads it. Every reader here refuses bytes that are not what the
// writer makes, with an Error saying what is wrong; the caller names the file and section.

import { ByteReader } from '../format/byte-reader.js';
import { unpackBytes } from '../format/huffman-decode.js';
import { Vocabulary } from '../text/vocabulary.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function unzigzag(value: number): number {
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}

/** Throws unless `reader` has read all of `what`. */
function expectEnd(reader: ByteReader, what: string): void {
  if (!reader.done) throw new RangeError(`${what} has bytes after its end`);
}

/** The vocabulary packVocabulary packed; throws an Error saying what is wrong with bytes it did not write. */
export function unpackVocabulary(bytes: Uint8Array): Vocabulary {
  const reader = new ByteReader(bytes);
  const counts = new ByteReader(unpackBytes(reader, 'the counts'));
  const lengths = new ByteReader(unpackBytes(reader, 'the token lengths'));
  const textBytes = unpackBytes(reader, 'the tokens');
  expectEnd(reader, 'the packed vocabulary');
  const size = counts.varint('the vocabulary size');
  // Each token takes at least one byte of counts: a larger size is damage, not an array to allocate.
  if (size > bytes.length * 8) throw new RangeError(`the vocabulary claims ${size} tokens in ${bytes.length} bytes`);
  let text: string;
  try {
    // ignoreBOM: a first token that starts with U+FEFF is a token, not a byte order mark to drop.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(textBytes);
  } catch {
    throw new RangeError('the tokens are not valid UTF-8');
  }
  const tokens = new Array<string>(size);
  const tokenCounts = new Array<number>(size);
  let count = 0;
  let at = 0;
  for (let id = 0; id < size; id++) {
    count += unzigzag(counts.varint(`the count of token ${id}`));
    if (!(count >= 0 && count <= 0xffffffff))
      throw new RangeError(`token ${id} has the count ${count}, not one from 0 to 2^32 − 1`);
    tokenCounts[id] = count;
    const length = lengths.varint(`the length of token ${id}`);
    if (length > text.length - at)
      throw new RangeError(`token ${id} (${length} characters) runs past the end of the text`);
    const token = text.slice(at, at + length);
    // Valid UTF-8 holds no lone surrogate, so only a length that cuts a pair in two makes one.
    if (LONE_SURROGATE.test(token)) throw new RangeError(`token ${id} starts or ends in the middle of a character`);
    tokens[id] = token;
    at += length;
  }
  if (at !== text.length) throw new RangeError('the token lengths do not add up to the text');
  expectEnd(counts, 'the counts');
  expectEnd(lengths, 'the token lengths');
  return new Vocabulary(tokens, tokenCounts); // refuses a token twice
}

/** The buckets packBuckets packed (increasing, so distinct); throws an Error saying what is wrong with bytes it did not write. */
export function unpackBuckets(bytes: Uint8Array): Int32Array {
  const reader = new ByteReader(bytes);
  const gaps = new ByteReader(unpackBytes(reader, 'the bucket gaps'));
  expectEnd(reader, 'the packed buckets');
  const count = gaps.varint('the bucket count');
  if (count > bytes.length * 8) throw new RangeError(`the buckets claim ${count} entries in ${bytes.length} bytes`);
  const buckets = new Int32Array(count);
  let bucket = -1;
  for (let i = 0; i < count; i++) {
    bucket += gaps.varint(`the gap before bucket ${i}`) + 1;
    if (bucket > 0x7fffffff) throw new RangeError(`bucket ${i} is ${bucket}, past the largest int32`);
    buckets[i] = bucket;
  }
  expectEnd(gaps, 'the bucket gaps');
  return buckets;
}

/** The codes packCodes packed, which must be `length` bytes; throws an Error saying what is wrong otherwise. */
export function unpackCodes(bytes: Uint8Array, length: number): Uint8Array {
  const reader = new ByteReader(bytes);
  const codes = unpackBytes(reader, 'the codes');
  expectEnd(reader, 'the packed codes');
  if (codes.length !== length) throw new RangeError(`they hold ${codes.length} codes, the table needs ${length}`);
  return codes;
}

/** The `rows` scales packScales packed; throws an Error saying what is wrong with bytes it did not write. */
export function unpackScales(bytes: Uint8Array, rows: number): Float32Array {
  const reader = new ByteReader(bytes);
  const high = unpackBytes(reader, 'the high bytes of the scales');
  const low = unpackBytes(reader, 'the low bytes of the scales');
  expectEnd(reader, 'the packed scales');
  if (high.length !== rows || low.length !== rows)
    throw new RangeError(`they hold ${high.length} and ${low.length} bytes, one per row needs ${rows}`);
  const bits = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) bits[r] = ((high[r] << 24) | (low[r] << 16)) >>> 0;
  return new Float32Array(bits.buffer);
}
