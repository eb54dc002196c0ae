// W5: the attention model on SST-2 — token + learned position embeddings (dim 64, max length
// 64), one Transformer encoder layer (4 heads, feed-forward 128, layer norm), masked mean
// pooling, linear; Adam at a constant 1e-3, batches of 32, 3 epochs (dropout 0.1 as PyTorch's
// layer has by default; no clipping, no weight decay). Training examples/s and dev accuracy.
// PyTorch (bench/peers/pytorch_w5.py, one thread) trains the same model in the same run, on the
// very token ids sentiwasm's featurizer gives, when /usr/bin/python3 imports torch.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainWithReport, type TrainOptions } from '../src/train/train.js';
import { hasTorch, PYTHON, runPythonPeer, usageOf, type PeerUsage } from './peers/python.js';
import { median, progress, type BenchRecord } from './record.js';
import { readSst2 } from './sst2.js';

/** W5's model and schedule, as train() takes them. */
export const W5_OPTIONS: TrainOptions = {
  arch: 'attention',
  dim: 64,
  maxLen: 64,
  layers: 1,
  heads: 4,
  ff: 128,
  normFirst: false,
  pooling: 'mean',
  optimizer: 'adam',
  lr: 1e-3,
  schedule: 'constant',
  batch: 32,
  epochs: 3,
  dropout: 0.1,
  clipNorm: 0,
  patience: 0,
  calibrate: false,
  seed: 0,
};

interface PeerResult {
  examplesPerSecond: number;
  seconds: number;
  accuracy: number;
  torch: string;
}

export async function benchW5(runs = 3, peers = true): Promise<BenchRecord[]> {
  const [train, dev] = await Promise.all([readSst2('train'), readSst2('dev')]);
  const epochs = W5_OPTIONS.epochs as number;
  // 1 and 2 threads alternate, so that a change in the machine's load falls on both alike.
  const rates: Record<number, number[]> = { 1: [], 2: [] };
  const accuracies: Record<number, number[]> = { 1: [], 2: [] };
  let ids: string | undefined;
  for (let r = 0; r < runs; r++) {
    for (const threads of [1, 2]) {
      const { model, trainSeconds } = await trainWithReport(train, { ...W5_OPTIONS, seed: r, threads });
      // Validate before reporting: the trained model must classify dev.
      const accuracy = model.evaluate(dev).accuracy;
      if (!(accuracy > 0.6)) throw new Error(`W5: the model scores only ${accuracy} on dev`);
      const rate = (epochs * train.length) / trainSeconds;
      progress(
        `W5  run ${r + 1}, ${threads} thread${threads > 1 ? 's' : ''}: ${trainSeconds.toFixed(1)} s training, ${rate.toFixed(0)} examples/s, dev accuracy ${accuracy.toFixed(4)}`,
      );
      rates[threads].push(rate);
      accuracies[threads].push(accuracy);
      if (!ids) {
        // The token ids the model read, for the peer: the same vocabulary and truncation.
        const f = model.featurizer;
        const seq = (texts: { text: string }[]) =>
          texts.map((e) => f.orderedIds(f.tokenize(e.text), W5_OPTIONS.maxLen!));
        const labelOf = (e: { label: string }) => model.labels.indexOf(e.label);
        const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-w5-'));
        ids = join(dir, 'ids.json');
        writeFileSync(
          ids,
          JSON.stringify({
            rows: model.featurizer.rowCount + 2,
            maxLen: W5_OPTIONS.maxLen,
            classes: model.labels.length,
            train: seq(train),
            trainLabels: train.map(labelOf),
            dev: seq(dev),
            devLabels: dev.map(labelOf),
          }),
        );
      }
      model.dispose();
    }
  }
  const params = { epochs, arch: 'attention', batch: 32 };
  const records: BenchRecord[] = [1, 2].flatMap((threads) => [
    { workload: 'W5', system: 'sentiwasm', threads, metric: 'examples/s', value: median(rates[threads]), params },
    { workload: 'W5', system: 'sentiwasm', threads, metric: 'accuracy', value: median(accuracies[threads]), params },
  ]);
  const pairs = rates[2].map((rate, r) => rate / rates[1][r]);
  progress(
    `W5  2 threads / 1 thread, examples/s, run by run: ${pairs.map((x) => `${x.toFixed(2)}×`).join(', ')} (median ${median(pairs).toFixed(2)}×)`,
  );
  if (!peers || !ids) return records;
  if (!hasTorch()) {
    progress(`W5  (no PyTorch: ${PYTHON} cannot import torch; the peer is not measured)`);
    return records;
  }
  for (const dense of [false, true]) {
    const results: (PeerResult & { usage: PeerUsage })[] = [];
    for (let r = 0; r < runs; r++) {
      const result = runPythonPeer<PeerResult>('pytorch_w5.py', [
        ids,
        '--seed',
        String(r),
        ...(dense ? ['--dense-adam'] : []),
      ]);
      progress(
        `W5  PyTorch ${result.torch}${dense ? ' (dense Adam)' : ''} run ${r + 1}: ${result.seconds.toFixed(1)} s training, ${result.examplesPerSecond.toFixed(0)} examples/s, dev accuracy ${result.accuracy.toFixed(4)}`,
      );
      results.push(result);
    }
    const peerParams = { ...params, ...(dense ? { optimizer: 'dense-adam' } : {}) };
    records.push(
      {
        workload: 'W5',
        system: 'pytorch',
        threads: 1,
        metric: 'examples/s',
        value: median(results.map((x) => x.examplesPerSecond)),
        params: peerParams,
        ...usageOf(results),
      },
      {
        workload: 'W5',
        system: 'pytorch',
        threads: 1,
        metric: 'accuracy',
        value: median(results.map((x) => x.accuracy)),
        params: peerParams,
        ...usageOf(results),
      },
    );
  }
  // Against the faster of PyTorch's two optimiser arrangements.
  const best = Math.max(
    ...records.filter((x) => x.system === 'pytorch' && x.metric === 'examples/s').map((x) => x.value),
  );
  progress(
    `W5  sentiwasm / PyTorch (the faster of its two), examples/s: 1 thread ${(median(rates[1]) / best).toFixed(2)}×, 2 threads ${(median(rates[2]) / best).toFixed(2)}×`,
  );
  return records;
}
