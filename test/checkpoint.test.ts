// Checkpoints and resuming: a run resumed from any of its checkpoints ends with the same model
// bytes as the run that never stopped; a checkpoint of another run, or a damaged one, is refused.
// The CLI side (kill -9 mid-run and mid-save, then --resume) is in test/trust-cli.test.ts.

import { describe, expect, it } from 'vitest';
import { builtinSplit } from '../src/data/corpus.js';
import { decodeModelFile, ModelFileError } from '../src/format/model-file.js';
import { decodeCheckpoint, type RunIdentity } from '../src/fit/checkpoint.js';
import { train, trainWithReport, type TrainOptions } from '../src/index.node.js';
import { CheckpointClock, parseCheckpointInterval, type CheckpointInterval } from '../src/fit/checkpoint-interval.js';

const { train: examples, dev } = builtinSplit();

/** Trains once, keeping every checkpoint; returns the final bytes and the checkpoints. */
async function runWithCheckpoints(
  options: TrainOptions,
  every: number,
): Promise<{ bytes: Uint8Array; checkpoints: Uint8Array[] }> {
  const checkpoints: Uint8Array[] = [];
  const model = await train(examples, {
    ...options,
    checkpoint: { every, save: (bytes) => void checkpoints.push(bytes.slice()) },
  });
  const bytes = model.toBytes();
  model.dispose();
  return { bytes, checkpoints };
}

function u8(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

const CASES: [string, TrainOptions][] = [
  ['two bag members, SGD, feature dropout', { epochs: 4, seed: 3 }],
  [
    'one bag member with Adam (sparse moments) and validation (early stopping keeps the best weights)',
    { epochs: 6, members: 1, optimizer: 'adam', lr: 0.05, validation: dev, patience: 2, seed: 5 },
  ],
  ['the mlp head (Adam on a hidden layer)', { arch: 'mlp', epochs: 3, dim: 16, hidden: [8], seed: 7 }],
  [
    'three members with validation and naive-Bayes start',
    { epochs: 3, dim: 48, members: 3, validation: 0.2, naiveBayesStart: 0.1, seed: 9 },
  ],
];

describe('resuming from a checkpoint', () => {
  it.each(CASES)(
    '%s: every checkpoint resumes to the same model bytes as the uninterrupted run',
    async (_, options) => {
      const { bytes, checkpoints } = await runWithCheckpoints(options, 7);
      expect(checkpoints.length).toBeGreaterThan(3);
      // The first, one in the middle (likely inside a later member or epoch) and the last.
      for (const k of [0, Math.floor(checkpoints.length / 2), checkpoints.length - 1]) {
        const resumed = await train(examples, { ...options, resume: checkpoints[k] });
        expect(equalBytes(resumed.toBytes(), bytes), `resumed from checkpoint ${k + 1} of ${checkpoints.length}`).toBe(
          true,
        );
        resumed.dispose();
      }
    },
  );

  it('a resumed run writes the same later checkpoints as the uninterrupted one', async () => {
    const options: TrainOptions = { epochs: 3, seed: 11 };
    const { checkpoints } = await runWithCheckpoints(options, 5);
    const later: Uint8Array[] = [];
    await train(examples, {
      ...options,
      resume: checkpoints[2],
      checkpoint: { every: 5, save: (b) => void later.push(b.slice()) },
    });
    expect(later.length).toBe(checkpoints.length - 3);
    // Equal state; the epoch reports inside differ only in their timings.
    later.forEach((b, i) => {
      const [got, want] = [decodeModelFile(b, 'resumed'), decodeModelFile(checkpoints[i + 3], 'whole')];
      expect(got.config.position, `checkpoint ${i + 4}`).toEqual(want.config.position);
      expect(Object.keys(got.sections)).toEqual(Object.keys(want.sections));
      for (const name of Object.keys(want.sections))
        expect(equalBytes(u8(got.sections[name]), u8(want.sections[name])), `checkpoint ${i + 4}, ${name}`).toBe(true);
    });
  });

  it("a checkpoint saved after the last batch of an epoch resumes at that epoch's end", async () => {
    // 64 examples in batches of 8: 8 steps an epoch, so a checkpoint every 8 steps falls on epoch ends.
    const small = [
      ...examples.filter((e) => e.label === 'positive').slice(0, 32),
      ...examples.filter((e) => e.label === 'negative').slice(0, 32),
    ];
    const options: TrainOptions = { epochs: 3, batch: 8, members: 1, validation: dev, seed: 2 };
    const checkpoints: Uint8Array[] = [];
    const whole = (
      await train(small, { ...options, checkpoint: { every: 8, save: (b) => void checkpoints.push(b.slice()) } })
    ).toBytes();
    expect(checkpoints.length).toBe(3);
    const resumed = await train(small, { ...options, resume: checkpoints[0] });
    expect(equalBytes(resumed.toBytes(), whole)).toBe(true);
  });
});

describe('a checkpoint that does not belong to the run is refused', () => {
  it.each<[string, TrainOptions, RegExp]>([
    ['another seed', { seed: 2 }, /was made with seed 1, and this run has seed 2/],
    ['another learning rate', { lr: 0.5 }, /was made with lr 2, and this run has lr 0.5/],
    ['another dimension', { dim: 32 }, /was made with dim 64, and this run has dim 32/],
  ])('%s', async (_, change, message) => {
    const base: TrainOptions = { epochs: 2, seed: 1 };
    const { checkpoints } = await runWithCheckpoints(base, 10);
    await expect(train(examples, { ...base, ...change, resume: checkpoints[0] })).rejects.toThrow(message);
  });

  it('other data', async () => {
    const { checkpoints } = await runWithCheckpoints({ epochs: 2, seed: 1 }, 10);
    await expect(train(examples.slice(1), { epochs: 2, seed: 1, resume: checkpoints[0] })).rejects.toThrow(
      /was made from other training or validation data/,
    );
  });

  it('a damaged checkpoint (one bit flipped) is refused as damaged, a model file as another kind', async () => {
    const { checkpoints, bytes } = await runWithCheckpoints({ epochs: 2, seed: 1 }, 10);
    const damaged = checkpoints[0].slice();
    damaged[damaged.length >> 1] ^= 0x10;
    await expect(train(examples, { epochs: 2, seed: 1, resume: damaged })).rejects.toThrow(ModelFileError);
    await expect(train(examples, { epochs: 2, seed: 1, resume: bytes })).rejects.toThrow(
      /not a sentiwasm training checkpoint/,
    );
  });
});

describe('training options that belong to trust', () => {
  it('threads: 1 is accepted with checkpoints; more threads are refused with them (such a run cannot be replayed)', async () => {
    const model = await train(examples, { epochs: 1, threads: 1, checkpoint: { every: 1000, save: () => {} } });
    model.dispose();
    await expect(
      train(examples, { epochs: 1, threads: 2, checkpoint: { every: 1000, save: () => {} } }),
    ).rejects.toThrow(/checkpoints need threads 1/);
  });
});

describe('the checkpoint interval', () => {
  it.each<[CheckpointInterval, { steps: number } | { seconds: number }]>([
    [200, { steps: 200 }],
    ['200', { steps: 200 }],
    ['30s', { seconds: 30 }],
    ['1.5s', { seconds: 1.5 }],
    ['5m', { seconds: 300 }],
    ['1h', { seconds: 3600 }],
    ['250ms', { seconds: 0.25 }],
    [{ seconds: 60 }, { seconds: 60 }],
    [{ steps: 7 }, { steps: 7 }],
  ])('%j is %j', (every, parsed) => {
    expect(parseCheckpointInterval(every)).toEqual(parsed);
  });

  it.each<unknown>([0, -5, 1.5, 'abc', '5x', '0s', '', { seconds: 0 }, { seconds: Infinity }, { minutes: 1 }, null])(
    '%j is refused, saying what is expected',
    (every) => {
      expect(() => parseCheckpointInterval(every as CheckpointInterval)).toThrow(
        /checkpoint\.every must be a number of steps \(e\.g\. 1000\) or a time such as "60s"/,
      );
    },
  );

  it('by steps, a checkpoint is due at every multiple of the steps; by time, once the time has passed since the last save', () => {
    const bySteps = new CheckpointClock(3);
    expect([1, 2, 3, 4, 5, 6].map((s) => bySteps.due(s))).toEqual([false, false, true, false, false, true]);
    let now = 1000;
    const byTime = new CheckpointClock('2s', () => now);
    expect(byTime.due(1)).toBe(false);
    now += 1999;
    expect(byTime.due(2)).toBe(false);
    now += 1;
    expect(byTime.due(3)).toBe(true);
    // Time counts from the end of the save, however long it took.
    now += 5000;
    byTime.saved();
    expect(byTime.due(4)).toBe(false);
    now += 2000;
    expect(byTime.due(5)).toBe(true);
  });

  it('the default is a minute: a short run saves no checkpoint; "1h" none either', async () => {
    for (const every of [undefined, '1h'] as const) {
      const saves: Uint8Array[] = [];
      const model = await train(examples, { epochs: 2, checkpoint: { every, save: (b) => void saves.push(b) } });
      model.dispose();
      expect(saves, `every ${every}`).toEqual([]);
    }
  });

  it('by time, checkpoints come fewer than the steps, and each resumes to the same model bytes', async () => {
    const options: TrainOptions = { epochs: 6, seed: 4 };
    const saves: Uint8Array[] = [];
    let steps = 0;
    const whole = await train(examples, {
      ...options,
      batchEvery: 1,
      onBatch: (info) => void (steps = info.step),
      checkpoint: { every: { seconds: 0.005 }, save: (b) => void saves.push(b.slice()) },
    });
    expect(saves.length).toBeGreaterThan(0);
    expect(saves.length).toBeLessThan(steps);
    const resumed = await train(examples, { ...options, resume: saves[saves.length >> 1] });
    expect(equalBytes(resumed.toBytes(), whole.toBytes())).toBe(true);
    resumed.dispose();
    whole.dispose();
  });
});

describe('the checkpoint after the run', () => {
  const run = async (extra: TrainOptions) => {
    let removed = 0;
    const model = await train(examples, {
      epochs: 3,
      ...extra,
      checkpoint: { every: 5, save: () => {}, remove: () => void removed++ },
    });
    model.dispose();
    return { removed };
  };

  it('is removed once a run has ended', async () => {
    expect((await run({})).removed).toBe(1);
  });

  it('is kept with keepCheckpoint', async () => {
    expect((await run({ keepCheckpoint: true })).removed).toBe(0);
  });

  it('is kept when the run was stopped, with one more checkpoint saved where it stopped', async () => {
    const controller = new AbortController();
    let saved = 0;
    const result = await trainWithReport(examples, {
      epochs: 50,
      batchEvery: 1,
      onBatch: (info) => {
        if (info.step === 12) controller.abort();
      },
      signal: controller.signal,
      checkpoint: { every: 5, save: () => void saved++, remove: () => expect.fail('removed after a stop') },
    });
    result.model.dispose();
    expect(result.stopped).toBe(true);
    // Steps 5 and 10 by the interval, then step 12 where the run stopped.
    expect(saved).toBe(3);
  });
});

describe('incremental checkpoints (save, then patches appended)', () => {
  /** Trains once with save and append as a file would see them; returns the final bytes and the file after each checkpoint. */
  async function runIncremental(options: TrainOptions, every: CheckpointInterval) {
    let file = new Uint8Array(0);
    const files: Uint8Array[] = [];
    const sizes = { whole: [] as number[], patch: [] as number[] };
    const model = await train(examples, {
      ...options,
      checkpoint: {
        every,
        save: (bytes) => {
          file = bytes.slice();
          files.push(file);
          sizes.whole.push(bytes.length);
        },
        append: (bytes) => {
          file = Buffer.concat([file, bytes]);
          files.push(file);
          sizes.patch.push(bytes.length);
        },
      },
    });
    const bytes = model.toBytes();
    model.dispose();
    return { bytes, files, sizes };
  }

  it.each(CASES)(
    '%s: the file at every checkpoint holds the state a whole checkpoint holds, and resumes to the same model bytes',
    async (_, options) => {
      const { bytes, files, sizes } = await runIncremental(options, 3);
      expect(sizes.patch.length).toBeGreaterThan(sizes.whole.length);
      const { checkpoints } = await runWithCheckpoints(options, 3);
      expect(files.length).toBe(checkpoints.length);
      const identity = decodeModelFile(checkpoints[0], 'whole').config.identity as unknown as RunIdentity;
      // About a dozen of them, the last included (each decoding reads the whole file).
      const stride = Math.ceil(files.length / 12);
      files.forEach((file, k) => {
        if (k % stride !== 0 && k !== files.length - 1) return;
        const [got, want] = [
          decodeCheckpoint(file, 'file', identity),
          decodeCheckpoint(checkpoints[k], 'whole', identity),
        ];
        expect(got.position, `checkpoint ${k + 1}`).toEqual(want.position);
        expect(got.optimizer.steps).toEqual(want.optimizer.steps);
        for (const key of ['order', 'shuffleRng', 'dropoutRng'] as const)
          expect(equalBytes(u8(got[key]), u8(want[key])), `checkpoint ${k + 1}, ${key}`).toBe(true);
        for (const group of ['weights', 'best', 'merged'] as const) {
          expect(Object.keys(got[group] ?? {})).toEqual(Object.keys(want[group] ?? {}));
          for (const [name, values] of Object.entries(want[group] ?? {}))
            expect(equalBytes(u8(got[group]![name]), u8(values)), `checkpoint ${k + 1}, ${group}.${name}`).toBe(true);
        }
        for (const [name, values] of Object.entries(want.optimizer.buffers))
          expect(
            equalBytes(u8(got.optimizer.buffers[name]), u8(values)),
            `checkpoint ${k + 1}, optimizer ${name}`,
          ).toBe(true);
      });
      for (const k of [0, 1, 2, files.length >> 2, files.length >> 1, files.length - 2, files.length - 1]) {
        const resumed = await train(examples, { ...options, resume: files[k] });
        expect(equalBytes(resumed.toBytes(), bytes), `resumed from checkpoint ${k + 1} of ${files.length}`).toBe(true);
        resumed.dispose();
      }
    },
  );

  it('a bag model patch holds only the rows the steps used: far smaller than a whole checkpoint', async () => {
    const { sizes } = await runIncremental({ epochs: 2, members: 1, seed: 3 }, 1);
    const median = [...sizes.patch].sort((a, b) => a - b)[sizes.patch.length >> 1];
    expect(median * 10).toBeLessThan(sizes.whole[0]);
    // A whole checkpoint comes again once the patches add up to one.
    expect(sizes.whole.length).toBeGreaterThan(1);
  });

  it('a patch cut off at the end (a kill while appending) is left out; a damaged patch before others is refused', async () => {
    const options: TrainOptions = { epochs: 2, seed: 6 };
    const { bytes, files } = await runIncremental(options, 2);
    // A file of a whole checkpoint and at least three patches, and the file one patch longer.
    const k = files.findIndex((f, i) => i > 3 && files[i + 1]?.length > f.length && f.length > files[i - 3].length);
    const [before, after] = [files[k], files[k + 1]];
    const cut = after.subarray(0, before.length + ((after.length - before.length) >> 1));
    const resumed = await train(examples, { ...options, resume: cut });
    expect(equalBytes(resumed.toBytes(), bytes)).toBe(true);
    resumed.dispose();
    const damaged = after.slice();
    damaged[before.length - 100] ^= 0x10;
    await expect(train(examples, { ...options, resume: damaged })).rejects.toThrow(/patch \d+.*damaged|damaged.*patch/);
  });
});
