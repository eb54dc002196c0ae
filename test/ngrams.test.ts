import { describe, expect, it } from 'vitest';
import {
  charNgrams,
  fnv1a32,
  hashTokens,
  ngramFeatures,
  wordNgramBuckets,
  Vocabulary,
  MAX_BUCKETS,
} from '../src/text/index.js';

/** fastText's hash, byte by byte from TextEncoder, with its int8 sign extension: the slow, obvious reference. */
function fnvReference(s: string): number {
  let h = 2166136261;
  for (const b of new TextEncoder().encode(s)) {
    const signed = b >= 0x80 ? (b | 0xffffff00) >>> 0 : b;
    h = Number((BigInt(h ^ signed) * 16777619n) & 0xffffffffn);
  }
  return h >>> 0;
}

/** fastText's addWordNgrams in uint64 arithmetic, hashes sign-extended from int32, with BigInt. */
function ngramReference(hashes: number[], n: number, buckets: number): number[] {
  const mask = (1n << 64n) - 1n;
  const widen = (h: number) => BigInt.asUintN(64, BigInt(h | 0));
  const out: number[] = [];
  for (let i = 0; i < hashes.length; i++) {
    let h = widen(hashes[i]!);
    for (let j = i + 1; j < hashes.length && j < i + n; j++) {
      h = (h * 116049371n + widen(hashes[j]!)) & mask;
      out.push(Number(h % BigInt(buckets)));
    }
  }
  return out;
}

/** A small seeded generator, so that the random cases are the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

describe('fnv1a32', () => {
  it.each([
    ['empty string is the offset basis', '', 2166136261],
    ['"a" as in every FNV-1a table', 'a', 0xe40c292c],
    ['"hello"', 'hello', 0x4f9f2cab],
  ])('%s', (_name, s, expected) => {
    expect(fnv1a32(s)).toBe(expected);
  });

  it.each([
    ['ASCII', 'sentiment'],
    ['Latin-1', 'café'],
    ['Han', '酒店服务'],
    ['emoji', '👨‍👩‍👧'],
    ['lone surrogate', 'a\ud800b'],
    ['mixed', "n't 😍 不错"],
  ])('matches the byte-wise reference with fastText sign extension: %s', (_name, s) => {
    expect(fnv1a32(s)).toBe(fnvReference(s));
  });

  it('is deterministic and unsigned', () => {
    const words = ['good', 'bad', '好', '😍'];
    const a = hashTokens(words);
    const b = hashTokens(words);
    expect(Array.from(a)).toEqual(Array.from(b));
    for (const h of a) expect(h).toBeGreaterThanOrEqual(0);
  });
});

describe('wordNgramBuckets', () => {
  it.each([
    [2, 1, 0],
    [2, 2, 1],
    [2, 7, 6],
    [3, 7, 6 + 5],
    [4, 3, 2 + 1],
    [1, 5, 0],
  ])('N=%i over %i tokens gives %i buckets', (n, k, count) => {
    const hashes = Array.from({ length: k }, (_, i) => fnv1a32(`w${i}`));
    expect(wordNgramBuckets(hashes, n, 1000)).toHaveLength(count);
  });

  it('a sentence of k tokens with N=2 gives k-1 bigram buckets, all in range', () => {
    const tokens = 'it s a charming and often affecting journey'.split(' ');
    const buckets = wordNgramBuckets(hashTokens(tokens), 2, 2_000_000);
    expect(buckets).toHaveLength(tokens.length - 1);
    for (const b of buckets) {
      expect(Number.isInteger(b)).toBe(true);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(2_000_000);
    }
  });

  it('equals fastText uint64 arithmetic (BigInt reference) on random hashes', () => {
    const rand = lcg(20261128);
    for (const buckets of [1, 7, 1000, 2_000_000, 10_000_019, MAX_BUCKETS]) {
      for (let trial = 0; trial < 20; trial++) {
        const hashes = Array.from({ length: 1 + (rand() % 12) }, () => rand());
        const n = 2 + (rand() % 4);
        expect(wordNgramBuckets(hashes, n, buckets)).toEqual(ngramReference(hashes, n, buckets));
      }
    }
  });

  it('handles extreme hashes (0, 2^31, 2^32-1) exactly', () => {
    const hashes = [0, 0x80000000, 0xffffffff, 0x7fffffff, 1, 0xffffffff, 0xffffffff];
    expect(wordNgramBuckets(hashes, 5, 2_000_000)).toEqual(ngramReference(hashes, 5, 2_000_000));
  });

  it('depends on word order', () => {
    const [a, b] = [fnv1a32('not'), fnv1a32('good')];
    expect(wordNgramBuckets([a, b], 2, 2_000_000)).not.toEqual(wordNgramBuckets([b, a], 2, 2_000_000));
  });

  it('appends to the array it is given', () => {
    const out = [42];
    expect(wordNgramBuckets([1, 2, 3], 2, 10, out)).toBe(out);
    expect(out).toHaveLength(3);
    expect(out[0]).toBe(42);
  });

  it.each([[0], [-1], [1.5], [MAX_BUCKETS + 1]])('refuses buckets = %d', (buckets) => {
    expect(() => wordNgramBuckets([1, 2], 2, buckets)).toThrow(RangeError);
  });
});

describe('ngramFeatures', () => {
  const vocab = new Vocabulary(['good', 'not', 'film'], [5, 4, 3]);

  it('with a vocabulary: ids, then n-gram buckets offset by its size; unknown words dropped', () => {
    const f = ngramFeatures(['not', 'good', 'unseen'], { wordNgrams: 2, buckets: 100, vocabulary: vocab });
    expect(f.slice(0, 2)).toEqual([1, 0]);
    expect(f).toHaveLength(2 + 2);
    for (const x of f.slice(2)) {
      expect(x).toBeGreaterThanOrEqual(3);
      expect(x).toBeLessThan(103);
    }
    // Unknown words still take part in n-grams through their hash.
    expect(f.slice(2)).toEqual(wordNgramBuckets(hashTokens(['not', 'good', 'unseen']), 2, 100).map((b) => b + 3));
  });

  it('without a vocabulary: everything hashed into [0, buckets)', () => {
    const f = ngramFeatures(['a', 'b', 'c'], { wordNgrams: 3, buckets: 50 });
    expect(f).toHaveLength(3 + 2 + 1);
    expect(f.slice(0, 3)).toEqual(['a', 'b', 'c'].map((t) => fnv1a32(t) % 50));
    for (const x of f) expect(x).toBeLessThan(50);
  });

  it('is the same on every call, long inputs included', () => {
    const tokens = Array.from({ length: 1000 }, (_, i) => `t${i % 37}`);
    const options = { wordNgrams: 2, buckets: 1 << 20 };
    expect(ngramFeatures(tokens, options)).toEqual(ngramFeatures(tokens, options));
  });
});

describe('charNgrams', () => {
  it.each([
    ['Chinese character bigrams', '酒店服务', 2, 2, {}, ['酒店', '店服', '服务']],
    ['lengths 1..2 by start position', 'abc', 1, 2, {}, ['a', 'ab', 'b', 'bc', 'c']],
    ['a token shorter than minn has none', 'a', 2, 3, {}, []],
    ['emoji and astral Han count as one character', '😍𠀀好', 2, 2, {}, ['😍𠀀', '𠀀好']],
    ['fastText markers, without the lone markers', 'ab', 1, 2, { markers: true }, ['<a', 'a', 'ab', 'b', 'b>']],
    [
      'fastText-style 3..4-grams of "where"',
      'where',
      3,
      4,
      { markers: true },
      ['<wh', '<whe', 'whe', 'wher', 'her', 'here', 'ere', 'ere>', 're>'],
    ],
  ])('%s', (_name, token, minn, maxn, options, expected) => {
    expect(charNgrams(token, minn, maxn, options)).toEqual(expected);
  });

  it('refuses maxn < minn', () => {
    expect(() => charNgrams('abc', 3, 2)).toThrow(RangeError);
  });
});
