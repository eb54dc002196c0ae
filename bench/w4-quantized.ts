// W4's model saved quantized (`toBytes({ quantize })`, `sentiwasm quantize`): its bytes and its
// dev accuracy once loaded back, at 8 and 4 bits, beside the float file's (params.quantize).

import { readFileSync } from 'node:fs';
import { TextClassifier } from '../src/train/classifier.js';
import type { QuantizeBits } from '../src/train/quantize.js';
import { progress, type BenchRecord } from './record.js';
import { readSst2, SST2_DEV } from './sst2.js';

export async function benchW4Quantized(modelPath: string): Promise<BenchRecord[]> {
  const dev = await readSst2(SST2_DEV);
  const plain = readFileSync(modelPath);
  const model = await TextClassifier.fromBytes(plain, modelPath);
  const floatAccuracy = model.evaluate(dev).accuracy;
  const records: BenchRecord[] = [];
  for (const bits of [8, 4] as QuantizeBits[]) {
    const bytes = model.toBytes({ quantize: bits });
    const loaded = await TextClassifier.fromBytes(bytes, `${modelPath} (${bits}-bit)`);
    const accuracy = loaded.evaluate(dev).accuracy;
    loaded.dispose();
    progress(`W4  quantized to ${bits} bits: ${(bytes.length / 1e6).toFixed(2)} MB (${((100 * bytes.length) / plain.length).toFixed(1)}% of ${(plain.length / 1e6).toFixed(2)} MB), dev accuracy ${accuracy.toFixed(4)} (float ${floatAccuracy.toFixed(4)})`);
    const params = { epochs: 5, arch: 'bag', quantize: bits };
    records.push(
      { workload: 'W4', system: 'sentiwasm', threads: 1, metric: 'model_bytes', value: bytes.length, params },
      { workload: 'W4', system: 'sentiwasm', threads: 1, metric: 'accuracy', value: accuracy, params },
    );
  }
  model.dispose();
  return records;
}
