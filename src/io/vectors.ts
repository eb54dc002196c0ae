// Word vectors in the word2vec text format (as fastText's .vec files): a first line
// "<count> <dim>", then one line per word: the word and its dim numbers, space-separated.

/**
 * Writes word vectors as word2vec text.
 * @example
 * ```ts
 * formatVectors([["good", Float32Array.of(0.1, 0.2)]]) // "1 2\ngood 0.1 0.2\n"
 * ```
 */
export function formatVectors(entries: Iterable<[string, Float32Array]>): string {
  const list = [...entries];
  const dim = list.length ? list[0][1].length : 0;
  const lines = [`${list.length} ${dim}`];
  for (const [word, vector] of list) {
    if (/\s/.test(word))
      throw new RangeError(`word "${word}" contains whitespace and cannot be written in the .vec format`);
    lines.push(`${word} ${Array.from(vector, (v) => +v.toPrecision(7)).join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Reads word2vec text (with or without the header line); errors name the file and line.
 * @example
 * ```ts
 * parseVectors("1 2\ngood 0.1 0.2\n").get("good") // Float32Array [0.1, 0.2]
 * ```
 */
export function parseVectors(text: string, fileName = 'vectors'): Map<string, Float32Array> {
  const vectors = new Map<string, Float32Array>();
  const lines = text.split(/\r?\n/);
  let dim = -1;
  let start = 0;
  const header = lines[0]?.trim().split(/\s+/);
  if (header && header.length === 2 && header.every((x) => /^\d+$/.test(x))) {
    dim = Number(header[1]);
    start = 1;
  }
  for (let i = start; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const parts = line.split(/\s+/);
    const word = parts[0];
    const values = parts.slice(1).map(Number);
    if (dim < 0) dim = values.length;
    if (values.length !== dim)
      throw new RangeError(`${fileName}:${i + 1}: "${word}" has ${values.length} numbers, expected ${dim}`);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      throw new RangeError(`${fileName}:${i + 1}: value ${bad + 1} of "${word}" is not a number ("${parts[bad + 1]}")`);
    vectors.set(word, Float32Array.from(values));
  }
  if (vectors.size === 0) throw new RangeError(`${fileName}: no word vectors found`);
  return vectors;
}

/**
 * Reads word2vec binary ("<count> <dim>\n", then per word: the word, a space, dim little-endian
 * float32, and an optional newline), as word2vec's -binary 1 and sentiwasm's vector sets by name
 * write it; errors name the file and the word.
 * @example
 * ```ts
 * parseBinaryVectors(bytes, "vectors.bin").get("good") // Float32Array(100) […]
 * ```
 */
export function parseBinaryVectors(bytes: Uint8Array, fileName = 'vectors'): Map<string, Float32Array> {
  const decoder = new TextDecoder('utf-8');
  const headerEnd = bytes.indexOf(0x0a);
  const header = /^(\d+) (\d+)$/.exec(decoder.decode(bytes.subarray(0, Math.max(0, headerEnd))).trim());
  if (headerEnd < 0 || !header)
    throw new RangeError(`${fileName}: not word2vec binary (its first line should be "<count> <dim>")`);
  const count = Number(header[1]);
  const dim = Number(header[2]);
  // One copy of every vector, each word's a view of it: a third of a million arrays of their own
  // would cost the collector more than the numbers do.
  const values = new Float32Array(count * dim);
  const valueBytes = new Uint8Array(values.buffer);
  const vectors = new Map<string, Float32Array>();
  let p = headerEnd + 1;
  for (let i = 0; i < count; i++) {
    while (bytes[p] === 0x0a) p++;
    const space = bytes.indexOf(0x20, p);
    if (space < 0 || space + 1 + dim * 4 > bytes.length)
      throw new RangeError(`${fileName}: ends after ${i} of the ${count} words its header announces`);
    const word = decoder.decode(bytes.subarray(p, space));
    valueBytes.set(bytes.subarray(space + 1, space + 1 + dim * 4), i * dim * 4);
    const vector = values.subarray(i * dim, (i + 1) * dim);
    const bad = vector.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new RangeError(`${fileName}: value ${bad + 1} of "${word}" is not a number`);
    vectors.set(word, vector);
    p = space + 1 + dim * 4;
  }
  if (vectors.size === 0) throw new RangeError(`${fileName}: no word vectors found`);
  return vectors;
}
