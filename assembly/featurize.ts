// Prediction's featurizer for plain lowercase ASCII text, in linear memory: cut the bytes into
// tokens, find each in the token cache the host mirrors here, mark negation, look up bigram rows,
// and write the text's row ids. It follows the host's tokeniser exactly for the text it takes
// (tokens it rewrites, such as `` → " or -lrb- → (, come from LITERALS) and gives up (returns BAIL)
// on anything else — clitics glued to words, numbers with separators, abbreviations, URLs,
// emoticons, words the tokeniser splits — so the host cuts that text itself (its tests compare
// every text this takes with the host's rows). The host fills every table
// (src/train/wasm-featurizer.ts lays them out).

import {
  CFG_BIGRAMS, CFG_BUCKETS, CFG_FORMS, CFG_NEGATION, CFG_POOL, CFG_ROLES, CFG_ROW_MASK, CFG_ROW_TABLE, CFG_SCRATCH,
  CFG_SCRATCH_TOKENS, CFG_SLOT_CHARS, CFG_SPLIT_COUNT, CFG_SPLIT_HASHES, CFG_TOKEN_MASK, CFG_TOKEN_TABLE, CFG_TWO64_MOD,
  FEATURIZE_BAIL, FEATURIZE_UNKNOWN, FORM_BYTES, FORM_HASH, FORM_ID, FORM_LEFT, FORM_RIGHT, HASH_PROBE,
  TOKEN_ADDRESS, TOKEN_BYTES, TOKEN_FORM, TOKEN_HASH, TOKEN_LENGTH,
} from './contract';

// The configuration block's fields, its records and the results are in ./contract, shared with
// the host (src/runtime/contract.ts is its copy).
const BAIL: i32 = FEATURIZE_BAIL;
const UNKNOWN: i32 = FEATURIZE_UNKNOWN;

const FNV_OFFSET: u32 = 0x811c9dc5;
const FNV_PRIME: u32 = 16777619;
/** fastText's bigram multiplier (src/text/ngrams.ts). */
const NGRAM_C: i64 = 116049371;
// [bucket, row] pairs of the row table as src/text/int-table.ts lays them out. No bitmap in
// front of it (as textRows has): here a probe for a missing bucket costs about one cache line.

@inline function cfgAt(cfg: usize, field: i32): i32 {
  return load<i32>(cfg + (<usize>field << 2));
}

@inline function ptrAt(cfg: usize, field: i32): usize {
  return <usize>load<i32>(cfg + (<usize>field << 2));
}

@inline function byteAt(text: usize, n: i32, i: i32): i32 {
  return i < n ? <i32>load<u8>(text + <usize>i) : -1;
}

@inline function isLower(c: i32): bool {
  return c >= 0x61 && c <= 0x7a;
}

@inline function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}

@inline function isAlnum(c: i32): bool {
  return isLower(c) || isDigit(c);
}

function fnvBytes(at: usize, length: i32): u32 {
  let h = FNV_OFFSET;
  for (let i = 0; i < length; i++) h = (h ^ <u32>load<u8>(at + <usize>i)) * FNV_PRIME;
  return h;
}

// The tokens the tokeniser writes in place of what the text says: ' " -- ... ( ) [ ] { }
const LITERALS = memory.data<u8>([0x27, 0x22, 0x2d, 0x2d, 0x2e, 0x2e, 0x2e, 0x28, 0x29, 0x5b, 0x5d, 0x7b, 0x7d]);
const QUOTE = 0;
const DOUBLE_QUOTE = 1;
const DASHES = 2; // "--", 2 bytes
const ELLIPSIS = 4; // "...", 3 bytes
const BRACKETS = 7; // ( ) [ ] { }

/** Whether text[start, end) is a clitic run the tokeniser keeps as "'" + run: s re ve ll d m em til tis twas, or 2 digits (+ s). */
function isCliticRun(text: usize, start: i32, end: i32): bool {
  const len = end - start;
  const a = <i32>load<u8>(text + <usize>start);
  const b = len > 1 ? <i32>load<u8>(text + <usize>start + 1) : 0;
  const c = len > 2 ? <i32>load<u8>(text + <usize>start + 2) : 0;
  if (len == 1) return a == 0x73 || a == 0x64 || a == 0x6d; // s d m
  if (len == 2) {
    if ((a == 0x72 && b == 0x65) || (a == 0x76 && b == 0x65) || (a == 0x6c && b == 0x6c) || (a == 0x65 && b == 0x6d)) return true; // re ve ll em
    return isDigit(a) && isDigit(b);
  }
  if (len == 3) {
    if (a == 0x74 && b == 0x69 && (c == 0x6c || c == 0x73)) return true; // til tis
    return isDigit(a) && isDigit(b) && c == 0x73;
  }
  return len == 4 && a == 0x74 && b == 0x77 && c == 0x61 && <i32>load<u8>(text + <usize>start + 3) == 0x73; // twas
}

function isSplitWord(cfg: usize, h: u32): bool {
  const hashes = ptrAt(cfg, CFG_SPLIT_HASHES);
  const count = cfgAt(cfg, CFG_SPLIT_COUNT);
  for (let i = 0; i < count; i++) if (load<u32>(hashes + (<usize>i << 2)) == h) return true;
  return false;
}

/** The cache slot of the token of len bytes at p with hash h, or -1. */
function slotOf(cfg: usize, p: usize, len: i32, h: u32): i32 {
  const table = ptrAt(cfg, CFG_TOKEN_TABLE);
  const mask = <u32>cfgAt(cfg, CFG_TOKEN_MASK);
  const chars = ptrAt(cfg, CFG_SLOT_CHARS);
  const pool = ptrAt(cfg, CFG_POOL);
  for (let i = (h * <u32>HASH_PROBE) & mask; ; i = (i + 1) & mask) {
    const entry = table + (<usize>i << 3);
    const k = load<i32>(entry, 4);
    if (k < 0) return -1;
    if (load<u32>(entry) != h) continue;
    const info = chars + (<usize>k << 3);
    if (load<i32>(info, 4) != len) continue;
    const at = pool + <usize>load<i32>(info);
    let same = true;
    for (let j = 0; j < len; j++) {
      if (load<u8>(at + <usize>j) != load<u8>(p + <usize>j)) {
        same = false;
        break;
      }
    }
    if (same) return k;
  }
  return unreachable(); // the table always has free slots
}

/** The row of a bucket, or -1 (src/text/int-table.ts: IntTable.get). */
function rowOf(cfg: usize, bucket: i32): i32 {
  const table = ptrAt(cfg, CFG_ROW_TABLE);
  const mask = <u32>cfgAt(cfg, CFG_ROW_MASK);
  for (let i = (<u32>bucket * <u32>HASH_PROBE) & mask; ; i = (i + 1) & mask) {
    const entry = table + (<usize>i << 3);
    const v = load<i32>(entry, 4);
    if (v == -1) return -1;
    if (load<i32>(entry) == bucket) return v;
  }
  return unreachable(); // likewise
}

/** src/text/ngrams.ts bigramBucketOfResidues: the bucket of the bigram (a, b) from their residues. */
function bigramBucket(cfg: usize, a: i32, aLeft: i32, b: i32, bRight: i32): i32 {
  const B = cfgAt(cfg, CFG_BUCKETS);
  let r = aLeft + bRight;
  if (r >= B) r -= B;
  if (<i64>a * NGRAM_C + <i64>b < 0) {
    r += cfgAt(cfg, CFG_TWO64_MOD);
    if (r >= B) r -= B;
  }
  return r;
}

/**
 * Row ids of the lowercase ASCII text [text, text + n) into out (at most maxOut): words first,
 * then bigram rows, as Featurizer.textRows gives them. Returns how many, BAIL or UNKNOWN.
 */
export function featurize_ascii(cfg: usize, text: usize, n: i32, out: usize, maxOut: i32): i32 {
  const scratch = ptrAt(cfg, CFG_SCRATCH);
  const maxTokens = cfgAt(cfg, CFG_SCRATCH_TOKENS);
  let count = 0;
  let i = 0;
  while (i < n) {
    const c = <i32>load<u8>(text + <usize>i);
    if (c <= 0x20 || c == 0x7f) {
      i++;
      continue;
    }
    if (c >= 0x80 || (c >= 0x41 && c <= 0x5a)) return BAIL;
    const start = i;
    // A token the tokeniser rewrites: its offset in LITERALS and length (else it is text[start, i)).
    let literal = -1;
    let literalLength = 0;
    // A plain word, which must not be one the tokeniser splits ("cannot", "dont").
    let maybeSplit = false;
    if (isAlnum(c)) {
      while (i < n && isAlnum(<i32>load<u8>(text + <usize>i))) i++;
      let next = byteAt(text, n, i);
      if (i - start == 2 && c == 0x78 && load<u8>(text + <usize>(start + 1)) == 0x64) {
        // The emoticon "xd" is a token of its own, whatever follows.
      } else if (i - start == 1 && c == 0x6e && next == 0x27 && byteAt(text, n, i + 1) == 0x74) {
        // "n't" standing alone (SST-2 writes "does n't"): the tokeniser keeps it whole.
        const after = byteAt(text, n, i + 2);
        if (isAlnum(after) || after == 0x2d || after == 0x2f || after == 0x27) return BAIL;
        i += 2;
      } else {
        // Dotted and colon forms (abbreviations, initials, URLs) and numbers with separators are left to the host.
        if (next == 0x2e || next == 0x3a) return BAIL;
        if (isDigit(c) && (next == 0x2c || next == 0x2f) && isDigit(byteAt(text, n, i + 1))) return BAIL;
        // Hyphenated and slashed parts join the word: "well-made", "and/or".
        while ((next == 0x2d || next == 0x2f) && isAlnum(byteAt(text, n, i + 1))) {
          i += 2;
          while (i < n && isAlnum(<i32>load<u8>(text + <usize>i))) i++;
          next = byteAt(text, n, i);
        }
        // An apostrophe inside a word ("don't", "it's") is split by rules left to the host.
        if (next == 0x27 && isAlnum(byteAt(text, n, i + 1))) return BAIL;
        if (next == 0x2e || next == 0x3a) return BAIL;
        // A word ending in n, then an apostrophe after blanks: "didn ' t".
        if (load<u8>(text + <usize>(i - 1)) == 0x6e && i - start > 1) {
          let j = i;
          while (byteAt(text, n, j) == 0x20 || byteAt(text, n, j) == 0x09) j++;
          const q = byteAt(text, n, j);
          if (q == 0x27 || q == 0x60) return BAIL;
        }
        maybeSplit = true;
      }
    } else {
      switch (c) {
        case 0x27: { // ' : a clitic run, or a single quote
          let e = i + 1;
          while (e < n && isAlnum(<i32>load<u8>(text + <usize>e))) e++;
          if (e > i + 1 && isCliticRun(text, i + 1, e)) i = e;
          else if (byteAt(text, n, i + 1) == 0x27) {
            literal = DOUBLE_QUOTE; // ''
            literalLength = 1;
            i += 2;
          } else i++;
          break;
        }
        case 0x60: // ` : `` is a double quote, ` a single one
          literalLength = 1;
          if (byteAt(text, n, i + 1) == 0x60) {
            literal = DOUBLE_QUOTE;
            i += 2;
          } else {
            literal = QUOTE;
            i++;
          }
          break;
        case 0x2d: { // - : -lrb- and kin are brackets; runs of 3 to 5 are "--", others themselves
          const c1 = byteAt(text, n, i + 1);
          const c2 = byteAt(text, n, i + 2);
          if ((c1 == 0x6c || c1 == 0x72) && (c2 == 0x72 || c2 == 0x73 || c2 == 0x63) && byteAt(text, n, i + 3) == 0x62 && byteAt(text, n, i + 4) == 0x2d) {
            // ( ) [ ] { } from round (r), square (s), curly (c), left (l) or right (r)
            literal = BRACKETS + (c2 == 0x72 ? 0 : c2 == 0x73 ? 2 : 4) + (c1 == 0x72 ? 1 : 0);
            literalLength = 1;
            i += 5;
            break;
          }
          while (byteAt(text, n, i) == 0x2d) i++;
          if (i - start > 2 && i - start <= 5) {
            literal = DASHES;
            literalLength = 2;
          }
          break;
        }
        case 0x2e: { // . : runs of 1, 3 or more than 5 are themselves, 2, 4 and 5 are "..."
          while (byteAt(text, n, i) == 0x2e) i++;
          const run = i - start;
          if (run == 2 || run == 4 || run == 5) {
            literal = ELLIPSIS;
            literalLength = 3;
          }
          break;
        }
        case 0x21: case 0x3f: // runs of ! and ?
          while (byteAt(text, n, i) == 0x21 || byteAt(text, n, i) == 0x3f) i++;
          break;
        case 0x2a: // runs of *
          while (byteAt(text, n, i) == 0x2a) i++;
          break;
        case 0x3a: case 0x3b: // : and ; unless an emoticon may start
          if (i + 1 < n && <i32>load<u8>(text + <usize>(i + 1)) > 0x20) return BAIL;
          i++;
          break;
        case 0x5f: case 0x23: case 0x40: case 0x3c: case 0x3e: case 0x3d: case 0x5e:
          return BAIL; // _ # @ < > = ^
        default: // " $ % & ( ) + , / [ \ ] { | } ~
          i++;
      }
    }
    if (count == maxTokens) return BAIL;
    const t = scratch + <usize>count * TOKEN_BYTES;
    const p = literal >= 0 ? LITERALS + <usize>literal : text + <usize>start;
    const length = literal >= 0 ? literalLength : i - start;
    const h = fnvBytes(p, length);
    if (maybeSplit && isSplitWord(cfg, h)) return BAIL;
    store<i32>(t, <i32>p, TOKEN_ADDRESS);
    store<i32>(t, length, TOKEN_LENGTH);
    store<u32>(t, h, TOKEN_HASH);
    count++;
  }

  // Tokens → cache slots and forms, negation marked; word ids out.
  const roles = ptrAt(cfg, CFG_ROLES);
  const forms = ptrAt(cfg, CFG_FORMS);
  const negation = cfgAt(cfg, CFG_NEGATION) != 0;
  let written = 0;
  let inScope = false;
  for (let k = 0; k < count; k++) {
    const t = scratch + <usize>k * TOKEN_BYTES;
    const slot = slotOf(cfg, <usize>load<i32>(t, TOKEN_ADDRESS), load<i32>(t, TOKEN_LENGTH), load<u32>(t, TOKEN_HASH));
    if (slot < 0) return UNKNOWN;
    const role = load<i32>(roles + (<usize>slot << 2));
    if (role != 0) inScope = role > 0;
    const form = negation && role == 0 && inScope ? 2 * slot + 1 : 2 * slot;
    store<i32>(t, form, TOKEN_FORM);
    const id = load<i32>(forms + <usize>form * FORM_BYTES, FORM_ID);
    if (id >= 0) {
      if (written == maxOut) return BAIL;
      store<i32>(out + (<usize>written << 2), id);
      written++;
    }
  }
  if (cfgAt(cfg, CFG_BIGRAMS) != 0) {
    for (let k = 1; k < count; k++) {
      const a = forms + <usize>load<i32>(scratch + <usize>(k - 1) * TOKEN_BYTES, TOKEN_FORM) * FORM_BYTES;
      const b = forms + <usize>load<i32>(scratch + <usize>k * TOKEN_BYTES, TOKEN_FORM) * FORM_BYTES;
      const row = rowOf(cfg, bigramBucket(cfg, load<i32>(a, FORM_HASH), load<i32>(a, FORM_LEFT), load<i32>(b, FORM_HASH), load<i32>(b, FORM_RIGHT)));
      if (row < 0) continue;
      if (written == maxOut) return BAIL;
      store<i32>(out + (<usize>written << 2), row);
      written++;
    }
  }
  return written;
}
