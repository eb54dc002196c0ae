// wink's word embeddings (the npm packages wink-embeddings-*) as word2vec binary: the package
// holds one JSON file, {"precision":…, "dimensions":100, "words":[…], "vectors":{"the":[100
// numbers, the vector's L2 norm, the word's index], …}, "unkVector":[…]}, 307 MB for GloVe's
// 100-dimensional vectors. Parsing it whole would hold a third of a million arrays of doubles;
// the vectors object is read entry by entry from the bytes instead, and each vector written as
// float32 at once. word2vec's binary format ("<count> <dim>\n", then per word: the word, a space,
// dim little-endian float32 and a newline) is read back in a fraction of a second
// (src/io/vectors.ts parseBinaryVectors) and by other tools (gensim's binary=True).

import { DatasetError } from './registry.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/**
 * The vectors of a wink embeddings JSON file as word2vec binary; `dim` is the width the
 * registry expects, and every vector must have it (followed by wink's norm and index).
 */
export function winkToWord2vec(json: Uint8Array, dim: number, fileName: string): { data: Uint8Array; words: number } {
  const bytes = Buffer.from(json.buffer, json.byteOffset, json.length);
  const key = bytes.indexOf('"vectors":{');
  if (key < 0) throw new DatasetError(`${fileName} has no "vectors" object: is it a wink embeddings file?`);
  let out = new Uint8Array(1 << 24);
  let used = 0;
  const room = (n: number) => {
    if (used + n <= out.length) return;
    const bigger = new Uint8Array(Math.max(out.length * 2, used + n));
    bigger.set(out.subarray(0, used));
    out = bigger;
  };
  const floats = new Float32Array(dim);
  const floatBytes = new Uint8Array(floats.buffer);
  let words = 0;
  let p = key + '"vectors":{'.length;
  const skipSpace = () => {
    while (p < bytes.length && (bytes[p] === 0x20 || bytes[p] === 0x0a || bytes[p] === 0x0d || bytes[p] === 0x09)) p++;
  };
  for (;;) {
    skipSpace();
    if (bytes[p] === 0x7d) break; // }
    if (bytes[p] !== QUOTE) throw new DatasetError(`${fileName}: byte ${p}: expected a word in quotes`);
    let q = p + 1;
    while (q < bytes.length && bytes[q] !== QUOTE) q += bytes[q] === BACKSLASH ? 2 : 1;
    const word = JSON.parse(decoder.decode(bytes.subarray(p, q + 1))) as string;
    if (/\s/.test(word) || word === '')
      throw new DatasetError(
        `${fileName}: the word ${JSON.stringify(word)} cannot be written as word2vec (whitespace)`,
      );
    p = q + 1;
    skipSpace();
    if (bytes[p] !== 0x3a) throw new DatasetError(`${fileName}: byte ${p}: expected ":" after "${word}"`);
    p++;
    skipSpace();
    const end = bytes.indexOf(CLOSE_BRACKET, p);
    if (bytes[p] !== 0x5b || end < 0)
      throw new DatasetError(`${fileName}: byte ${p}: expected the vector of "${word}"`);
    const numbers = decoder.decode(bytes.subarray(p + 1, end)).split(',');
    // dim numbers, then wink's norm and index.
    if (numbers.length !== dim + 2)
      throw new DatasetError(
        `${fileName}: "${word}" has ${numbers.length} numbers, expected ${dim + 2} (${dim} for the vector, its norm and its index)`,
      );
    for (let d = 0; d < dim; d++) {
      const value = Number(numbers[d]);
      if (!Number.isFinite(value) || numbers[d].trim() === '')
        throw new DatasetError(`${fileName}: value ${d + 1} of "${word}" is not a number ("${numbers[d]}")`);
      floats[d] = value;
    }
    const name = encoder.encode(word);
    room(name.length + 2 + floatBytes.length);
    out.set(name, used);
    used += name.length;
    out[used++] = 0x20;
    out.set(floatBytes, used);
    used += floatBytes.length;
    out[used++] = 0x0a;
    words++;
    p = end + 1;
    skipSpace();
    if (bytes[p] === 0x2c) p++; // ,
  }
  if (words === 0) throw new DatasetError(`${fileName}: the "vectors" object is empty`);
  const header = encoder.encode(`${words} ${dim}\n`);
  const data = new Uint8Array(header.length + used);
  data.set(header);
  data.set(out.subarray(0, used), header.length);
  return { data, words };
}
