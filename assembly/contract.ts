// The contract between the WebAssembly core and the TypeScript host: every constant and record
// layout both sides must agree on, written once. This file is AssemblyScript that is also plain
// TypeScript (untyped numeric constants, nothing else), so the core imports it as it is, and
// scripts/contract.mjs copies it to src/runtime/contract.ts for the host (a test checks the copy
// is current). Change a value here, then run `npm run asbuild`.

// ---- hash tables probed on both sides ---------------------------------------------------------

/** Multiplier of the open-addressing tables' first probe: slot = (key · HASH_PROBE) & mask. */
export const HASH_PROBE = 0x9e3779b1;

// ---- featurize_ascii: its configuration block, i32 words at cfg, written by the host ------------

/** [fnv1a32, slot] pairs, slot -1 free. */
export const CFG_TOKEN_TABLE = 0;
export const CFG_TOKEN_MASK = 1;
/** Per slot: [offset into the pool, length]. */
export const CFG_SLOT_CHARS = 2;
/** The cached tokens' bytes. */
export const CFG_POOL = 3;
/** Per slot: 1 opens a negation scope, -1 closes one, 0 neither. */
export const CFG_ROLES = 4;
/** Per form (2·slot plain, 2·slot + 1 negated): a FORM record. */
export const CFG_FORMS = 5;
/** [bucket, row] pairs as src/text/int-table.ts lays them out. */
export const CFG_ROW_TABLE = 6;
export const CFG_ROW_MASK = 7;
export const CFG_BUCKETS = 8;
/** 2^64 mod buckets. */
export const CFG_TWO64_MOD = 9;
/** 1: mark negation. */
export const CFG_NEGATION = 10;
/** 1: word bigrams (wordNgrams 2). */
export const CFG_BIGRAMS = 11;
/** fnv1a32 of the words the tokeniser splits ("cannot", "dont", …). */
export const CFG_SPLIT_HASHES = 12;
export const CFG_SPLIT_COUNT = 13;
/** Per token: a TOKEN record. */
export const CFG_SCRATCH = 14;
export const CFG_SCRATCH_TOKENS = 15;
/** Words in the configuration block. */
export const CFG_WORDS = 16;

// ---- featurize_ascii's records -----------------------------------------------------------------

/** A form of a cached token: i32 [hash, row id, left residue, right residue]. */
export const FORM_BYTES = 16;
export const FORM_HASH = 0;
export const FORM_ID = 4;
export const FORM_LEFT = 8;
export const FORM_RIGHT = 12;
/** A token of the text being featurized: i32 [address of its bytes, length, hash, form]. */
export const TOKEN_BYTES = 16;
export const TOKEN_ADDRESS = 0;
export const TOKEN_LENGTH = 4;
export const TOKEN_HASH = 8;
export const TOKEN_FORM = 12;

// ---- featurize_ascii's results -----------------------------------------------------------------

/** Text the core does not featurize exactly like the host's tokeniser: the host cuts it itself. */
export const FEATURIZE_BAIL = -1;
/** A token the cache does not hold yet: the host works it out and mirrors it. */
export const FEATURIZE_UNKNOWN = -2;
