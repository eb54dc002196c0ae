// GENERATED from assembly/contract.ts by scripts/contract.mjs: edit that file, then run `npm run asbuild`.

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
/** Per byte value (256): a CHAR record, the tokeniser's grammar for that character (src/text/grammar.ts). */
export const CFG_CHARS = 12;
/** [fnv1a32, address of a GRAMMAR record] pairs as src/text/int-table.ts lays them out: the tokens the grammar names. */
export const CFG_GRAMMAR_TABLE = 13;
/** Per token: a TOKEN record. */
export const CFG_SCRATCH = 14;
export const CFG_SCRATCH_TOKENS = 15;
export const CFG_GRAMMAR_MASK = 16;
/** GRAMMAR_BITS bits: bit (hash & (GRAMMAR_BITS − 1)) set for every token in the grammar table. */
export const CFG_GRAMMAR_BITS = 17;
/**
 * The end-of-text word's FORM record (FeatureOptions.endOfText), or 0 when the option is off: its
 * row after the text's words, its bigram with the last token after the text's bigrams.
 */
export const CFG_END_OF_TEXT = 18;
/** Words in the configuration block. */
export const CFG_WORDS = 19;

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

// ---- the tokeniser's grammar as featurize_ascii reads it (written by the host from src/text/grammar.ts)

/** What the grammar says of one character: u16 CHAR_* flags, u8 its run (0: none), u8 form lengths (bit L: a form of L characters starts with it). */
export const CHAR_BYTES = 4;
export const CHAR_FLAGS = 0;
export const CHAR_RUN = 2;
export const CHAR_FORMS = 3;
/** Text with it is left to the regex path (emoticon and hashtag marks; every byte that is not ASCII). */
export const CHAR_LEAVE = 1;
/** Begins an emoticon (":)") unless a blank or the end follows: the text is left to the regex then. */
export const CHAR_EMOTICON_LEAD = 2;
/** Joins clitics to words ("it's") and begins clitic tokens ("'s"). */
export const CHAR_APOSTROPHE = 4;
/** Stands for the apostrophe of "n't" typed apart from its word ("didn ' t", "didn`t"). */
export const CHAR_NT_APOSTROPHE = 8;
/** May stand around that apostrophe. */
export const CHAR_NT_BLANK = 16;
/** The letter of "n't" before the apostrophe (either case). */
export const CHAR_NT_STEM = 32;
/** Joins the parts of a word ("well-made", "and/or"). */
export const CHAR_JOINER = 64;
/** Between the digit groups of a number ("3.5", "1,000"). */
export const CHAR_NUMBER_SEPARATOR = 128;
/** After a word's letters, a sign of a rule the core leaves to the host (an abbreviation's period, a URL's ":"). */
export const CHAR_AFTER_WORD = 256;
/** A single or a run starting with it may be written as another token (a GRAMMAR_REWRITE). */
export const CHAR_REWRITTEN = 512;
/** The first letter of an emoticon made of letters ("xd"; either case). */
export const CHAR_EMOTICON_HEAD = 1024;
/** The first letter of a URL prefix ("http://"; as typed). */
export const CHAR_URL_HEAD = 2048;

/**
 * Bits of the grammar table's filter. Most words are none of its ~250 tokens, and at 4096 bits
 * one in ~16 passes the filter to a probe of the table. Probing for every word (the table half
 * full, its branches unpredictable) took ~8% longer on SST-2 dev than the scan of 23 split-word
 * hashes the core made before its grammar came from the host; with the filter it takes no longer.
 */
export const GRAMMAR_BITS = 4096;
/** A token the grammar names: i32 [kind, address of its bytes, length, address of the token it is written as, its length, stem]. */
export const GRAMMAR_BYTES = 24;
export const GRAMMAR_KIND = 0;
export const GRAMMAR_TEXT = 4;
export const GRAMMAR_LENGTH = 8;
export const GRAMMAR_TOKEN = 12;
export const GRAMMAR_TOKEN_LENGTH = 16;
/** A split word's first token: its first `stem` bytes. */
export const GRAMMAR_STEM = 20;
/** Cut whole where it starts, whatever follows, and written as GRAMMAR_TOKEN ("-lrb-" → "(", "``" → '"'). */
export const GRAMMAR_FORM = 1;
/** A single or a run written as GRAMMAR_TOKEN ("`" → "'", "...." → "..."). */
export const GRAMMAR_REWRITE = 2;
/** An apostrophe and a clitic, one token ("'s", "'70s"). */
export const GRAMMAR_CLITIC = 3;
/** A word with an apostrophe that is one token as it stands ("n't"). */
export const GRAMMAR_KEPT = 4;
/** An emoticon made of letters ("xd"): one token, whatever follows. */
export const GRAMMAR_EMOTICON = 5;
/** A word cut in two: its first GRAMMAR_STEM bytes, then GRAMMAR_TOKEN ("cannot" → "can" "not"). */
export const GRAMMAR_SPLIT = 6;

// ---- featurize_ascii's results -----------------------------------------------------------------

/** Text the core does not featurize exactly like the host's tokeniser: the host cuts it itself. */
export const FEATURIZE_BAIL = -1;
/** A token the cache does not hold yet: the host works it out and mirrors it. */
export const FEATURIZE_UNKNOWN = -2;
