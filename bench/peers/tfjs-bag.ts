// The bag model in TensorFlow.js (wasm and cpu backends, one thread), on the feature rows
// sentiwasm's featurizer gives (bench/peers/bag-inputs.ts): each text is the mean of its rows
// (the texts' rows padded to the longest, gathered, weighted by 1/|text| and 0 for padding,
// summed), then a dense layer.
//
// Training (W4) is not measured: TensorFlow.js has no sparse update. The gradient of a gather
// is UnsortedSegmentSum into a dense tensor the size of the table, which the wasm backend does not
// have at all, and which the cpu backend computes one table row at a time over every id of the
// batch (93,521 rows × ~150 ids × 64 per step of 8 texts, over 6 GB of temporaries in a trial):
// neither trains W4's table in any useful time.
//
// Prediction (W6): the trained W4 model's weights on the dev sentences in chunks (the fastest of
// 872, 256, 64), sentences/s as the median of repeated runs; one sentence's median latency.

import { median, throughput } from '../record.js';
import type { BagInputs } from './bag-inputs.js';
import { loadTf, type Tf, type TfBackend } from './tfjs.js';

/** Chunk sizes tried for the batch of dev sentences (padding to each chunk's longest text costs less in small chunks); the fastest counts. */
const CHUNKS = [872, 256, 64];

/** The rows of `texts` padded to the longest [B × L] (row 0 as padding), and their weights: 1/|text|, 0 for padding. */
function padded(texts: readonly number[][]): { ids: Int32Array; weights: Float32Array; length: number } {
  const length = Math.max(1, ...texts.map((t) => t.length));
  const ids = new Int32Array(texts.length * length);
  const weights = new Float32Array(texts.length * length);
  texts.forEach((t, i) => {
    ids.set(t, i * length);
    weights.fill(1 / t.length, i * length, i * length + t.length);
  });
  return { ids, weights, length };
}

type Tensor2D = import('@tensorflow/tfjs').Tensor2D;
type Tensor1D = import('@tensorflow/tfjs').Tensor1D;

// logits[B × C] = (Σ_l weight[b, l] · table[ids[b, l]]) · Wᵀ + b
function logitsOf(tf: Tf, table: Tensor2D, w: Tensor2D, b: Tensor1D, texts: readonly number[][]): Tensor2D {
  const { ids, weights, length } = padded(texts);
  const B = texts.length;
  const rows = tf.reshape(tf.gather(table, tf.tensor1d(ids, 'int32')), [B, length, table.shape[1]]);
  const mean = tf.sum(tf.mul(rows, tf.tensor3d(weights, [B, length, 1])), 1) as Tensor2D;
  return tf.add(tf.matMul(mean, w, false, true), b);
}

/**
 * Sentences/s of the W4 model's prediction on dev (in the fastest of CHUNKS, which it returns),
 * the median latency of one sentence (ms), and how often it agrees with sentiwasm.
 */
export async function tfjsBagPrediction(
  backend: TfBackend,
  data: BagInputs,
): Promise<{ perSecond: number; chunk: number; latencyMs: number; agreement: number }> {
  const tf = await loadTf(backend);
  const { rows, dim: D, classes: C, dev, index, weights } = data;
  const slice = (name: string) => weights.subarray(index[name][0], index[name][0] + index[name][1]);
  const table = tf.tensor2d(slice('embedding.weight'), [rows, D]);
  const w = tf.tensor2d(slice('head.0.weight'), [C, D]);
  const b = tf.tensor1d(slice('head.0.bias'));
  const predict = (texts: readonly number[][]) => {
    const classes = tf.tidy(() => tf.argMax(logitsOf(tf, table, w, b, texts), 1));
    const out = classes.dataSync() as Int32Array;
    classes.dispose();
    return out;
  };
  const predicted = predict(dev);
  const agreement = data.sentiwasm.filter((c, i) => c === predicted[i]).length / dev.length;
  let best = { perSecond: 0, chunk: 0 };
  for (const chunk of CHUNKS) {
    const { perSecond } = throughput(
      () => {
        for (let at = 0; at < dev.length; at += chunk) predict(dev.slice(at, at + chunk));
      },
      dev.length,
      { runs: 7, minMs: 300 },
    );
    if (perSecond > best.perSecond) best = { perSecond, chunk };
  }
  const latencies: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const text of dev) {
      const t0 = performance.now();
      predict([text]);
      latencies.push(performance.now() - t0);
    }
  }
  tf.dispose([table, w, b]);
  return { ...best, latencyMs: median(latencies), agreement };
}
