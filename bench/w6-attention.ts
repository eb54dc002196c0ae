// W6 for the attention model: W5's model (bench/w5-sst2-attn.ts) trained for ONE epoch — enough
// to time prediction, which does not depend on how long the model trained — saved and loaded
// back (as a user's model is: the loaded model lays its activations out for prediction), then
// predictBatch on the 872 SST-2 dev sentences, repeated (sentences/s, median of 11 runs), and
// predict on one sentence at a time (latency, median over 5 rounds of the dev sentences); one
// thread. sentiwasm's figures include tokenising the texts and building the prediction objects.
// PyTorch (bench/peers/pytorch_w6_attn.py, one thread, eval mode, no_grad) runs the very same
// weights on the very same token ids in the same run, when /usr/bin/python3 imports torch.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextClassifier } from '../src/classifier/classifier.js';
import { trainWithReport } from '../src/train/train.js';
import { packedWeights } from './peers/model-weights.js';
import { hasTorch, PYTHON, runPythonPeer, type PeerUsage } from './peers/python.js';
import { progress, type BenchRecord } from './record.js';
import { readSst2 } from './sst2.js';
import { W5_OPTIONS } from './w5-sst2-attn.js';
import { timePrediction } from './w6-predict.js';

interface PeerResult {
  rates: Record<string, number>;
  latencyMs: number;
  accuracy: number;
  agreement: number;
  torch: string;
}

export async function benchW6Attention(peers = true): Promise<BenchRecord[]> {
  const [train, dev] = await Promise.all([readSst2('train'), readSst2('dev')]);
  const { model: trained } = await trainWithReport(train, { ...W5_OPTIONS, epochs: 1 });
  const bytes = trained.toBytes();
  trained.dispose();
  const model = await TextClassifier.fromBytes(bytes, 'w6-attention');
  const texts = dev.map((e) => e.text);
  // Validate before timing: the loaded model must classify dev.
  const accuracy = model.evaluate(dev).accuracy;
  if (!(accuracy > 0.7)) throw new Error(`W6 attention: the model scores only ${accuracy} on dev`);
  const { batched, latency } = timePrediction(model, texts);
  progress(
    `W6  attention (1 epoch, dev accuracy ${accuracy.toFixed(4)}): ${batched.perSecond.toFixed(0)} sentences/s in batches of ${texts.length}; one sentence ${(latency * 1000).toFixed(1)} µs (median)`,
  );
  const params = { arch: 'attention', epochs: 1 };
  const records: BenchRecord[] = [
    {
      workload: 'W6',
      system: 'sentiwasm',
      threads: 1,
      metric: 'sentences/s',
      value: batched.perSecond,
      params: { ...params, batch: texts.length },
    },
    {
      workload: 'W6',
      system: 'sentiwasm',
      threads: 1,
      metric: 'latency_ms',
      value: latency,
      params: { ...params, batch: 1 },
    },
  ];
  if (!peers) {
    model.dispose();
    return records;
  }
  if (!hasTorch()) {
    model.dispose();
    progress(`W6  (no PyTorch: ${PYTHON} cannot import torch; the attention model's peer is not measured)`);
    return records;
  }
  // The peer's inputs: the ids the model reads, its predictions, and its weights (the model
  // file's float sections, named as PyTorch's state_dict).
  const f = model.featurizer;
  const maxLen = W5_OPTIONS.maxLen!;
  const predicted = model.predictBatch(texts).map((p) => model.labels.indexOf(p.label));
  const { index, weights } = packedWeights(bytes);
  const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-w6a-'));
  const dataPath = join(dir, 'ids.json');
  const weightsPath = join(dir, 'weights.f32');
  writeFileSync(
    dataPath,
    JSON.stringify({
      rows: f.rowCount + 2,
      maxLen,
      dim: W5_OPTIONS.dim,
      heads: W5_OPTIONS.heads,
      ff: W5_OPTIONS.ff,
      classes: model.labels.length,
      dev: dev.map((e) => f.orderedIds(f.tokenize(e.text), maxLen)),
      devLabels: dev.map((e) => model.labels.indexOf(e.label)),
      sentiwasm: predicted,
      weights: index,
    }),
  );
  writeFileSync(weightsPath, new Uint8Array(weights.buffer));
  model.dispose();
  let peer: PeerResult & { usage: PeerUsage };
  try {
    peer = runPythonPeer<PeerResult>('pytorch_w6_attn.py', [dataPath, weightsPath]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // The same model must give the same classes (float rounding may flip a near-tie or two).
  if (!(peer.agreement > 0.99))
    throw new Error(`W6 attention: PyTorch agrees with sentiwasm on only ${(peer.agreement * 100).toFixed(1)}% of dev`);
  // Two PyTorch figures: its fastest batches of the sentences in the order given (as W6 passes
  // them to sentiwasm; padding to each batch's longest), and chunks of 64 after sorting by length
  // (little padding). sentiwasm packs texts without padding: the order does not change its work.
  const given = Object.entries(peer.rates)
    .filter(([k]) => !k.includes('by length'))
    .sort((a, b) => b[1] - a[1])[0];
  const sorted = Object.entries(peer.rates).find(([k]) => k.includes('by length'))!;
  progress(
    `W6  attention, PyTorch ${peer.torch}: sentences/s in batches of ${Object.entries(peer.rates)
      .map(([k, v]) => `${k}: ${v.toFixed(0)}`)
      .join(
        ', ',
      )}; one sentence ${(peer.latencyMs * 1000).toFixed(1)} µs (median); agrees with sentiwasm on ${(peer.agreement * 100).toFixed(1)}% of dev`,
  );
  progress(
    `W6  attention, sentiwasm / PyTorch: ${(batched.perSecond / given[1]).toFixed(2)}× sentences/s (PyTorch in the given order, chunks of ${given[0]}), ${(batched.perSecond / sorted[1]).toFixed(2)}× (PyTorch sorted by length); ${(peer.latencyMs / latency).toFixed(2)}× lower latency`,
  );
  records.push(
    {
      workload: 'W6',
      system: 'pytorch',
      threads: 1,
      metric: 'sentences/s',
      value: given[1],
      params: { ...params, batch: texts.length, chunk: Number(given[0]), order: 'given' },
      ...peer.usage,
    },
    {
      workload: 'W6',
      system: 'pytorch',
      threads: 1,
      metric: 'sentences/s',
      value: sorted[1],
      params: { ...params, batch: texts.length, chunk: 64, order: 'by length' },
      ...peer.usage,
    },
    {
      workload: 'W6',
      system: 'pytorch',
      threads: 1,
      metric: 'latency_ms',
      value: peer.latencyMs,
      params: { ...params, batch: 1 },
      ...peer.usage,
    },
  );
  return records;
}
