// The byte coding of packed model sections: varints (src/format/byte-writer.ts, byte-reader.ts)
// and canonical Huffman streams (src/format/huffman.ts, huffman-decode.ts) give back exactly what was written, take fewer bytes than the
// input when its bytes are skewed, and refuse streams they could not have written.

import { describe, expect, it } from 'vitest';
import { ByteReader } from '../src/format/byte-reader.js';
import { ByteWriter } from '../src/format/byte-writer.js';
import { packBytes } from '../src/format/huffman.js';
import { unpackBytes } from '../src/format/huffman-decode.js';
import { seededRandom } from './helpers.js';

function packed(bytes: Uint8Array): Uint8Array {
  return packBytes(new ByteWriter(), bytes).finish();
}

function unpacked(stream: Uint8Array): Uint8Array {
  const reader = new ByteReader(stream);
  const out = unpackBytes(reader, 'the test stream');
  expect(reader.done).toBe(true);
  return out;
}

/** `n` bytes drawn from a distribution in which value v has weight 1 / (1 + v)^power. */
function skewed(n: number, power: number, seed: number): Uint8Array {
  const rand = seededRandom(seed);
  const weights = Array.from({ length: 256 }, (_, v) => 1 / (1 + v) ** power);
  const total = weights.reduce((a, b) => a + b);
  return Uint8Array.from({ length: n }, () => {
    let u = rand() * total;
    let v = 0;
    while (v < 255 && (u -= weights[v]) > 0) v++;
    return v;
  });
}

describe('varints', () => {
  it.each([0, 1, 127, 128, 300, 16_383, 16_384, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER])(
    '%d reads back as itself',
    (value) => {
      const reader = new ByteReader(new ByteWriter().varint(value).finish());
      expect(reader.varint()).toBe(value);
      expect(reader.done).toBe(true);
    },
  );

  it('take one byte below 128 and two below 16,384', () => {
    expect(new ByteWriter().varint(127).finish()).toEqual(Uint8Array.of(127));
    expect(new ByteWriter().varint(300).finish()).toEqual(Uint8Array.of(0xac, 0x02));
  });

  it('refuse a negative, fractional or unsafe value when writing, and a cut or endless one when reading', () => {
    expect(() => new ByteWriter().varint(-1)).toThrow(RangeError);
    expect(() => new ByteWriter().varint(1.5)).toThrow(RangeError);
    expect(() => new ByteWriter().varint(2 ** 53)).toThrow(RangeError);
    expect(() => new ByteReader(Uint8Array.of(0x80)).varint('the size')).toThrow('the size runs past the end (byte 1)');
    expect(() => new ByteReader(new Uint8Array(9).fill(0xff)).varint('the size')).toThrow('larger than 2^53 − 1');
    expect(() => new ByteReader(Uint8Array.of(1, 2)).bytes(3, 'the text')).toThrow(
      'the text of 3 bytes runs past the end (byte 0, 2 left)',
    );
  });
});

describe('Huffman streams', () => {
  it.each<[string, Uint8Array]>([
    ['no bytes', new Uint8Array(0)],
    ['one byte', Uint8Array.of(200)],
    ['one value repeated', new Uint8Array(1000).fill(7)],
    ['two values', Uint8Array.from({ length: 999 }, (_, i) => (i % 3 === 0 ? 0 : 255))],
    ['every value once', Uint8Array.from({ length: 256 }, (_, i) => i)],
    [
      'uniform random bytes',
      Uint8Array.from(
        { length: 50_000 },
        (
          (r) => () =>
            Math.floor(r() * 256)
        )(seededRandom(1)),
      ),
    ],
    ['a skew that needs codes longer than 12 bits before the cap', skewed(200_000, 3, 2)],
    ['a mild skew', skewed(100_000, 0.5, 3)],
  ])('%s come back exactly', (_, bytes) => {
    expect(unpacked(packed(bytes))).toEqual(bytes);
  });

  it('take about the entropy of skewed bytes, and at most the bytes plus a small header for uniform ones', () => {
    const bytes = skewed(200_000, 1.5, 4);
    const counts = new Map<number, number>();
    for (const b of bytes) counts.set(b, (counts.get(b) ?? 0) + 1);
    let entropyBits = 0;
    for (const c of counts.values()) entropyBits -= c * Math.log2(c / bytes.length);
    const size = packed(bytes).length;
    expect(size).toBeLessThan((entropyBits / 8) * 1.02 + 200);
    expect(size).toBeGreaterThanOrEqual(entropyBits / 8);
    const uniform = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 131) & 0xff);
    expect(packed(uniform).length).toBeLessThanOrEqual(uniform.length + 140);
  });

  it('follow one another in a buffer, each reading to its own end', () => {
    const a = skewed(3000, 1, 5);
    const b = Uint8Array.of(1, 2, 3);
    const out = new ByteWriter();
    packBytes(out, a);
    packBytes(out, new Uint8Array(0));
    packBytes(out, b);
    const reader = new ByteReader(out.finish());
    expect(unpackBytes(reader)).toEqual(a);
    expect(unpackBytes(reader)).toEqual(new Uint8Array(0));
    expect(unpackBytes(reader)).toEqual(b);
    expect(reader.done).toBe(true);
  });

  it('are the same bytes for the same input', () => {
    const bytes = skewed(20_000, 1, 6);
    expect(packed(bytes)).toEqual(packed(bytes.slice()));
  });

  /** A stream of 1,000 skewed bytes: varint 1000 (2 bytes), 128 bytes of lengths, varint m, codes. */
  const good = packed(skewed(1000, 1, 7));
  const LENGTHS = 2;
  const withByte = (at: number, value: number) => {
    const out = good.slice();
    out[at] = value;
    return out;
  };

  it.each<[string, () => Uint8Array, RegExp]>([
    [
      'a stream cut in its code lengths',
      () => good.slice(0, 60),
      /the code lengths of the test stream of 128 bytes runs past the end/,
    ],
    [
      'a stream cut in its codes',
      () => good.slice(0, -1),
      /the codes of the test stream of \d+ bytes runs past the end/,
    ],
    [
      'more values than its codes could hold',
      () => {
        const out = good.slice();
        out[0] = 0xff;
        out[1] = 0x7f;
        return out;
      },
      /claims 16383 values in \d+ bytes of codes/,
    ],
    [
      'a code of 13 bits or more',
      () => withByte(LENGTHS, (good[LENGTHS] & 0xf0) | 13),
      /gives the byte 0 a code of 13 bits; the longest is 12/,
    ],
    [
      'code lengths that are not a prefix code',
      () => {
        const out = good.slice();
        out.fill(0x11, LENGTHS, LENGTHS + 128);
        return out;
      },
      /do not form a prefix code/,
    ],
    [
      'no codes at all',
      () => {
        const out = good.slice();
        out.fill(0, LENGTHS, LENGTHS + 128);
        return out;
      },
      /holds 1000 values but no codes/,
    ],
  ])('%s is refused with a RangeError saying so', (_, make, message) => {
    expect(() => unpacked(make())).toThrow(message);
  });

  it('a stream with a byte after its codes, or padding that is not zero, is refused', () => {
    const bytes = Uint8Array.of(0, 1, 1, 0, 1, 0, 0, 1, 1); // 9 values of 1 bit each: 2 code bytes, 7 bits of padding
    const stream = packed(bytes);
    expect([stream[0], stream[1], stream[129]]).toEqual([9, 0x11, 2]); // 9 values; values 0 and 1 of 1 bit each; 2 code bytes
    // One more code byte, its length varint raised by one.
    const longer = new ByteWriter()
      .varint(9)
      .bytes(stream.subarray(1, 129))
      .varint(3)
      .bytes(stream.subarray(130))
      .bytes(Uint8Array.of(0))
      .finish();
    expect(() => unpacked(longer)).toThrow(/have 1 bytes after their last value/);
    const dirty = stream.slice();
    dirty[dirty.length - 1] |= 1;
    expect(() => unpacked(dirty)).toThrow(/is not padded with zeros/);
  });

  it('a stream that has bits spelling no code is refused', () => {
    // Value 0 has the 1-bit code 0 and nothing has a code starting with 1: a 1 bit is no code.
    const stream = packed(new Uint8Array(16));
    const bad = stream.slice();
    bad[bad.length - 1] = 0x80;
    expect(() => unpacked(bad)).toThrow(/holds bits that are no code \(value 8\)/);
  });
});
