// Prediction's featurizer for plain lowercase ASCII text, in linear memory: cut the bytes into
// tokens, find each in the token cache the host mirrors here, mark negation, look up bigram rows,
// and write the text's row ids. It cuts by the tokeniser's grammar and holds none of it: the host
// writes it here from src/text/grammar.ts, as a CHAR record per byte (which marks run together,
// which begin forms such as "-lrb-", which it leaves alone, ...) and a table of the tokens the
// grammar names (forms and rewrites with what they are written as, clitics, split words, ...).
// It follows the host's tokeniser exactly for the text it takes and gives up (returns BAIL) on
// anything else — clitics glued to words, numbers with separators, abbreviations, URLs,
// emoticons — so the host cuts that text itself (its tests compare every text this takes with
// the host's rows, rule by rule in test/grammar.test.ts). The host fills every table
// (src/text/wasm-featurizer.ts lays them out).

import {
  CFG_BIGRAMS, CFG_BUCKETS, CFG_CHARS, CFG_END_OF_TEXT, CFG_FORMS, CFG_GRAMMAR_BITS, CFG_GRAMMAR_MASK, CFG_GRAMMAR_TABLE, CFG_NEGATION, CFG_POOL, CFG_ROLES,
  CFG_ROW_MASK, CFG_ROW_TABLE, CFG_SCRATCH, CFG_SCRATCH_TOKENS, CFG_SLOT_CHARS, CFG_TOKEN_MASK, CFG_TOKEN_TABLE, CFG_TWO64_MOD,
  CHAR_AFTER_WORD, CHAR_APOSTROPHE, CHAR_BYTES, CHAR_EMOTICON_LEAD, CHAR_FLAGS, CHAR_FORMS, CHAR_JOINER, CHAR_LEAVE,
  CHAR_NT_APOSTROPHE, CHAR_NT_BLANK, CHAR_NT_STEM, CHAR_NUMBER_SEPARATOR, CHAR_REWRITTEN, CHAR_RUN,
  FEATURIZE_BAIL, FEATURIZE_UNKNOWN, FORM_BYTES, FORM_HASH, FORM_ID, FORM_LEFT, FORM_RIGHT,
  GRAMMAR_BITS, GRAMMAR_CLITIC, GRAMMAR_EMOTICON, GRAMMAR_FORM, GRAMMAR_KEPT, GRAMMAR_KIND, GRAMMAR_LENGTH, GRAMMAR_REWRITE,
  GRAMMAR_SPLIT, GRAMMAR_STEM, GRAMMAR_TEXT, GRAMMAR_TOKEN, GRAMMAR_TOKEN_LENGTH, HASH_PROBE,
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

// Character classes: what W (a letter, digit or mark) comes down to in lowercase ASCII.
@inline function isLower(c: i32): bool {
  return c >= 0x61 && c <= 0x7a;
}

@inline function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}

@inline function isAlnum(c: i32): bool {
  return isLower(c) || isDigit(c);
}

/** End of the run of letters and digits from i. */
@inline function alnumEnd(text: usize, n: i32, i: i32): i32 {
  while (i < n && isAlnum(<i32>load<u8>(text + <usize>i))) i++;
  return i;
}

/** The grammar's CHAR flags of byte c; 0 for c = -1 (past the end). */
@inline function flagsOf(chars: usize, c: i32): i32 {
  return c < 0 ? 0 : <i32>load<u16>(chars + <usize>c * CHAR_BYTES, CHAR_FLAGS);
}

@inline function runOf(chars: usize, c: i32): i32 {
  return <i32>load<u8>(chars + <usize>c * CHAR_BYTES, CHAR_RUN);
}

// The per-token helpers below (fnvBytes, sameBytes, probe, slotOf) are inlined by hand: the
// shipped builds are optimised for size too (asconfig.json, shrinkLevel 1), which leaves them as
// calls otherwise, and that made prediction of the SST-2 bag model about 9% slower.
@inline function fnvBytes(at: usize, length: i32): u32 {
  let h = FNV_OFFSET;
  for (let i = 0; i < length; i++) h = (h ^ <u32>load<u8>(at + <usize>i)) * FNV_PRIME;
  return h;
}

@inline function sameBytes(a: usize, b: usize, length: i32): bool {
  for (let j = 0; j < length; j++) if (load<u8>(a + <usize>j) != load<u8>(b + <usize>j)) return false;
  return true;
}

/** The value of key in a [key, value] table as src/text/int-table.ts lays it out (IntTable.get), or -1. */
@inline function probe(table: usize, mask: u32, key: i32): i32 {
  for (let i = (<u32>key * <u32>HASH_PROBE) & mask; ; i = (i + 1) & mask) {
    const entry = table + (<usize>i << 3);
    const v = load<i32>(entry, 4);
    if (v == -1) return -1;
    if (load<i32>(entry) == key) return v;
  }
  return unreachable(); // the table always has free slots
}

/** The GRAMMAR record of the token of len bytes at p with hash h, or 0 when the grammar names no such token. */
function ruleOf(cfg: usize, p: usize, len: i32, h: u32): usize {
  const bit = h & <u32>(GRAMMAR_BITS - 1);
  if ((load<u32>(ptrAt(cfg, CFG_GRAMMAR_BITS) + (<usize>(bit >> 5) << 2)) & (<u32>1 << (bit & 31))) == 0) return 0;
  const v = probe(ptrAt(cfg, CFG_GRAMMAR_TABLE), <u32>cfgAt(cfg, CFG_GRAMMAR_MASK), <i32>h);
  if (v < 0) return 0;
  // The host refuses two tokens with one hash, so a record whose bytes differ means none.
  const rule = <usize>v;
  return load<i32>(rule, GRAMMAR_LENGTH) == len && sameBytes(<usize>load<i32>(rule, GRAMMAR_TEXT), p, len) ? rule : 0;
}

@inline function kindOf(rule: usize): i32 {
  return rule == 0 ? 0 : load<i32>(rule, GRAMMAR_KIND);
}

/** The cache slot of the token of len bytes at p with hash h, or -1. */
@inline function slotOf(cfg: usize, p: usize, len: i32, h: u32): i32 {
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
    if (sameBytes(pool + <usize>load<i32>(info), p, len)) return k;
  }
  return unreachable(); // the table always has free slots
}

/** The row of a bucket, or -1 (src/text/int-table.ts: IntTable.get). */
function rowOf(cfg: usize, bucket: i32): i32 {
  return probe(ptrAt(cfg, CFG_ROW_TABLE), <u32>cfgAt(cfg, CFG_ROW_MASK), bucket);
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

/** Stores token k of the text (TOKEN record): length bytes at p, hash h. */
@inline function putToken(scratch: usize, k: i32, p: usize, length: i32, h: u32): void {
  const t = scratch + <usize>k * TOKEN_BYTES;
  store<i32>(t, <i32>p, TOKEN_ADDRESS);
  store<i32>(t, length, TOKEN_LENGTH);
  store<u32>(t, h, TOKEN_HASH);
}

/**
 * Row ids of the lowercase ASCII text [text, text + n) into out (at most maxOut): words first
 * (then the end-of-text word's), then bigram rows, as Featurizer.textRows gives them. Returns how
 * many, BAIL or UNKNOWN.
 */
export function featurize_ascii(cfg: usize, text: usize, n: i32, out: usize, maxOut: i32): i32 {
  const scratch = ptrAt(cfg, CFG_SCRATCH);
  const maxTokens = cfgAt(cfg, CFG_SCRATCH_TOKENS);
  const chars = ptrAt(cfg, CFG_CHARS);
  let count = 0;
  let i = 0;
  while (i < n) {
    const c = <i32>load<u8>(text + <usize>i);
    if (c <= 0x20 || c == 0x7f) {
      i++;
      continue;
    }
    if (c >= 0x41 && c <= 0x5a) return BAIL; // the host lowercases the text
    const start = i;
    // The token is text[start, i) (whose hash is h when hashed == i), unless `rule` rewrites it or splits it.
    let rule: usize = 0;
    let h: u32 = 0;
    let hashed = -1;
    if (isAlnum(c)) {
      i = alnumEnd(text, n, i);
      let after = flagsOf(chars, byteAt(text, n, i)); // of what follows the letters and digits
      // Abbreviations and initials (a period), URLs (a colon or a period) and numbers with
      // separators are cut by rules left to the host.
      if ((after & CHAR_AFTER_WORD) != 0) return BAIL;
      if (isDigit(c) && (after & CHAR_NUMBER_SEPARATOR) != 0 && isDigit(byteAt(text, n, i + 1))) return BAIL;
      h = fnvBytes(text + <usize>start, i - start);
      hashed = i;
      rule = ruleOf(cfg, text + <usize>start, i - start, h);
      if (kindOf(rule) != GRAMMAR_EMOTICON) { // an emoticon ("xd") is a token, whatever follows
        // Joined parts ("well-made", "and/or") and apostrophe parts ("n't", "it's") belong to the word.
        let apostrophe = false;
        while ((after & (CHAR_JOINER | CHAR_APOSTROPHE)) != 0 && isAlnum(byteAt(text, n, i + 1))) {
          if ((after & CHAR_APOSTROPHE) != 0) apostrophe = true;
          i = alnumEnd(text, n, i + 2);
          after = flagsOf(chars, byteAt(text, n, i));
        }
        if (hashed != i) {
          h = fnvBytes(text + <usize>start, i - start);
          hashed = i;
          rule = ruleOf(cfg, text + <usize>start, i - start, h);
        }
        if (apostrophe) {
          // Split by rules left to the host ("it's" → "it" "'s"), unless one token as it stands ("n't").
          if (kindOf(rule) != GRAMMAR_KEPT) return BAIL;
        } else {
          if ((after & CHAR_AFTER_WORD) != 0) return BAIL;
          // A word ending in the n of "n't", then its apostrophe after blanks: "didn ' t".
          if (i - start > 1 && (flagsOf(chars, <i32>load<u8>(text + <usize>(i - 1))) & CHAR_NT_STEM) != 0) {
            let j = i;
            while ((flagsOf(chars, byteAt(text, n, j)) & CHAR_NT_BLANK) != 0) j++;
            if ((flagsOf(chars, byteAt(text, n, j)) & CHAR_NT_APOSTROPHE) != 0) return BAIL;
          }
        }
      }
    } else {
      const flags = flagsOf(chars, c);
      if ((flags & CHAR_LEAVE) != 0) return BAIL; // emoticons, hashtags; every byte that is not ASCII
      if ((flags & CHAR_EMOTICON_LEAD) != 0 && i + 1 < n && <i32>load<u8>(text + <usize>(i + 1)) > 0x20) return BAIL;
      i++;
      let cut = false;
      if ((flags & CHAR_APOSTROPHE) != 0) {
        // An apostrophe and a clitic: "'s", "'70s".
        const e = alnumEnd(text, n, i);
        if (e > i) {
          const hc = fnvBytes(text + <usize>start, e - start);
          if (kindOf(ruleOf(cfg, text + <usize>start, e - start, hc)) == GRAMMAR_CLITIC) {
            i = e;
            h = hc;
            hashed = e;
            cut = true;
          }
        }
      }
      const forms = <i32>load<u8>(chars + <usize>c * CHAR_BYTES, CHAR_FORMS);
      // A form starting here ("-lrb-", "``"), the longest first.
      for (let length = 7; !cut && forms != 0 && length > 1; length--) {
        if ((forms & (1 << length)) == 0 || start + length > n) continue;
        const r = ruleOf(cfg, text + <usize>start, length, fnvBytes(text + <usize>start, length));
        if (kindOf(r) == GRAMMAR_FORM) {
          rule = r;
          i = start + length;
          cut = true;
        }
      }
      if (!cut) {
        // A run of marks ("!?", "....", "---") or one mark, which the grammar may rewrite ("...." → "...").
        const run = runOf(chars, c);
        if (run != 0) while (i < n && runOf(chars, <i32>load<u8>(text + <usize>i)) == run) i++;
        if ((flags & CHAR_REWRITTEN) != 0) {
          h = fnvBytes(text + <usize>start, i - start);
          hashed = i;
          const r = ruleOf(cfg, text + <usize>start, i - start, h);
          if (kindOf(r) == GRAMMAR_REWRITE) rule = r;
        }
      }
    }
    const kind = kindOf(rule);
    if (kind == GRAMMAR_FORM || kind == GRAMMAR_REWRITE) {
      if (count == maxTokens) return BAIL;
      const p = <usize>load<i32>(rule, GRAMMAR_TOKEN);
      const length = load<i32>(rule, GRAMMAR_TOKEN_LENGTH);
      putToken(scratch, count++, p, length, fnvBytes(p, length));
    } else if (kind == GRAMMAR_SPLIT) {
      // "cannot" → "can" "not": the first part from the text, the second from the grammar.
      if (count + 2 > maxTokens) return BAIL;
      const stem = load<i32>(rule, GRAMMAR_STEM);
      putToken(scratch, count++, text + <usize>start, stem, fnvBytes(text + <usize>start, stem));
      const p = <usize>load<i32>(rule, GRAMMAR_TOKEN);
      const length = load<i32>(rule, GRAMMAR_TOKEN_LENGTH);
      putToken(scratch, count++, p, length, fnvBytes(p, length));
    } else {
      if (count == maxTokens) return BAIL;
      putToken(scratch, count++, text + <usize>start, i - start, hashed == i ? h : fnvBytes(text + <usize>start, i - start));
    }
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
  // The end-of-text word, as the host appends it after the last token: its row after the words,
  // its bigram with the last token (of an empty text: none) after the other bigrams.
  const end = ptrAt(cfg, CFG_END_OF_TEXT);
  if (end != 0) {
    const id = load<i32>(end, FORM_ID);
    if (id >= 0) {
      if (written == maxOut) return BAIL;
      store<i32>(out + (<usize>written << 2), id);
      written++;
    }
  }
  if (cfgAt(cfg, CFG_BIGRAMS) != 0) {
    const pairs = end != 0 && count > 0 ? count + 1 : count;
    for (let k = 1; k < pairs; k++) {
      const a = forms + <usize>load<i32>(scratch + <usize>(k - 1) * TOKEN_BYTES, TOKEN_FORM) * FORM_BYTES;
      const b = k < count ? forms + <usize>load<i32>(scratch + <usize>k * TOKEN_BYTES, TOKEN_FORM) * FORM_BYTES : end;
      const row = rowOf(cfg, bigramBucket(cfg, load<i32>(a, FORM_HASH), load<i32>(a, FORM_LEFT), load<i32>(b, FORM_HASH), load<i32>(b, FORM_RIGHT)));
      if (row < 0) continue;
      if (written == maxOut) return BAIL;
      store<i32>(out + (<usize>written << 2), row);
      written++;
    }
  }
  return written;
}
