// Decoding of the Huffman streams huffman.ts writes (the layout is there). It refuses, with a
// RangeError saying what is wrong, lengths that are not a prefix code, bits that spell no code, a
// stream that ends early or has bytes left over, and padding that is not zero: a file whose
// checksum is right may still have been written by something else.

import type { ByteReader } from './byte-reader.js';
import { canonicalCodes, LENGTH_BYTES, MAX_CODE_BITS, SYMBOLS } from './huffman.js';

const TABLE_SIZE = 1 << MAX_CODE_BITS;

/**
 * Reads one stream that packBytes wrote, from `reader`'s position, and leaves the reader after
 * it. Throws a RangeError naming `what` if the stream is not one packBytes could have written.
 */
export function unpackBytes(reader: ByteReader, what = 'the packed bytes'): Uint8Array {
  const count = reader.varint(`the length of ${what}`);
  if (count === 0) return new Uint8Array(0);
  const nibbles = reader.bytes(LENGTH_BYTES, `the code lengths of ${what}`);
  const codedLength = reader.varint(`the coded length of ${what}`);
  // Every code is at least one bit: more values than bits means a damaged length, not a stream
  // to allocate memory for.
  if (count > 8 * codedLength) throw new RangeError(`${what} claims ${count} values in ${codedLength} bytes of codes`);
  const coded = reader.bytes(codedLength, `the codes of ${what}`);

  const lengths = new Uint8Array(SYMBOLS);
  for (let s = 0; s < SYMBOLS; s++) lengths[s] = (nibbles[s >> 1] >> ((s & 1) * 4)) & 0xf;
  // Each table entry: (value << 4) | length; 0 where no code starts with those bits.
  const table = new Uint16Array(TABLE_SIZE);
  const codes = canonicalCodes(lengths);
  let filled = 0;
  for (let s = 0; s < SYMBOLS; s++) {
    const length = lengths[s];
    if (length === 0) continue;
    if (length > MAX_CODE_BITS)
      throw new RangeError(`${what} gives the byte ${s} a code of ${length} bits; the longest is ${MAX_CODE_BITS}`);
    const span = 1 << (MAX_CODE_BITS - length);
    filled += span;
    if (filled > TABLE_SIZE) throw new RangeError(`the code lengths of ${what} do not form a prefix code`);
    table.fill((s << 4) | length, codes[s] * span, (codes[s] + 1) * span);
  }
  if (filled === 0) throw new RangeError(`${what} holds ${count} values but no codes`);

  const out = new Uint8Array(count);
  // The codes and a zero byte: the loop reads two bytes at a time, the last pair may be the final
  // byte and this one. Past the end it reads zero bits; how many it used is checked once it is done.
  const end = coded.length;
  const input = new Uint8Array(end + 1);
  input.set(coded);
  // The unread bits are the low `held` bits of `word` (at most 11 + 16 of them).
  let word = 0;
  let held = 0;
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (held < MAX_CODE_BITS) {
      word = (word << 16) | (at < end ? (input[at] << 8) | input[at + 1] : 0);
      at += 2;
      held += 16;
    }
    const entry = table[(word >>> (held - MAX_CODE_BITS)) & (TABLE_SIZE - 1)];
    if (entry === 0) throw new RangeError(`${what} holds bits that are no code (value ${i})`);
    held -= entry & 0xf;
    out[i] = entry >> 4;
  }
  const usedBits = 8 * at - held;
  if (usedBits > 8 * end)
    throw new RangeError(`the codes of ${what} end early (${count} values need more than ${end} bytes)`);
  if (Math.ceil(usedBits / 8) !== end)
    throw new RangeError(`the codes of ${what} have ${end - Math.ceil(usedBits / 8)} bytes after their last value`);
  const padding = 8 * end - usedBits;
  if (padding > 0 && (coded[end - 1] & ((1 << padding) - 1)) !== 0)
    throw new RangeError(`the last byte of ${what} is not padded with zeros`);
  return out;
}
