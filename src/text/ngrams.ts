// Word and character n-grams as fastText builds them. A word n-gram is never joined into a
// string: the per-token hashes are combined, and the combination is taken modulo the number of
// buckets, so a sentence's n-gram features cost a few multiplications per token.
//
// The combination reproduces fastText's `Dictionary::addWordNgrams` exactly:
//   uint64_t h = hashes[i];  for j: h = h * 116049371 + hashes[j];  bucket = h % nbuckets
// where `hashes` are int32 (so each is sign-extended into the uint64). JavaScript numbers hold
// 53 bits, so the uint64 is kept as two uint32 halves; the tests check it against BigInt.

import { fnv1a32 } from './hash.js';

/** fastText's multiplier in its word n-gram combination (h = h · 116049371 + next). */
export const BIGRAM_MULTIPLIER = 116049371;
const C = BIGRAM_MULTIPLIER;
const TWO32 = 4294967296;
/** Beyond this, (hi % b) * (2^32 % b) + b could exceed 2^53 and lose exactness. */
export const MAX_BUCKETS = 1 << 26;

function checkBuckets(buckets: number): void {
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > MAX_BUCKETS) {
    throw new RangeError(`buckets must be an integer from 1 to ${MAX_BUCKETS}, got ${buckets}`);
  }
}

function checkN(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n-gram length must be an integer >= 1, got ${n}`);
}

/** Non-negative x mod b for integers 0 <= x < 2^53 (a division and a fix-up: `%` on doubles is a slow call). */
function modExact(x: number, b: number): number {
  let r = x - Math.floor(x / b) * b;
  if (r < 0) r += b;
  else if (r >= b) r -= b;
  return r;
}

/** What a bigram bucket needs to know about the bucket count, worked out once. */
export interface BigramModulus {
  buckets: number;
  /** C mod buckets */
  c: number;
  /** 2^64 mod buckets */
  two64: number;
}

/**
 * @example
 * ```ts
 * bigramModulus(2_000_000).two64 // 2^64 mod 2,000,000
 * ```
 */
export function bigramModulus(buckets: number): BigramModulus {
  checkBuckets(buckets);
  const p32 = TWO32 % buckets;
  return { buckets, c: C % buckets, two64: (p32 * p32) % buckets };
}

/**
 * The bucket of the bigram (a, b), equal to wordNgramBuckets([a, b], 2, buckets)[0] but without
 * 64-bit emulation. fastText's uint64 is V = int32(a)·C + int32(b) taken mod 2^64, where V
 * itself is an exact integer of at most 58 bits with the sign of the double a·C + b (rounding
 * cannot flip it). So the bucket is V mod buckets, plus 2^64 mod buckets when V < 0; and
 * V mod buckets comes from residues below 2^26, whose products stay exact below 2^53.
 */
export function bigramBucket(a: number, b: number, m: BigramModulus): number {
  return bigramBucketOfResidues(a, bigramLeftResidue(a, m), b, bigramResidue(b, m), m);
}

/** int32(h) mod buckets, non-negative: what a word's hash contributes as the right word of a bigram. */
export function bigramResidue(h: number, m: BigramModulus): number {
  const r = (h | 0) % m.buckets; // int32 % int: exact, sign of h
  return r < 0 ? r + m.buckets : r;
}

/** bigramResidue(h)·C mod buckets: what a word's hash contributes as the left word of a bigram. */
export function bigramLeftResidue(h: number, m: BigramModulus): number {
  return modExact(bigramResidue(h, m) * m.c, m.buckets);
}

/**
 * bigramBucket(a, b, m) from a's left residue and b's residue, worked out once per word: two
 * additions and no division per bigram, for prediction's token cache.
 */
export function bigramBucketOfResidues(a: number, aLeft: number, b: number, bRight: number, m: BigramModulus): number {
  const B = m.buckets;
  let r = aLeft + bRight;
  if (r >= B) r -= B;
  if ((a | 0) * C + (b | 0) < 0) {
    r += m.two64;
    if (r >= B) r -= B;
  }
  return r;
}

/**
 * Appends to `out` the bucket (0..buckets-1) of every word n-gram of length 2..n, in
 * fastText's order (by start position, then length), and returns `out`.
 * @example
 * ```ts
 * wordNgramBuckets([fnv1a32("not"), fnv1a32("good")], 2, 2_000_000) // [591462]
 * ```
 */
export function wordNgramBuckets(hashes: ArrayLike<number>, n: number, buckets: number, out: number[] = []): number[] {
  checkN(n);
  checkBuckets(buckets);
  const len = hashes.length;
  if (n < 2 || len < 2) return out;
  if (n === 2) {
    // Bigrams only (the usual case): no 64-bit state to carry from one step to the next.
    const m = bigramModulus(buckets);
    for (let i = 1; i < len; i++) out.push(bigramBucket(hashes[i - 1]!, hashes[i]!, m));
    return out;
  }
  const p32 = TWO32 % buckets;
  for (let i = 0; i < len; i++) {
    const first = hashes[i]! >>> 0;
    let hi = first >= 0x80000000 ? 0xffffffff : 0;
    let lo = first;
    const stop = Math.min(len, i + n);
    for (let j = i + 1; j < stop; j++) {
      // (hi:lo) * C, with lo * C split in 16-bit halves so that every product is exact.
      const b = (lo >>> 16) * C;
      const a = (lo & 0xffff) * C;
      const carry = Math.floor(b / 65536) + Math.floor(((b % 65536) * 65536 + a) / TWO32);
      const mulLo = Math.imul(lo, C) >>> 0;
      const mulHi = (Math.imul(hi, C) + carry) >>> 0;
      // + int64(int32(hashes[j]))
      const hj = hashes[j]! >>> 0;
      const sum = mulLo + hj;
      lo = sum >>> 0;
      hi = (mulHi + (sum >= TWO32 ? 1 : 0) + (hj >= 0x80000000 ? 0xffffffff : 0)) >>> 0;
      out.push(((hi % buckets) * p32 + (lo % buckets)) % buckets);
    }
  }
  return out;
}

/** Something that maps a token to a dense id (-1 when unknown); Vocabulary is one. */
export interface TokenIds {
  /** The token's id, or -1 when it has none. */
  id(token: string): number;
  /** How many ids there are. */
  readonly size: number;
}

/** How ngramFeatures numbers its features. */
export interface NgramFeatureOptions {
  /** Longest word n-gram; 1 means unigrams only (fastText's -wordNgrams). */
  wordNgrams: number;
  /** Number of hash buckets for n-grams (fastText's -bucket, default there 2,000,000). */
  buckets: number;
  /**
   * With a vocabulary, unigrams are its ids (unknown tokens are dropped, as fastText does) and
   * n-gram buckets are offset by its size, so features lie in [0, size + buckets). Without
   * one, unigrams are hashed into the same buckets as n-grams: features lie in [0, buckets).
   */
  vocabulary?: TokenIds;
}

let scratch = new Uint32Array(256);

/**
 * The feature ids of a token list, fastText style: unigrams then hashed word n-grams, appended
 * to `out` (returned). Unknown words still take part in n-grams through their hash.
 * @example
 * ```ts
 * ngramFeatures(["not", "good"], { wordNgrams: 2, buckets: 1000, vocabulary: new Vocabulary(["good", "not"]) }) // [1, 0, 464] (464 = 2 + bucket 462)
 * ```
 */
export function ngramFeatures(tokens: readonly string[], options: NgramFeatureOptions, out: number[] = []): number[] {
  const { wordNgrams, buckets, vocabulary } = options;
  checkN(wordNgrams);
  checkBuckets(buckets);
  const len = tokens.length;
  if (scratch.length < len) scratch = new Uint32Array(Math.max(len, scratch.length * 2));
  const hashes = scratch.subarray(0, len);
  for (let i = 0; i < len; i++) {
    const t = tokens[i]!;
    const h = fnv1a32(t);
    hashes[i] = h;
    if (vocabulary !== undefined) {
      const id = vocabulary.id(t);
      if (id >= 0) out.push(id);
    } else out.push(h % buckets);
  }
  const start = out.length;
  wordNgramBuckets(hashes, wordNgrams, buckets, out);
  if (vocabulary !== undefined) {
    const offset = vocabulary.size;
    for (let k = start; k < out.length; k++) out[k]! += offset;
  }
  return out;
}

/** Options for charNgrams. */
export interface CharNgramOptions {
  /** Wrap the token in "<" and ">" first, as fastText does for subwords of words (default false). */
  markers?: boolean;
}

/**
 * The character n-grams of a token with lengths minn..maxn, by code point (an emoji or a
 * supplementary-plane Han character counts as one); fastText-style markers are optional.
 * @example
 * ```ts
 * charNgrams("酒店服务", 2, 2) // ["酒店", "店服", "服务"]
 * ```
 */
export function charNgrams(token: string, minn: number, maxn: number, options: CharNgramOptions = {}): string[] {
  checkN(minn);
  if (!Number.isInteger(maxn) || maxn < minn)
    throw new RangeError(`maxn must be an integer >= minn (${minn}), got ${maxn}`);
  const markers = options.markers ?? false;
  const chars = Array.from(markers ? `<${token}>` : token);
  const out: string[] = [];
  const last = chars.length;
  for (let i = 0; i < last; i++) {
    let s = '';
    for (let n = 1; n <= maxn && i + n <= last; n++) {
      s += chars[i + n - 1]!;
      // fastText leaves out the markers on their own.
      if (n >= minn && !(markers && n === 1 && (i === 0 || i === last - 1))) out.push(s);
    }
  }
  return out;
}
