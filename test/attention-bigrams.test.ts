// Hashed word bigrams in the attention model (attentionBigrams): each position adds the row of
// the bigram (previous word, this word) to its token embedding. The bigram's row is fastText's
// bigram combination of the two ids; a training step moves every bigram row by −lr × its
// finite-difference gradient and leaves the rows it did not use alone; the buckets are recorded
// as a seventh size, a model saves and loads to identical predictions, a file of six sizes
// (test/fixtures/attention-six-sizes.bin, written by the code before bigrams) loads and predicts
// as it did; explanations still add up; checkpoints resume to the same bytes; and a task only
// word order decides is learned with bigrams, better than without.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadModel, train, type LabelledText } from '../src/index.node.js';
import { decodeModelFile } from '../src/format/model-file.js';
import { AttentionModel, bigramRow } from '../src/models/attention-model.js';
import { TrainingStep } from '../src/fit/step.js';
import { bigramModulus } from '../src/text/ngrams.js';
import { crossEntropyOfRow, numericGradients, randomArray, seededRandom, testRuntime } from './helpers.js';

/** fastText's uint64 bigram combination of two non-negative ids, in BigInt: the slow, obvious reference. */
const fastTextBucket = (a: number, b: number, buckets: number) =>
  Number((BigInt(a) * 116049371n + BigInt(b)) % BigInt(buckets));

describe('bigramRow', () => {
  it.each([
    [0, 5, 11, 14],
    [14, 22, 1000, 100],
    [123_456, 98_765, 2_000_000, 30_002],
    [2 ** 31 - 1, 2 ** 31 - 2, (1 << 26) - 3, 7],
  ])(
    'the row of the bigram (%i, %i) in %i buckets after %i token rows is fastText’s bucket',
    (previous, current, buckets, tokenRows) => {
      const row = bigramRow(previous, current, bigramModulus(buckets), tokenRows);
      expect(row).toBe(tokenRows + fastTextBucket(previous, current, buckets));
    },
  );
});

describe('the attention model with hashed bigrams', async () => {
  const rt = await testRuntime();

  it('a training step moves every weight, bigram rows included, by −lr × its finite-difference gradient; unused bigram rows stay', () => {
    const EPS = 1e-3;
    const [D, C, buckets] = [8, 3, 13];
    const model = AttentionModel.create(
      rt,
      { rows: 12, dim: D, hidden: [6, 1, 2, 8, 1, 1, buckets], classes: C },
      { maxBatch: 8, maxIds: 64, optimizer: 'sgd', seed: 5 },
    );
    const step = new TrainingStep(model, { optimizer: 'sgd', lr: 1, weightDecay: 0, classWeights: false });
    const bigramTensor = model.tensors().find((t) => t.name === 'bigram.weight')!;
    expect(bigramTensor.shape).toEqual([buckets, D]);
    // The table starts at zeros (the model without bigrams); give it values so the check is not at one point only.
    bigramTensor.values().set(randomArray(seededRandom(9), buckets * D, 0.5));
    const texts = [[2, 5, 5, 9], [4], [9, 3, 13], [7, 2], [5, 9, 2, 6, 11]];
    const targets = Int32Array.of(1, 0, 2, 1, 0);
    const B = texts.length;
    const offsets = Int32Array.from({ length: B + 1 }, (_, b) => texts.slice(0, b).flat().length);
    const rows = Int32Array.from(texts.flat());
    const objective = (): number => {
      model.load(rows, offsets, B);
      const logits = rt.f32(model.forward(B), B * C);
      let sum = 0;
      for (let b = 0; b < B; b++) sum += crossEntropyOfRow(logits, b, C, targets[b]);
      return sum / B;
    };
    const tensors = model.tensors();
    const numeric = numericGradients(tensors, objective, EPS);
    const before = tensors.map((t) => t.values().slice());
    step.run({ rows, offsets, targets, weights: new Float32Array(B) }, B, 1);
    // The bigram rows the batch used: each text's first word follows padding (id 0).
    const m = bigramModulus(buckets);
    const usedBigrams = new Set(texts.flatMap((ids) => ids.map((id, t) => bigramRow(t ? ids[t - 1] : 0, id, m, 0))));
    expect(usedBigrams.size).toBeLessThan(buckets);
    let nonzeroBigram = 0;
    tensors.forEach((t, k) => {
      const after = t.values();
      for (let i = 0; i < after.length; i++) {
        const row = Math.floor(i / D);
        if (t.name === 'bigram.weight' && !usedBigrams.has(row)) {
          expect(Object.is(after[i], before[k][i]), `bigram row ${row} is not in the batch and must not change`).toBe(
            true,
          );
          continue;
        }
        const where = `∂L/∂${t.name}[${i}]: step ${before[k][i] - after[i]}, numeric ${numeric[k][i]}`;
        expect(Math.abs(before[k][i] - after[i] - numeric[k][i]), where).toBeLessThan(
          2e-3 * (1 + Math.abs(numeric[k][i])),
        );
        if (t.name === 'bigram.weight' && Math.abs(numeric[k][i]) > 1e-3) nonzeroBigram++;
      }
    });
    // The check would pass vacuously if the bigram rows' gradients were all zero.
    expect(nonzeroBigram).toBeGreaterThan(usedBigrams.size);
  });

  it('changes what a text scores by its word order alone, where the model without bigrams sees the same tokens', () => {
    const model = AttentionModel.create(
      rt,
      { rows: 6, dim: 8, hidden: [8, 1, 2, 8, 1, 1, 17], classes: 2 },
      { maxBatch: 4, maxIds: 32, optimizer: 'sgd', seed: 2, training: false },
    );
    model
      .tensors()[1]
      .values()
      .set(randomArray(seededRandom(3), 17 * 8));
    const logits = (ids: number[]) => model.logits(1, (_, out) => out.push(...ids)).slice();
    // With the position table zeroed, only the bigrams can tell "a b" from "b a".
    model.tensors()[2].values().fill(0);
    expect(logits([2, 3])).not.toEqual(logits([3, 2]));
    model.tensors()[1].values().fill(0);
    expect(logits([2, 3])).toEqual(logits([3, 2]));
  });
});

/** Two-word texts from a small vocabulary whose label only their order decides: "w v" with w before v in the list is positive. */
function orderTask(count: number, seed: number): LabelledText[] {
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
  const rand = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const i = Math.floor(rand() * words.length);
    let j = Math.floor(rand() * (words.length - 1));
    if (j >= i) j++;
    return { text: `${words[i]} ${words[j]} ${words[(i + j) % words.length]}`, label: i < j ? 'pos' : 'neg' };
  });
}

describe('training with attentionBigrams', () => {
  const data = orderTask(400, 1);
  const held = orderTask(200, 2);
  // Bigrams off unless a test turns them on (they are on by default).
  const options = {
    attentionBigrams: 0,
    arch: 'attention',
    dim: 16,
    heads: 2,
    ff: 16,
    maxLen: 8,
    epochs: 6,
    lr: 3e-3,
    seed: 1,
    threads: 1,
  } as const;

  it('learns a task only word order decides, better than without bigrams; records the buckets as a seventh size; saves and loads to identical predictions and explanations', async () => {
    const model = await train(data, { ...options, attentionBigrams: 97 });
    const plain = await train(data, options);
    expect(model.evaluate(held).accuracy).toBeGreaterThan(0.95);
    expect(model.evaluate(held).accuracy).toBeGreaterThan(plain.evaluate(held).accuracy);
    const bytes = model.toBytes();
    const { config, sections } = decodeModelFile(bytes, 'attention');
    expect(config.hidden).toEqual([16, 1, 2, 8, 1, 1, 97]);
    expect(sections['bigram.weight'].length).toBe(97 * 16);
    const again = await loadModel(bytes);
    const texts = [...held.slice(0, 20).map((e) => e.text), '', 'alpha', 'zulu alpha'];
    expect(again.predictBatch(texts)).toEqual(model.predictBatch(texts));
    const e = again.explain('bravo alpha delta');
    expect(e).toEqual(model.explain('bravo alpha delta'));
    expect(e.tokens.reduce((s, t) => s + t.contribution, e.bias)).toBeCloseTo(e.score, 5);
  });

  it('without bigrams, the file records six sizes and no bigram table, as files before bigrams did, and loads so', async () => {
    const model = await train(data.slice(0, 100), { ...options, epochs: 1 });
    const bytes = model.toBytes();
    const { config, sections } = decodeModelFile(bytes, 'attention');
    expect(config.hidden).toEqual([16, 1, 2, 8, 1, 1]);
    expect(sections['bigram.weight']).toBeUndefined();
    const again = await loadModel(bytes);
    expect(again.predictBatch(held.map((e) => e.text))).toEqual(model.predictBatch(held.map((e) => e.text)));
  });

  it('a run resumed from a checkpoint ends with the same model bytes as the one that never stopped', async () => {
    const checkpoints: Uint8Array[] = [];
    const run = { ...options, epochs: 2, dropout: 0.2, attentionBigrams: 31 };
    const save = (bytes: Uint8Array) => void checkpoints.push(bytes.slice());
    const whole = (await train(data, { ...run, checkpoint: { every: 5, save } })).toBytes();
    expect(checkpoints.length).toBeGreaterThan(2);
    const resumed = (await train(data, { ...run, resume: checkpoints[2] })).toBytes();
    expect(Buffer.compare(resumed, whole)).toBe(0);
  });

  it.each([-1, 1.5, 2 ** 27])('refuses attentionBigrams %s', async (buckets) => {
    await expect(train(data.slice(0, 20), { ...options, epochs: 1, attentionBigrams: buckets })).rejects.toThrow(
      /attentionBigrams must be an integer from 0/,
    );
  });
});

describe('an attention model file written before bigrams existed (six sizes)', () => {
  const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
  const recorded = JSON.parse(readFileSync(fixture('attention-six-sizes.json'), 'utf8')) as {
    texts: string[];
    predictions: Record<string, number>[];
    explanation: { score: number; bias: number; contributions: number[] };
  };

  it('loads as a model without bigrams, and predicts and explains exactly as it did then', async () => {
    const bytes = readFileSync(fixture('attention-six-sizes.bin'));
    expect(decodeModelFile(bytes, 'fixture').config.hidden).toHaveLength(6);
    const model = await loadModel(bytes);
    expect(Object.keys(model.tensorShapes())).not.toContain('bigram.weight');
    expect(model.predictBatch(recorded.texts).map((p) => p.probabilities)).toEqual(recorded.predictions);
    const e = model.explain('not a good film');
    expect({ score: e.score, bias: e.bias, contributions: e.tokens.map((t) => t.contribution) }).toEqual(
      recorded.explanation,
    );
    model.dispose();
  });
});
