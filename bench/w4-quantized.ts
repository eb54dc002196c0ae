// W4's model saved quantized (`toBytes({ quantize })`, `sentiwasm quantize`): its bytes and its
// dev accuracy once loaded back, at 8 and 4 bits, beside the float file's (params.quantize); and
// how long loading each file takes (median of LOADS, scope "load"), since a quantized file's
// packed sections are decoded on load.

import { readFileSync } from 'node:fs';
import { TextClassifier } from '../src/classifier/classifier.js';
import type { QuantizeBits } from '../src/model-file/quantize.js';
import { median, progress, type BenchRecord } from './record.js';
import { readSst2 } from './sst2.js';

/** Loads timed per file. */
const LOADS = 5;

/** Median seconds `TextClassifier.fromBytes` takes on these bytes. */
async function loadSeconds(bytes: Uint8Array, name: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const start = performance.now();
    const model = await TextClassifier.fromBytes(bytes, name);
    times.push((performance.now() - start) / 1000);
    model.dispose();
  }
  return median(times);
}

export async function benchW4Quantized(modelPath: string): Promise<BenchRecord[]> {
  const dev = await readSst2('dev');
  const plain = readFileSync(modelPath);
  const model = await TextClassifier.fromBytes(plain, modelPath);
  const floatAccuracy = model.evaluate(dev).accuracy;
  const floatLoad = await loadSeconds(plain, modelPath);
  const params = { epochs: 5, arch: 'bag' };
  const records: BenchRecord[] = [
    {
      workload: 'W4',
      system: 'sentiwasm',
      threads: 1,
      metric: 'seconds',
      value: floatLoad,
      params: { ...params, scope: 'load' },
    },
  ];
  for (const bits of [8, 4] as QuantizeBits[]) {
    const bytes = model.toBytes({ quantize: bits });
    const name = `${modelPath} (${bits}-bit)`;
    const loaded = await TextClassifier.fromBytes(bytes, name);
    const accuracy = loaded.evaluate(dev).accuracy;
    loaded.dispose();
    const load = await loadSeconds(bytes, name);
    progress(
      `W4  quantized to ${bits} bits: ${(bytes.length / 1e6).toFixed(2)} MB (${((100 * bytes.length) / plain.length).toFixed(1)}% of ${(plain.length / 1e6).toFixed(2)} MB), dev accuracy ${accuracy.toFixed(4)} (float ${floatAccuracy.toFixed(4)}), loads in ${(1000 * load).toFixed(0)} ms (float ${(1000 * floatLoad).toFixed(0)} ms)`,
    );
    const quantized = { ...params, quantize: bits };
    records.push(
      {
        workload: 'W4',
        system: 'sentiwasm',
        threads: 1,
        metric: 'model_bytes',
        value: bytes.length,
        params: quantized,
      },
      { workload: 'W4', system: 'sentiwasm', threads: 1, metric: 'accuracy', value: accuracy, params: quantized },
      {
        workload: 'W4',
        system: 'sentiwasm',
        threads: 1,
        metric: 'seconds',
        value: load,
        params: { ...quantized, scope: 'load' },
      },
    );
  }
  model.dispose();
  return records;
}
