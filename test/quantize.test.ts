// Quantized model files (src/model-file/quantize.ts, quantized-file.ts, pack-sections.ts,
// unpack-sections.ts; classifier schema 4): the table's rows as 8- or 4-bit codes with one
// bfloat16 scale per row round-trip within half a step; the packed sections (vocabulary, buckets, codes, scales) come back exactly; a bag model
// of the whole SST-2 training file saved at 8 bits is at most a quarter of its float file, loads,
// and predicts as the float model does; a schema 3 file of the release before still loads; a
// damaged quantized file is refused whole; the CLI quantizes at training time and after.

import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, train, type TextClassifier } from '../src/index.node.js';
import { packBytes } from '../src/format/huffman.js';
import { decodeModelFile, encodeModelFile, ModelFileError, type ModelFileContents } from '../src/format/model-file.js';
import { ByteWriter } from '../src/format/byte-writer.js';
import { bucketOrder, packBuckets, packCodes, packScales, packVocabulary } from '../src/model-file/pack-sections.js';
import { unpackBuckets, unpackCodes, unpackScales, unpackVocabulary } from '../src/model-file/unpack-sections.js';
import { dequantizeRows, quantizeRows, toBfloat16, type QuantizeBits } from '../src/model-file/quantize.js';
import { Vocabulary } from '../src/text/vocabulary.js';
import { corpus } from './corpora.js';
import { checkModelCase, FuzzRandom, modelCase } from './fuzz-cases.js';
import { cli, seededRandom } from './helpers.js';
const SST2_TRAIN = corpus('sst2');
const SST2_DEV = corpus('sst2:dev');
const NO_SST2 = !SST2_TRAIN || !SST2_DEV;

/** SST-2 rows as the API takes them: the first `n` of a file (called only by tests skipped without it). */
function sst2(file: string | undefined, n = Infinity): { text: string; label: string }[] {
  return readFileSync(file!, 'utf8')
    .trim()
    .split('\n')
    .slice(1, n + 1)
    .map((line) => {
      const [label, text] = line.split('\t');
      return { text, label };
    });
}

describe('row quantization', () => {
  it.each<[QuantizeBits, number]>([
    [8, 127],
    [4, 7],
  ])(
    '%i bits: the scale is the bfloat16 nearest max|row| / %i, every value comes back within half a step, zero rows stay zero',
    (bits, top) => {
      const rand = seededRandom(7);
      const [rows, dim] = [50, 33]; // an odd width: 4-bit codes straddle rows
      const table = new Float32Array(rows * dim);
      for (let r = 1; r < rows; r++) {
        const size = 10 ** (3 * rand() - 2); // rows of very different sizes
        for (let d = 0; d < dim; d++) table[r * dim + d] = (rand() * 2 - 1) * size;
      }
      const q = quantizeRows(table, rows, dim, bits);
      expect(q.codes.length).toBe(bits === 8 ? rows * dim : Math.ceil((rows * dim) / 2));
      expect(new Uint32Array(q.scales.buffer).every((b) => (b & 0xffff) === 0)).toBe(true);
      const back = dequantizeRows(q, rows, dim, new Float32Array(rows * dim));
      for (let r = 0; r < rows; r++) {
        const row = table.subarray(r * dim, (r + 1) * dim);
        const largest = Math.max(...row.map(Math.abs));
        expect(Math.abs(q.scales[r] - largest / top)).toBeLessThanOrEqual((largest / top) * 2 ** -8);
        for (let d = 0; d < dim; d++)
          expect(Math.abs(back[r * dim + d] - row[d])).toBeLessThanOrEqual(q.scales[r] / 2 + largest * 1e-6);
      }
      expect(back.subarray(0, dim).every((v) => v === 0)).toBe(true);
      // Rows already on the grid come back as they are: quantizing twice loses nothing more.
      const again = quantizeRows(back, rows, dim, bits);
      expect(again.codes).toEqual(q.codes);
      expect(again.scales).toEqual(q.scales);
    },
  );

  it('rounds to the nearest bfloat16, ties to even, and keeps bfloat16 values and 0 as they are', () => {
    expect(toBfloat16(1 / 127)).toBe(0.00787353515625);
    expect(toBfloat16(1)).toBe(1);
    expect(toBfloat16(0)).toBe(0);
    expect(toBfloat16(1 + 2 ** -8)).toBe(1); // halfway, 1 is even
    expect(toBfloat16(1 + 3 * 2 ** -8)).toBe(1 + 2 ** -6); // halfway, 1 + 2^-7 is odd
    expect(toBfloat16(1 + 2 ** -8 + 2 ** -20)).toBe(1 + 2 ** -7);
  });

  it('writes row order[r] as row r when given an order', () => {
    const table = Float32Array.of(1, 2, 3, 4, 5, 6);
    const ordered = quantizeRows(table, 3, 2, 8, [2, 0, 1]);
    const plain = quantizeRows(Float32Array.of(5, 6, 1, 2, 3, 4), 3, 2, 8);
    expect(ordered).toEqual(plain);
  });
});

describe('packed sections', () => {
  it('a vocabulary comes back with its tokens, ids and counts, whatever the characters', () => {
    const tokens = ['the', 'NOT_good', '', '😀', '好看', 'e\u0301', '\0', '\uFEFFbom', 'x'.repeat(300)];
    const counts = [900, 12, 12, 5, 7, 0, 1, 2 ** 32 - 1, 3];
    const back = unpackVocabulary(packVocabulary(new Vocabulary(tokens, counts)));
    expect(back.toArray()).toEqual(tokens);
    expect(tokens.map((_, id) => back.count(id))).toEqual(counts);
    expect(unpackVocabulary(packVocabulary(new Vocabulary([]))).size).toBe(0);
  });

  it('a vocabulary with a lone surrogate is refused when packing, as the plain one is', () => {
    expect(() => packVocabulary(new Vocabulary(['ok', 'bad\uD800']))).toThrow(
      'token "bad\\ud800" holds a lone UTF-16 surrogate',
    );
  });

  /** Three streams as packVocabulary writes them, from given counts (as written), lengths and text. */
  const vocabularyBytes = (counts: number[], lengths: number[], text: string) => {
    const out = new ByteWriter();
    packBytes(out, counts.reduce((w, c) => w.varint(c), new ByteWriter()).finish());
    packBytes(out, lengths.reduce((w, l) => w.varint(l), new ByteWriter()).finish());
    packBytes(out, new TextEncoder().encode(text));
    return out.finish();
  };

  it.each<[string, Uint8Array, RegExp]>([
    ['a token twice', vocabularyBytes([2, 0, 0], [1, 1], 'aa'), /duplicate token "a" at ids 0 and 1/],
    [
      'lengths past the text',
      vocabularyBytes([2, 0, 0], [1, 5], 'ab'),
      /token 1 \(5 characters\) runs past the end of the text/,
    ],
    ['text left over', vocabularyBytes([1, 0], [1], 'ab'), /the token lengths do not add up to the text/],
    [
      'a token cutting a character in two',
      vocabularyBytes([2, 0, 0], [1, 1], '😀'),
      /token 0 starts or ends in the middle of a character/,
    ],
    ['a count below 0', vocabularyBytes([1, 1], [1], 'a'), /token 0 has the count -1/],
    ['a size larger than the bytes could hold', vocabularyBytes([10_000_000], [], ''), /claims 10000000 tokens/],
    ['a count missing', vocabularyBytes([2, 0], [1, 1], 'ab'), /the count of token 1 runs past the end/],
    [
      'text that is not UTF-8',
      (() => {
        const out = new ByteWriter();
        packBytes(out, Uint8Array.of(1, 0));
        packBytes(out, Uint8Array.of(1));
        packBytes(out, Uint8Array.of(0xff));
        return out.finish();
      })(),
      /the tokens are not valid UTF-8/,
    ],
    [
      'a byte after the streams',
      (() => {
        const b = vocabularyBytes([1, 0], [1], 'a');
        const out = new Uint8Array(b.length + 1);
        out.set(b);
        return out;
      })(),
      /the packed vocabulary has bytes after its end/,
    ],
  ])('a packed vocabulary with %s is refused, saying so', (_, bytes, message) => {
    expect(() => unpackVocabulary(bytes)).toThrow(message);
  });

  it('buckets come back in increasing order from their gaps; unordered or repeated buckets are refused when packing', () => {
    const buckets = Int32Array.of(0, 1, 5, 130, 16_000, 2_000_000, 2 ** 31 - 1);
    expect(unpackBuckets(packBuckets(buckets))).toEqual(buckets);
    expect(unpackBuckets(packBuckets(new Int32Array(0)))).toEqual(new Int32Array(0));
    expect(() => packBuckets(Int32Array.of(5, 5))).toThrow('the buckets are not increasing: 5 after 5');
    const past = packBytes(
      new ByteWriter(),
      new ByteWriter()
        .varint(2)
        .varint(2 ** 31 - 1)
        .varint(0)
        .finish(),
    ).finish();
    expect(() => unpackBuckets(past)).toThrow('bucket 1 is 2147483648, past the largest int32');
  });

  it('bucketOrder sorts the buckets, so the table rows can follow', () => {
    const buckets = Int32Array.of(70, 5, 12, 1_999_999, 0);
    const order = bucketOrder(buckets);
    expect(Array.from(order).map((i) => buckets[i])).toEqual([0, 5, 12, 70, 1_999_999]);
  });

  it('codes and bfloat16 scales come back exactly; the wrong count, or a scale that is not bfloat16, is refused', () => {
    const codes = Uint8Array.from({ length: 5000 }, (_, i) => (i * i) % 251);
    expect(unpackCodes(packCodes(codes), 5000)).toEqual(codes);
    expect(() => unpackCodes(packCodes(codes), 5001)).toThrow('they hold 5000 codes, the table needs 5001');
    const scales = Float32Array.from([0, 1, 0.00787353515625, 3e38, 1e-40, 0.5].map(toBfloat16));
    expect(unpackScales(packScales(scales), scales.length)).toEqual(scales);
    expect(() => unpackScales(packScales(scales), 7)).toThrow('they hold 6 and 6 bytes, one per row needs 7');
    expect(() => packScales(Float32Array.of(1 / 3))).toThrow(/scale 0 \(0\.333.*\) is not a bfloat16 value/);
  });
});

describe.skipIf(NO_SST2)('a quantized bag model file', () => {
  let model: TextClassifier;
  let plain: Uint8Array;
  let dev: { text: string; label: string }[];
  let texts: string[];
  beforeAll(async () => {
    dev = sst2(SST2_DEV);
    texts = dev.map((e) => e.text);
    // The whole training file, as W4 trains: the size target is about this model.
    model = await train(sst2(SST2_TRAIN), {
      arch: 'bag',
      dim: 64,
      wordNgrams: 2,
      buckets: 2_000_000,
      epochs: 5,
      seed: 1,
    });
    plain = model.toBytes();
  }, 60_000);

  it('8 bits: schema 4, every bulky section packed, the codes in fewer bytes than one per weight; a float file stays schema 2', () => {
    const rows = model.featurizer.rowCount;
    const { config, sections } = decodeModelFile(model.toBytes({ quantize: 8 }), 'q8');
    expect(config.schema).toBe(4);
    expect(config.quantized).toEqual({ 'embedding.weight': 8 });
    expect(Object.keys(sections).sort()).toEqual([
      'embedding.weight.codes.packed',
      'embedding.weight.scales.packed',
      'head.0.bias',
      'head.0.weight',
      'rowBuckets.packed',
      'vocabulary.packed',
    ]);
    expect(sections['embedding.weight.codes.packed'].byteLength).toBeLessThan(rows * 64);
    expect(sections['embedding.weight.scales.packed'].byteLength).toBeLessThan(rows * 2);
    expect(decodeModelFile(plain, 'plain').config.schema).toBe(2);
  });

  it.each<[QuantizeBits, number, number]>([
    [8, 0.25, 1],
    [4, 0.13, 0.98],
  ])(
    '%i bits: the file is at most %f of the float one, and the loaded model predicts as the float one does (same label on ≥ %f of dev, accuracy within half a point)',
    async (bits, size, agree) => {
      const bytes = model.toBytes({ quantize: bits });
      expect(bytes.length).toBeLessThanOrEqual(size * plain.length);
      const quantized = await loadModel(bytes, { name: `q${bits}.bin` });
      const a = model.predictBatch(texts);
      const b = quantized.predictBatch(texts);
      const same = a.filter((p, i) => p.label === b[i].label).length / texts.length;
      expect(same).toBeGreaterThanOrEqual(agree);
      const largest = Math.max(...a.map((p, i) => Math.abs(p.probabilities['1'] - b[i].probabilities['1'])));
      expect(largest).toBeLessThan(bits === 8 ? 0.01 : 0.05);
      expect(Math.abs(quantized.evaluate(dev).accuracy - model.evaluate(dev).accuracy)).toBeLessThanOrEqual(0.005);
      // Saved again quantized, a quantized model gives the same bytes: its rows are already on the grid, in bucket order.
      expect(Buffer.from(quantized.toBytes({ quantize: bits })).equals(bytes)).toBe(true);
      quantized.dispose();
    },
  );

  /** The model's float file as the release before quantized it: schema 3, codes and f32 scales plain, rows in training order. */
  function schema3File(bits: QuantizeBits): Uint8Array {
    const { config, sections } = decodeModelFile(plain, 'plain');
    const [rows, dim] = (config.tensors as Record<string, number[]>)['embedding.weight'];
    const { codes, scales } = quantizeRows(sections['embedding.weight'] as Float32Array, rows, dim, bits);
    delete sections['embedding.weight'];
    return encodeModelFile({
      config: { ...config, schema: 3, quantized: { 'embedding.weight': bits } },
      sections: { ...sections, 'embedding.weight.codes': codes, 'embedding.weight.scales': scales },
    });
  }

  it.each<QuantizeBits>([8, 4])(
    'a schema 3 file (%i bits) still loads, and predicts exactly as the schema 4 file, whose n-gram rows are in bucket order',
    async (bits) => {
      const old = await loadModel(schema3File(bits), { name: 'schema3.bin' });
      const packed = await loadModel(model.toBytes({ quantize: bits }), { name: 'schema4.bin' });
      expect(packed.predictBatch(texts)).toEqual(old.predictBatch(texts));
      expect(Array.from(packed.featurizer.rowBuckets)).toEqual(
        Array.from(model.featurizer.rowBuckets).sort((x, y) => x - y),
      );
      old.dispose();
      packed.dispose();
    },
  );

  it('refuses a quantize width it does not have', () => {
    expect(() => model.toBytes({ quantize: 6 as QuantizeBits })).toThrow(
      'quantize must be one of 8, 4 (bits per weight), got 6',
    );
  });

  /** The q8 file taken apart, changed by `edit`, put together again (its checksum then right). */
  async function refusal(edit: (contents: ModelFileContents) => void): Promise<Error> {
    const contents = decodeModelFile(model.toBytes({ quantize: 8 }), 'q8');
    edit(contents);
    return loadModel(encodeModelFile(contents), { name: 'edited.bin' }).then(
      () => new Error('loaded'),
      (e: Error) => e,
    );
  }
  const rowsOf = (c: ModelFileContents) => c.config.rows as number;
  const codesOf = (c: ModelFileContents, rows: number) =>
    quantizeRows(new Float32Array(rows * 64).fill(0.5), rows, 64, 8).codes;

  it.each<[string, (c: ModelFileContents) => void, RegExp]>([
    [
      'the packed codes cut short',
      (c) =>
        (c.sections['embedding.weight.codes.packed'] = (
          c.sections['embedding.weight.codes.packed'] as Uint8Array
        ).slice(0, -1)),
      /section "embedding\.weight\.codes\.packed" is damaged: the codes of the codes of \d+ bytes runs past the end/,
    ],
    [
      'the packed codes missing',
      (c) => delete c.sections['embedding.weight.codes.packed'],
      /section "embedding\.weight\.codes\.packed" is missing/,
    ],
    [
      'codes for a row too few',
      (c) => (c.sections['embedding.weight.codes.packed'] = packCodes(codesOf(c, rowsOf(c) - 1))),
      /section "embedding\.weight\.codes\.packed" is damaged: they hold \d+ codes, the table needs \d+/,
    ],
    [
      'codes stored plainly',
      (c) => (c.sections['embedding.weight.codes.packed'] = codesOf(c, rowsOf(c))),
      /section "embedding\.weight\.codes\.packed" is damaged/,
    ],
    [
      'scales for a row too few',
      (c) => (c.sections['embedding.weight.scales.packed'] = packScales(new Float32Array(rowsOf(c) - 1))),
      /section "embedding\.weight\.scales\.packed" is damaged: they hold \d+ and \d+ bytes, one per row needs \d+/,
    ],
    [
      'a NaN scale',
      (c) => {
        const s = new Float32Array(rowsOf(c)).fill(0.5);
        s[5] = NaN;
        c.sections['embedding.weight.scales.packed'] = packScales(s);
      },
      /section "embedding\.weight\.scales\.packed" holds NaN at index 5, not a finite number ≥ 0/,
    ],
    [
      'a negative scale',
      (c) => {
        const s = new Float32Array(rowsOf(c)).fill(0.5);
        s[0] = -1;
        c.sections['embedding.weight.scales.packed'] = packScales(s);
      },
      /holds -1 at index 0/,
    ],
    [
      'scales as float32',
      (c) => (c.sections['embedding.weight.scales.packed'] = new Float32Array(rowsOf(c))),
      /section "embedding\.weight\.scales\.packed" holds Float32Array values, not Uint8Array/,
    ],
    [
      'random bytes for the vocabulary',
      (c) => (c.sections['vocabulary.packed'] = Uint8Array.from({ length: 300 }, (_, i) => (i * 97 + 13) & 0xff)),
      /section "vocabulary\.packed" is damaged: /,
    ],
    [
      'the vocabulary unpacked',
      (c) => {
        c.sections.vocabulary = unpackVocabulary(c.sections['vocabulary.packed'] as Uint8Array).serialize();
        delete c.sections['vocabulary.packed'];
      },
      /section "vocabulary\.packed" is missing/,
    ],
    [
      'a row bucket too few',
      (c) =>
        (c.sections['rowBuckets.packed'] = packBuckets(
          unpackBuckets(c.sections['rowBuckets.packed'] as Uint8Array).slice(1),
        )),
      /embedding rows/,
    ],
    [
      'a row bucket past the buckets',
      (c) => {
        const b = unpackBuckets(c.sections['rowBuckets.packed'] as Uint8Array);
        b[b.length - 1] = 2_000_000;
        c.sections['rowBuckets.packed'] = packBuckets(b);
      },
      /row bucket \d+ is 2000000, outside the buckets 0 to 1999999/,
    ],
    [
      'an unknown width',
      (c) => (c.config.quantized = { 'embedding.weight': 3 }),
      /the tensor "embedding\.weight" is quantized to 3 bits; this sentiwasm reads 8 or 4/,
    ],
    [
      'a tensor that cannot be quantized',
      (c) => (c.config.quantized = { 'head.0.weight': 8 }),
      /the quantized tensor "head\.0\.weight" is not a table this model can store quantized/,
    ],
    [
      'schema 4 without the map',
      (c) => delete c.config.quantized,
      /the quantized tensors are missing, not a map from tensor names to bits/,
    ],
    ['packed sections in a schema 2 file', (c) => (c.config.schema = 2), /section "vocabulary" is missing/],
    [
      'a schema from a newer release',
      (c) => (c.config.schema = 5),
      /was written by a newer sentiwasm \(classifier schema 5; this one reads up to 4\)\. upgrade sentiwasm to load it/,
    ],
  ])('a file with %s is refused with a message naming the problem, no model built', async (_, edit, message) => {
    const error = await refusal(edit);
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error.message).toMatch(/^edited\.bin: /);
    expect(error.message).toMatch(message);
  });

  it('a float file (schema 2) with a quantized map is refused', async () => {
    const contents = decodeModelFile(plain, 'plain');
    contents.config.quantized = { 'embedding.weight': 8 };
    const error = await loadModel(encodeModelFile(contents), { name: 'edited.bin' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toMatch(
      /^edited\.bin: the config of a classifier schema 2 file holds "quantized", which only quantized files \(schema 3 and later\) have/,
    );
  });

  it('a flipped byte in the codes is caught by the checksum', async () => {
    const bytes = model.toBytes({ quantize: 8 });
    bytes[Math.floor(bytes.length / 2)] ^= 0x10;
    const error = await loadModel(bytes, { name: 'flipped.bin' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as ModelFileError).reason).toBe('damaged');
  });
});

describe.skipIf(NO_SST2)('the other architectures', () => {
  it.each(['mlp', 'attention'])(
    'an %s model saved at 8 bits (its n-gram rows, if any, reordered as in a bag model) predicts as the float one',
    async (arch) => {
      const model = await train(sst2(SST2_TRAIN, 3000), { arch: arch as 'mlp', dim: 16, epochs: 2, seed: 1 });
      const texts = sst2(SST2_DEV).map((e) => e.text);
      const quantized = await loadModel(model.toBytes({ quantize: 8 }), { name: `${arch}.q8.bin` });
      const a = model.predictBatch(texts);
      const b = quantized.predictBatch(texts);
      expect(a.filter((p, i) => p.label === b[i].label).length / texts.length).toBeGreaterThanOrEqual(0.99);
      expect(Math.max(...a.map((p, i) => Math.abs(p.probabilities['1'] - b[i].probabilities['1'])))).toBeLessThan(0.02);
      model.dispose();
      quantized.dispose();
    },
    60_000,
  );
});

describe.skipIf(NO_SST2)('quantized files under fuzzing', () => {
  it('turn 300 random changes of a small 8- and 4-bit model (cuts, flipped bits with and without a recomputed checksum, packed bytes replaced, config values replaced) into a ModelFileError naming the file or a whole, working model', async () => {
    const small = await train(sst2(SST2_TRAIN, 2000), { arch: 'bag', dim: 8, buckets: 5000, epochs: 2, seed: 1 });
    const bases = ([8, 4] as const).map((bits) => {
      const bytes = small.toBytes({ quantize: bits });
      return { bytes, contents: decodeModelFile(bytes) };
    });
    small.dispose();
    const failures: string[] = [];
    for (let k = 0; k < 300; k++) {
      const r = FuzzRandom.forCase(14, k);
      const base = bases[k % 2];
      const c = modelCase(r, base.bytes, base.contents);
      const problems = await checkModelCase(c, 'fuzz.bin');
      if (problems.length > 0) failures.push(`case ${k} (${c.name}): ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});

describe.skipIf(NO_SST2)('the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-quantize-'));
  const trainFile = join(dir, 'train.tsv');
  beforeAll(() => writeFileSync(trainFile, readFileSync(SST2_TRAIN!, 'utf8').split('\n').slice(0, 3001).join('\n')));

  it('train --quantize saves the quantized file and reports dev on it; quantize MODEL OUT --bits 4 shrinks a saved model', async () => {
    const plainPath = join(dir, 'plain.bin');
    const q8Path = join(dir, 'q8.bin');
    const common = ['train', trainFile, '--dev', SST2_DEV!, '--epochs', '2', '--no-progress', '--json'];
    const plainRun = await cli([...common, '--out', plainPath]);
    expect(plainRun.code).toBe(0);
    const q8Run = await cli([...common, '--out', q8Path, '--quantize']);
    expect(q8Run.code).toBe(0);
    const summary = JSON.parse(q8Run.stdout) as { quantized: number; modelBytes: number; dev: { accuracy: number } };
    expect(summary.quantized).toBe(8);
    expect(summary.modelBytes).toBe(statSync(q8Path).size);
    expect(decodeModelFile(readFileSync(q8Path), 'q8').config.quantized).toEqual({ 'embedding.weight': 8 });
    expect(
      Math.abs(summary.dev.accuracy - (JSON.parse(plainRun.stdout) as typeof summary).dev.accuracy),
    ).toBeLessThanOrEqual(0.01);

    const q4Path = join(dir, 'q4.bin');
    const q4Run = await cli(['quantize', plainPath, q4Path, '--bits', '4']);
    expect(q4Run.code).toBe(0);
    expect(q4Run.stdout).toMatch(
      /^saved .*q4\.bin \(.*, \d+\.\d% of .*\): the embedding table in 4-bit rows, one scale per row$/m,
    );
    expect(statSync(q4Path).size).toBeLessThan(statSync(plainPath).size / 4);
    const predicted = await cli(['predict', q4Path, 'a gorgeous, witty, seductive movie']);
    expect(predicted.code).toBe(0);

    const refused = await cli(['quantize', plainPath, join(dir, 'q5.bin'), '--bits', '5']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/expected 8 or 4/);
  }, 120_000);
});
