// Training on several threads over one shared memory: the host's plan gives each thread its own
// region and shares the weights; Hogwild training on two threads learns as well as one; one
// thread stays byte-for-byte what it was.

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BagModel } from '../src/models/bag-model.js';
import { Runtime, type MemoryBlock } from '../src/runtime/runtime.js';
import {
  PredictionThreads,
  readExamplesFromFile,
  train,
  TrainingDivergedError,
  trainWithReport,
  type LabelledText,
  type TextClassifier,
} from '../src/index.node.js';
import { TrainingStep } from '../src/fit/step.js';
import { nodeThreadStarter } from '../src/parallel/thread-starter.node.js';
import { availableCores, setThreadStarter } from '../src/runtime/cores.js';
import { globalStep, isSharedBlock, planThreads, shareOf } from '../src/parallel/threads.js';
import { autoThreads } from '../src/fit/options.js';
import { autoPredictionThreads } from '../src/parallel/prediction-threads.js';
import { corpus } from './corpora.js';
import { cli } from './helpers.js';

const SST2_TRAIN = corpus('sst2');
const SST2_DEV = corpus('sst2:dev');
const NO_SST2 = !SST2_TRAIN || !SST2_DEV;
/** SST-2's examples, for the tests that read it (skipped without it). */
const readSst2 = async (file: string | undefined) =>
  (await readExamplesFromFile(file!).collect()).examples.map(({ text, label }) => ({ text, label }));
const shape = { rows: 5000, dim: 32, hidden: [], classes: 2 };
const layout = { maxBatch: 8, maxIds: 8 * 64, optimizer: 'sgd' as const, seed: 3 };

/** A bag model and its training step laid out in a shared memory, as training lays them out. */
async function hostModel(): Promise<BagModel> {
  const rt = await Runtime.create({ shared: true });
  const model = BagModel.create(rt, shape, layout);
  new TrainingStep(model, { optimizer: 'sgd', lr: 1, weightDecay: 0, classWeights: false });
  return model;
}

/** Byte-for-byte equality of two model files (toEqual walks a typed array element by element, slowly). */
const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const end = (b: MemoryBlock) => b.offset + b.bytes;
const overlap = (a: MemoryBlock, b: MemoryBlock) => a.offset < end(b) && b.offset < end(a);

describe('the memory plan for threads', () => {
  it("gives each thread its own scratch and buffers, disjoint from the host's and each other's, and the host's weights in place", async () => {
    const host = await hostModel();
    const hostPrivate = host.runtime.plan().filter((b) => !isSharedBlock(b.name));
    const layouts = planThreads(host, 2);
    const threads = await Promise.all(
      layouts.map((l) => Runtime.forThread(host.runtime.memory as WebAssembly.Memory, host.runtime.module!, l)),
    );
    const weightsBefore = host.embedding.values().slice();
    const copies = threads.map((rt) => {
      const model = BagModel.create(rt, shape, { ...layout, initialise: false });
      new TrainingStep(model, { optimizer: 'sgd', lr: 1, weightDecay: 0, classWeights: false });
      return model;
    });
    // Building a thread's copy neither zeroes nor reinitialises the weights it shares.
    expect(copies[0].embedding.values()).toEqual(weightsBefore);
    expect(copies.map((m) => m.embedding.table)).toEqual([host.embedding.table, host.embedding.table]);
    expect(copies.map((m) => m.head.parameters.ptr)).toEqual([host.head.parameters.ptr, host.head.parameters.ptr]);

    const scratch = [host.runtime.matmulScratch, ...threads.map((rt) => rt.matmulScratch)];
    expect(new Set(scratch).size).toBe(3);
    const owned = threads.map((rt) => rt.plan().filter((b) => !isSharedBlock(b.name)));
    for (const [t, blocks] of owned.entries()) {
      const { offset, bytes } = layouts[t].region;
      expect(blocks.map((b) => b.name)).toEqual(hostPrivate.map((b) => b.name));
      for (const b of blocks) {
        expect(b.offset >= offset && end(b) <= offset + bytes, `${b.name} of thread ${t + 1} inside its region`).toBe(
          true,
        );
        for (const h of host.runtime.plan().filter((x) => !x.name.startsWith('thread')))
          expect(overlap(b, h), `${b.name} against the host's ${h.name}`).toBe(false);
      }
    }
    for (const a of owned[0])
      for (const b of owned[1]) expect(overlap(a, b), `${a.name} against ${b.name}`).toBe(false);
  });

  it("refuses a thread's model that asks for more than its region, or a shared block of another size", async () => {
    const host = await hostModel();
    const [l] = planThreads(host, 1);
    const memory = host.runtime.memory as WebAssembly.Memory;
    const small = await Runtime.forThread(memory, host.runtime.module!, {
      ...l,
      region: { offset: l.region.offset, bytes: 60_000 },
    });
    expect(() => BagModel.create(small, shape, { ...layout, initialise: false })).toThrow(
      /a thread's region ends at byte \d+, too soon for "[A-Za-z.]+"/,
    );
    const other = await Runtime.forThread(memory, host.runtime.module!, l);
    expect(() => BagModel.create(other, { ...shape, rows: 4000 }, { ...layout, initialise: false })).toThrow(
      /a thread laid out "embedding.table" as 512000 bytes, but the host's block has 640000/,
    );
  });

  it('a runtime without shared memory cannot plan threads', async () => {
    const model = BagModel.create(await Runtime.create(), shape, layout);
    expect(() => planThreads(model, 2)).toThrow(/threads need a runtime over shared memory/);
  });
});

describe('an epoch shared among threads', () => {
  it.each([
    [
      20,
      2,
      4,
      [
        [0, 8],
        [8, 20],
      ],
    ],
    [
      20,
      3,
      4,
      [
        [0, 4],
        [4, 12],
        [12, 20],
      ],
    ],
    [
      5,
      2,
      8,
      [
        [0, 0],
        [0, 5],
      ],
    ],
  ])('%i examples on %i threads in batches of %i: whole batches, in order, none twice', (n, threads, batch, want) => {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    const shares = Array.from({ length: threads }, (_, t) => Array.from(shareOf(order, t, threads, batch)));
    expect(shares.map((s) => (s.length ? [s[0], s.at(-1)! + 1] : [0, 0]))).toEqual(want);
    expect(shares.flat()).toEqual(Array.from(order));
  });

  it("the schedule sees each thread's steps as interleaved with the others'", () => {
    expect([0, 1, 2].map((s) => globalStep(1, s, 0, 2, 10))).toEqual([0, 2, 4]);
    expect([0, 1, 2].map((s) => globalStep(2, s, 1, 2, 10))).toEqual([11, 13, 15]);
    expect(globalStep(1, 9, 1, 2, 10)).toBe(9);
  });
});

describe("threads: 'auto'", () => {
  /** Runs `check` as if the machine had `cores` cores. */
  function withCores(cores: number, check: () => void): void {
    setThreadStarter({ start: () => nodeThreadStarter.start(), cores: () => cores });
    try {
      check();
    } finally {
      setThreadStarter(nodeThreadStarter);
    }
  }

  it("takes the cores there are, up to 4, one per 2,000 examples, where that keeps one thread's bytes or the model gains", () => {
    withCores(8, () => {
      expect(availableCores()).toBe(8);
      // The attention model trains data-parallel: the cores, up to 4, and no more than the data has thousands of examples over two.
      expect(autoThreads('attention', {}, 100_000)).toBe(4);
      expect(autoThreads('attention', {}, 5_000)).toBe(2);
      expect(autoThreads('attention', {}, 1_999)).toBe(1);
      // A bag of several members: one thread a member (the bytes of one thread).
      expect(autoThreads('bag', {}, 100_000)).toBe(2);
      expect(autoThreads('bag', { dim: 128 }, 100_000)).toBe(4);
      // Hogwild is not reproducible, and the mlp model's steps are too short to split: one thread unless asked.
      expect(autoThreads('bag', { members: 1 }, 100_000)).toBe(1);
      expect(autoThreads('mlp', {}, 100_000)).toBe(1);
      // Checkpoints need one thread.
      expect(autoThreads('attention', { checkpoint: { every: 10, save: () => {} } }, 100_000)).toBe(1);
      expect(autoPredictionThreads(100_000)).toBe(4);
      expect(autoPredictionThreads(30_000)).toBe(1);
    });
    withCores(1, () => expect(autoThreads('attention', {}, 100_000)).toBe(1));
  });

  it.skipIf(NO_SST2)(
    'is what train() uses unless told, and TrainResult says how many ran',
    async () => {
      const sst2 = (await readSst2(SST2_TRAIN)).slice(0, 4000);
      const report = await trainWithReport(sst2, { epochs: 1, dim: 32, members: 2 });
      expect(report.threads).toBe(Math.min(2, availableCores()));
      // Side by side, the members' bytes are one thread's.
      expect(
        sameBytes(
          report.model.toBytes(),
          (await train(sst2, { epochs: 1, dim: 32, members: 2, threads: 1 })).toBytes(),
        ),
      ).toBe(true);
    },
    60_000,
  );
});

describe.skipIf(NO_SST2)('training on threads', () => {
  let sst2: LabelledText[];
  let dev: LabelledText[];
  beforeAll(async () => {
    sst2 = (await readSst2(SST2_TRAIN)).slice(0, 12_000);
    dev = await readSst2(SST2_DEV);
  });

  it('Hogwild on 2 threads learns an SST-2 slice as well as 1 thread (dev accuracy within 3 points)', async () => {
    const options = {
      dim: 32,
      members: 1,
      wordNgrams: 2,
      buckets: 200_000,
      epochs: 5,
      seed: 1,
      validation: 0.1,
      patience: 0,
      // Without the end-of-text word: a row that every example updates is the one Hogwild's
      // threads contend for most, and on this slice the first epoch's held-out accuracy then
      // varies from run to run (0.50 to 0.65 seen), recovering by the second (0.81).
      endOfText: false,
    };
    const one = await trainWithReport(sst2, { ...options, threads: 1 });
    const two = await trainWithReport(sst2, { ...options, threads: 2 });
    const a1 = one.model.evaluate(dev).accuracy;
    const a2 = two.model.evaluate(dev).accuracy;
    expect(a1).toBeGreaterThan(0.72);
    expect(Math.abs(a2 - a1), `1 thread ${a1}, 2 threads ${a2}`).toBeLessThan(0.03);
    // Every epoch was trained, validated on the host between epochs, and reported.
    expect(two.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(two.epochs.every((e) => e.validAccuracy! > 0.6)).toBe(true);
    expect(two.epochs.at(-1)!.trainLoss).toBeLessThan(two.epochs[0].trainLoss);
  }, 120_000);

  it('a bag model of 2 members trains them side by side on 2 threads, to the very bytes of 1 thread', async () => {
    const options = { dim: 32, members: 2, wordNgrams: 2, buckets: 50_000, epochs: 3, seed: 4, validation: 0.1 };
    const data = sst2.slice(0, 4000);
    const one = await trainWithReport(data, { ...options, threads: 1 });
    const heard: number[] = [];
    const two = await trainWithReport(data, { ...options, threads: 2, onEpoch: (r) => heard.push(r.member!) });
    expect(sameBytes(two.model.toBytes(), one.model.toBytes())).toBe(true);
    // The reports come back in member order, as one thread gives them; onEpoch heard all six as they came.
    expect(two.epochs.map((e) => [e.member, e.epoch, e.validLoss])).toEqual(
      one.epochs.map((e) => [e.member, e.epoch, e.validLoss]),
    );
    expect(heard.sort()).toEqual([1, 1, 1, 2, 2, 2]);
  }, 60_000);

  it('a member that diverges on a thread stops the run with TrainingDivergedError', async () => {
    const error = await train(sst2.slice(0, 500), { dim: 32, members: 2, epochs: 2, lr: 1e30, threads: 2 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect((error as Error).message).toMatch(/^training diverged at member [12], epoch 1, step \d+/);
  }, 60_000);

  it('counts every step for onBatch, as one thread does', async () => {
    const steps: number[] = [];
    const options = { dim: 16, members: 1, epochs: 2, batch: 8, batchEvery: 50, seed: 2 };
    await train(sst2.slice(0, 2000), { ...options, threads: 2, onBatch: (b) => steps.push(b.step) });
    expect(steps.length).toBeGreaterThan(3);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(steps.at(-1)).toBeLessThanOrEqual(500);
  }, 60_000);

  it('where threads cannot start (a browser page without cross-origin isolation), trains on one thread and says so', async () => {
    const options = { dim: 16, epochs: 2, seed: 6 };
    const data = sst2.slice(0, 1000);
    const warnings: string[] = [];
    setThreadStarter(undefined);
    try {
      const bytes = (await train(data, { ...options, threads: 2, onWarning: (w) => warnings.push(w) })).toBytes();
      expect(sameBytes(bytes, (await train(data, options)).toBytes())).toBe(true);
    } finally {
      setThreadStarter(nodeThreadStarter);
    }
    expect(warnings).toEqual([
      expect.stringMatching(
        /^threads: this environment cannot start threads .*cross-origin isolated.*; training on one thread$/,
      ),
    ]);
  }, 60_000);

  it('threads: 1 gives the same bytes as before threads existed', async () => {
    // endOfText off: the defaults before the end-of-text word was on, whose bytes are pinned below.
    const options = { dim: 32, epochs: 3, seed: 5, buckets: 50_000, endOfText: false };
    const data = sst2.slice(0, 3000);
    const one = (await train(data, { ...options, threads: 1 })).toBytes();
    expect(sameBytes(one, (await train(data, options)).toBytes())).toBe(true);
    // Recorded from the single-thread code before threads were added (two members of 16 columns);
    // re-recorded when the shipped builds moved to shrinkLevel 1 (asconfig.json), whose Math without
    // lookup tables rounds a few results differently (the earlier build still gives 89f0005e…).
    expect(createHash('sha256').update(one).digest('hex')).toBe(PINNED_SHA256);
  }, 60_000);

  it.each([
    [{ threads: 0 }, /threads must be a positive integer/],
    [{ threads: 2, checkpoint: { every: 10, save: () => {} } }, /checkpoints need threads 1/],
  ])('refuses %o with a clear message', async (options, message) => {
    await expect(train(sst2.slice(0, 50), { epochs: 1, ...options })).rejects.toThrow(message);
  });

  it('sentiwasm train --threads 2 trains a model that predicts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-threads-'));
    const out = join(dir, 'model.bin');
    const data = join(dir, 'train.tsv');
    writeFileSync(data, readFileSync(SST2_TRAIN!, 'utf8').split('\n').slice(0, 5001).join('\n'));
    const { code, stdout, stderr } = await cli([
      'train',
      data,
      '--out',
      out,
      '--threads',
      '2',
      '--epochs',
      '2',
      '--buckets',
      '100000',
      '--json',
      '--no-progress',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ examples: 5000, epochs: 2, threads: 2 });
    const { stdout: predicted } = await cli(['predict', out, 'a wonderful , moving film']);
    expect(predicted).toMatch(/\b1\b/);
  }, 120_000);
});

describe.skipIf(NO_SST2)('prediction on threads', () => {
  let model: TextClassifier;
  let texts: string[];
  let dev: LabelledText[];
  beforeAll(async () => {
    model = await train((await readSst2(SST2_TRAIN)).slice(0, 3000), { dim: 16, epochs: 2, seed: 9 });
    dev = await readSst2(SST2_DEV);
    texts = [...dev.map((e) => e.text), ...dev.map((e) => `${e.text} !`)];
  });

  it('predicts on 2 threads exactly what 1 thread predicts, in the same order', async () => {
    const threads = await PredictionThreads.start(model, 2);
    try {
      expect(threads.threads).toBe(2);
      expect(await threads.predictBatch(texts)).toEqual(model.predictBatch(texts));
      expect(await threads.evaluate(dev)).toEqual(model.evaluate(dev));
      // A batch too small to share is predicted on the calling thread, with the same result.
      expect(await threads.predictBatch(texts.slice(0, 3))).toEqual(model.predictBatch(texts.slice(0, 3)));
    } finally {
      await threads.close();
    }
  }, 60_000);

  it('sentiwasm predict --threads 2 prints what --threads 1 prints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-threads-'));
    const file = join(dir, 'model.bin');
    writeFileSync(file, model.toBytes());
    const input = join(dir, 'texts.txt');
    writeFileSync(input, `${texts.join('\n')}\n`);
    const one = await cli(['predict', file, '--input', input]);
    const two = await cli(['predict', file, '--input', input, '--threads', '2']);
    expect(two.stderr).toBe('');
    expect(two.stdout.split('\n').length).toBe(texts.length + 1);
    expect(two.stdout).toBe(one.stdout);
  }, 60_000);
});

describe('the package', () => {
  it('ships the threads builds', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { files: string[] };
    expect(pkg.files).toEqual(
      expect.arrayContaining(['build/sentiwasm-threads.wasm', 'build/sentiwasm-fma-threads.wasm']),
    );
  });
});

const PINNED_SHA256 = '969a5ad89036c80ba9f0cd8ffe3ecc8303193688f0702e37cb5037f46912fba8';
