// Prediction's path from a text to its rows: exactly `featurizer.rows(featurizer.tokenize(text))`,
// faster. For ASCII text under the usual tokeniser options it skips the negation pass: the
// scanner cuts tokens as places in the text, not strings, and each is found by its characters in
// a cache of what is known about it (hash, vocabulary id, negation role, the same for "NOT_" +
// token, which is never built as a string), then marked and its bigrams looked up in one loop.
// Anything else takes the plain path. It lives apart from the Featurizer because only prediction
// needs it: training (and the training worker's bundle) does not carry it.

import { createAsciiScanner } from './ascii-scanner.js';
import { END_OF_TEXT, type Featurizer } from './features.js';
import { GRAMMAR, negationRole } from './grammar.js';
import { fnv1a32, fnv1a32AsciiFrom } from './hash.js';
import { bigramBucketOfResidues, bigramLeftResidue, bigramResidue } from './ngrams.js';
import { TokenCache, type TokenForm } from './token-cache.js';
import { TokenSpans } from './token-spans.js';
import { dropRepeatedRows } from './unique-rows.js';

/** fnv1a32 of the negation prefix ("NOT_"): the hash state a negated token's own characters carry on from. */
const NOT_HASH = fnv1a32(GRAMMAR.rules.negatedPrefix);

/** @internal What a copy of the fused path needs (prediction's WebAssembly featurizer); see fusedState. */
export interface FusedState {
  known: TokenCache;
  bucketRow: { slots: Int32Array; mask: number };
  buckets: number;
  /** 2^64 mod buckets. */
  two64: number;
  negation: boolean;
  bigrams: boolean;
  /** Whether the rows of a text go through dropRepeatedRows. */
  uniqueFeatures: boolean;
  /** The end-of-text word, which textRows appends after the last token (FeatureOptions.endOfText), or undefined. */
  endOfText: TokenForm | undefined;
}

/** @internal One featurizer's fused path and what it has learned of the tokens it met. */
export class FusedRows {
  /** The scanner: undefined until first used, null when the options rule the fused path out. */
  private scanAscii: ((text: string, out: TokenSpans) => string | undefined) | null | undefined;
  /** The tokens, reused from text to text. */
  private readonly scannedTokens = new TokenSpans();
  /** Facts about the tokens met (the vocabulary is fixed, so they never go stale). */
  readonly known = new TokenCache();
  /** Facts about the end-of-text word; undefined until first used. */
  private endWord: TokenForm | undefined;
  /** Per-token forms (cache slots), reused from text to text. */
  private forms = new Int32Array(64);
  /**
   * Bit b set when bucket b has a row; asked before the featurizer's bucket table. About half
   * the bigrams of new text were never seen in training, and one bit in a table of buckets/8
   * bytes (which the caches hold) rules such a bigram out for less than probing the table, which
   * they do not hold, until an empty slot. Built on first use, from a frozen featurizer's rows.
   */
  private bucketBits: Uint32Array | undefined;

  constructor(private readonly featurizer: Featurizer) {}

  rows(text: string, out: number[]): number[] {
    const f = this.featurizer;
    const scan = f.isFrozen ? (this.scanAscii ??= fusable(f) ? createAsciiScanner() : null) : null;
    const spans = this.scannedTokens;
    const scanned = scan === null ? undefined : scan(text, spans);
    if (scanned === undefined) return f.rows(f.tokenize(text), out);
    const from = out.length;
    const { options } = f;
    const negation = options.tokenizer.negation ?? false;
    const n = spans.count;
    const known = this.known;
    if (this.forms.length < n) this.forms = new Int32Array(Math.max(n, this.forms.length * 2));
    const forms = this.forms;
    const { start, end, literals } = spans;
    let inScope = false;
    for (let i = 0; i < n; i++) {
      const s = start[i];
      let k = s >= 0 ? known.slotOfSpan(scanned, s, end[i]) : known.slotOf(literals[end[i]]);
      if (k < 0) k = this.learnToken(spans.token(scanned, i));
      const role = known.role[k];
      if (role !== 0) inScope = role > 0;
      // The token's form: plain (2k) or negated (2k + 1).
      const form = negation && role === 0 && inScope ? 2 * k + 1 : 2 * k;
      forms[i] = form;
      const id = known.id[form];
      if (id >= 0) out.push(id);
    }
    // The end-of-text word, as the plain path appends it: its id after the words, its bigram after the others.
    const eot = this.endOfText();
    if (eot && eot.id >= 0) out.push(eot.id);
    if (options.wordNgrams === 2 && n + (eot ? 1 : 0) > 1) {
      const m = f.bigramModulus();
      const { hash, left, right } = known;
      const bits = (this.bucketBits ??= bucketBitmap(f));
      const bucketRow = f.bucketRows;
      // With the end-of-text word one pair more, the last: pair n, the last token's with it.
      const pairs = eot && n > 0 ? n : n - 1;
      const eotHash = eot?.hash ?? 0;
      const eotRight = eot?.right ?? 0;
      for (let i = 1; i <= pairs; i++) {
        const a = forms[i - 1];
        const bucket =
          i < n
            ? bigramBucketOfResidues(hash[a], left[a], hash[forms[i]], right[forms[i]], m)
            : bigramBucketOfResidues(hash[a], left[a], eotHash, eotRight, m);
        if ((bits[bucket >>> 5] & (1 << (bucket & 31))) === 0) continue;
        const row = bucketRow.get(bucket);
        if (row >= 0) out.push(row);
      }
    }
    // ASCII tokens are never CJK, and fusable() rules out subwords and longer n-grams.
    if (options.uniqueFeatures) dropRepeatedRows(out, from);
    return out;
  }

  fusedState(): FusedState | undefined {
    const f = this.featurizer;
    if (!f.isFrozen || !fusable(f)) return undefined;
    const m = f.bigramModulus();
    return {
      known: this.known,
      bucketRow: f.bucketRows.layout(),
      buckets: m.buckets,
      two64: m.two64,
      negation: f.options.tokenizer.negation ?? false,
      bigrams: f.options.wordNgrams === 2,
      uniqueFeatures: f.options.uniqueFeatures,
      endOfText: this.endOfText(),
    };
  }

  /** Works out what the fused path needs to know about a lowercase ASCII token; returns its slot in the cache. */
  private learnToken(t: string): number {
    const f = this.featurizer;
    const hash = fnv1a32(t);
    const negatedHash = fnv1a32AsciiFrom(NOT_HASH, t);
    return this.known.add(
      t,
      negationRole(t),
      tokenForm(f, hash, f.wordId(t, hash)),
      tokenForm(f, negatedHash, f.negatedWordId(t, negatedHash)),
    );
  }

  /** The end-of-text word's form when the options add it (FeatureOptions.endOfText), else undefined. */
  private endOfText(): TokenForm | undefined {
    const f = this.featurizer;
    if (!f.options.endOfText) return undefined;
    const hash = fnv1a32(END_OF_TEXT);
    return (this.endWord ??= tokenForm(f, hash, f.wordId(END_OF_TEXT, hash)));
  }
}

/** A token's hash, id and bigram residues. */
function tokenForm(f: Featurizer, hash: number, id: number): TokenForm {
  const m = f.bigramModulus();
  return { hash, id, right: bigramResidue(hash, m), left: bigramLeftResidue(hash, m) };
}

function bucketBitmap(f: Featurizer): Uint32Array {
  const bits = new Uint32Array(Math.ceil(f.options.buckets / 32));
  for (const b of f.rowBucketList) bits[b >>> 5] |= 1 << (b & 31);
  return bits;
}

/** Whether the fused path applies: the options under which the ASCII scanner's tokens, marked for negation, are the tokeniser's. */
function fusable(f: Featurizer): boolean {
  const t = f.options.tokenizer;
  const o = f.options;
  return (
    (t.lowercase ?? true) &&
    (t.mode ?? 'word') === 'word' &&
    t.locale === undefined &&
    o.wordNgrams <= 2 &&
    o.subwords[1] === 0
  );
}

/** Each featurizer's fused path, made on first use; prediction and the WebAssembly featurizer share its token cache. */
const fusedRows = new WeakMap<Featurizer, FusedRows>();

/** @internal A featurizer's fused path (textRows goes through its `rows`). */
export function fusedOf(featurizer: Featurizer): FusedRows {
  let fused = fusedRows.get(featurizer);
  if (!fused) fusedRows.set(featurizer, (fused = new FusedRows(featurizer)));
  return fused;
}

/**
 * The rows of a text, exactly `featurizer.rows(featurizer.tokenize(text), out)`, appended to
 * `out`: the path prediction takes for every text (see the top of this file).
 * @example
 * ```ts
 * textRows(featurizer, "not good", []) // same as featurizer.rows(featurizer.tokenize("not good"), [])
 * ```
 */
export function textRows(featurizer: Featurizer, text: string, out: number[] = []): number[] {
  return fusedOf(featurizer).rows(text, out);
}

/**
 * @internal What a copy of the fused path needs (prediction's WebAssembly featurizer), or
 * undefined when the fused path does not apply or rows may still be added.
 */
export function fusedState(featurizer: Featurizer): FusedState | undefined {
  return fusedOf(featurizer).fusedState();
}
