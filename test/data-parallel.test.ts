// Data-parallel training of the mlp and attention models on several threads (src/parallel/data-parallel.ts):
// a step on N threads is the step of the whole batch, a run on N threads is reproducible, and the
// models learn as they do on one thread.

import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  readExamplesFromFile,
  train,
  TrainingDivergedError,
  trainWithReport,
  type LabelledText,
  type TextClassifier,
  type TrainOptions,
} from '../src/index.node.js';
import { sliceBounds } from '../src/parallel/data-parallel.js';
import { nodeThreadStarter } from '../src/parallel/thread-starter.node.js';
import { setThreadStarter } from '../src/runtime/cores.js';
import type { Encoded } from '../src/fit/batches.js';
import { corpus } from './corpora.js';

const SST2_TRAIN = corpus('sst2');
const SST2_DEV = corpus('sst2:dev');

/** The largest difference between two models' tensors, and the largest value, by tensor. */
function largestDifference(
  a: TextClassifier,
  b: TextClassifier,
): { name: string; difference: number; largest: number }[] {
  const tb = new Map(b.model.tensors().map((t) => [t.name, t.values()]));
  return a.model.tensors().map((t) => {
    const x = t.values();
    const y = tb.get(t.name)!;
    let difference = 0;
    let largest = 0;
    for (let i = 0; i < x.length; i++) {
      difference = Math.max(difference, Math.abs(x[i] - y[i]));
      largest = Math.max(largest, Math.abs(x[i]));
    }
    return { name: t.name, difference, largest };
  });
}

const digest = (model: TextClassifier) => createHash('sha256').update(model.toBytes()).digest('hex');

/** An encoded set of examples of the given lengths (only offsets matter to the slicing). */
function setOfLengths(lengths: number[]): Encoded {
  const offsets = new Int32Array(lengths.length + 1);
  lengths.forEach((l, i) => (offsets[i + 1] = offsets[i] + l));
  return {
    rows: new Int32Array(offsets[lengths.length]),
    offsets,
    labels: new Int32Array(lengths.length),
    words: new Int32Array(lengths.length),
    maxLength: Math.max(...lengths),
  };
}

describe('slicing a batch among threads', () => {
  const order = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

  it('cuts equal examples into equal slices', () => {
    expect([...sliceBounds(order(8), 0, 8, setOfLengths(Array(8).fill(5)), 64, 2)]).toEqual([0, 4, 8]);
    expect([...sliceBounds(order(9), 0, 9, setOfLengths(Array(9).fill(5)), 64, 3)]).toEqual([0, 3, 6, 9]);
  });

  it('cuts where the tokens split evenly, counting a text only up to the cap', () => {
    // One long text and six short ones: the long one alone is about half the tokens.
    expect([...sliceBounds(order(7), 0, 7, setOfLengths([60, 10, 10, 10, 10, 10, 10]), 64, 2)]).toEqual([0, 1, 7]);
    // Capped at 20, the long text weighs 20 of 80 tokens.
    expect([...sliceBounds(order(7), 0, 7, setOfLengths([60, 10, 10, 10, 10, 10, 10]), 20, 2)]).toEqual([0, 3, 7]);
  });

  it("follows the order, from the batch's start", () => {
    const set = setOfLengths([1, 1, 1, 1, 30, 30]);
    expect([...sliceBounds(Int32Array.of(4, 5, 0, 1, 2, 3), 2, 4, set, 64, 2)]).toEqual([0, 2, 4]);
    expect([...sliceBounds(Int32Array.of(0, 1, 2, 3, 4, 5), 2, 4, set, 64, 2)]).toEqual([0, 3, 4]);
  });

  it('gives every thread an example while there are enough, and thread 0 one always', () => {
    // The first text outweighs the rest together; still each thread gets one.
    expect([...sliceBounds(order(3), 0, 3, setOfLengths([100, 1, 1]), 1000, 3)]).toEqual([0, 1, 2, 3]);
    // Fewer examples than threads: the last threads get none.
    expect([...sliceBounds(order(1), 0, 1, setOfLengths([7]), 64, 3)]).toEqual([0, 1, 1, 1]);
    expect([...sliceBounds(order(2), 0, 2, setOfLengths([1, 50]), 64, 4)]).toEqual([0, 1, 2, 2, 2]);
  });
});

describe.skipIf(!SST2_TRAIN || !SST2_DEV)('data-parallel training', () => {
  let sst2: LabelledText[];
  let dev: LabelledText[];
  beforeAll(async () => {
    const read = async (file: string) =>
      (await readExamplesFromFile(file).collect()).examples.map(({ text, label }) => ({ text, label }));
    sst2 = await read(SST2_TRAIN!);
    dev = await read(SST2_DEV!);
  });

  // One step of plain SGD, no dropout: the step on N threads is the step on the whole batch.
  const oneStep: TrainOptions = {
    epochs: 1,
    batch: 32,
    optimizer: 'sgd',
    lr: 0.5,
    seed: 3,
    dropout: 0,
    featureDropout: 0,
    calibrate: false,
  };

  for (const arch of ['attention', 'mlp'] as const) {
    it(`a step of the ${arch} model on 2 threads updates as one thread does, to float rounding`, async () => {
      const data = sst2.slice(0, 32);
      const one = await train(data, { ...oneStep, arch, threads: 1 });
      const two = await train(data, { ...oneStep, arch, threads: 2 });
      for (const t of largestDifference(one, two)) {
        expect(t.difference, `${t.name}: largest value ${t.largest}`).toBeLessThanOrEqual(
          1e-6 * Math.max(1, t.largest),
        );
      }
      // Not a step that changed nothing: the weights moved away from the start.
      const start = await train(data, { ...oneStep, arch, threads: 1, lr: 1e-30 });
      expect(largestDifference(one, start).some((t) => t.difference > 1e-3)).toBe(true);
    }, 60_000);
  }

  it('a batch with fewer examples than threads (3 threads, a last batch of 1) steps as one thread does', async () => {
    const data = sst2.slice(0, 33);
    const one = await train(data, { ...oneStep, arch: 'attention', threads: 1 });
    // Three threads whatever the machine: a count above its cores would be cut to them.
    setThreadStarter({ ...nodeThreadStarter, cores: () => 3 });
    const three = await train(data, { ...oneStep, arch: 'attention', threads: 3 }).finally(() =>
      setThreadStarter(nodeThreadStarter),
    );
    for (const t of largestDifference(one, three))
      expect(t.difference, t.name).toBeLessThanOrEqual(1e-6 * Math.max(1, t.largest));
  }, 60_000);

  it("class weights split among threads by weight, not by count: the step is the whole batch's", async () => {
    const data = sst2.slice(0, 32);
    const options = { ...oneStep, arch: 'mlp' as const, classWeights: { '0': 5, '1': 1 } };
    const one = await train(data, { ...options, threads: 1 });
    const two = await train(data, { ...options, threads: 2 });
    for (const t of largestDifference(one, two))
      expect(t.difference, t.name).toBeLessThanOrEqual(1e-6 * Math.max(1, t.largest));
  }, 60_000);

  it('a run on 2 threads gives the same bytes every time (dropout and Adam included)', async () => {
    const options: TrainOptions = {
      arch: 'attention',
      dim: 32,
      ff: 64,
      epochs: 2,
      seed: 5,
      threads: 2,
      validation: 0.1,
    };
    const data = sst2.slice(0, 1500);
    const a = await train(data, options);
    const b = await train(data, options);
    expect(digest(a)).toBe(digest(b));
  }, 120_000);

  it('the attention model learns on 2 threads as on one (20,000 SST-2 rows, dev accuracy within 3 points)', async () => {
    const options: TrainOptions = { arch: 'attention', epochs: 3, seed: 1 };
    const data = sst2.slice(0, 20_000);
    const one = await trainWithReport(data, { ...options, threads: 1 });
    const two = await trainWithReport(data, { ...options, threads: 2 });
    const a1 = one.model.evaluate(dev).accuracy;
    const a2 = two.model.evaluate(dev).accuracy;
    expect(a1).toBeGreaterThan(0.65);
    expect(Math.abs(a2 - a1), `1 thread ${a1}, 2 threads ${a2}`).toBeLessThan(0.03);
    expect(two.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(two.epochs[2].trainLoss).toBeLessThan(two.epochs[0].trainLoss);
  }, 240_000);

  it('the mlp model learns on 2 threads as on one (SST-2 slice, dev accuracy within 3 points)', async () => {
    const options: TrainOptions = { arch: 'mlp', epochs: 3, seed: 2 };
    const data = sst2.slice(0, 12_000);
    const a1 = (await train(data, { ...options, threads: 1 })).evaluate(dev).accuracy;
    const a2 = (await train(data, { ...options, threads: 2 })).evaluate(dev).accuracy;
    expect(a1).toBeGreaterThan(0.7);
    expect(Math.abs(a2 - a1), `1 thread ${a1}, 2 threads ${a2}`).toBeLessThan(0.03);
  }, 120_000);

  it('a step that diverges on any thread stops every thread, and the run with TrainingDivergedError', async () => {
    const error = await train(sst2.slice(0, 600), {
      arch: 'mlp',
      epochs: 2,
      optimizer: 'sgd',
      lr: 1e30,
      threads: 2,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect((error as Error).message).toMatch(/^training diverged at epoch 1, step \d+/);
  }, 60_000);

  for (const [name, options] of [
    ['data-parallel (attention)', { arch: 'attention' }],
    ['Hogwild (a bag model of one member)', { arch: 'bag', members: 1 }],
    ['members side by side (a bag model of 2)', { arch: 'bag', members: 2 }],
  ] as const) {
    it(`an aborted signal stops threads training ${name} within the epoch, and the run resolves to a model`, async () => {
      const controller = new AbortController();
      const steps: number[] = [];
      const data = sst2.slice(0, 20_000);
      const result = await trainWithReport(data, {
        ...options,
        epochs: 3,
        batch: 32,
        batchEvery: 20,
        seed: 1,
        threads: 2,
        signal: controller.signal,
        onBatch: (b) => {
          steps.push(b.step);
          if (b.step >= 40) controller.abort();
        },
      });
      expect(result.stopped).toBe(true);
      // Stopped inside the first epoch (625 steps): nothing after it was trained or reported.
      expect(result.epochs).toEqual([]);
      expect(steps.at(-1)).toBeLessThan(625);
      expect(result.model.predict('a wonderful , moving film').label).toBeDefined();
    }, 60_000);
  }

  it('counts each step of the team once for onBatch, as one thread does', async () => {
    const steps: number[] = [];
    await train(sst2.slice(0, 2000), {
      arch: 'mlp',
      epochs: 2,
      batch: 16,
      batchEvery: 25,
      seed: 2,
      threads: 2,
      onBatch: (b) => steps.push(b.step),
    });
    expect(steps.length).toBeGreaterThan(3);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    // 2 epochs of 125 steps: the team's steps, not each thread's.
    expect(steps.at(-1)).toBeLessThanOrEqual(250);
    expect(steps.at(-1)).toBeGreaterThan(200);
  }, 60_000);
});
