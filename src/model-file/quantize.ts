// Row quantization of a model's embedding table for a smaller model file, as fastText's .ftz
// shrinks its matrices: each row r of the table [rows × dim] becomes signed integer codes of
// `bits` bits and one float scale s_r ≈ max|row| / (2^(bits−1) − 1), so that row ≈ s_r · codes.
// One scale per row (not one per table) because rows differ in size by orders of magnitude: a
// frequent word's vector is long, a rare bigram's stays near its small starting values, and one
// shared scale would round the rare rows to zero.
//
// The scale is max|row| / (2^(bits−1) − 1) rounded to the nearest bfloat16 (a float32 whose low
// 16 bits are zero, 8 significant bits): the file then stores 2 bytes per scale instead of 4,
// which on W4's table (93,521 rows) is 0.19 MB, 0.8% of the float file. The rounding moves the
// scale by at most 2^−8 of itself, so the row's largest value is at most 127.5 steps (7.03 at 4
// bits) and its code still the largest, 127 (7): every value stays within half a step of
// s_r · code. And a row that is already s · codes with a bfloat16 s and a largest code of 127
// gets s and the same codes back, so a quantized model saved quantized again loses nothing more.
//
// 8 bits: one code per byte (Int8 values, the error at most s_r/2 ≈ 0.4% of the row's largest
// value). 4 bits: two codes per byte, row-major across the whole table (the low nibble first),
// codes −7..7. The table is stored quantized; loading turns it back into floats (the prediction
// core runs on float rows), so a quantized model is as fast as any other once loaded.

/** The widths a table can be quantized to. */
export const QUANTIZE_BITS = [8, 4] as const;
export type QuantizeBits = (typeof QUANTIZE_BITS)[number];

export interface QuantizedRows {
  bits: QuantizeBits;
  /** The codes, packed as described above: rows·dim bytes for 8 bits, ⌈rows·dim/2⌉ for 4. */
  codes: Uint8Array;
  /** One scale per row (bfloat16 values, as quantizeRows makes them; older files hold any float32). */
  scales: Float32Array;
}

/** The largest code of a width: 127 for 8 bits, 7 for 4. */
function largestCode(bits: QuantizeBits): number {
  return (1 << (bits - 1)) - 1;
}

/** Bytes the codes of a table take. */
export function codeBytes(bits: QuantizeBits, rows: number, dim: number): number {
  return bits === 8 ? rows * dim : Math.ceil((rows * dim) / 2);
}

/** The float32 bits of a scale, shared with a Float32Array view. */
const scaleBits = new Uint32Array(1);
const scaleFloat = new Float32Array(scaleBits.buffer);

/**
 * The bfloat16 (a float32 with its low 16 bits zero) nearest to `value` (≥ 0, below 3e38), ties
 * to even.
 * @example
 * ```ts
 * toBfloat16(1 / 127) // 0.00787353515625 (1/127 is 0.0078740…)
 * ```
 */
export function toBfloat16(value: number): number {
  scaleFloat[0] = value;
  const bits = scaleBits[0];
  // Adding just under half of the dropped part's range (plus one when the kept part is odd)
  // carries into the kept part exactly when the dropped part is over half, or half and odd.
  scaleBits[0] = ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) << 16;
  return scaleFloat[0];
}

/**
 * The table `values` [rows × dim] as codes and per-row scales. Row r of the result is row
 * `order[r]` of `values` when `order` is given (a permutation of the rows), else row r.
 * @example
 * ```ts
 * quantizeRows(new Float32Array([0.5, -1, 0, 0]), 2, 2, 8) // codes [64, -127, 0, 0] (as bytes), scales [0.00787353515625, 0]
 * ```
 */
export function quantizeRows(
  values: Float32Array,
  rows: number,
  dim: number,
  bits: QuantizeBits,
  order?: ArrayLike<number>,
): QuantizedRows {
  if (values.length !== rows * dim)
    throw new RangeError(`the table has ${values.length} values, not ${rows} rows × ${dim}`);
  if (order !== undefined && order.length !== rows)
    throw new RangeError(`the row order has ${order.length} entries, the table ${rows} rows`);
  const top = largestCode(bits);
  const codes = new Uint8Array(codeBytes(bits, rows, dim));
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const from = (order === undefined ? r : order[r]) * dim;
    let largest = 0;
    for (let d = 0; d < dim; d++) largest = Math.max(largest, Math.abs(values[from + d]));
    const scale = toBfloat16(largest / top);
    scales[r] = scale;
    if (scale === 0) continue; // a zero row: every code 0
    for (let d = 0; d < dim; d++) {
      const i = r * dim + d;
      const code = Math.max(-top, Math.min(top, Math.round(values[from + d] / scale)));
      if (bits === 8) codes[i] = code & 0xff;
      else codes[i >> 1] |= (code & 0xf) << ((i & 1) * 4);
    }
  }
  return { bits, codes, scales };
}

/**
 * Writes the rows the codes and scales stand for into `out` [rows × dim].
 * @example
 * ```ts
 * dequantizeRows(quantizeRows(table, rows, dim, 8), rows, dim, new Float32Array(rows * dim))
 * ```
 */
export function dequantizeRows(
  { bits, codes, scales }: QuantizedRows,
  rows: number,
  dim: number,
  out: Float32Array,
): Float32Array {
  if (codes.length !== codeBytes(bits, rows, dim) || scales.length !== rows || out.length !== rows * dim) {
    throw new RangeError(
      `quantized rows do not fit ${rows} rows × ${dim}: ${codes.length} code bytes, ${scales.length} scales, ${out.length} outputs`,
    );
  }
  if (bits === 8) {
    const signed = new Int8Array(codes.buffer, codes.byteOffset, codes.length);
    for (let r = 0; r < rows; r++) {
      const scale = scales[r];
      for (let d = 0, i = r * dim; d < dim; d++, i++) out[i] = signed[i] * scale;
    }
    return out;
  }
  for (let r = 0; r < rows; r++) {
    const scale = scales[r];
    for (let d = 0, i = r * dim; d < dim; d++, i++) {
      const nibble = (codes[i >> 1] >> ((i & 1) * 4)) & 0xf;
      out[i] = (nibble >= 8 ? nibble - 16 : nibble) * scale;
    }
  }
  return out;
}
