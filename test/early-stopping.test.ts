// Which epoch training keeps: the lowest held-out loss by default, or (bestBy 'accuracy') the
// highest held-out accuracy with the lower loss among equals; the model trained with it scores
// on the held-out examples what its best epoch scored, on one thread or members on threads alike;
// bestBy is checked.

import { describe, expect, it } from 'vitest';
import type { TextModel } from '../src/models/text-model.js';
import { builtinSplit, trainWithReport } from '../src/index.node.js';
import { EarlyStopping, type BestBy } from '../src/fit/early-stopping.js';

/** A model of one weight, which each epoch sets to its own number: the weight says which epoch's weights are in it. */
function oneWeightModel(): TextModel & { weight: Float32Array } {
  const weight = new Float32Array(1);
  return {
    weight,
    tensors: () => [{ name: 'w', values: () => weight }],
    weightsChanged() {},
  } as unknown as TextModel & {
    weight: Float32Array;
  };
}

/** Runs the epochs' held-out scores [loss, accuracy] through early stopping; the epoch (from 1) whose weights are kept at the end. */
function keptEpoch(by: BestBy, epochs: [number, number][]): number {
  const model = oneWeightModel();
  const stopping = new EarlyStopping(1_000_000, by);
  epochs.forEach(([loss, accuracy], i) => {
    model.weight[0] = i + 1;
    stopping.observe(loss, model, accuracy);
  });
  const [lastLoss, lastAccuracy] = epochs.at(-1)!;
  stopping.restoreBest(model, lastLoss, lastAccuracy);
  return model.weight[0];
}

describe('the epoch training keeps', () => {
  it.each<[string, [number, number][], number, number]>([
    // what, epochs' [held-out loss, accuracy], kept by loss, kept by accuracy
    [
      'the loss rising while the accuracy climbs',
      [
        [0.7, 0.5],
        [0.4, 0.8],
        [0.5, 0.9],
        [0.6, 0.9],
      ],
      2,
      3,
    ],
    [
      'both best at one epoch',
      [
        [0.7, 0.5],
        [0.3, 0.9],
        [0.5, 0.8],
      ],
      2,
      2,
    ],
    [
      'equal accuracies: the lower loss',
      [
        [0.7, 0.8],
        [0.4, 0.8],
        [0.5, 0.8],
      ],
      2,
      2,
    ],
    [
      'the last epoch the best',
      [
        [0.7, 0.5],
        [0.5, 0.7],
        [0.3, 0.9],
      ],
      3,
      3,
    ],
    [
      'the first epoch the best',
      [
        [0.2, 0.95],
        [0.5, 0.7],
        [0.6, 0.6],
      ],
      1,
      1,
    ],
  ])('%s', (_, epochs, byLoss, byAccuracy) => {
    expect(keptEpoch('loss', epochs)).toBe(byLoss);
    expect(keptEpoch('accuracy', epochs)).toBe(byAccuracy);
  });

  it("bestBy 'accuracy': the mlp model scores on the held-out examples the best held-out accuracy of its epochs", async () => {
    const { train, dev } = builtinSplit();
    const result = await trainWithReport(train, {
      arch: 'mlp',
      epochs: 20,
      validation: dev,
      patience: 1_000_000,
      bestBy: 'accuracy',
      threads: 1,
      // A run where the two choices differ: recorded with the end-of-text word off.
      endOfText: false,
    });
    const best = Math.max(...result.epochs.map((r) => r.validAccuracy!));
    const predicted = result.model.predictBatch(dev.map((e) => e.text));
    const accuracy = predicted.filter((p, i) => p.label === dev[i].label).length / dev.length;
    expect(accuracy).toBeCloseTo(best, 9);
    // The lowest held-out loss came at another epoch, of lower accuracy: the choice mattered.
    const byLoss = result.epochs.reduce((b, r) => (r.validLoss! < b.validLoss! ? r : b));
    expect(byLoss.validAccuracy).toBeLessThan(best);
    result.model.dispose();
  }, 60_000);

  it("bestBy 'accuracy' reaches the members trained side by side on threads: the same bytes as on one thread", async () => {
    const { train, dev } = builtinSplit();
    const options = {
      members: 2,
      epochs: 15,
      lr: 4,
      validation: dev,
      patience: 1_000_000,
      bestBy: 'accuracy' as const,
      // A run where the two choices differ: recorded with the end-of-text word off.
      endOfText: false,
    };
    const alone = await trainWithReport(train, { ...options, threads: 1 });
    const side = await trainWithReport(train, { ...options, threads: 2 });
    expect(side.threads).toBe(2);
    expect(Buffer.from(side.model.toBytes()).equals(Buffer.from(alone.model.toBytes()))).toBe(true);
    // And the choice mattered: by loss, a member keeps another epoch.
    const byLoss = await trainWithReport(train, { ...options, bestBy: 'loss', threads: 1 });
    expect(Buffer.from(byLoss.model.toBytes()).equals(Buffer.from(alone.model.toBytes()))).toBe(false);
    for (const r of [alone, side, byLoss]) r.model.dispose();
  }, 60_000);

  it.each([
    [{ bestBy: 'f1' }, /bestBy must be 'loss' or 'accuracy', got "f1"/],
    [{ bestBy: 'accuracy', checkpoint: { every: 10, save: () => {} } }, /bestBy 'accuracy' cannot go with checkpoints/],
  ])('refuses %o', async (options, message) => {
    await expect(trainWithReport(builtinSplit().train, { epochs: 1, ...(options as object) })).rejects.toThrow(message);
  });
});
