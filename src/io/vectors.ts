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
