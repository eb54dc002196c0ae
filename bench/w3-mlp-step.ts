// W3: one training step (forward + backward + SGD update) of an MLP 512 → 256 ReLU → 256 ReLU →
// 1 sigmoid on a batch of 128 with binary cross-entropy; random inputs and labels from a fixed seed.

import { ReLU, Sigmoid } from '../src/nn/activations.js';
import { Trainer } from '../src/nn/fit.js';
import { Linear } from '../src/nn/linear.js';
import { BCELoss } from '../src/nn/losses.js';
import { SGD } from '../src/nn/optimizers.js';
import { Random } from '../src/nn/random.js';
import { Sequential } from '../src/nn/sequential.js';
import type { Runtime } from '../src/runtime/runtime.js';
import { plainMlp } from './peers/plain-ts-mlp.js';
import { hasTorch, PYTHON, runPythonPeer } from './peers/python.js';
import { loadTf, type TfBackend } from './peers/tfjs.js';
import { progress, throughput, type BenchRecord } from './record.js';

const [IN, HIDDEN, BATCH, LR] = [512, 256, 128, 0.01];

function data(): { x: Float32Array; y: Float32Array } {
  const rng = new Random(3);
  const x = Float32Array.from({ length: BATCH * IN }, () => rng.uniform(-1, 1));
  const y = Float32Array.from({ length: BATCH }, () => (rng.next() < 0.5 ? 0 : 1));
  return { x, y };
}

/** `fma`: the fused multiply-add build as well, when the engine runs it (a record with params.build "fma"). */
export async function benchW3(rt: Runtime, peers: TfBackend[], fma?: Runtime): Promise<BenchRecord[]> {
  const { x, y } = data();
  const records: BenchRecord[] = [];
  const builds: [Runtime, string][] = fma
    ? [
        [rt, 'default'],
        [fma, 'fma'],
      ]
    : [[rt, 'default']];
  for (const [runtime, build] of builds) {
    const { perSecond, first, later } = stepRate(runtime, x, y);
    progress(
      `W3  sentiwasm${build === 'fma' ? ' (fma build)' : ''} ${perSecond.toFixed(0)} examples/s (loss ${first.toFixed(4)} → ${later.toFixed(4)})`,
    );
    records.push({
      workload: 'W3',
      system: 'sentiwasm',
      threads: 1,
      metric: 'examples/s',
      value: perSecond,
      params: build === 'fma' ? { batch: BATCH, build } : { batch: BATCH },
    });
  }
  for (const backend of peers) {
    const rate = await tfjsStep(backend, x, y);
    progress(`W3  tfjs-${backend} ${rate.toFixed(0)} examples/s`);
    records.push({
      workload: 'W3',
      system: `tfjs-${backend}`,
      threads: 1,
      metric: 'examples/s',
      value: rate,
      params: { batch: BATCH },
    });
  }
  // The other peers come with the TensorFlow.js ones (`--compare`).
  if (peers.length === 0) return records;
  const plain = plainStepRate(x, y);
  progress(`W3  plain-ts ${plain.toFixed(0)} examples/s`);
  records.push({
    workload: 'W3',
    system: 'plain-ts',
    threads: 1,
    metric: 'examples/s',
    value: plain,
    params: { batch: BATCH },
  });
  if (!hasTorch()) {
    progress(`W3  (no PyTorch: ${PYTHON} cannot import torch; not measured)`);
    return records;
  }
  const torch = runPythonPeer<{ examplesPerSecond: number; torch: string }>('pytorch_w3.py');
  progress(`W3  PyTorch ${torch.torch} ${torch.examplesPerSecond.toFixed(0)} examples/s`);
  records.push({
    workload: 'W3',
    system: 'pytorch',
    threads: 1,
    metric: 'examples/s',
    value: torch.examplesPerSecond,
    params: { batch: BATCH },
    ...torch.usage,
  });
  return records;
}

/** The W3 step in plain TypeScript (bench/peers/plain-ts-mlp.ts), after checking that the loss falls. */
function plainStepRate(x: Float32Array, y: Float32Array): number {
  const rng = new Random(1);
  const mlp = plainMlp({ inputs: IN, hidden: HIDDEN, batch: BATCH }, (a, b) => rng.uniform(a, b));
  const first = mlp.step(x, y, LR);
  let later = first;
  for (let i = 0; i < 30; i++) later = mlp.step(x, y, LR);
  if (!(later < first)) throw new Error(`W3 plain-ts: the loss did not fall (${first} → ${later})`);
  return throughput(() => mlp.step(x, y, LR), BATCH, { runs: 5, minMs: 500 }).perSecond;
}

/** Training steps per second (× batch) of the W3 network on one runtime, after checking that the loss falls. */
function stepRate(rt: Runtime, x: Float32Array, y: Float32Array): { perSecond: number; first: number; later: number } {
  const model = new Sequential([
    new Linear(IN, HIDDEN),
    new ReLU(),
    new Linear(HIDDEN, HIDDEN),
    new ReLU(),
    new Linear(HIDDEN, 1),
    new Sigmoid(),
  ]);
  model.build(rt, { inFeatures: IN, maxBatch: BATCH, seed: 1 });
  const trainer = new Trainer(model, { loss: new BCELoss(), optimizer: new SGD({ lr: LR }) });
  // Validate before timing: training on one fixed batch must drive its loss down.
  const first = trainer.step(x, y, BATCH);
  for (let i = 0; i < 30; i++) trainer.step(x, y, BATCH);
  const later = trainer.evaluate(x, y, BATCH);
  if (!(later < first)) throw new Error(`W3: the loss did not fall (${first} → ${later})`);
  const { perSecond } = throughput(() => trainer.step(x, y, BATCH), BATCH, { runs: 7, minMs: 500 });
  return { perSecond, first, later };
}

async function tfjsStep(backend: TfBackend, xData: Float32Array, yData: Float32Array): Promise<number> {
  const tf = await loadTf(backend);
  const x = tf.tensor2d(xData, [BATCH, IN]);
  const y = tf.tensor2d(yData, [BATCH, 1]);
  const glorot = (r: number, c: number) =>
    tf.variable(tf.randomUniform([r, c], -1 / Math.sqrt(r), 1 / Math.sqrt(r), 'float32', 1));
  const w1 = glorot(IN, HIDDEN),
    b1 = tf.variable(tf.zeros([HIDDEN]));
  const w2 = glorot(HIDDEN, HIDDEN),
    b2 = tf.variable(tf.zeros([HIDDEN]));
  const w3 = glorot(HIDDEN, 1),
    b3 = tf.variable(tf.zeros([1]));
  const optimizer = tf.train.sgd(LR);
  const step = () => {
    const cost = optimizer.minimize(() => {
      const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1));
      const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
      const p = tf.sigmoid(tf.add(tf.matMul(h2, w3), b3));
      return tf.losses.logLoss(y, p) as import('@tensorflow/tfjs').Scalar;
    }, true);
    cost!.dataSync();
    cost!.dispose();
  };
  const result = throughput(step, BATCH, { runs: 5, minMs: 500 });
  tf.dispose([x, y, w1, b1, w2, b2, w3, b3]);
  optimizer.dispose();
  return result.perSecond;
}
