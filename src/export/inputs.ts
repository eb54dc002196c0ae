// The inputs of an exported graph, made from texts with sentiwasm's own featurizer: what
// `sentiwasm featurize` prints, what a server passes to ONNX Runtime. Tokenising and hashing stay
// outside the graph, so a text's ids are exactly the ones sentiwasm's predict reads.

import { UNK_ID, type Featurizer } from '../text/features.js';
import { textRows } from '../text/text-rows.js';

/**
 * What makes a graph's ids: a featurizer, and for a sequence model the longest text it reads. A
 * trained classifier is one (its model says the length); so is what featurizerFromSettings gives.
 */
export type OnnxFeaturizer =
  | {
      /** The featurizer that makes the ids. */
      featurizer: Featurizer;
      /** The longest text a sequence model reads; undefined for a bag of features. */
      sequenceLength?: number;
    }
  | {
      /** The featurizer that makes the ids. */
      featurizer: Featurizer;
      /** The model, which says the longest text it reads. */
      model: {
        /** The longest text a sequence model reads; undefined for a bag of features. */
        sequenceLength?: number;
      };
    };

/**
 * The ids the exported graph reads for one text, appended to `out`: for the bag and mlp models
 * its feature rows (words, hashed n-grams that have rows; each once with uniqueFeatures), for a
 * sequence model its ordered word ids cut to the longest text it reads, an empty text being one
 * unknown word ([1]) as the model reads it.
 * @example
 * ```ts
 * onnxFeatureIds(model, "not good") // [12, 40, 20517]
 * ```
 */
export function onnxFeatureIds(source: OnnxFeaturizer, text: string, out: number[] = []): number[] {
  if (typeof text !== 'string') throw new TypeError(`expected a text (string), got ${typeof text}`);
  const { featurizer } = source;
  const sequenceLength = 'model' in source ? source.model.sequenceLength : source.sequenceLength;
  if (!sequenceLength) return textRows(featurizer, text, out);
  const from = out.length;
  featurizer.orderedIds(featurizer.tokenize(text), sequenceLength, out);
  if (out.length === from) out.push(UNK_ID);
  return out;
}

/** A batch as the graph takes it: ids and mask [batch × length], row-major. */
export interface OnnxBatch {
  /** The ids, 0 where a row is padded. */
  ids: BigInt64Array;
  /** 1 for a real id, 0 for padding. */
  mask: Float32Array;
  /** The batch's shape: rows, and ids per row. */
  dims: [batch: number, length: number];
}

/**
 * Id lists padded into one batch: each row left-aligned, padded with 0 to the longest list
 * (at least 1 wide), mask 1 for a real id.
 * @example
 * ```ts
 * onnxBatch([[5, 7], [9]]) // ids [5, 7, 9, 0], mask [1, 1, 1, 0], dims [2, 2]
 * ```
 */
export function onnxBatch(lists: readonly (readonly number[])[]): OnnxBatch {
  let length = 1;
  for (const ids of lists) length = Math.max(length, ids.length);
  const ids = new BigInt64Array(lists.length * length);
  const mask = new Float32Array(lists.length * length);
  lists.forEach((list, b) => {
    for (let t = 0; t < list.length; t++) {
      ids[b * length + t] = BigInt(list[t]);
      mask[b * length + t] = 1;
    }
  });
  return { ids, mask, dims: [lists.length, length] };
}
