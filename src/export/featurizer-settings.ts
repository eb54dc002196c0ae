// The featurizer's settings and vocabulary as JSON, written beside an exported ONNX file
// (MODEL.featurizer.json): what a server needs to know to make the graph's `ids` from text. The
// surest way to get them is sentiwasm's own featurizer (`sentiwasm featurize MODEL --json`, or
// onnxFeatureIds in Node); the file says what that featurizer does, so that a port to another
// language can be written and checked against it.

import { END_OF_TEXT, Featurizer, ORDERED_ID_OFFSET, PAD_ID, UNK_ID } from '../text/features.js';
import { restoreFeatureOptions, type ResolvedFeatureOptions } from '../text/feature-options.js';
import {
  array,
  explain,
  integer,
  isRecord,
  messageOf,
  number,
  object,
  oneOf,
  optional,
  string,
} from '../format/schema.js';
import { Vocabulary } from '../text/vocabulary.js';

/** The settings file's format name. */
export const FEATURIZER_SETTINGS_FORMAT = 'sentiwasm featurizer';
/** The settings file's format version; a newer one is refused. */
export const FEATURIZER_SETTINGS_VERSION = 1;

/**
 * A trained model's featurizer as JSON (MODEL.featurizer.json beside an exported ONNX file): what a
 * server needs to make the graph's `ids` from text, in words a port to another language can follow.
 */
export interface FeaturizerSettings {
  /** Always FEATURIZER_SETTINGS_FORMAT. */
  format: typeof FEATURIZER_SETTINGS_FORMAT;
  /** The format's version, FEATURIZER_SETTINGS_VERSION. */
  version: typeof FEATURIZER_SETTINGS_VERSION;
  /** The model's architecture. */
  arch: string;
  /** Class names in the order of the graph's outputs. */
  labels: string[];
  /** The graph's probabilities are softmax(logits / temperature). */
  temperature: number;
  /** What the ids are: a bag of feature rows (bag, mlp) or ordered word ids (attention). */
  ids: 'feature rows' | 'ordered words';
  /** How the ids are made, in words. */
  recipe: string;
  /** The tokeniser's settings and the feature options the model was trained with. */
  features: ResolvedFeatureOptions;
  /** The vocabulary's words in id order. */
  vocabulary: string[];
  /** Feature rows: the hash bucket of row vocabulary.length + i, for each i (n-grams with rows). */
  rowBuckets?: number[];
  /** Ordered words: the ids of padding and of an unknown word, the offset of word w's id, the longest text. */
  ordered?: {
    /** The id of padding. */
    pad: number;
    /** The id of a word not in the vocabulary. */
    unknown: number;
    /** Word w's id is offset + its index in the vocabulary. */
    offset: number;
    /** The longest text in ids; longer ones are cut to their first maxLength. */
    maxLength: number;
  };
}

/** What the settings are read from: a trained classifier has all of it. */
export interface FeaturizerSettingsSource {
  /** The featurizer the model was trained with. */
  featurizer: Featurizer;
  /** Class names in the order of the model's outputs. */
  labels: string[];
  /** The model's settings. */
  config: {
    /** Its architecture. */
    arch: string;
    /** Its calibration temperature. */
    temperature: number;
  };
  /** The model itself. */
  model: {
    /** The longest text a sequence model reads; undefined for a bag of features. */
    sequenceLength?: number;
  };
}

const ROWS_RECIPE = `Tokenise the text with the tokeniser settings in "features"; with features.endOfText add the word ${JSON.stringify(END_OF_TEXT)} after the last token (to a text with no tokens too); each token in the vocabulary gives its index; then each word n-gram (2 to features.wordNgrams words, fastText's hash: FNV-1a of the UTF-8 bytes, combined as h = h·116049371 + next in uint64, modulo features.buckets), and CJK character n-grams and subwords when enabled, gives vocabulary.length + i where rowBuckets[i] is its bucket, or nothing when its bucket is not listed. With features.uniqueFeatures each id counts once. An empty text has no ids (with features.endOfText, only its word's). sentiwasm featurize MODEL --json prints them.`;

/**
 * The JSON-ready settings of a trained model's featurizer.
 * @example
 * ```ts
 * writeFileSync('model.featurizer.json', JSON.stringify(featurizerSettings(model)));
 * ```
 */
export function featurizerSettings(source: FeaturizerSettingsSource): FeaturizerSettings {
  const { featurizer, labels, config, model } = source;
  const common: Omit<FeaturizerSettings, 'ids' | 'recipe'> = {
    format: FEATURIZER_SETTINGS_FORMAT,
    version: FEATURIZER_SETTINGS_VERSION,
    arch: config.arch,
    labels: [...labels],
    temperature: config.temperature,
    features: featurizer.options,
    vocabulary: featurizer.vocabulary.toArray(),
  };
  const maxLength = model.sequenceLength;
  if (maxLength) {
    return {
      ...common,
      ids: 'ordered words',
      recipe: `Tokenise the text with the tokeniser settings in "features"; keep the first ${maxLength} tokens; a token in the vocabulary at index w gives w + ${ORDERED_ID_OFFSET}, any other ${UNK_ID}; an empty text is [${UNK_ID}]. Padding is ${PAD_ID}. sentiwasm featurize MODEL --json prints them.`,
      ordered: { pad: PAD_ID, unknown: UNK_ID, offset: ORDERED_ID_OFFSET, maxLength },
    };
  }
  return { ...common, ids: 'feature rows', recipe: ROWS_RECIPE, rowBuckets: Array.from(featurizer.rowBuckets) };
}

/**
 * The featurizer a settings file describes, rebuilt (with the longest text of a sequence model):
 * a server needs the ONNX file and this JSON, not the sentiwasm model file. Anything that is not
 * such a file, or is damaged, is refused with an error naming `source` and the problem.
 * @example
 * ```ts
 * const { featurizer, sequenceLength } = featurizerFromSettings(JSON.parse(readFileSync('model.featurizer.json', 'utf8')), 'model.featurizer.json');
 * ```
 */
export function featurizerFromSettings(
  settings: unknown,
  source = 'featurizer settings',
): {
  /** The featurizer, rebuilt. */
  featurizer: Featurizer;
  /** The longest text a sequence model reads; undefined for a bag of features. */
  sequenceLength: number | undefined;
  /** Class names in the order of the graph's outputs. */
  labels: string[];
} {
  try {
    if (!isRecord(settings)) throw new TypeError('not a JSON object');
    const s = SETTINGS(settings, '');
    const ordered = s.ids === 'ordered words';
    const sequenceLength = ordered
      ? (s.ordered?.maxLength ?? fail('"ordered.maxLength" must be a positive integer'))
      : undefined;
    const rowBuckets = ordered ? [] : (s.rowBuckets ?? fail('"rowBuckets" must be a list of buckets'));
    const featurizer = Featurizer.restore(s.features, new Vocabulary(s.vocabulary), rowBuckets);
    return { featurizer, sequenceLength, labels: s.labels };
  } catch (error) {
    throw new TypeError(`${source}: ${messageOf(error)}`);
  }
}

function fail(problem: string): never {
  throw new TypeError(problem);
}

/** A settings file's fields, checked in this order; the featurizer's own settings as a model file's are. */
const SETTINGS = object({
  format: explain(
    oneOf([FEATURIZER_SETTINGS_FORMAT]),
    (format) =>
      `not a ${FEATURIZER_SETTINGS_FORMAT} file (its "format" is ${JSON.stringify(format)}); export-onnx writes one beside the .onnx file`,
  ),
  version: explain(
    oneOf([FEATURIZER_SETTINGS_VERSION]),
    (version) => `version ${JSON.stringify(version)}; this sentiwasm reads version ${FEATURIZER_SETTINGS_VERSION}`,
  ),
  vocabulary: explain(array(string), () => '"vocabulary" must be a list of words'),
  labels: explain(array(string), () => '"labels" must be a list of names'),
  ids: explain(
    oneOf(['feature rows', 'ordered words']),
    (ids) => `"ids" is ${JSON.stringify(ids)}, not "feature rows" or "ordered words"`,
  ),
  ordered: optional(object({ maxLength: integer(1) })),
  // Featurizer.restore checks each bucket, with a message naming it.
  rowBuckets: optional(array(number())),
  features: restoreFeatureOptions,
});
