// Quantized model files (src/train/quantize.ts, classifier schema 3): the table's rows as 8- or
// 4-bit codes with one scale per row round-trip within half a step; a bag model saved quantized
// is a quarter of the table's bytes (8 bits) or under a quarter of the whole file (4 bits), loads,
// and predicts nearly as the float model does; a damaged quantized file is refused whole; the CLI
// quantizes at training time and after.

import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, train, type TextClassifier } from '../src/index.node.js';
import { decodeModelFile, encodeModelFile, ModelFileError } from '../src/format/model-file.js';
import { dequantizeRows, quantizeRows, type QuantizeBits } from '../src/train/quantize.js';
import { cli, seededRandom } from './helpers.js';

const SST2 = fileURLToPath(new URL('../../shared/data/sst2/', import.meta.url));

/** SST-2 rows as the API takes them: the first `n` of a file. */
function sst2(file: string, n = Infinity): { text: string; label: string }[] {
  return readFileSync(join(SST2, file), 'utf8').trim().split('\n').slice(1, n + 1).map((line) => {
    const [label, text] = line.split('\t');
    return { text, label };
  });
}

describe('row quantization', () => {
  it.each<[QuantizeBits, number]>([[8, 127], [4, 7]])('%i bits: every value comes back within half a step of its row (max|row| / %i), zero rows stay zero', (bits, top) => {
    const rand = seededRandom(7);
    const [rows, dim] = [50, 33]; // an odd width: 4-bit codes straddle rows
    const table = new Float32Array(rows * dim);
    for (let r = 1; r < rows; r++) {
      const size = 10 ** (3 * rand() - 2); // rows of very different sizes
      for (let d = 0; d < dim; d++) table[r * dim + d] = (rand() * 2 - 1) * size;
    }
    const q = quantizeRows(table, rows, dim, bits);
    expect(q.codes.length).toBe(bits === 8 ? rows * dim : Math.ceil((rows * dim) / 2));
    const back = dequantizeRows(q, rows, dim, new Float32Array(rows * dim));
    for (let r = 0; r < rows; r++) {
      const row = table.subarray(r * dim, (r + 1) * dim);
      const largest = Math.max(...row.map(Math.abs));
      expect(q.scales[r]).toBeCloseTo(largest / top, 6);
      for (let d = 0; d < dim; d++) expect(Math.abs(back[r * dim + d] - row[d])).toBeLessThanOrEqual(q.scales[r] / 2 + largest * 1e-6);
    }
    expect(back.subarray(0, dim).every((v) => v === 0)).toBe(true);
  });
});

describe('a quantized bag model file', () => {
  let model: TextClassifier;
  let plain: Uint8Array;
  const dev = sst2('dev.tsv');
  beforeAll(async () => {
    model = await train(sst2('train.tsv', 6000), { arch: 'bag', dim: 64, wordNgrams: 2, buckets: 2_000_000, epochs: 3, seed: 1 });
    plain = model.toBytes();
  });

  it('8 bits: the table takes a quarter of its float bytes plus a scale per row; schema 3, while a float file stays schema 2', () => {
    const rows = model.featurizer.rowCount;
    const { config, sections } = decodeModelFile(model.toBytes({ quantize: 8 }), 'q8');
    expect(config.schema).toBe(3);
    expect(config.quantized).toEqual({ 'embedding.weight': 8 });
    expect(sections['embedding.weight']).toBeUndefined();
    expect(sections['embedding.weight.codes'].byteLength).toBe(rows * 64);
    expect(sections['embedding.weight.scales'].length).toBe(rows);
    expect(decodeModelFile(plain, 'plain').config.schema).toBe(2);
  });

  it.each<[QuantizeBits, number, number]>([[8, 0.3, 0.99], [4, 0.25, 0.97]])('%i bits: the file is at most %f of the float one, and the loaded model predicts as the float one does (same label on ≥ %f of dev, accuracy within half a point)', async (bits, size, agree) => {
    const bytes = model.toBytes({ quantize: bits });
    expect(bytes.length).toBeLessThanOrEqual(size * plain.length);
    const quantized = await loadModel(bytes, { name: `q${bits}.bin` });
    const texts = dev.map((e) => e.text);
    const a = model.predictBatch(texts);
    const b = quantized.predictBatch(texts);
    const same = a.filter((p, i) => p.label === b[i].label).length / texts.length;
    expect(same).toBeGreaterThanOrEqual(agree);
    const largest = Math.max(...a.map((p, i) => Math.abs(p.probabilities['1'] - b[i].probabilities['1'])));
    expect(largest).toBeLessThan(bits === 8 ? 0.02 : 0.1);
    expect(Math.abs(quantized.evaluate(dev).accuracy - model.evaluate(dev).accuracy)).toBeLessThanOrEqual(0.005);
    // Saved again quantized, a quantized model gives the same bytes: its rows are already on the grid.
    expect(Buffer.from(quantized.toBytes({ quantize: bits })).equals(bytes)).toBe(true);
    quantized.dispose();
  });

  it('refuses a quantize width it does not have', () => {
    expect(() => model.toBytes({ quantize: 6 as QuantizeBits })).toThrow('quantize must be one of 8, 4 (bits per weight), got 6');
  });

  /** The q8 file taken apart, changed by `edit`, put together again (its checksum then right). */
  async function refusal(edit: (contents: ReturnType<typeof decodeModelFile>) => void): Promise<Error> {
    const contents = decodeModelFile(model.toBytes({ quantize: 8 }), 'q8');
    edit(contents);
    return loadModel(encodeModelFile(contents), { name: 'edited.bin' }).then(() => new Error('loaded'), (e: Error) => e);
  }

  it.each<[string, (c: ReturnType<typeof decodeModelFile>) => void, RegExp]>([
    ['codes cut short', (c) => (c.sections['embedding.weight.codes'] = (c.sections['embedding.weight.codes'] as Uint8Array).slice(1)), /section "embedding\.weight\.codes" has \d+ bytes, \d+ rows × 64 at 8 bits need \d+/],
    ['the codes missing', (c) => delete c.sections['embedding.weight.codes'], /section "embedding\.weight\.codes" is missing/],
    ['a scale missing', (c) => (c.sections['embedding.weight.scales'] = (c.sections['embedding.weight.scales'] as Float32Array).slice(1)), /section "embedding\.weight\.scales" has \d+ values, one per row needs \d+/],
    ['a NaN scale', (c) => ((c.sections['embedding.weight.scales'] as Float32Array)[5] = NaN), /section "embedding\.weight\.scales" holds NaN at index 5, not a finite number ≥ 0/],
    ['a negative scale', (c) => ((c.sections['embedding.weight.scales'] as Float32Array)[0] = -1), /holds -1 at index 0/],
    ['an unknown width', (c) => (c.config.quantized = { 'embedding.weight': 3 }), /the tensor "embedding\.weight" is quantized to 3 bits; this sentiwasm reads 8 or 4/],
    ['a tensor that cannot be quantized', (c) => (c.config.quantized = { 'head.0.weight': 8 }), /the quantized tensor "head\.0\.weight" is not a table this model can store quantized/],
    ['schema 3 without the map', (c) => delete c.config.quantized, /the quantized tensors are missing, not a map from tensor names to bits/],
    ['the map in a schema 2 file', (c) => (c.config.schema = 2), /the config of a classifier schema 2 file holds "quantized", which only schema 3 has/],
  ])('a file with %s is refused with a message naming the problem, no model built', async (_, edit, message) => {
    const error = await refusal(edit);
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error.message).toMatch(/^edited\.bin: /);
    expect(error.message).toMatch(message);
  });

  it('a flipped byte in the codes is caught by the checksum', async () => {
    const bytes = model.toBytes({ quantize: 8 });
    bytes[Math.floor(bytes.length / 2)] ^= 0x10;
    const error = await loadModel(bytes, { name: 'flipped.bin' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as ModelFileError).reason).toBe('damaged');
  });
});

describe('the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-quantize-'));
  const trainFile = join(dir, 'train.tsv');
  writeFileSync(trainFile, readFileSync(join(SST2, 'train.tsv'), 'utf8').split('\n').slice(0, 3001).join('\n'));

  it('train --quantize saves the quantized file and reports dev on it; quantize MODEL OUT --bits 4 shrinks a saved model', async () => {
    const plainPath = join(dir, 'plain.bin');
    const q8Path = join(dir, 'q8.bin');
    const common = ['train', trainFile, '--dev', join(SST2, 'dev.tsv'), '--epochs', '2', '--no-progress', '--json'];
    const plainRun = await cli([...common, '--out', plainPath]);
    expect(plainRun.code).toBe(0);
    const q8Run = await cli([...common, '--out', q8Path, '--quantize']);
    expect(q8Run.code).toBe(0);
    const summary = JSON.parse(q8Run.stdout) as { quantized: number; modelBytes: number; dev: { accuracy: number } };
    expect(summary.quantized).toBe(8);
    expect(summary.modelBytes).toBe(statSync(q8Path).size);
    expect(decodeModelFile(readFileSync(q8Path), 'q8').config.quantized).toEqual({ 'embedding.weight': 8 });
    expect(Math.abs(summary.dev.accuracy - (JSON.parse(plainRun.stdout) as typeof summary).dev.accuracy)).toBeLessThanOrEqual(0.01);

    const q4Path = join(dir, 'q4.bin');
    const q4Run = await cli(['quantize', plainPath, q4Path, '--bits', '4']);
    expect(q4Run.code).toBe(0);
    expect(q4Run.stdout).toMatch(/^saved .*q4\.bin \(.*, \d+\.\d% of .*\): the embedding table in 4-bit rows, one scale per row$/m);
    expect(statSync(q4Path).size).toBeLessThan(statSync(plainPath).size / 4);
    const predicted = await cli(['predict', q4Path, 'a gorgeous, witty, seductive movie']);
    expect(predicted.code).toBe(0);

    const refused = await cli(['quantize', plainPath, join(dir, 'q5.bin'), '--bits', '5']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/expected 8 or 4/);
  }, 120_000);
});
