// W1: the tutorial network against PyTorch's numbers, and how long its 100 epochs take.

import { readFileSync } from 'node:fs';
import type { Runtime } from '../src/runtime/runtime.js';
import { runSeedExample } from '../src/nn/seed-example.js';
import { median, progress, type BenchRecord } from './record.js';

const REFERENCE = new URL('../test/fixtures/w1-reference.json', import.meta.url);

export async function benchW1(rt: Runtime): Promise<BenchRecord[]> {
  const reference = JSON.parse(readFileSync(REFERENCE, 'utf8'));
  const result = runSeedExample(rt, { init: reference.init });
  const worst = Math.max(
    ...result.losses.map((l, i) => Math.abs(l - reference.losses[i])),
    ...result.predictions.map((p, i) => Math.abs(p - reference.final_predictions[i])),
  );
  if (!(worst < 1e-6)) throw new Error(`W1: differs from PyTorch by ${worst}`);
  for (let e = 10; e <= 100; e += 10)
    progress(
      `W1  Epoch [${e}/100], Loss: ${result.losses[e - 1].toFixed(4)}  (PyTorch ${reference.losses[e - 1].toFixed(4)})`,
    );
  progress(
    `W1  predictions ${result.predictions.map((p) => p.toFixed(4)).join(', ')}; largest difference from PyTorch ${worst.toExponential(1)}`,
  );
  const times: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    runSeedExample(rt, { init: reference.init });
    times.push((performance.now() - t0) / 1000);
  }
  return [
    {
      workload: 'W1',
      system: 'sentiwasm',
      threads: 1,
      metric: 'seconds',
      value: median(times),
      params: { epochs: 100 },
    },
  ];
}
