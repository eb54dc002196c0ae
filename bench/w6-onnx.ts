// W6 on ONNX Runtime: the models W6 times in sentiwasm (W4's bag model, and W5's attention model
// trained for one epoch with the same options and seed, hence the same weights) exported with
// toOnnx and run in onnxruntime-node on one thread (intraOpNumThreads 1, interOpNumThreads 1,
// sequential execution), on the 872 SST-2 dev sentences in the given order.
//
// Three figures per model: sentences/s with the texts featurized by sentiwasm's featurizer and
// padded per chunk (what a server does, and what sentiwasm's W6 figure includes: tokenising), at
// the fastest of several chunk sizes; sentences/s of the graph alone on ids made beforehand; and
// the median latency of one sentence, featurizing included. Before timing, ONNX Runtime's
// probabilities are checked against sentiwasm's (within 1e-5 on every dev sentence). The ratio to
// sentiwasm's W6 figure of the same run is printed.

import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { onnxBatch, onnxFeatureIds } from '../src/export/inputs.js';
import { toOnnx } from '../src/export/to-onnx.js';
import { TextClassifier } from '../src/classifier/classifier.js';
import { trainWithReport } from '../src/train/train.js';
import { asyncThroughput, median, progress, type BenchRecord } from './record.js';
import { readSst2 } from './sst2.js';
import { W5_OPTIONS } from './w5-sst2-attn.js';

const CHUNKS = [32, 64, 128, 872];

async function run(session: ort.InferenceSession, lists: number[][]): Promise<Float32Array> {
  const { ids, mask, dims } = onnxBatch(lists);
  const out = await session.run({
    ids: new ort.Tensor('int64', ids, dims),
    mask: new ort.Tensor('float32', mask, dims),
  });
  return out.probabilities.data as Float32Array;
}

async function timeModel(
  model: TextClassifier<string>,
  arch: string,
  texts: string[],
  sentiwasm: BenchRecord[],
): Promise<BenchRecord[]> {
  const idsOf = (text: string) => onnxFeatureIds(model, text);
  const session = await ort.InferenceSession.create(await toOnnx(model), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  // Validate before timing: the exported graph must give sentiwasm's probabilities.
  const lists = texts.map(idsOf);
  const want = model.predictBatch(texts);
  const C = model.labels.length;
  let worst = 0;
  for (let start = 0; start < texts.length; start += 64) {
    const got = await run(session, lists.slice(start, start + 64));
    for (let i = 0; i < got.length / C; i++)
      model.labels.forEach(
        (l, c) => (worst = Math.max(worst, Math.abs(got[i * C + c] - want[start + i].probabilities[l]))),
      );
  }
  if (!(worst < 1e-5))
    throw new Error(`W6 ONNX ${arch}: ONNX Runtime's probabilities differ from sentiwasm's by up to ${worst}`);

  const chunked = (work: (from: number, to: number) => Promise<unknown>, chunk: number) => async () => {
    for (let start = 0; start < texts.length; start += chunk) await work(start, Math.min(texts.length, start + chunk));
  };
  let best = { chunk: 0, rate: 0 };
  for (const chunk of CHUNKS) {
    const rate = (
      await asyncThroughput(
        chunked((from, to) => run(session, texts.slice(from, to).map(idsOf)), chunk),
        texts.length,
        { runs: 7, minMs: 300 },
      )
    ).perSecond;
    if (rate > best.rate) best = { chunk, rate };
  }
  const graphOnly = (
    await asyncThroughput(
      chunked((from, to) => run(session, lists.slice(from, to)), best.chunk),
      texts.length,
      { runs: 7, minMs: 300 },
    )
  ).perSecond;
  const latencies: number[] = [];
  for (const text of texts) {
    const t0 = performance.now();
    await run(session, [idsOf(text)]);
    latencies.push(performance.now() - t0);
  }
  const latency = median(latencies);
  await session.release();

  const own = sentiwasm.find((r) => r.system === 'sentiwasm' && r.metric === 'sentences/s' && r.params?.arch === arch);
  const ownLatency = sentiwasm.find(
    (r) => r.system === 'sentiwasm' && r.metric === 'latency_ms' && r.params?.arch === arch,
  );
  progress(
    `W6  ${arch}, ONNX Runtime ${ort.env.versions.common} (1 thread; max |Δ| ${worst.toExponential(1)} against sentiwasm): ${best.rate.toFixed(0)} sentences/s featurizing included (chunks of ${best.chunk}), ${graphOnly.toFixed(0)} on ids made beforehand; one sentence ${(latency * 1000).toFixed(1)} µs (median)`,
  );
  if (own && ownLatency)
    progress(
      `W6  ${arch}, sentiwasm / ONNX Runtime: ${(own.value / best.rate).toFixed(2)}× sentences/s, ${(latency / ownLatency.value).toFixed(2)}× lower latency`,
    );
  const params = { arch, ...(arch === 'attention' ? { epochs: 1 } : {}) };
  return [
    {
      workload: 'W6',
      system: 'onnxruntime',
      threads: 1,
      metric: 'sentences/s',
      value: best.rate,
      params: { ...params, batch: texts.length, chunk: best.chunk, inputs: 'text' },
    },
    // The graph alone is not what sentiwasm's figure measures (it tokenises too): its own scope keeps it out of the ratios.
    {
      workload: 'W6',
      system: 'onnxruntime',
      threads: 1,
      metric: 'sentences/s',
      value: graphOnly,
      params: { ...params, batch: texts.length, chunk: best.chunk, inputs: 'ids', scope: 'graph only' },
    },
    {
      workload: 'W6',
      system: 'onnxruntime',
      threads: 1,
      metric: 'latency_ms',
      value: latency,
      params: { ...params, batch: 1 },
    },
  ];
}

/** ONNX Runtime's W6 figures for W4's bag model (at `bagModelPath`) and W5's attention model; `sentiwasm` holds sentiwasm's W6 records of the same run, for the ratios. */
export async function benchW6Onnx(bagModelPath: string, sentiwasm: BenchRecord[]): Promise<BenchRecord[]> {
  const dev = await readSst2('dev');
  const texts = dev.map((e) => e.text);
  const bag = await TextClassifier.fromBytes(readFileSync(bagModelPath), bagModelPath);
  const records = await timeModel(bag, 'bag', texts, sentiwasm);
  bag.dispose();
  // The same training as bench/w6-attention.ts (same options and seed, so the same weights), loaded back as a user's model is.
  const { model: trained } = await trainWithReport(await readSst2('train'), { ...W5_OPTIONS, epochs: 1 });
  const attention = await TextClassifier.fromBytes(trained.toBytes(), 'w6-onnx-attention');
  trained.dispose();
  records.push(...(await timeModel(attention, 'attention', texts, sentiwasm)));
  attention.dispose();
  return records;
}
