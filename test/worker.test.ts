// Training off the calling thread in Node: train(…, { worker: true }) runs in a worker_threads
// worker and gives back the same model as training here; progress, warnings and checkpoints come
// back as callbacks; an AbortSignal stops it early with the model so far; an error inside the
// worker reaches the caller with its class and message. The signal works without a worker too.
// (The browser's module Web Worker is tested in Chromium by test/browser*.test.ts.)

import { describe, expect, it } from 'vitest';
import { builtinSplit, train, trainWithReport, type BatchInfo, type EpochReport } from '../src/index.node.js';
import { corpus } from './corpora.js';

const { train: data, dev } = builtinSplit();
const SST2_DEV = corpus('sst2:dev');
const PROBES = [
  'I loved this movie, it was wonderful!',
  'This was a terrible, boring film. I hated it.',
  '这家酒店很干净，服务很好',
  'meh',
];

describe('train(…, { worker: true }) in Node', () => {
  it('trains in a worker thread to the same model bytes as training on this thread', async () => {
    const options = { epochs: 6, seed: 3 };
    const inWorker = await train(data, { ...options, worker: true });
    const here = await train(data, options);
    expect(Buffer.compare(inWorker.toBytes(), here.toBytes())).toBe(0);
    expect(inWorker.predictBatch(PROBES)).toEqual(here.predictBatch(PROBES));
  }, 60_000);

  it.skipIf(!SST2_DEV)(
    'reads a data file in the worker and hands back progress, epoch reports and the result',
    async () => {
      const batches: BatchInfo[] = [];
      const epochs: EpochReport[] = [];
      const result = await trainWithReport(SST2_DEV!, {
        worker: true,
        epochs: 3,
        members: 1,
        batchEvery: 20,
        validation: 0.2,
        onBatch: (b) => batches.push(b),
        onEpoch: (r) => epochs.push(r),
      });
      expect(epochs.map((r) => r.epoch)).toEqual([1, 2, 3]);
      expect(result.epochs).toEqual(epochs);
      expect(batches.length).toBeGreaterThan(3);
      expect(batches.at(-1)!.step).toBe(batches.at(-1)!.totalSteps);
      expect(result.classCounts).toEqual({ 0: expect.any(Number), 1: expect.any(Number) });
      expect(result.stopped).toBe(false);
      expect(result.model.labels).toEqual(['0', '1']);
    },
    60_000,
  );

  it('an AbortSignal stops training early and the model trained so far comes back', async () => {
    const controller = new AbortController();
    const epochs: EpochReport[] = [];
    const result = await trainWithReport(data, {
      worker: true,
      epochs: 200,
      seed: 5,
      patience: 0,
      validation: dev,
      onEpoch: (r) => {
        epochs.push(r);
        if (r.epoch === 12) controller.abort();
      },
      signal: controller.signal,
    });
    expect(result.stopped).toBe(true);
    expect(result.epochs.length).toBeGreaterThanOrEqual(12);
    expect(result.epochs.length).toBeLessThan(200);
    expect(result.model.predict(PROBES[0]).label).toBe('positive');
    expect(result.model.predict(PROBES[1]).label).toBe('negative');
  }, 60_000);

  it('a signal aborted before training starts rejects with its reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('not now'));
    await expect(train(data, { worker: true, signal: controller.signal })).rejects.toThrow('not now');
  });

  it.each([
    ['a RangeError', { epochs: 0 }, RangeError, 'epochs must be a positive integer, got 0'],
    [
      'a TypeError',
      { labels: undefined, validation: [{ text: 'x' }] as never },
      TypeError,
      'validation example 1 has no label',
    ],
  ])(
    'an error inside the worker reaches the caller as %s with its message',
    async (_, options, Class, message) => {
      const error = await train(data, { ...options, worker: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Class);
      expect((error as Error).message).toContain(message);
    },
    30_000,
  );

  it('an onEpoch callback that throws ends training with its error, as on this thread', async () => {
    await expect(
      train(data, {
        worker: true,
        epochs: 20,
        onEpoch: () => {
          throw new Error('enough');
        },
      }),
    ).rejects.toThrow('enough');
  }, 30_000);

  it('starts training threads inside the worker as on this thread (threads: 2)', async () => {
    const warnings: string[] = [];
    const options = { epochs: 4, seed: 3, members: 2, threads: 2 };
    const inWorker = await train(data, { ...options, worker: true, onWarning: (w) => void warnings.push(w) });
    expect(warnings).toEqual([]);
    // Members side by side, one per thread, give the bytes of one thread.
    expect(Buffer.compare(inWorker.toBytes(), (await train(data, { ...options, threads: 1 })).toBytes())).toBe(0);
  }, 60_000);

  it('checkpoints come back to checkpoint.save, and resume from one gives the same model', async () => {
    const saved: Uint8Array[] = [];
    const options = { epochs: 4, seed: 9, members: 1 };
    const whole = await train(data, {
      ...options,
      worker: true,
      checkpoint: { every: 50, save: (bytes) => void saved.push(bytes) },
    });
    expect(saved.length).toBeGreaterThan(1);
    const resumed = await train(data, { ...options, worker: true, resume: saved[1] });
    expect(Buffer.compare(resumed.toBytes(), whole.toBytes())).toBe(0);
  }, 60_000);
});

describe('an AbortSignal on this thread', () => {
  it('stops after the step it is aborted in, keeping the best validated epoch so far', async () => {
    const controller = new AbortController();
    const result = await trainWithReport(data, {
      epochs: 100,
      seed: 2,
      patience: 0,
      validation: dev,
      members: 1,
      signal: controller.signal,
      onEpoch: (r) => void (r.epoch === 5 && controller.abort()),
    });
    expect(result.stopped).toBe(true);
    expect(result.epochs.length).toBe(5);
  }, 30_000);

  it('with several members, stops in the member it is in and averages the members trained so far', async () => {
    const controller = new AbortController();
    const result = await trainWithReport(data, {
      epochs: 30,
      seed: 2,
      members: 4,
      dim: 64,
      signal: controller.signal,
      onEpoch: (r) => void (r.member === 2 && r.epoch === 3 && controller.abort()),
    });
    expect(result.stopped).toBe(true);
    expect(result.epochs.filter((r) => r.member === 1)).toHaveLength(30);
    expect(result.epochs.filter((r) => r.member === 3)).toHaveLength(0);
    // The mean over two members, not a quarter-strength sum of four: as confident as a model that finished.
    const p = result.model.predict(PROBES[0]).probabilities.positive;
    expect(p).toBeGreaterThan(0.8);
    const accuracy = data.filter((e) => result.model.predict(e.text).label === e.label).length / data.length;
    expect(accuracy).toBeGreaterThan(0.95);
  }, 30_000);
});
