// fastText's string hash (FNV-1a, 32 bits) over UTF-8, computed without a TextEncoder so that
// hashing ~600k short tokens allocates nothing.
//
// fastText reads the bytes as `char`, which is signed on x86 and ARM Linux, and xors
// `uint32_t(int8_t(byte))` into the hash: bytes >= 0x80 are sign-extended to 0xFFFFFFxx. We do
// the same, so ASCII and non-ASCII tokens hash exactly as in fastText's dictionary.

const FNV_OFFSET = 0x811c9dc5; // 2166136261
const FNV_PRIME = 16777619;

/** Mixes one UTF-8 byte >= 0x80 the way fastText does (sign-extended). */
function mixHigh(h: number, byte: number): number {
  return Math.imul(h ^ (byte | 0xffffff00), FNV_PRIME);
}

/**
 * fastText's FNV-1a hash of a string's UTF-8 bytes, as an unsigned 32-bit integer.
 * @example
 * ```ts
 * fnv1a32("hello") // 1335831723
 * ```
 */
export function fnv1a32(s: string): number {
  let h = FNV_OFFSET;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      h = Math.imul(h ^ c, FNV_PRIME);
      continue;
    }
    if (c < 0x800) {
      h = mixHigh(h, 0xc0 | (c >> 6));
      h = mixHigh(h, 0x80 | (c & 0x3f));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        h = mixHigh(h, 0xf0 | (c >> 18));
        h = mixHigh(h, 0x80 | ((c >> 12) & 0x3f));
        h = mixHigh(h, 0x80 | ((c >> 6) & 0x3f));
        h = mixHigh(h, 0x80 | (c & 0x3f));
        continue;
      }
      c = 0xfffd; // a lone surrogate encodes as U+FFFD, as TextEncoder does
    }
    h = mixHigh(h, 0xe0 | (c >> 12));
    h = mixHigh(h, 0x80 | ((c >> 6) & 0x3f));
    h = mixHigh(h, 0x80 | (c & 0x3f));
  }
  return h >>> 0;
}

/**
 * Hashes every token with fnv1a32 into `out` (reused when long enough), returning it.
 * @example
 * ```ts
 * hashTokens(["a", "b"]) // Uint32Array [3826002220, 3876335077]
 * ```
 */
export function hashTokens(tokens: readonly string[], out?: Uint32Array): Uint32Array {
  const h = out !== undefined && out.length >= tokens.length ? out : new Uint32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) h[i] = fnv1a32(tokens[i]!);
  return h;
}

/**
 * fnv1a32 of `prefix + s` for ASCII s, given `state` = fnv1a32(prefix): FNV-1a runs byte by byte,
 * so the prefix's hash is where the rest carries on. Lets the featurizer hash "NOT_word" without
 * building the string.
 * @example
 * ```ts
 * fnv1a32AsciiFrom(fnv1a32("NOT_"), "good") === fnv1a32("NOT_good")
 * ```
 */
export function fnv1a32AsciiFrom(state: number, s: string): number {
  let h = state;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/**
 * fnv1a32(text.slice(start, end)) for ASCII text, without the slice.
 * @example
 * ```ts
 * fnv1a32AsciiSpan("a good film", 2, 6) === fnv1a32("good")
 * ```
 */
export function fnv1a32AsciiSpan(text: string, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}
