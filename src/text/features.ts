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
import { fnv1a32 } from './hash.js';
import { IntTable } from './int-table.js';
import { bigramBucket, bigramModulus, wordNgramBuckets, type BigramModulus } from './ngrams.js';
import { cjkCharNgramBuckets, hasCjk, subwordBuckets } from './char-features.js';
import { dropRepeatedRows } from './unique-rows.js';
import { GRAMMAR } from './grammar.js';
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

/** The prefix of a negated token ("NOT_"). */
const NOT = GRAMMAR.rules.negatedPrefix;

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

  /** @internal Whether rows may still be added (textRows takes its fused path only once they may not). */
  get isFrozen(): boolean {
    return this.frozen;
  }

  /** @internal bucket → row, for the n-gram buckets that have rows. */
  get bucketRows(): IntTable {
    return this.bucketRow;
  }

  /** @internal The n-gram buckets that have rows, in row order (row − vocabulary.size → bucket). */
  get rowBucketList(): readonly number[] {
    return this.rowBucket;
  }

  /** @internal The bigram hash's modulus for the options' buckets. */
  bigramModulus(): BigramModulus {
    return (this.bigrams ??= bigramModulus(this.options.buckets));
  }

  /** @internal wordId of NOT + token (whose hash is h), without building that string unless there are collisions. */
  negatedWordId(token: string, h: number): number {
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
  /** @internal A word's vocabulary id given its fnv1a32 hash h, or −1. */
  wordId(token: string, h: number): number {
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
    return added;
  }
}

const END_OF_TEXT_LIST = [END_OF_TEXT] as const;
