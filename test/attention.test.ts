// The attention model (src/models/attention-model.ts): it trains on the built-in corpus, saves
// and loads to identical probabilities, allocates nothing once built (training steps and
// prediction alike), truncates texts longer than its maximum length, explains by gradient ×
// input and shows its attention weights; and the command line trains, predicts, explains and
// inspects one end to end on a slice of SST-2.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinSplit, loadModel, train, type TextClassifier } from '../src/index.node.js';
import { decodeModelFile } from '../src/format/model-file.js';
import { AttentionModel } from '../src/models/attention-model.js';
import { TrainingStep } from '../src/fit/step.js';
import { corpus } from './corpora.js';
import { testRuntime } from './helpers.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const SST2_TRAIN = corpus('sst2');
const run = promisify(execFile);
const { train: data, dev } = builtinSplit();

let model: TextClassifier;
beforeAll(async () => {
  model = await train(data, {
    arch: 'attention',
    dim: 32,
    heads: 4,
    ff: 64,
    maxLen: 16,
    epochs: 30,
    lr: 3e-3,
    seed: 4,
  });
});

describe('the attention model', () => {
  it('trains on the built-in corpus: fits its training texts and beats chance on held-out ones', () => {
    expect(model.config.arch).toBe('attention');
    expect(model.evaluate(data).accuracy).toBeGreaterThan(0.95);
    expect(model.evaluate(dev).accuracy).toBeGreaterThan(0.6);
    const pos = data.find((e) => e.label === 'positive')!.text;
    const neg = data.find((e) => e.label === 'negative')!.text;
    expect(model.predict(pos).label).toBe('positive');
    expect(model.predict(neg).label).toBe('negative');
  });

  it('saves and loads to identical probabilities; the file holds a section per tensor, named as PyTorch names them', async () => {
    const bytes = model.toBytes();
    const again = await loadModel(bytes);
    const texts = [...dev.map((e) => e.text), '', 'great', 'zzyzx qwv'];
    expect(again.predictBatch(texts)).toEqual(model.predictBatch(texts));
    const { sections, config } = decodeModelFile(bytes, 'attention');
    // The bigram buckets (100,000 by default) are the seventh size, their rows a section of their own.
    expect(config.hidden).toEqual([64, 1, 4, 16, 1, 1, 100_000]);
    const V = model.featurizer.rowCount + 2;
    expect(sections['embedding.weight'].length).toBe(V * 32);
    expect(sections['bigram.weight'].length).toBe(100_000 * 32);
    expect(sections['position.weight'].length).toBe(16 * 32);
    for (const name of [
      'self_attn.in_proj_weight',
      'self_attn.in_proj_bias',
      'self_attn.out_proj.weight',
      'self_attn.out_proj.bias',
      'linear1.weight',
      'linear1.bias',
      'linear2.weight',
      'linear2.bias',
      'norm1.weight',
      'norm1.bias',
      'norm2.weight',
      'norm2.bias',
    ]) {
      expect(sections[`encoder.layers.0.${name}`], name).toBeInstanceOf(Float32Array);
    }
    expect(Object.keys(model.tensorShapes())).toEqual(
      AttentionModel.tensorShapes({ rows: V - 2, dim: 32, hidden: [64, 1, 4, 16, 1, 1, 100_000], classes: 2 }).map(
        (t) => t.name,
      ),
    );
  });

  it('a loaded model allocates nothing once built, whatever it predicts, explains or shows', async () => {
    const loaded = await loadModel(model.toBytes());
    const rt = loaded.runtime;
    expect(rt.sealed).toBe(true);
    const allocated = rt.allocated,
      byteLength = rt.byteLength;
    const long = Array.from({ length: 5000 }, (_, i) => (i % 3 ? 'great' : 'film')).join(' ');
    loaded.predictBatch(['', 'fine', long, ...Array.from({ length: 300 }, (_, i) => `text ${i} was fine`)]);
    loaded.explain('a dull, lifeless mess, not worth it');
    loaded.attentionWeights(long);
    expect(rt.allocated).toBe(allocated);
    expect(rt.byteLength).toBe(byteLength);
  });

  it('a training step allocates nothing and does not grow memory', async () => {
    const rt = await testRuntime();
    const m = AttentionModel.create(
      rt,
      { rows: 50, dim: 16, hidden: [32, 2, 2, 12, 2, 1], classes: 3 },
      { maxBatch: 4, maxIds: 48, optimizer: 'adam', seed: 1, dropout: 0.2, clipNorm: 1 },
    );
    const step = new TrainingStep(m, {
      optimizer: 'adam',
      lr: 1e-3,
      weightDecay: 0.01,
      clipNorm: 1,
      classWeights: false,
    });
    const allocated = rt.allocated,
      grows = rt.grows;
    const batch = {
      rows: Int32Array.from({ length: 48 }, (_, i) => 2 + ((i * 7) % 50)),
      offsets: Int32Array.of(0, 3, 15, 16, 30),
      targets: Int32Array.of(0, 1, 2, 1),
      weights: new Float32Array(4),
    };
    const losses: number[] = [];
    for (let s = 0; s < 20; s++) losses.push(step.run(batch, 4, 1e-2).loss);
    expect(rt.allocated).toBe(allocated);
    expect(rt.grows).toBe(grows);
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
  });

  it('a run resumed from a checkpoint ends with the same model bytes as the one that never stopped (dropout included)', async () => {
    const options = {
      arch: 'attention',
      dim: 16,
      heads: 2,
      ff: 16,
      maxLen: 12,
      epochs: 2,
      dropout: 0.2,
      seed: 3,
    } as const;
    const checkpoints: Uint8Array[] = [];
    const whole = (
      await train(data, { ...options, checkpoint: { every: 7, save: (bytes) => void checkpoints.push(bytes.slice()) } })
    ).toBytes();
    expect(checkpoints.length).toBeGreaterThan(2);
    const resumed = (await train(data, { ...options, resume: checkpoints[2] })).toBytes();
    expect(Buffer.compare(resumed, whole)).toBe(0);
  });

  it('truncates a text longer than max-len to its first max-len tokens', () => {
    const words = Array.from({ length: 16 }, (_, i) => data[i % data.length].text.split(' ')[0]).join(' ');
    const tail = ' awful dreadful boring mess '.repeat(20);
    expect(model.featurizer.tokenize(words)).toHaveLength(16);
    expect(model.predict(words + tail).probabilities).toEqual(model.predict(words).probabilities);
    const e = model.explain(words + tail);
    expect(e.tokens.slice(16).every((t) => t.contribution === 0)).toBe(true);
  });

  it('explains by gradient × input: the contributions and the bias add up to the score', () => {
    const e = model.explain('a wonderful, moving film');
    expect(e.method).toBe('gradient×input');
    expect(e.tokens.map((t) => t.token)).toEqual(['a', 'wonderful', ',', 'moving', 'film']);
    const sum = e.tokens.reduce((s, t) => s + t.contribution, e.bias);
    expect(sum).toBeCloseTo(e.score, 5);
  });

  it('shows its attention weights: per layer and head, each row a distribution over the tokens', () => {
    const a = model.attentionWeights('not a good film')!;
    expect(a.tokens).toEqual(['not', 'a', 'good', 'film']);
    expect(a.layers).toHaveLength(1);
    expect(a.layers[0]).toHaveLength(4);
    for (const head of a.layers[0]) for (const row of head) expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['dim that does not split among the heads', { dim: 30, heads: 4 }, /dim \(30\) must split evenly among 4 heads/],
    ['dropout of 1', { dropout: 1 }, /dropout must be in \[0, 1\)/],
    ['an unknown pooling', { pooling: 'max' }, /pooling must be "mean" or "first"/],
  ])('refuses %s', async (_, options, message) => {
    await expect(train(data.slice(0, 20), { arch: 'attention', epochs: 1, ...options })).rejects.toThrow(message);
  });
});

describe.skipIf(!SST2_TRAIN)('sentiwasm train --arch attention, end to end', () => {
  it('trains on a slice of SST-2, predicts, explains (with --attention) and inspects', async () => {
    if (!existsSync(CLI)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
    const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-attention-'));
    const slice = join(dir, 'sst2-slice.tsv');
    writeFileSync(slice, readFileSync(SST2_TRAIN!, 'utf8').split('\n').slice(0, 3001).join('\n'));
    const out = join(dir, 'attn.bin');
    await run(process.execPath, [
      CLI,
      'train',
      slice,
      '--arch',
      'attention',
      '--out',
      out,
      '--epochs',
      '3',
      '--dim',
      '32',
      '--layers',
      '2',
      '--heads',
      '2',
      '--ff',
      '64',
      '--max-len',
      '24',
      '--dropout',
      '0.1',
      '--norm-first',
      '--no-progress',
    ]);
    const predicted = (
      await run(process.execPath, [CLI, 'predict', out, 'a gorgeous , witty , seductive movie .', '--json'])
    ).stdout;
    expect(JSON.parse(predicted.trim().split('\n')[0]).label).toMatch(/^[01]$/);
    const explained = JSON.parse(
      (await run(process.execPath, [CLI, 'explain', out, 'a gorgeous movie', '--json'])).stdout,
    );
    expect(explained.method).toBe('gradient×input');
    const attention = (await run(process.execPath, [CLI, 'explain', out, 'a gorgeous movie', '--attention'])).stdout;
    expect(attention).toMatch(/^layer 1, head 1 /m);
    expect(attention).toMatch(/^ *gorgeous( +[01]\.\d\d){3}$/m);
    const inspect = JSON.parse((await run(process.execPath, [CLI, 'inspect', out, '--json'])).stdout) as {
      sections: { name: string; shape: number[] }[];
      plan: { name: string }[];
    };
    expect(inspect.sections.find((s) => s.name === 'encoder.layers.1.self_attn.in_proj_weight')?.shape).toEqual([
      96, 32,
    ]);
    expect(inspect.plan.map((b) => b.name)).toContain('encoder.layers.1.attention');
  }, 120_000);
});
