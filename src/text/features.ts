// From text to the rows of an embedding table, fastText style: each text becomes its words
// (vocabulary ids), its word n-grams hashed into buckets, and, over runs of Chinese or Japanese,
// hashed character n-grams (./char-features.ts). Only features seen in training get a row: an
// n-gram bucket that no training text touched costs nothing, so 2,000,000 buckets do not mean
// 2,000,000 rows.

import {
  resolveFeatureOptions,
  restoreFeatureOptions,
  type FeatureOptions,
  type ResolvedFeatureOptions,
} from './feature-options.js';
import { fnv1a32, fnv1a32AsciiFrom } from './hash.js';
import { IntTable } from './int-table.js';
import {
  bigramBucket,
  bigramBucketOfResidues,
  bigramLeftResidue,
  bigramModulus,
  bigramResidue,
  wordNgramBuckets,
  type BigramModulus,
} from './ngrams.js';
import { cjkCharNgramBuckets, hasCjk, subwordBuckets } from './char-features.js';
import { TokenCache, type TokenForm } from './token-cache.js';
import { dropRepeatedRows } from './unique-rows.js';
import { TokenSpans } from './token-spans.js';
import { GRAMMAR, negationRole } from './grammar.js';
import { createAsciiScanner } from './ascii-scanner.js';
import { createTokenizer } from './tokenize.js';
import { Vocabulary, VocabularyBuilder } from './vocabulary.js';

/**
 * The end-of-text word (FeatureOptions.endOfText). It holds a space, which no token the tokeniser
 * cuts ever does, so no user's text can produce it; explain, nearest, similarity and words never
 * show it as a user's word.
 */
export const END_OF_TEXT = '</s> end of text';

/** Featurizer.orderedIds: the id padding takes, the id of a word outside the vocabulary, and where words start. */
export const PAD_ID = 0;
export const UNK_ID = 1;
export const ORDERED_ID_OFFSET = 2;

/** One feature of a text and the tokens it came from, for explanations. */
export interface FeatureSpan {
  /** The embedding row of the feature. */
  row: number;
  /** First token (inclusive) and last token (exclusive) the feature covers. */
  start: number;
  /** Token after the last one the feature covers. */
  end: number;
  /** A word, a word n-gram, or CJK characters (n-grams or subwords). */
  kind: 'word' | 'ngram' | 'chars';
}

/** The prefix of a negated token ("NOT_"), and its fnv1a32: the hash state a negated token's own characters carry on from. */
const NOT = GRAMMAR.rules.negatedPrefix;
const NOT_HASH = fnv1a32(NOT);

/**
 * Turns texts into the embedding rows a model reads: a tokeniser, a vocabulary of words, and rows for hashed n-grams,
 * as fastText makes them. Built from training texts with Featurizer.fit, or restored from a model file.
 */
export class Featurizer {
  /** The feature options, defaults filled in. */
  readonly options: ResolvedFeatureOptions;
  /** The words that have rows, in row order. */
  readonly vocabulary: Vocabulary;
  /** The tokeniser the options describe. */
  readonly tokenize: (text: string) => string[];
  /** bucket → row, for the n-gram buckets that have rows. */
  private readonly bucketRow: IntTable;
  /**
   * Bit b set when bucket b has a row; textRows asks it before bucketRow. About half the
   * bigrams of new text were never seen in training, and one bit in a table of buckets/8 bytes
   * (which the caches hold) rules such a bigram out for less than probing bucketRow, which they
   * do not hold, until an empty slot. Built on first use.
   */
  private bucketBits: Uint32Array | undefined;
  /**
   * fnv1a32(word) → the id of a vocabulary word with that hash. Tokens are hashed anyway for
   * n-grams, so a word is found by an integer probe and one string comparison instead of a
   * string-keyed Map lookup. Words whose hash another word already took go to `collisions`.
   */
  private readonly wordByHash: IntTable;
  private readonly collisions = new Map<string, number>();
  /** row − vocabulary.size → bucket. */
  private readonly rowBucket: number[];
  private frozen: boolean;
  private hashes = new Uint32Array(64);
  private readonly scratch: number[] = [];
  private bigrams: BigramModulus | undefined;
  /** textRows' scanner: undefined until first used, null when the options rule the fused path out. */
  private scanAscii: ((text: string, out: TokenSpans) => string | undefined) | null | undefined;
  /** textRows' tokens, reused from text to text. */
  private readonly scannedTokens = new TokenSpans();
  /** textRows' facts about the tokens it met (the vocabulary is fixed, so they never go stale). */
  private known: TokenCache | undefined;
  /** textRows' facts about the end-of-text word; undefined until first used. */
  private endWord: TokenForm | undefined;
  /** textRows' per-token forms (cache slots), reused from text to text. */
  private forms = new Int32Array(64);
  /** token → its subword buckets; tokens repeat, hashing their n-grams once is enough. */
  private readonly subwordCache = new Map<string, Int32Array>();

  private constructor(
    options: ResolvedFeatureOptions,
    vocabulary: Vocabulary,
    rowBuckets: ArrayLike<number>,
    frozen: boolean,
  ) {
    this.options = options;
    this.vocabulary = vocabulary;
    this.tokenize = createTokenizer(options.tokenizer);
    this.rowBucket = Array.from(rowBuckets);
    this.bucketRow = new IntTable(this.rowBucket.length);
    this.rowBucket.forEach((b, i) => this.bucketRow.set(b, vocabulary.size + i));
    this.wordByHash = new IntTable(vocabulary.size);
    for (let id = 0; id < vocabulary.size; id++) {
      const word = vocabulary.token(id);
      const h = fnv1a32(word);
      if (this.wordByHash.get(h) < 0) this.wordByHash.set(h, id);
      else this.collisions.set(word, id);
    }
    this.frozen = frozen;
  }

  /**
   * Builds the vocabulary from tokenised training texts; n-gram rows are then added as
   * `rows(…, { grow: true })` meets them, in first-seen order (so the same data gives the same rows).
   * @example
   * ```ts
   * const f = Featurizer.fit(texts.map(tokenize), { wordNgrams: 2 });
   * ```
   */
  static fit(tokenLists: Iterable<readonly string[]>, options: FeatureOptions = {}): Featurizer {
    const resolved = resolveFeatureOptions(options);
    const builder = new VocabularyBuilder();
    for (const tokens of tokenLists) {
      builder.add(tokens);
      if (resolved.endOfText) builder.add(END_OF_TEXT_LIST);
    }
    const vocabulary = builder.build({ minCount: resolved.minCount, maxSize: resolved.maxVocabulary });
    return new Featurizer(resolved, vocabulary, [], false);
  }

  /**
   * Rebuilds a saved featurizer (its rows fixed). What it is given comes from a file, so it is
   * checked (restoreFeatureOptions; every row bucket within the buckets, none twice) and refused
   * with a TypeError or RangeError: a bucket out of range would never be met, a repeated one
   * would leave a row unused, and either means the file is not what training wrote.
   * @example
   * ```ts
   * Featurizer.restore(config.features, Vocabulary.deserialize(bytes), rowBuckets)
   * ```
   */
  static restore(options: ResolvedFeatureOptions, vocabulary: Vocabulary, rowBuckets: ArrayLike<number>): Featurizer {
    const resolved = restoreFeatureOptions(options);
    const seen = new IntTable(rowBuckets.length);
    for (let i = 0; i < rowBuckets.length; i++) {
      const b = rowBuckets[i];
      if (!Number.isInteger(b) || b < 0 || b >= resolved.buckets) {
        throw new RangeError(`row bucket ${i} is ${b}, outside the buckets 0 to ${resolved.buckets - 1}`);
      }
      const first = seen.get(b);
      if (first >= 0) throw new RangeError(`row buckets ${first} and ${i} are both bucket ${b}`);
      seen.set(b, i);
    }
    return new Featurizer(resolved, vocabulary, rowBuckets, true);
  }

  /** Rows in the embedding table: words, then n-gram buckets that training met. */
  get rowCount(): number {
    return this.vocabulary.size + this.rowBucket.length;
  }

  /** The bucket of each n-gram row, in row order (for saving). */
  get rowBuckets(): Int32Array {
    return Int32Array.from(this.rowBucket);
  }

  /** After this, unseen n-grams never get rows (prediction, and a saved model). */
  freeze(): void {
    this.frozen = true;
  }

  /**
   * Appends the embedding rows of a tokenised text to `out` and returns it. While the
   * featurizer is not frozen and `grow` is set, new n-gram buckets get new rows.
   * @example
   * ```ts
   * featurizer.rows(["not", "good"], []) // [12, 40, 20517]
   * ```
   */
  rows(tokens: readonly string[], out: number[] = [], grow = false): number[] {
    const from = out.length;
    this.collect(tokens, out, undefined, grow && !this.frozen);
    if (this.options.uniqueFeatures) dropRepeatedRows(out, from);
    return out;
  }

  /**
   * The rows of a text, exactly `rows(tokenize(text), out)`, appended to `out`. Prediction calls
   * this for every text, so for ASCII text under the usual tokeniser options it skips the
   * negation pass: the scanner cuts tokens as places in the text, not strings, and each is found
   * by its characters in a cache of what is known about it (hash, vocabulary id, negation role,
   * the same for "NOT_" + token, which is never built as a string), then marked and its bigrams
   * looked up in one loop. Anything else takes the plain path.
   * @example
   * ```ts
   * featurizer.textRows("not good", []) // same as featurizer.rows(featurizer.tokenize("not good"), [])
   * ```
   */
  textRows(text: string, out: number[] = []): number[] {
    const scan = (this.scanAscii ??= this.fusable() ? createAsciiScanner() : null);
    const spans = this.scannedTokens;
    const scanned = scan === null ? undefined : scan(text, spans);
    if (scanned === undefined) return this.rows(this.tokenize(text), out);
    const from = out.length;
    const negation = this.options.tokenizer.negation ?? false;
    const n = spans.count;
    const known = (this.known ??= new TokenCache());
    if (this.forms.length < n) this.forms = new Int32Array(Math.max(n, this.forms.length * 2));
    const forms = this.forms;
    const { start, end, literals } = spans;
    let inScope = false;
    for (let i = 0; i < n; i++) {
      const s = start[i];
      let k = s >= 0 ? known.slotOfSpan(scanned, s, end[i]) : known.slotOf(literals[end[i]]);
      if (k < 0) k = this.learnToken(known, spans.token(scanned, i));
      const role = known.role[k];
      if (role !== 0) inScope = role > 0;
      // The token's form: plain (2k) or negated (2k + 1).
      const f = negation && role === 0 && inScope ? 2 * k + 1 : 2 * k;
      forms[i] = f;
      const id = known.id[f];
      if (id >= 0) out.push(id);
    }
    // The end-of-text word, as collect appends it: its id after the words, its bigram after the others.
    const eot = this.options.endOfText ? (this.endWord ??= this.endOfTextForm()) : undefined;
    if (eot && eot.id >= 0) out.push(eot.id);
    if (this.options.wordNgrams === 2 && n + (eot ? 1 : 0) > 1) {
      const m = this.bigramModulus();
      const { hash, left, right } = known;
      const bits = (this.bucketBits ??= this.bucketBitmap());
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
        const row = this.bucketRow.get(bucket);
        if (row >= 0) out.push(row);
      }
    }
    // ASCII tokens are never CJK, and fusable() rules out subwords and longer n-grams.
    if (this.options.uniqueFeatures) dropRepeatedRows(out, from);
    return out;
  }

  /**
   * @internal What a copy of textRows' fused path needs (prediction's WebAssembly featurizer),
   * or undefined when the fused path does not apply or rows may still be added.
   */
  fusedState(): FusedState | undefined {
    if (!this.frozen || !this.fusable()) return undefined;
    const m = this.bigramModulus();
    return {
      known: (this.known ??= new TokenCache()),
      bucketRow: this.bucketRow.layout(),
      buckets: m.buckets,
      two64: m.two64,
      negation: this.options.tokenizer.negation ?? false,
      bigrams: this.options.wordNgrams === 2,
      uniqueFeatures: this.options.uniqueFeatures,
      endOfText: this.options.endOfText ? (this.endWord ??= this.endOfTextForm()) : undefined,
    };
  }

  /** Works out what textRows needs to know about a lowercase ASCII token; returns its slot in the cache. */
  private learnToken(known: TokenCache, t: string): number {
    const m = this.bigramModulus();
    const hash = fnv1a32(t);
    const negatedHash = fnv1a32AsciiFrom(NOT_HASH, t);
    const form = (h: number, id: number): TokenForm => ({
      hash: h,
      id,
      right: bigramResidue(h, m),
      left: bigramLeftResidue(h, m),
    });
    return known.add(
      t,
      negationRole(t),
      form(hash, this.wordId(t, hash)),
      form(negatedHash, this.negatedWordId(t, negatedHash)),
    );
  }

  /** What textRows needs to know about the end-of-text word. */
  private endOfTextForm(): TokenForm {
    const hash = fnv1a32(END_OF_TEXT);
    const m = this.bigramModulus();
    return {
      hash,
      id: this.wordId(END_OF_TEXT, hash),
      right: bigramResidue(hash, m),
      left: bigramLeftResidue(hash, m),
    };
  }

  private bucketBitmap(): Uint32Array {
    const bits = new Uint32Array(Math.ceil(this.options.buckets / 32));
    for (const b of this.rowBucket) bits[b >>> 5] |= 1 << (b & 31);
    return bits;
  }

  private bigramModulus(): BigramModulus {
    return (this.bigrams ??= bigramModulus(this.options.buckets));
  }

  /** Whether textRows may take its fused path: the options under which scanAscii's tokens, marked for negation, are the tokeniser's. */
  private fusable(): boolean {
    const t = this.options.tokenizer;
    const o = this.options;
    return (
      (t.lowercase ?? true) &&
      (t.mode ?? 'word') === 'word' &&
      t.locale === undefined &&
      o.wordNgrams <= 2 &&
      o.subwords[1] === 0
    );
  }

  /** wordId of NOT + token (whose hash is h), without building that string unless there are collisions. */
  private negatedWordId(token: string, h: number): number {
    const id = this.wordByHash.get(h);
    if (id >= 0) {
      const word = this.vocabulary.token(id);
      if (word.length === token.length + NOT.length && word.startsWith(NOT) && word.endsWith(token)) return id;
    }
    return this.collisions.size ? (this.collisions.get(NOT + token) ?? -1) : -1;
  }

  /**
   * Every feature of a text with the tokens it covers, repeats included: with uniqueFeatures a
   * row that occurs k times is one feature of the bag, shared by its k spans (see explain). With
   * endOfText the end-of-text word is token tokens.length: its spans end at tokens.length + 1.
   */
  spans(tokens: readonly string[]): FeatureSpan[] {
    const spans: FeatureSpan[] = [];
    this.collect(tokens, [], spans, false);
    return spans;
  }

  /**
   * The words of a text in order, as a sequence model reads them (the bag's rows drop order and
   * unknown words): the first `maxLen` tokens, word w of the vocabulary as w + ORDERED_ID_OFFSET,
   * a word outside it as UNK_ID; PAD_ID is left for the model's padding. Appended to `out`.
   * @example
   * ```ts
   * featurizer.orderedIds(["not", "zzyzx", "good"], 64) // [14, 1, 22]
   * ```
   */
  orderedIds(tokens: readonly string[], maxLen: number, out: number[] = []): number[] {
    const n = Math.min(tokens.length, maxLen);
    for (let i = 0; i < n; i++) {
      const id = this.vocabulary.id(tokens[i]);
      out.push(id >= 0 ? id + ORDERED_ID_OFFSET : UNK_ID);
    }
    return out;
  }

  private collect(text: readonly string[], out: number[], spans: FeatureSpan[] | undefined, grow: boolean): void {
    const { wordNgrams, buckets, cjkCharNgrams, endOfText } = this.options;
    // The end-of-text word joins the words and word n-grams only: it has no characters to n-gram.
    const tokens = endOfText ? [...text, END_OF_TEXT] : text;
    const n = tokens.length;
    if (this.hashes.length < n) this.hashes = new Uint32Array(Math.max(n, this.hashes.length * 2));
    const hashes = this.hashes.subarray(0, n);
    for (let i = 0; i < n; i++) {
      const t = tokens[i];
      const h = fnv1a32(t);
      hashes[i] = h;
      const id = this.wordId(t, h);
      if (id >= 0) {
        out.push(id);
        spans?.push({ row: id, start: i, end: i + 1, kind: 'word' });
      }
    }
    if (wordNgrams === 2 && n > 1) {
      // Bigrams only (the default): bucket each pair straight from the hashes, in the order
      // wordNgramBuckets lists them, with no intermediate list.
      const m = this.bigramModulus();
      for (let i = 1; i < n; i++) {
        const row = this.bucketToRow(bigramBucket(hashes[i - 1], hashes[i], m), grow);
        if (row < 0) continue;
        out.push(row);
        spans?.push({ row, start: i - 1, end: i + 1, kind: 'ngram' });
      }
    } else if (wordNgrams > 1 && n > 1) {
      const scratch = this.scratch;
      scratch.length = 0;
      wordNgramBuckets(hashes, wordNgrams, buckets, scratch);
      // wordNgramBuckets lists n-grams by start, then length: i..i+1, i..i+2, …
      let k = 0;
      for (let i = 0; i < n; i++) {
        for (let len = 2; len <= wordNgrams && i + len <= n; len++) {
          const row = this.bucketToRow(scratch[k++], grow);
          if (row < 0) continue;
          out.push(row);
          spans?.push({ row, start: i, end: i + len, kind: 'ngram' });
        }
      }
    }
    if (cjkCharNgrams > 0 && hasCjk(text)) this.collectCjk(text, out, spans, grow);
    if (this.options.subwords[1] > 0) this.collectSubwords(text, out, spans, grow);
  }

  /** fastText's subwords: character n-grams of "<token>", for tokens that are not CJK. */
  private collectSubwords(
    tokens: readonly string[],
    out: number[],
    spans: FeatureSpan[] | undefined,
    grow: boolean,
  ): void {
    const [minn, maxn] = this.options.subwords;
    for (let i = 0; i < tokens.length; i++) {
      const buckets = subwordBuckets(tokens[i], minn, maxn, this.options.buckets, this.subwordCache);
      for (let k = 0; k < buckets.length; k++) {
        const row = this.bucketToRow(buckets[k], grow);
        if (row < 0) continue;
        out.push(row);
        spans?.push({ row, start: i, end: i + 1, kind: 'chars' });
      }
    }
  }

  /** Character n-grams over each run of consecutive CJK tokens (so "不" + "好" still gives "不好"). */
  private collectCjk(tokens: readonly string[], out: number[], spans: FeatureSpan[] | undefined, grow: boolean): void {
    cjkCharNgramBuckets(tokens, this.options.cjkCharNgrams, this.options.buckets, (bucket, start, end) => {
      const row = this.bucketToRow(bucket, grow);
      if (row < 0) return;
      out.push(row);
      spans?.push({ row, start, end, kind: 'chars' });
    });
  }

  /** The vocabulary id of a token with hash h, or -1. */
  private wordId(token: string, h: number): number {
    const id = this.wordByHash.get(h);
    if (id >= 0 && this.vocabulary.token(id) === token) return id;
    return this.collisions.size ? (this.collisions.get(token) ?? -1) : -1;
  }

  private bucketToRow(bucket: number, grow: boolean): number {
    const row = this.bucketRow.get(bucket);
    if (row >= 0) return row;
    if (!grow) return -1;
    const added = this.vocabulary.size + this.rowBucket.length;
    this.rowBucket.push(bucket);
    this.bucketRow.set(bucket, added);
    if (this.bucketBits) this.bucketBits[bucket >>> 5] |= 1 << (bucket & 31);
    return added;
  }
}

/** @internal See Featurizer.fusedState. */
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

const END_OF_TEXT_LIST = [END_OF_TEXT] as const;
