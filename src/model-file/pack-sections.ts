// The packed sections of a quantized classifier file (schema 4, see classifier-file.ts), written;
// unpack-sections.ts reads them. The vocabulary, the n-gram buckets, and the quantized table's
// codes and scales are each stored compactly and then Huffman coded (src/format/huffman.ts).
//
// Why: on W4's model (93,521 rows × 64) the 8-bit codes alone are 24.4% of the float file, so
// an 8-bit file fits in a quarter of it only if nothing is stored plainly. Each section of W4's
// 8-bit file as schema 3 stored it, and as it is stored here:
//
//   codes        5.99 MB, a byte per weight    → Huffman coded (≈ 7.6 bits a weight): 5.68 MB
//   scales       0.37 MB of float32            → bfloat16 (quantize.ts rounds them to one), the
//                                                high and the low bytes each Huffman coded: 0.11 MB
//   rowBuckets   0.30 MB of int32 in row order → sorted (the n-gram rows are stored in bucket
//                                                order), gaps as varints, Huffman coded: 0.06 MB
//   vocabulary   0.28 MB (counts and lengths   → count changes and lengths as varints, the text
//                as uint32, then UTF-8 text)      as UTF-8, each Huffman coded: 0.09 MB
//
// 28.3% of the float file in all before, 24.2% after.

import { ByteWriter } from '../format/byte-writer.js';
import { packBytes } from '../format/huffman.js';
import type { Vocabulary } from '../text/vocabulary.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A count's change from the one before, as a varint: 0, −1, 1, −2, … become 0, 1, 2, 3, … */
function zigzag(delta: number): number {
  return delta >= 0 ? 2 * delta : -2 * delta - 1;
}

/**
 * A vocabulary in three Huffman-coded streams: its size and each token's count as the change
 * from the previous count (counts fall in id order, so most changes are 0), each token's length
 * in UTF-16 units, and the tokens' text joined, as UTF-8.
 * @example
 * ```ts
 * unpackVocabulary(packVocabulary(vocabulary)) // equal to vocabulary
 * ```
 */
export function packVocabulary(vocabulary: Vocabulary): Uint8Array {
  const tokens = vocabulary.toArray();
  const joined = tokens.join('');
  if (LONE_SURROGATE.test(joined)) {
    throw new Error(
      `token ${JSON.stringify(tokens.find((t) => LONE_SURROGATE.test(t)))} holds a lone UTF-16 surrogate, which UTF-8 cannot store`,
    );
  }
  const counts = new ByteWriter().varint(tokens.length);
  const lengths = new ByteWriter();
  let previous = 0;
  for (let id = 0; id < tokens.length; id++) {
    const count = vocabulary.count(id);
    counts.varint(zigzag(count - previous));
    previous = count;
    lengths.varint(tokens[id].length);
  }
  const out = new ByteWriter();
  packBytes(out, counts.finish());
  packBytes(out, lengths.finish());
  packBytes(out, new TextEncoder().encode(joined));
  return out.finish();
}

/**
 * The order that sorts the row buckets: entry i is the index of the i-th smallest bucket. A
 * packed file stores the n-gram rows in this order, so that the buckets can be stored as gaps.
 * @example
 * ```ts
 * bucketOrder(Int32Array.of(70, 5, 12)) // Int32Array [1, 2, 0]
 * ```
 */
export function bucketOrder(rowBuckets: Int32Array): Int32Array {
  return Int32Array.from(rowBuckets.keys()).sort((a, b) => rowBuckets[a] - rowBuckets[b]);
}

/**
 * Buckets in increasing order, distinct, ≥ 0, as their count and gaps (each minus one: the first
 * bucket, then the distance to the one before less one), varints, Huffman coded.
 * @example
 * ```ts
 * unpackBuckets(packBuckets(Int32Array.of(5, 12, 70))) // Int32Array [5, 12, 70]
 * ```
 */
export function packBuckets(sorted: Int32Array): Uint8Array {
  const gaps = new ByteWriter().varint(sorted.length);
  let previous = -1;
  for (const bucket of sorted) {
    if (!(bucket > previous)) throw new RangeError(`the buckets are not increasing: ${bucket} after ${previous}`);
    gaps.varint(bucket - previous - 1);
    previous = bucket;
  }
  return packBytes(new ByteWriter(), gaps.finish()).finish();
}

/**
 * A quantized table's codes, Huffman coded.
 * @example
 * ```ts
 * unpackCodes(packCodes(codes), codes.length) // equal to codes
 * ```
 */
export function packCodes(codes: Uint8Array): Uint8Array {
  return packBytes(new ByteWriter(), codes).finish();
}

/**
 * Scales that are bfloat16 values (quantizeRows makes them so) as their two bytes, the high
 * bytes (sign and 7 exponent bits, few distinct values) and the low ones each Huffman coded.
 * @example
 * ```ts
 * unpackScales(packScales(scales), scales.length) // equal to scales
 * ```
 */
export function packScales(scales: Float32Array): Uint8Array {
  const bits = new Uint32Array(scales.buffer, scales.byteOffset, scales.length);
  const high = new Uint8Array(scales.length);
  const low = new Uint8Array(scales.length);
  for (let r = 0; r < bits.length; r++) {
    if ((bits[r] & 0xffff) !== 0) throw new RangeError(`scale ${r} (${scales[r]}) is not a bfloat16 value`);
    high[r] = bits[r] >>> 24;
    low[r] = bits[r] >>> 16;
  }
  const out = new ByteWriter();
  packBytes(out, high);
  packBytes(out, low);
  return out.finish();
}
