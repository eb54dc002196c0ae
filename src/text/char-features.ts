// Character n-gram features, the featurizer's (./features.ts) for what words alone miss: over
// each run of Chinese or Japanese tokens, hashed n-grams of its characters; for other words,
// fastText's subwords, the n-grams of "<word>". Each yields buckets; the featurizer gives them rows.

import { fnv1a32 } from './hash.js';

/** A token made only of Chinese or Japanese characters. */
const CJK_TOKEN = /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\u30FC\u3005-\u3007]+$/u;
// Character n-grams share the buckets with word n-grams; a salt keeps "好" the character n-gram
// from landing where "好" the word's n-grams would.
const CHAR_SALT = 0x2c1b3c6d;
const SUBWORD_SALT = 0x6b43a9b5;
/** Longest token whose subword buckets are cached. */
const SUBWORD_CACHE_MAX_LENGTH = 64;

/** Cheap pre-check: no CJK run can start below U+2E80 (CJK radicals). */
export function hasCjk(tokens: readonly string[]): boolean {
  for (const t of tokens) if (t.charCodeAt(0) >= 0x2e80) return true;
  return false;
}

/**
 * The buckets of the character n-grams (lengths 1 to maxN) over each run of consecutive CJK
 * tokens, so "不" + "好" still gives "不好"; each told to `add` in order, with the tokens it covers
 * (start inclusive, end exclusive).
 * @example
 * ```ts
 * cjkCharNgramBuckets(["不", "好"], 2, 2_000_000, (bucket, start, end) => use(bucket, start, end))
 * ```
 */
export function cjkCharNgramBuckets(
  tokens: readonly string[],
  maxN: number,
  buckets: number,
  add: (bucket: number, start: number, end: number) => void,
): void {
  let i = 0;
  while (i < tokens.length) {
    if (!CJK_TOKEN.test(tokens[i])) {
      i++;
      continue;
    }
    const chars: string[] = [];
    const owner: number[] = [];
    let j = i;
    for (; j < tokens.length && CJK_TOKEN.test(tokens[j]); j++) {
      for (const ch of tokens[j]) {
        chars.push(ch);
        owner.push(j);
      }
    }
    for (let a = 0; a < chars.length; a++) {
      let gram = '';
      for (let len = 1; len <= maxN && a + len <= chars.length; len++) {
        gram += chars[a + len - 1];
        const bucket = ((fnv1a32(gram) ^ CHAR_SALT) >>> 0) % buckets;
        add(bucket, owner[a], owner[a + len - 1] + 1);
      }
    }
    i = j;
  }
}

/**
 * The buckets of a token's subwords, lengths minn to maxn (none for a CJK token, whose characters
 * are n-grammed over their run instead), from `cache` when the token was met before.
 * @example
 * ```ts
 * subwordBuckets("film", 3, 4, 2_000_000, new Map()).length // 7: "<fi", "fil", …, "film", "ilm>"
 * ```
 */
export function subwordBuckets(
  token: string,
  minn: number,
  maxn: number,
  buckets: number,
  cache: Map<string, Int32Array>,
): Int32Array {
  let found = cache.get(token);
  if (found === undefined) {
    found = CJK_TOKEN.test(token)
      ? new Int32Array(0)
      : Int32Array.from(subwordHashes(token, minn, maxn), (h) => h % buckets);
    // Words repeat, long strings of junk do not: caching those would hold megabytes per entry.
    if (cache.size > 200_000) cache.clear();
    if (token.length <= SUBWORD_CACHE_MAX_LENGTH) cache.set(token, found);
  }
  return found;
}

/** Salted hashes of the character n-grams (by code point) of "<token>", lengths minn..maxn, without "<token>" itself. */
function subwordHashes(token: string, minn: number, maxn: number): number[] {
  const chars = Array.from(`<${token}>`);
  const hashes: number[] = [];
  for (let a = 0; a < chars.length; a++) {
    let gram = '';
    for (let len = 1; len <= maxn && a + len <= chars.length; len++) {
      gram += chars[a + len - 1];
      if (len < minn || len === chars.length) continue;
      hashes.push((fnv1a32(gram) ^ SUBWORD_SALT) >>> 0);
    }
  }
  return hashes;
}
