// The bigram shortcut must give fastText's uint64 buckets exactly (BigInt reference).
import { describe, expect, it } from 'vitest';
import { bigramBucket, bigramModulus, MAX_BUCKETS, wordNgramBuckets } from '../src/text/ngrams.js';

function reference(a: number, b: number, buckets: number): number {
  const widen = (h: number) => BigInt.asUintN(64, BigInt(h | 0));
  return Number(BigInt.asUintN(64, widen(a) * 116049371n + widen(b)) % BigInt(buckets));
}

describe('bigramBucket', () => {
  it('equals the uint64 arithmetic on random and extreme hashes', () => {
    let seed = 7;
    const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
    const extremes = [0, 1, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff, 116049371];
    for (const buckets of [1, 2, 7, 1000, 2_000_000, 10_000_019, MAX_BUCKETS - 1, MAX_BUCKETS]) {
      const m = bigramModulus(buckets);
      for (const a of extremes) for (const b of extremes) expect(bigramBucket(a, b, m)).toBe(reference(a, b, buckets));
      for (let t = 0; t < 2000; t++) {
        const a = rand();
        const b = rand();
        expect(bigramBucket(a, b, m)).toBe(reference(a, b, buckets));
      }
      const hashes = Array.from({ length: 30 }, rand);
      expect(wordNgramBuckets(hashes, 2, buckets)).toEqual(
        hashes.slice(1).map((h, i) => reference(hashes[i]!, h, buckets)),
      );
    }
  });
});
