// A classifier saved quantized (`toBytes({ quantize: 8 })`): classifier schema 4, its embedding
// table as codes and bfloat16 scales (quantize.ts), it and the vocabulary and row buckets packed
// (pack-sections.ts). A module of its own, apart from classifier-encode.ts, so that a training
// worker, which only ever sends a float file, does not carry the quantizer and the packer.

import type { TextModel } from '../models/text-model.js';
import type { Featurizer } from '../text/features.js';
import { classifierFileBytes, type ClassifierConfig } from './classifier-encode.js';
import { QUANTIZABLE, QUANTIZED_SCHEMA } from './classifier-file.js';
import { bucketOrder, packBuckets, packCodes, packScales, packVocabulary } from './pack-sections.js';
import { QUANTIZE_BITS, quantizeRows, type QuantizeBits } from './quantize.js';

/** How a model is written. */
export interface EncodeOptions {
  /** Store the embedding table as codes of this many bits with one scale per row, and the file's other sections packed (8: under a quarter of the float file; 4: about an eighth). */
  quantize?: QuantizeBits;
}

/**
 * The rows of an embedding table [rows × dim] in a packed file's order: the table's last rows
 * are the n-gram rows (row bucket i's row is the table's row rows − buckets + i, after the words
 * and, in the attention model, its padding and unknown-word rows), and they go in `order`.
 */
function tableRowOrder(rows: number, order: Int32Array): Int32Array {
  const first = rows - order.length;
  if (first < 0) throw new RangeError(`an embedding table of ${rows} rows cannot hold ${order.length} n-gram rows`);
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = r < first ? r : first + order[r - first];
  return out;
}

/**
 * The bytes of a model file holding a classifier with its embedding table quantized to `bits`.
 * The n-gram rows go in increasing bucket order, so that the buckets pack as small gaps; the
 * model read back has its rows in that order, and predicts exactly as with training's order.
 * @example
 * ```ts
 * encodeQuantizedClassifier(config, featurizer, model, 8)
 * ```
 */
export function encodeQuantizedClassifier(
  config: ClassifierConfig,
  featurizer: Featurizer,
  model: TextModel,
  bits: QuantizeBits,
): Uint8Array {
  if (!QUANTIZE_BITS.includes(bits))
    throw new RangeError(`quantize must be one of ${QUANTIZE_BITS.join(', ')} (bits per weight), got ${String(bits)}`);
  const buckets = featurizer.rowBuckets;
  const order = bucketOrder(buckets);
  const sections: Record<string, Float32Array | Int32Array | Uint8Array> = {
    'vocabulary.packed': packVocabulary(featurizer.vocabulary),
    'rowBuckets.packed': packBuckets(Int32Array.from(order, (i) => buckets[i])),
  };
  const quantized: Record<string, number> = {};
  for (const t of model.tensors()) {
    if (QUANTIZABLE.includes(t.name) && t.shape.length === 2) {
      const [rows, dim] = t.shape;
      const { codes, scales } = quantizeRows(t.values(), rows, dim, bits, tableRowOrder(rows, order));
      sections[`${t.name}.codes.packed`] = packCodes(codes);
      sections[`${t.name}.scales.packed`] = packScales(scales);
      quantized[t.name] = bits;
    } else {
      sections[t.name] = t.values();
    }
  }
  if (Object.keys(quantized).length === 0)
    throw new RangeError(
      `${config.arch === 'attention' ? 'an' : 'a'} ${config.arch} model has no embedding table to quantize`,
    );
  return classifierFileBytes(config, model, sections, { schema: QUANTIZED_SCHEMA, quantized });
}
