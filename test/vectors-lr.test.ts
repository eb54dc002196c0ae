// Pretrained vectors kept frozen or tuned slowly (TrainOptions.vectorsLr): the rows they fill
// step at a multiple of the learning rate, the other rows at the rate itself.

import { describe, expect, it } from 'vitest';
import { SparseRows, type SparseUpdate } from '../src/nn/sparse-rows.js';
import { builtinSplit, trainWithReport, type TextClassifier, type TrainOptions } from '../src/index.node.js';
import { seededRandom, randomArray, testRuntime } from './helpers.js';

const { train: corpus } = builtinSplit();

/** A table of `rows` × `dim` zeros and its sparse rows, the batch's rows [2, 0, 3] with gradients all `g`. */
async function touchedTable(rows: number, dim: number, g: number) {
  const rt = await testRuntime();
  const table = rt.allocF32(rows * dim, 'test.table');
  const sparse = new SparseRows(rt, { table, rows, dim, label: 'test', name: 'test' });
  sparse.reserve(8, 8);
  sparse.layOutMoments();
  sparse.assign(Int32Array.of(2, 0, 3), 3);
  rt.f32(sparse.gradientsPtr, 3 * dim).fill(g);
  const row = (r: number) => rt.f32(table + r * dim * 4, dim).slice();
  return { sparse, row };
}

const ADAM: SparseUpdate = { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 1 };

describe('the step of the rows pretrained vectors filled', () => {
  it('SGD: a marked row steps at scale × lr, exactly; the others at lr', async () => {
    const { sparse, row } = await touchedTable(4, 4, 1);
    sparse.update({ kind: 'sgd', lr: 0.5, weightDecay: 0 }, { marked: Uint8Array.of(0, 0, 1, 0), scale: 0.25 });
    expect([...row(2)]).toEqual([-0.125, -0.125, -0.125, -0.125]);
    expect([...row(0)]).toEqual([-0.5, -0.5, -0.5, -0.5]);
    expect([...row(3)]).toEqual([-0.5, -0.5, -0.5, -0.5]);
    expect([...row(1)]).toEqual([0, 0, 0, 0]);
  });

  it('Adam: a marked row gets the bytes of an update at scale × lr; frozen rows and their moments stay as they were', async () => {
    const scaled = await touchedTable(4, 5, 0.3);
    scaled.sparse.update(ADAM, { marked: Uint8Array.of(1, 0, 0, 1), scale: 0.1 });
    const slow = await touchedTable(4, 5, 0.3);
    slow.sparse.update({ ...ADAM, lr: ADAM.lr * 0.1 });
    const plain = await touchedTable(4, 5, 0.3);
    plain.sparse.update(ADAM);
    for (const r of [0, 3]) expect(scaled.row(r)).toEqual(slow.row(r));
    expect(scaled.row(2)).toEqual(plain.row(2));
    expect(scaled.row(0)[0]).not.toBe(plain.row(0)[0]);

    const frozen = await touchedTable(4, 5, 0.3);
    frozen.sparse.update(ADAM, { marked: Uint8Array.of(1, 0, 1, 0), scale: 0 });
    expect([...frozen.row(0), ...frozen.row(2)].every((v) => v === 0)).toBe(true);
    expect(frozen.row(3)).toEqual(plain.row(3));
    const moments = frozen.sparse.saveMoments()!;
    expect([...moments.m.subarray(0, 5), ...moments.m.subarray(10, 15)].every((v) => v === 0)).toBe(true);
    expect(moments.m.subarray(15, 20).every((v) => v !== 0)).toBe(true);
  });
});

describe('vectorsLr in training', () => {
  const dimOf = { bag: 16, attention: 8 } as const;
  const pretrained = (dim: number) => {
    const rand = seededRandom(7);
    return new Map(['great', 'awful', 'boring', 'love'].map((w) => [w, randomArray(rand, dim, 0.5)]));
  };
  const vectorOf = (model: TextClassifier, word: string) => model.wordVector(word)!;

  it.each([
    ['bag', 1],
    ['attention', 1],
    ['attention', 2],
  ] as const)(
    '%s on %i thread(s), frozen (vectorsLr 0): the pretrained rows keep their bits while the rest learns',
    async (arch, threads) => {
      const dim = dimOf[arch];
      const vectors = pretrained(dim);
      const options: TrainOptions = { arch, dim, heads: 2, threads, pretrainedVectors: vectors, vectorsLr: 0, seed: 3 };
      const short = await trainWithReport(corpus, { ...options, epochs: 1 });
      const long = await trainWithReport(corpus, { ...options, epochs: 3 });
      for (const [word, vector] of vectors) {
        expect(vectorOf(short.model, word)).toEqual(vector);
        expect(vectorOf(long.model, word)).toEqual(vector);
      }
      // A word the vectors lack learns: its row moves between the first epoch and the third.
      expect(vectorOf(long.model, 'movie')).not.toEqual(vectorOf(short.model, 'movie'));
      // Tuned as every other row (the default), the pretrained rows move.
      const tuned = await trainWithReport(corpus, { ...options, vectorsLr: undefined, epochs: 1 });
      expect(vectorOf(tuned.model, 'great')).not.toEqual(vectors.get('great'));
      for (const r of [short, long, tuned]) r.model.dispose();
    },
  );

  it('a rate of 1 is the plain update: the same bytes as leaving it out', async () => {
    const options: TrainOptions = { dim: 16, pretrainedVectors: pretrained(16), epochs: 2, seed: 1, threads: 1 };
    const plain = await trainWithReport(corpus, options);
    const one = await trainWithReport(corpus, { ...options, vectorsLr: 1 });
    expect(Buffer.from(one.model.toBytes()).equals(Buffer.from(plain.model.toBytes()))).toBe(true);
    plain.model.dispose();
    one.model.dispose();
  });

  it('a checkpoint records it: resumed with it, the same bytes as the run that never stopped; with another rate, refused', async () => {
    const options: TrainOptions = { dim: 16, pretrainedVectors: pretrained(16), vectorsLr: 0.1, epochs: 2, seed: 1 };
    const checkpoints: Uint8Array[] = [];
    const whole = await trainWithReport(corpus, {
      ...options,
      checkpoint: { every: 10, save: (bytes) => void checkpoints.push(bytes.slice()) },
    });
    const resumed = await trainWithReport(corpus, { ...options, resume: checkpoints[1] });
    expect(Buffer.from(resumed.model.toBytes()).equals(Buffer.from(whole.model.toBytes()))).toBe(true);
    await expect(trainWithReport(corpus, { ...options, vectorsLr: 1, resume: checkpoints[1] })).rejects.toThrow(
      /was made with vectorsLr 0.1, and this run has vectorsLr unset/,
    );
    whole.model.dispose();
    resumed.model.dispose();
  });

  it('is checked: a number ≥ 0, and only with pretrained vectors', async () => {
    await expect(trainWithReport(corpus, { vectorsLr: 0 })).rejects.toThrow(/give pretrainedVectors with it/);
    await expect(
      trainWithReport(corpus, { dim: 16, pretrainedVectors: pretrained(16), vectorsLr: -1 }),
    ).rejects.toThrow(/vectorsLr must be a number ≥ 0/);
  });
});
