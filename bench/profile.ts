// V8's CPU profile of one workload's hot part: `npx tsx bench/profile.ts W3|W4|W5|W6 [DIR]` writes
// DIR/W…cpuprofile (DIR defaults to the working folder; `npx tsx bench/profile-summary.ts FILE`
// prints where the time went). Only the hot part is profiled (through node:inspector), not the
// reading of the data: W3 steps the MLP for 8 s; W4 trains W4's model (5 epochs, reading and
// featurizing the texts included, as W4 times them); W5 trains W5's model for one epoch; W6
// predicts the dev sentences in batches for 8 s with a W4 model (W6-bag) and with a one-epoch W5
// model (W6-attention). bench/README.md reads the profiles.

import '../src/index.node.js';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { ReLU, Sigmoid } from '../src/nn/activations.js';
import { Trainer } from '../src/nn/fit.js';
import { Linear } from '../src/nn/linear.js';
import { BCELoss } from '../src/nn/losses.js';
import { SGD } from '../src/nn/optimizers.js';
import { Random } from '../src/nn/random.js';
import { Sequential } from '../src/nn/sequential.js';
import { Runtime } from '../src/runtime/runtime.js';
import { trainWithReport } from '../src/train/train.js';
import { readSst2 } from './sst2.js';
import { W4_OPTIONS } from './w4-sentences.js';
import { W5_OPTIONS } from './w5-sst2-attn.js';

const SECONDS = 8;
const outDir = process.argv[3] ?? '.';

/** Runs `work` under V8's sampling profiler and writes OUTDIR/NAME.cpuprofile. */
async function profiled<T>(name: string, work: () => Promise<T> | T): Promise<T> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const result = await work();
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  writeFileSync(join(outDir, `${name}.cpuprofile`), JSON.stringify(profile));
  return result;
}

function forSeconds(work: () => void): number {
  let calls = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) {
    work();
    calls++;
  }
  return calls;
}

const workload = process.argv[2]?.toUpperCase();
if (workload === 'W3') {
  const rng = new Random(3);
  const x = Float32Array.from({ length: 128 * 512 }, () => rng.uniform(-1, 1));
  const y = Float32Array.from({ length: 128 }, () => (rng.next() < 0.5 ? 0 : 1));
  const model = new Sequential([
    new Linear(512, 256),
    new ReLU(),
    new Linear(256, 256),
    new ReLU(),
    new Linear(256, 1),
    new Sigmoid(),
  ]);
  model.build(await Runtime.create(), { inFeatures: 512, maxBatch: 128, seed: 1 });
  const trainer = new Trainer(model, { loss: new BCELoss(), optimizer: new SGD({ lr: 0.01 }) });
  process.stderr.write(`W3: ${await profiled('W3', () => forSeconds(() => trainer.step(x, y, 128)))} steps\n`);
} else if (workload === 'W4' || workload === 'W5') {
  const train = await readSst2('train');
  // One thread: a profile is of the calling thread (with threads, the work would run in workers).
  const options = workload === 'W4' ? { ...W4_OPTIONS, seed: 0, threads: 1 } : { ...W5_OPTIONS, epochs: 1, threads: 1 };
  const { trainSeconds } = await profiled(workload, () => trainWithReport(train, options));
  process.stderr.write(`${workload}: ${trainSeconds.toFixed(2)} s training\n`);
} else if (workload === 'W6') {
  const [train, dev] = await Promise.all([readSst2('train'), readSst2('dev')]);
  const texts = dev.map((e) => e.text);
  for (const options of [
    { ...W4_OPTIONS, seed: 0 },
    { ...W5_OPTIONS, epochs: 1 },
  ]) {
    const { model } = await trainWithReport(train, options);
    process.stderr.write(
      `W6 ${options.arch}: ${await profiled(`W6-${options.arch}`, () => forSeconds(() => model.predictBatch(texts)))} batches of ${texts.length}\n`,
    );
    model.dispose();
  }
} else {
  process.stderr.write('usage: npx tsx bench/profile.ts W3|W4|W5|W6 [DIR]\n');
  process.exit(2);
}
