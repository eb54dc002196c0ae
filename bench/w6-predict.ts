// W6: prediction with the trained W4 model on the SST-2 dev sentences, repeated: sentences/s in
// batches, and the median latency of one sentence.

import { readFileSync } from 'node:fs';
import { TextClassifier } from '../src/classifier/classifier.js';
import { PredictionThreads } from '../src/parallel/prediction-threads.js';
import { median, progress, throughput, type BenchRecord } from './record.js';
import { readSst2 } from './sst2.js';
import { textRows } from '../src/text/text-rows.js';

/**
 * Sentences per second of predictBatch over `texts` (median of 11 runs of at least 300 ms), and
 * the median time of predict on one sentence (every text, 5 rounds). Shared by both models' W6.
 */
export function timePrediction(
  model: TextClassifier<string>,
  texts: string[],
): { batched: { perSecond: number }; latency: number } {
  const batched = throughput(() => model.predictBatch(texts), texts.length, { runs: 11, minMs: 300 });
  const latencies: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const text of texts) {
      const t0 = performance.now();
      model.predict(text);
      latencies.push(performance.now() - t0);
    }
  }
  return { batched, latency: median(latencies) };
}

export async function benchW6(modelPath: string): Promise<BenchRecord[]> {
  const model = await TextClassifier.fromBytes(readFileSync(modelPath), modelPath);
  const dev = await readSst2('dev');
  const texts = dev.map((e) => e.text);
  // Validate before timing: the loaded model must still be a working classifier.
  const accuracy = model.evaluate(dev).accuracy;
  if (!(accuracy > 0.75)) throw new Error(`W6: the model scores only ${accuracy} on dev`);
  const { batched, latency } = timePrediction(model, texts);
  progress(
    `W6  bag: ${batched.perSecond.toFixed(0)} sentences/s in batches of ${texts.length}; one sentence ${(latency * 1000).toFixed(1)} µs (median)`,
  );
  const onRows = timeOnRows(model, texts);
  progress(
    `W6  bag, the model alone on feature rows made beforehand (as PyTorch is given ids): ${onRows.toFixed(0)} sentences/s`,
  );
  const large = await timeOnThreads(model, Array.from({ length: 8 }, () => texts).flat());
  model.dispose();
  return [
    {
      workload: 'W6',
      system: 'sentiwasm',
      threads: 1,
      metric: 'sentences/s',
      value: batched.perSecond,
      params: { arch: 'bag', batch: texts.length },
    },
    // Not what a user's predictBatch costs (it reads text too): its own scope keeps it to the peers timed on ids.
    {
      workload: 'W6',
      system: 'sentiwasm',
      threads: 1,
      metric: 'sentences/s',
      value: onRows,
      params: { arch: 'bag', batch: texts.length, inputs: 'ids', scope: 'graph only' },
    },
    {
      workload: 'W6',
      system: 'sentiwasm',
      threads: 1,
      metric: 'latency_ms',
      value: latency,
      params: { arch: 'bag', batch: 1 },
    },
    ...large.map(({ threads, perSecond }) => ({
      workload: 'W6',
      system: 'sentiwasm',
      threads,
      metric: 'sentences/s' as const,
      value: perSecond,
      params: { arch: 'bag', batch: 8 * texts.length },
    })),
  ];
}

/**
 * Sentences per second of the model alone: its logits from the texts' feature rows, made
 * beforehand, as the PyTorch peer times its EmbeddingBag and Linear on ready-made ids (moving
 * each batch's rows into the model is timed on both sides). Median of 11 runs of at least 300 ms.
 */
function timeOnRows(model: TextClassifier<string>, texts: string[]): number {
  const rows = texts.map((text) => Int32Array.from(textRows(model.featurizer, text)));
  const logits = () =>
    model.model.logits(rows.length, (i, out) => {
      for (const row of rows[i]) out.push(row);
    });
  return throughput(logits, texts.length, { runs: 11, minMs: 300 }).perSecond;
}

/**
 * Sentences per second of a large batch on 1 thread and on 2 (PredictionThreads, each thread
 * with its own copy of the model), alternating run by run so that both see the same load; the
 * median of 9 runs each after 3 to warm up. The two must predict the same.
 */
async function timeOnThreads(
  model: TextClassifier<string>,
  texts: string[],
): Promise<{ threads: number; perSecond: number }[]> {
  const two = await PredictionThreads.start(model, 2);
  try {
    const want = model.predictBatch(texts);
    const got = await two.predictBatch(texts);
    if (got.some((p, i) => p.label !== want[i].label)) throw new Error('W6: 2 threads predicted otherwise than 1');
    const rates: [number[], number[]] = [[], []];
    // The threads' code is compiled as it runs: three rounds of each warm it up before the timed ones.
    for (let run = 0; run < 3; run++) {
      model.predictBatch(texts);
      await two.predictBatch(texts);
    }
    for (let run = 0; run < 9; run++) {
      let t0 = performance.now();
      model.predictBatch(texts);
      rates[0].push(texts.length / ((performance.now() - t0) / 1000));
      t0 = performance.now();
      await two.predictBatch(texts);
      rates[1].push(texts.length / ((performance.now() - t0) / 1000));
    }
    const [one, both] = rates.map(median);
    progress(
      `W6  bag, batches of ${texts.length}: ${one.toFixed(0)} sentences/s on 1 thread, ${both.toFixed(0)} on 2 (${(both / one).toFixed(2)}×)`,
    );
    return [
      { threads: 1, perSecond: one },
      { threads: 2, perSecond: both },
    ];
  } finally {
    await two.close();
  }
}
