export { tokenize, createTokenizer, markNegation, isNegation } from './tokenize.js';
export type { TokenizerOptions } from './tokenize.js';
export { fnv1a32, hashTokens } from './hash.js';
export { wordNgramBuckets, ngramFeatures, charNgrams, MAX_BUCKETS } from './ngrams.js';
export type { NgramFeatureOptions, CharNgramOptions, TokenIds } from './ngrams.js';
export { Vocabulary, VocabularyBuilder } from './vocabulary.js';
export type { VocabularyOptions } from './vocabulary.js';
export { END_OF_TEXT, Featurizer, resolveFeatureOptions } from './features.js';
export type { FeatureOptions, FeatureSpan, ResolvedFeatureOptions } from './features.js';
