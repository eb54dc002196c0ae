// The featurizer's options: what each one means and its default, the defaults filled in, and
// the checks that refuse what cannot work, for new options and for those read back from a model
// file alike. No Node APIs: this module also runs in browsers.

import { MAX_BUCKETS } from './ngrams.js';
import { checkTokenizerOptions, type TokenizerOptions } from './tokenize.js';

/**
 * How texts become features: the tokeniser, word n-grams hashed into buckets, the vocabulary's limits, CJK character
 * n-grams and subwords. Every field has a default.
 */
export interface FeatureOptions {
  /** The tokeniser's settings (default: the tokeniser's own defaults, TokenizerOptions). */
  tokenizer?: TokenizerOptions;
  /** Longest word n-gram (1 = words only; default 2). */
  wordNgrams?: number;
  /** Hash buckets shared by word and character n-grams (default 2,000,000). */
  buckets?: number;
  /** Words seen fewer times in training are dropped (default 1). */
  minCount?: number;
  /** Keep at most this many words, the most frequent. */
  maxVocabulary?: number;
  /**
   * Longest character n-gram over runs of CJK text (0 = none; default 3: on a held-out part of
   * the ChnSentiCorp training file trigrams beat bigrams by about half a point).
   */
  cjkCharNgrams?: number;
  /**
   * Subword features for other words, as fastText's -minn/-maxn: character n-grams of
   * "<word>" with lengths min..max (default none: [0, 0]).
   */
  subwords?: [number, number];
  /**
   * Count each feature once per text, however often it occurs (a binary bag of features, as in
   * naive-Bayes and NBSVM sentiment baselines); default false: repeats count, as in fastText.
   * Long reviews repeat characters and words that say little; counted once they no longer drown
   * out the rest of the mean. On ChnSentiCorp's training file (5-fold cross-validation, two seeds)
   * it gained +0.3 and +0.6 points, on the SST-2 training-file split +0.3 (three seeds); on the dev
   * files, checked once, ChnSentiCorp +0.15 and SST-2 −0.5, within their noise but enough to take
   * SST-2 below its target, so it is not the default.
   */
  uniqueFeatures?: boolean;
  /**
   * Add one reserved word, END_OF_TEXT, after the last token of every text before word n-grams
   * are formed, as fastText appends `</s>` to every line: each text gains that word's feature
   * and the bigram of its last word with it. train() turns it on for the bag and the mlp unless
   * it is given as false (it measured +0.59 ± 0.19 points over 20 SST-2 folds and 3 seeds);
   * a Featurizer built directly, and a model file that does not record it, have it off. Only the
   * bag of features sees it; the ordered words a sequence model reads do not.
   */
  endOfText?: boolean;
}

/**
 * Feature options with every default filled in, as a model file stores them. endOfText is there
 * only when on, so that a model trained without it is the same file it was before the option
 * existed.
 */
export type ResolvedFeatureOptions = Required<Omit<FeatureOptions, 'maxVocabulary' | 'endOfText'>> & {
  /** Keep at most this many words, the most frequent; undefined for no limit. */
  maxVocabulary?: number;
  /** Add the end-of-text word (FeatureOptions.endOfText); present only when true. */
  endOfText?: true;
};

/**
 * The longest n-gram of any kind (word n-grams, CJK character n-grams, subwords). A text of n
 * tokens has up to n·N n-grams of length up to N, so an unbounded N (a typo, or a damaged model
 * file) makes featurizing a long text take time and memory quadratic in its length; fastText's
 * users set 2 to 6.
 */
export const MAX_NGRAM = 32;

/**
 * Resolves defaults, and refuses options that cannot work with a RangeError or TypeError naming them.
 * @example
 * ```ts
 * resolveFeatureOptions({ wordNgrams: 1 }).buckets // 2000000
 * ```
 */
export function resolveFeatureOptions(options: FeatureOptions = {}): ResolvedFeatureOptions {
  const resolved = {
    tokenizer: checkTokenizerOptions(options.tokenizer ?? {}),
    wordNgrams: options.wordNgrams ?? 2,
    buckets: options.buckets ?? 2_000_000,
    minCount: options.minCount ?? 1,
    maxVocabulary: options.maxVocabulary,
    cjkCharNgrams: options.cjkCharNgrams ?? 3,
    subwords: options.subwords ?? ([0, 0] as [number, number]),
    uniqueFeatures: options.uniqueFeatures ?? false,
    ...(options.endOfText === true ? { endOfText: true as const } : {}),
  };
  if (options.endOfText !== undefined && typeof options.endOfText !== 'boolean')
    throw new TypeError(`endOfText must be true or false, got ${String(options.endOfText)}`);
  if (!Array.isArray(resolved.subwords) || resolved.subwords.length !== 2) {
    throw new TypeError(`subwords must be [min, max], got ${JSON.stringify(resolved.subwords)}`);
  }
  const [minn, maxn] = resolved.subwords;
  if (!(
    Number.isInteger(minn) &&
    Number.isInteger(maxn) &&
    minn >= 0 &&
    maxn >= minn &&
    maxn <= MAX_NGRAM &&
    (minn > 0 || maxn === 0)
  )) {
    throw new RangeError(
      `subwords must be [min, max] with 1 ≤ min ≤ max ≤ ${MAX_NGRAM}, or [0, 0] for none; got [${minn}, ${maxn}]`,
    );
  }
  if (!Number.isInteger(resolved.wordNgrams) || resolved.wordNgrams < 1 || resolved.wordNgrams > MAX_NGRAM) {
    throw new RangeError(`wordNgrams must be an integer from 1 to ${MAX_NGRAM}, got ${resolved.wordNgrams}`);
  }
  if (!Number.isInteger(resolved.cjkCharNgrams) || resolved.cjkCharNgrams < 0 || resolved.cjkCharNgrams > MAX_NGRAM) {
    throw new RangeError(`cjkCharNgrams must be an integer from 0 to ${MAX_NGRAM}, got ${resolved.cjkCharNgrams}`);
  }
  if (typeof resolved.uniqueFeatures !== 'boolean')
    throw new TypeError(`uniqueFeatures must be true or false, got ${String(resolved.uniqueFeatures)}`);
  // Checked here, not first when a text with two words comes (bigramModulus checks it again).
  if (!Number.isInteger(resolved.buckets) || resolved.buckets < 1 || resolved.buckets > MAX_BUCKETS) {
    throw new RangeError(`buckets must be an integer from 1 to ${MAX_BUCKETS}, got ${resolved.buckets}`);
  }
  return resolved;
}

/**
 * Fields a saved featurizer must have; uniqueFeatures and endOfText may be missing (files from
 * before they existed count repeats and add no end-of-text word).
 */
const SAVED_FIELDS = ['tokenizer', 'wordNgrams', 'buckets', 'minCount', 'cjkCharNgrams', 'subwords'] as const;

/**
 * Feature options read back from a saved model, checked as strictly as new ones, every field
 * required: a missing one would silently be its default, which need not be what the model was
 * trained with. Throws a TypeError or RangeError naming the field.
 * @example
 * ```ts
 * restoreFeatureOptions(JSON.parse(savedConfig).features).wordNgrams // 2
 * ```
 */
export function restoreFeatureOptions(saved: unknown): ResolvedFeatureOptions {
  if (saved === undefined) throw new TypeError('the feature options are missing');
  if (saved === null || typeof saved !== 'object' || Array.isArray(saved)) {
    throw new TypeError(
      `the feature options are ${saved === null ? 'null' : Array.isArray(saved) ? 'an array' : `a ${typeof saved}`}, not an object`,
    );
  }
  const o = saved as Record<string, unknown>;
  for (const key of SAVED_FIELDS) if (o[key] === undefined) throw new TypeError(`the feature option ${key} is missing`);
  checkTokenizerOptions(o.tokenizer as TokenizerOptions); // null too, which resolveFeatureOptions would take for "the defaults"
  if (!Number.isInteger(o.minCount) || (o.minCount as number) < 1)
    throw new RangeError(`minCount must be an integer ≥ 1, got ${JSON.stringify(o.minCount)}`);
  if (o.maxVocabulary !== undefined && !(Number.isInteger(o.maxVocabulary) && (o.maxVocabulary as number) >= 0)) {
    throw new RangeError(`maxVocabulary must be an integer ≥ 0, got ${JSON.stringify(o.maxVocabulary)}`);
  }
  return resolveFeatureOptions({
    ...(o as FeatureOptions),
    uniqueFeatures: (o.uniqueFeatures ?? false) as boolean,
    endOfText: (o.endOfText ?? false) as boolean,
  });
}
