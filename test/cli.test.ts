// The command line end to end, as a user runs it: the built dist/cli/main.js in a child process.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModelFile } from '../src/format/model-file.js';
import { corpus } from './corpora.js';
import { cli } from './helpers.js';

const SST2_TRAIN = corpus('sst2');
const SST2_DEV = corpus('sst2:dev');
const NO_SST2 = !SST2_TRAIN || !SST2_DEV;
const REFERENCE = fileURLToPath(new URL('fixtures/w1-reference.json', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-cli-'));
const model = join(dir, 'sst2.bin');

describe('sentiwasm demo seed', () => {
  it('prints the loss every 10 epochs and the predictions, as the tutorial does', async () => {
    const { stdout, code } = await cli(['demo', 'seed', '--init', REFERENCE]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Epoch \[10\/100\], Loss: 0\.7130$/m);
    expect(stdout).toMatch(/^Epoch \[100\/100\], Loss: 0\.6692$/m);
    expect(stdout).toContain('0.5291');
  });

  it('--json reproduces PyTorch’s losses, predictions and epoch-0 gradients within 1e-6', async () => {
    const reference = JSON.parse(readFileSync(REFERENCE, 'utf8'));
    const { stdout } = await cli(['demo', 'seed', '--init', REFERENCE, '--json']);
    const result = JSON.parse(stdout);
    expect(result.losses).toHaveLength(100);
    result.losses.forEach((l: number, i: number) => expect(Math.abs(l - reference.losses[i])).toBeLessThan(1e-6));
    result.predictions.forEach((p: number, i: number) =>
      expect(Math.abs(p - reference.final_predictions[i])).toBeLessThan(1e-6),
    );
    for (const [name, grad] of Object.entries(reference.grads_epoch0)) {
      const got = (result.gradients[name] as number[][]).flat();
      (grad as number[][]).flat().forEach((g, i) => expect(Math.abs(got[i] - g)).toBeLessThan(1e-6));
    }
  });

  it('names a weights file with a missing key', async () => {
    const bad = join(dir, 'bad-init.json');
    const { init } = JSON.parse(readFileSync(REFERENCE, 'utf8'));
    delete init['2.bias'];
    writeFileSync(bad, JSON.stringify({ init }));
    const { stderr, code } = await cli(['demo', 'seed', '--init', bad]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${bad}: missing "2.bias"`);
  });
});

// A model trained on SST-2: these tests are skipped without SST-2.
describe.skipIf(NO_SST2)('train, eval, predict, explain, similar and export-vectors on SST-2', () => {
  beforeAll(async () => {
    const { code, stderr } = await cli(['train', SST2_TRAIN!, '--out', model, '--epochs', '3', '--no-progress']);
    if (code !== 0) throw new Error(stderr);
  }, 120_000);

  it('eval --json reports accuracy, macro-F1, the confusion matrix and n on dev', async () => {
    const { stdout, code } = await cli(['eval', model, SST2_DEV!, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.n).toBe(872);
    expect(report.accuracy).toBeGreaterThan(0.77);
    expect(report.macroF1).toBeGreaterThan(0.75);
    expect(report.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(872);
    expect(report.rocAuc).toBeGreaterThan(0.8);
  });

  it('predict --json prints one object per text, from arguments or standard input', async () => {
    const args = await cli([
      'predict',
      model,
      'a gorgeous , witty , seductive movie .',
      'a dull , tedious mess',
      '--json',
    ]);
    const lines = args.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.label)).toEqual(['1', '0']);
    expect(lines[0].probabilities['0'] + lines[0].probabilities['1']).toBeCloseTo(1, 5);
    const piped = await cli(['predict', model, '--json'], {
      input: 'What a wonderful, moving film!\nBoring and way too long.\n',
    });
    expect(
      piped.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).label),
    ).toEqual(['1', '0']);
  });

  it('explain shows every token with its contribution', async () => {
    const { stdout } = await cli(['explain', model, 'a dull , tedious mess', '--json']);
    const e = JSON.parse(stdout);
    expect(e.tokens.map((t: { token: string }) => t.token)).toEqual(['a', 'dull', ',', 'tedious', 'mess']);
    const sum = e.bias + e.tokens.reduce((s: number, t: { contribution: number }) => s + t.contribution, 0);
    expect(sum).toBeCloseTo(e.score, 4);
    expect(e.tokens[1].contribution).toBeLessThan(0);
  });

  it('similar lists neighbours; an unknown word is a clear error', async () => {
    const { stdout } = await cli(['similar', model, 'good', '-k', '5', '--json']);
    expect(JSON.parse(stdout)).toHaveLength(5);
    const unknown = await cli(['similar', model, 'qwertyuiopasdf']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('does not know the word "qwertyuiopasdf"');
  });

  it('export-vectors writes word2vec text that train --pretrained-vectors reads back', async () => {
    const vec = join(dir, 'words.vec');
    await cli(['export-vectors', model, vec]);
    const [header, first] = readFileSync(vec, 'utf8').split('\n');
    const [count, dim] = header.split(' ').map(Number);
    expect(dim).toBe(64);
    expect(count).toBeGreaterThan(10000);
    expect(first.split(' ')).toHaveLength(65);
    const small = join(dir, 'small.tsv');
    writeFileSync(small, 'label\tsentence\n1\tgreat fun\n0\tdull mess\n1\tgood\n0\tbad\n');
    // A learning rate too small to move anything: the exported vectors must come back as they went in.
    const { code } = await cli([
      'train',
      small,
      '--out',
      join(dir, 'small.bin'),
      '--pretrained-vectors',
      vec,
      '--lr',
      '1e-12',
      '--epochs',
      '1',
      '--json',
    ]);
    expect(code).toBe(0);
    const again = join(dir, 'again.vec');
    await cli(['export-vectors', join(dir, 'small.bin'), again]);
    const vectorOf = (file: string, word: string) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .find((l) => l.startsWith(`${word} `))!
        .split(' ')
        .slice(1)
        .map(Number);
    const original = vectorOf(vec, 'great');
    vectorOf(again, 'great').forEach((v, i) => expect(v).toBeCloseTo(original[i], 5));
  });

  /** Writes a tiny TSV as NAME.tsv, trains one epoch on it with the flags, returns the model file's path. */
  async function trainTiny(name: string, tsv: string, flags: string[]): Promise<string> {
    const data = join(dir, `${name}.tsv`);
    writeFileSync(data, tsv);
    const out = join(dir, `${name}-${flags.join('')}.bin`);
    expect((await cli(['train', data, '--out', out, '--epochs', '1', '--json', ...flags])).code).toBe(0);
    return out;
  }

  it('train --nb-start sets the naive-Bayes start (off by default) and refuses a negative one', async () => {
    const tsv = 'label\tsentence\n1\tgreat fun\n0\tdull mess\n1\tgood\n0\tbad\n';
    const bytes = async (flags: string[]) => readFileSync(await trainTiny('nb', tsv, flags));
    const byDefault = await bytes([]);
    expect(byDefault.equals(await bytes(['--nb-start', '0']))).toBe(true);
    expect(byDefault.equals(await bytes(['--nb-start', '0.1']))).toBe(false);
    const bad = await cli(['train', join(dir, 'nb.tsv'), '--out', join(dir, 'never.bin'), '--nb-start', '-1']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('expected a number ≥ 0');
  });

  it('train --unique-features saves a model that counts each feature once per text (off by default)', async () => {
    const tsv = 'label\tsentence\n1\tgreat great fun\n0\tdull dull mess\n1\tgood\n0\tbad\n';
    const uniqueFeatures = async (flags: string[]) => {
      const out = await trainTiny('unique', tsv, flags);
      return (decodeModelFile(readFileSync(out), out).config.features as { uniqueFeatures: boolean }).uniqueFeatures;
    };
    expect(await uniqueFeatures([])).toBe(false);
    expect(await uniqueFeatures(['--unique-features'])).toBe(true);
  });

  it('train --fma runs the fused multiply-add build (turning relaxed SIMD on in Node 20) and says so', async () => {
    const small = join(dir, 'fma.tsv');
    writeFileSync(small, 'label\tsentence\n1\tgreat fun\n0\tdull mess\n1\tgood\n0\tbad\n');
    const fused = await cli([
      'train',
      small,
      '--out',
      join(dir, 'fma.bin'),
      '--arch',
      'mlp',
      '--epochs',
      '2',
      '--fma',
      '--json',
    ]);
    expect(fused.code).toBe(0);
    expect(JSON.parse(fused.stdout)).toMatchObject({ fma: true });
    const plain = await cli([
      'train',
      small,
      '--out',
      join(dir, 'plain.bin'),
      '--arch',
      'mlp',
      '--epochs',
      '2',
      '--json',
    ]);
    expect(JSON.parse(plain.stdout)).toMatchObject({ fma: false });
  });
});

describe('bad input gets a clear error and loses nothing', () => {
  /** A model of its own, trained on a few lines labelled 0 and 1, and those lines: these errors need no SST-2. */
  async function smallModel(): Promise<{ model: string; data: string }> {
    const data = join(dir, 'few.tsv');
    writeFileSync(data, 'label\tsentence\n1\ta fine film\n0\ta dull film\n1\tgreat fun\n0\tan awful mess\n');
    const model = join(dir, 'few.bin');
    const { code, stderr } = await cli(['train', data, '--out', model, '--no-progress']);
    if (code !== 0) throw new Error(stderr);
    return { model, data };
  }

  it.each([
    ['a row without a label', 'label,review\n1,fine\n,no label here\n', /bad\.csv:3: .*label/],
    ['an empty text', 'label,review\n1,fine\n0,""\n', /bad\.csv:3: .*empty/],
    ['a file with no usable column', 'score,words\n1,fine\n', /bad\.csv:1: .*--text-column/],
  ])('train names the file and line of %s', async (_, content, message) => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, content);
    const { stderr, code } = await cli(['train', file, '--out', join(dir, 'never.bin'), '--no-progress']);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(existsSync(join(dir, 'never.bin'))).toBe(false);
  });

  it('--skip-bad skips and counts bad rows', async () => {
    const file = join(dir, 'some-bad.csv');
    writeFileSync(file, 'label,review\npos,great\nneg,awful\n,missing\npos,lovely\nneg,""\n');
    const { stderr, code } = await cli([
      'train',
      file,
      '--out',
      join(dir, 'ok.bin'),
      '--skip-bad',
      '--no-progress',
      '--json',
    ]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/skipped 2 bad row/);
  });

  it('a failed training run leaves the model saved before intact', async () => {
    const good = join(dir, 'keep.bin');
    const file = join(dir, 'two.csv');
    writeFileSync(file, 'label,text\npos,great\nneg,awful\n');
    await cli(['train', file, '--out', good, '--no-progress']);
    const before = readFileSync(good);
    writeFileSync(file, 'label,text\npos,great\npos,"unterminated\n');
    const { code } = await cli(['train', file, '--out', good, '--no-progress']);
    expect(code).toBe(1);
    expect(readFileSync(good).equals(before)).toBe(true);
  });

  it('eval refuses a damaged model file with a message naming it', async () => {
    const { model, data } = await smallModel();
    const damaged = join(dir, 'damaged.bin');
    const bytes = readFileSync(model);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(damaged, bytes);
    const { stderr, code } = await cli(['eval', damaged, data]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${damaged}: damaged`);
  });

  it('eval names an unknown label with its line', async () => {
    const { model } = await smallModel();
    const file = join(dir, 'labels.tsv');
    writeFileSync(file, 'label\tsentence\n1\tgood\n7\tstrange\n');
    const { stderr, code } = await cli(['eval', model, file]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/labels\.tsv:3: .*"7"/);
  });
});
