// The bag model's peers in the same run (`--compare`), beside W4 (training) and W6 (prediction):
// fastText (Debian's, when on the PATH) trains its own W4 model on the same file; PyTorch (when
// /usr/bin/python3 imports torch) and TensorFlow.js (wasm and cpu) train the same model on the
// feature rows sentiwasm's featurizer gives, and predict with the W4 model's very weights.
// Each peer that is absent is skipped with a note. Records as in shared/BENCHMARKS.md.

import { bagInputs, withBagFiles, type BagInputs } from './peers/bag-inputs.js';
import { FastTextRun, hasFastText } from './peers/fasttext.js';
import { hasTorch, PYTHON, runPythonPeer, usageOf } from './peers/python.js';
import { tfjsBagPrediction } from './peers/tfjs-bag.js';
import type { TfBackend } from './peers/tfjs.js';
import { median, progress, type BenchRecord } from './record.js';
import { readSst2 } from './sst2.js';

const W4_PARAMS = { epochs: 5, arch: 'bag' };

/** fastText's folder (with its last W4 model, 0.5 GB) lives until W6 has used it or the process ends. */
let fastText: FastTextRun | undefined;
process.on('exit', () => fastText?.dispose());

let inputs: { modelPath: string; data: BagInputs } | undefined;
async function inputsFor(modelPath: string): Promise<BagInputs> {
  if (inputs?.modelPath !== modelPath) {
    const [train, dev] = await Promise.all([readSst2('train'), readSst2('dev')]);
    inputs = { modelPath, data: await bagInputs(modelPath, train, dev) };
  }
  return inputs.data;
}

async function fastTextRun(): Promise<FastTextRun> {
  if (!fastText) {
    const [train, dev] = await Promise.all([readSst2('train'), readSst2('dev')]);
    fastText = new FastTextRun(train, dev);
  }
  return fastText;
}

/** W4's peers, `runs` runs each (medians); `modelPath` is the W4 model whose features they read. */
export async function benchW4Peers(modelPath: string, backends: TfBackend[], runs = 3): Promise<BenchRecord[]> {
  const records: BenchRecord[] = [];
  if (hasFastText()) {
    const ft = await fastTextRun();
    const results = Array.from({ length: runs }, (_, r) => {
      const result = ft.trainW4(r + 1);
      progress(
        `W4  fasttext run ${r + 1}: ${result.trainSeconds.toFixed(2)} s training (${result.commandSeconds.toFixed(2)} s the command), ${(result.tokensPerSecond / 1e6).toFixed(2)}M words/s, dev accuracy ${result.accuracy.toFixed(4)}, model ${(result.modelBytes / 1e6).toFixed(0)} MB`,
      );
      return result;
    });
    const m = (pick: (r: (typeof results)[number]) => number) => median(results.map(pick));
    records.push(
      {
        workload: 'W4',
        system: 'fasttext',
        threads: 1,
        metric: 'seconds',
        value: m((r) => r.trainSeconds),
        params: W4_PARAMS,
      },
      {
        workload: 'W4',
        system: 'fasttext',
        threads: 1,
        metric: 'tokens/s',
        value: m((r) => r.tokensPerSecond),
        params: { ...W4_PARAMS, scope: 'whole training' },
      },
      {
        workload: 'W4',
        system: 'fasttext',
        threads: 1,
        metric: 'accuracy',
        value: m((r) => r.accuracy),
        params: W4_PARAMS,
      },
      {
        workload: 'W4',
        system: 'fasttext',
        threads: 1,
        metric: 'model_bytes',
        value: m((r) => r.modelBytes),
        params: W4_PARAMS,
      },
      {
        workload: 'W4',
        system: 'fasttext',
        threads: 1,
        metric: 'seconds',
        value: m((r) => r.commandSeconds),
        params: { ...W4_PARAMS, scope: 'cli-command' },
      },
    );
  } else {
    progress('W4  (fasttext is not on the PATH: not measured)');
  }
  const data = await inputsFor(modelPath);
  if (hasTorch()) {
    const results = withBagFiles(data, (dataPath) =>
      Array.from({ length: runs }, (_, r) => {
        const result = runPythonPeer<{ tokensPerSecond: number; seconds: number; accuracy: number; torch: string }>(
          'pytorch_w4_bag.py',
          [dataPath, '--seed', String(r)],
        );
        progress(
          `W4  PyTorch ${result.torch} run ${r + 1}: ${result.seconds.toFixed(2)} s training, ${(result.tokensPerSecond / 1e6).toFixed(2)}M words/s, dev accuracy ${result.accuracy.toFixed(4)}`,
        );
        return result;
      }),
    );
    records.push(
      {
        workload: 'W4',
        system: 'pytorch',
        threads: 1,
        metric: 'seconds',
        value: median(results.map((r) => r.seconds)),
        params: W4_PARAMS,
        ...usageOf(results),
      },
      {
        workload: 'W4',
        system: 'pytorch',
        threads: 1,
        metric: 'tokens/s',
        value: median(results.map((r) => r.tokensPerSecond)),
        params: { ...W4_PARAMS, scope: 'whole training' },
        ...usageOf(results),
      },
      {
        workload: 'W4',
        system: 'pytorch',
        threads: 1,
        metric: 'accuracy',
        value: median(results.map((r) => r.accuracy)),
        params: W4_PARAMS,
        ...usageOf(results),
      },
    );
  } else {
    progress(`W4  (no PyTorch: ${PYTHON} cannot import torch; not measured)`);
  }
  // TensorFlow.js cannot train the table in useful time (bench/peers/tfjs-bag.ts says why).
  if (backends.length > 0)
    progress(
      "W4  (tfjs: no sparse update; the gather's gradient is a dense UnsortedSegmentSum the wasm backend lacks and the cpu backend computes row by row: not measured)",
    );
  return records;
}

/** W6's peers for the bag model: PyTorch and TensorFlow.js with the W4 model's weights, fastText with its own W4 model. */
export async function benchW6BagPeers(modelPath: string, backends: TfBackend[]): Promise<BenchRecord[]> {
  const records: BenchRecord[] = [];
  const data = await inputsFor(modelPath);
  const batch = data.dev.length;
  if (hasFastText()) {
    const ft = await fastTextRun();
    // W6 alone: fastText trains the model it predicts with.
    if (!ft.hasModel) ft.trainW4(1);
    const rate = ft.predictionRate();
    progress(
      `W6  bag, fasttext predict: ${rate.toFixed(0)} sentences/s (its own W4 model; loading the model excluded)`,
    );
    // No batch: fastText reads the file a line at a time.
    records.push({
      workload: 'W6',
      system: 'fasttext',
      threads: 1,
      metric: 'sentences/s',
      value: rate,
      params: { arch: 'bag' },
    });
    ft.dispose();
    fastText = undefined;
  } else {
    progress('W6  (fasttext is not on the PATH: not measured)');
  }
  if (hasTorch()) {
    const peer = withBagFiles(data, (dataPath, weightsPath) =>
      runPythonPeer<{ rates: Record<string, number>; latencyMs: number; agreement: number; torch: string }>(
        'pytorch_w6_bag.py',
        [dataPath, weightsPath],
      ),
    );
    if (!(peer.agreement > 0.99))
      throw new Error(`W6 bag: PyTorch agrees with sentiwasm on only ${(peer.agreement * 100).toFixed(1)}% of dev`);
    progress(
      `W6  bag, PyTorch ${peer.torch}: sentences/s in chunks of ${Object.entries(peer.rates)
        .map(([k, v]) => `${k}: ${v.toFixed(0)}`)
        .join(
          ', ',
        )}; one sentence ${(peer.latencyMs * 1000).toFixed(1)} µs (median); agrees with sentiwasm on ${(peer.agreement * 100).toFixed(1)}% of dev`,
    );
    const [chunk, rate] = Object.entries(peer.rates).sort((a, b) => b[1] - a[1])[0];
    records.push(
      {
        workload: 'W6',
        system: 'pytorch',
        threads: 1,
        metric: 'sentences/s',
        value: rate,
        params: { arch: 'bag', batch, chunk: Number(chunk) },
        ...peer.usage,
      },
      // The same figure, which is on ids made beforehand, also stands against sentiwasm's model alone on feature rows.
      {
        workload: 'W6',
        system: 'pytorch',
        threads: 1,
        metric: 'sentences/s',
        value: rate,
        params: { arch: 'bag', batch, chunk: Number(chunk), inputs: 'ids', scope: 'graph only' },
        ...peer.usage,
      },
      {
        workload: 'W6',
        system: 'pytorch',
        threads: 1,
        metric: 'latency_ms',
        value: peer.latencyMs,
        params: { arch: 'bag', batch: 1 },
        ...peer.usage,
      },
    );
  } else {
    progress(`W6  (no PyTorch: ${PYTHON} cannot import torch; the bag model's peer is not measured)`);
  }
  for (const backend of backends) {
    const peer = await tfjsBagPrediction(backend, data);
    if (!(peer.agreement > 0.99))
      throw new Error(
        `W6 bag: tfjs-${backend} agrees with sentiwasm on only ${(peer.agreement * 100).toFixed(1)}% of dev`,
      );
    progress(
      `W6  bag, tfjs-${backend}: ${peer.perSecond.toFixed(0)} sentences/s in chunks of ${peer.chunk}; one sentence ${(peer.latencyMs * 1000).toFixed(1)} µs (median)`,
    );
    records.push(
      {
        workload: 'W6',
        system: `tfjs-${backend}`,
        threads: 1,
        metric: 'sentences/s',
        value: peer.perSecond,
        params: { arch: 'bag', batch, chunk: peer.chunk },
      },
      {
        workload: 'W6',
        system: `tfjs-${backend}`,
        threads: 1,
        metric: 'latency_ms',
        value: peer.latencyMs,
        params: { arch: 'bag', batch: 1 },
      },
    );
  }
  return records;
}
