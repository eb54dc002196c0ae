// Canonical Huffman coding of a byte stream: each byte value gets a prefix code whose length
// follows its frequency, as DEFLATE's literals do, with no LZ77 stage. It is what a quantized
// model file stores its bulky sections as (src/model-file/pack-sections.ts): the 8-bit codes of an
// embedding table are far from uniform (≈ 7.6 bits of entropy per byte on W4's table), nor are
// the bytes of a vocabulary, bucket gaps or scales, and the few percent saved on each are what
// takes an 8-bit file under a quarter of the float one. Our own few lines rather than
// DEFLATE: browsers have no synchronous inflate, and a decoder of this one stage is small.
//
// Stream layout (one after another may share a buffer; each says where it ends):
//
//   varint   n, the number of bytes encoded (0: the stream ends here)
//   128      code lengths, 4 bits per byte value: value 2k in the low nibble of byte k, 2k + 1 in
//            the high nibble; 0 = the value does not occur, else 1..MAX_CODE_BITS
//   varint   m, the bytes of code bits that follow
//   m        the codes of the n bytes, most significant bit first, the last byte padded with 0s
//
// Codes are canonical (DEFLATE's rule: shorter codes first, equal lengths in value order), so
// the lengths alone define them. Lengths are capped at MAX_CODE_BITS so that the decoder
// (huffman-decode.ts, a module of its own so that a page loads it only with a packed file) finds
// every code with one lookup in a table of 2^MAX_CODE_BITS entries.

import type { ByteWriter } from './byte-writer.js';

/** The longest code: one lookup in a 4,096-entry table decodes any byte. */
export const MAX_CODE_BITS = 12;
/** Byte values, and the bytes their code lengths take (two per byte). */
export const SYMBOLS = 256;
export const LENGTH_BYTES = SYMBOLS / 2;

/**
 * Code lengths of an optimal prefix code for these frequencies, none over MAX_CODE_BITS: when
 * Huffman's tree is too deep the frequencies are halved (never below 1) and the tree built
 * again, which flattens it at a small cost. Ties go to the lower value, so equal input gives
 * equal lengths.
 */
function codeLengths(frequencies: Float64Array): Uint8Array {
  const lengths = new Uint8Array(SYMBOLS);
  const used: number[] = [];
  for (let s = 0; s < SYMBOLS; s++) if (frequencies[s] > 0) used.push(s);
  if (used.length === 1) lengths[used[0]] = 1;
  if (used.length <= 1) return lengths;
  let weights = used.map((s) => frequencies[s]);
  for (;;) {
    // Nodes 0..k−1 are the used values, then each merge appends one; parent[] links them.
    const k = used.length;
    const weight = weights.slice();
    const parent = new Int32Array(2 * k - 1).fill(-1);
    const open = new Set(Array.from({ length: k }, (_, i) => i));
    const lightest = (): number => {
      let best = -1;
      for (const i of open) if (best < 0 || weight[i] < weight[best]) best = i;
      open.delete(best);
      return best;
    };
    while (open.size > 1) {
      const a = lightest();
      const b = lightest();
      parent[a] = parent[b] = weight.length;
      open.add(weight.length);
      weight.push(weight[a] + weight[b]);
    }
    let deepest = 0;
    for (let i = 0; i < k; i++) {
      let depth = 0;
      for (let n = i; parent[n] >= 0; n = parent[n]) depth++;
      lengths[used[i]] = depth;
      deepest = Math.max(deepest, depth);
    }
    if (deepest <= MAX_CODE_BITS) return lengths;
    weights = weights.map((w) => Math.max(1, Math.floor(w / 2)));
  }
}

/** The canonical code of each value (0 where its length is 0). */
export function canonicalCodes(lengths: Uint8Array): Uint32Array {
  const codes = new Uint32Array(SYMBOLS);
  let code = 0;
  for (let length = 1; length <= MAX_CODE_BITS; length++) {
    for (let s = 0; s < SYMBOLS; s++) if (lengths[s] === length) codes[s] = code++;
    code <<= 1;
  }
  return codes;
}

/**
 * Appends `bytes`, Huffman coded, to `out` (layout at the top of this file).
 * @example
 * ```ts
 * unpackBytes(new ByteReader(packBytes(new ByteWriter(), bytes).finish())) // equal to bytes (huffman-decode.ts)
 * ```
 */
export function packBytes(out: ByteWriter, bytes: Uint8Array): ByteWriter {
  out.varint(bytes.length);
  if (bytes.length === 0) return out;
  const frequencies = new Float64Array(SYMBOLS);
  for (let i = 0; i < bytes.length; i++) frequencies[bytes[i]]++;
  const lengths = codeLengths(frequencies);
  const codes = canonicalCodes(lengths);
  const nibbles = new Uint8Array(LENGTH_BYTES);
  for (let s = 0; s < SYMBOLS; s++) nibbles[s >> 1] |= lengths[s] << ((s & 1) * 4);
  out.bytes(nibbles);
  let bits = 0;
  for (let s = 0; s < SYMBOLS; s++) bits += frequencies[s] * lengths[s];
  const coded = new Uint8Array(Math.ceil(bits / 8));
  // The pending bits sit in the low `pending` bits of `word` (at most 7 + MAX_CODE_BITS of them).
  let word = 0;
  let pending = 0;
  let at = 0;
  for (let i = 0; i < bytes.length; i++) {
    const s = bytes[i];
    word = (word << lengths[s]) | codes[s];
    pending += lengths[s];
    while (pending >= 8) {
      pending -= 8;
      coded[at++] = word >>> pending;
    }
  }
  if (pending > 0) coded[at] = word << (8 - pending);
  return out.varint(coded.length).bytes(coded);
}
