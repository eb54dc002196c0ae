// Every layer and loss against central finite differences. Scalar objective L = Σ r ⊙ f(x) with
// fixed random r, so ∂L/∂out = r; numbers are float32, so steps are 1e-2 and tolerances loose
// enough for f32 rounding but far below the size of any real mistake.

import { describe, expect, it } from 'vitest';
import { Dropout, GELU, ReLU, Sigmoid, Tanh } from '../src/nn/activations.js';
import type { Layer } from '../src/nn/layer.js';
import { Linear } from '../src/nn/linear.js';
import { BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, type Loss } from '../src/nn/losses.js';
import { ParameterBlock } from '../src/nn/parameters.js';
import { Random } from '../src/nn/random.js';
import { Sequential } from '../src/nn/sequential.js';
import type { Runtime } from '../src/runtime/runtime.js';
import { put, putI32, randomArray, seededRandom, testRuntime } from './helpers.js';

const EPS = 1e-2;

/** A layer with hand-made buffers, so forward can be re-run with the same dropout seed. */
function harness(rt: Runtime, layer: Layer, inF: number, batch: number, rand: () => number) {
  const outF = layer.outputFeatures(inF);
  const block = new ParameterBlock(rt, layer.parameters(inF), new Random(7));
  layer.bind(block.params);
  const x = randomArray(rand, batch * inF, 2);
  // Keep inputs away from ReLU's kink so finite differences do not straddle it.
  for (let i = 0; i < x.length; i++) if (Math.abs(x[i]) < 0.1) x[i] += x[i] < 0 ? -0.2 : 0.2;
  const r = randomArray(rand, batch * outF);
  const io = {
    batch,
    inFeatures: inF,
    outFeatures: outF,
    inp: put(rt, x),
    out: rt.allocF32(batch * outF),
    dinp: rt.allocF32(batch * inF),
    dout: put(rt, r),
    cache: rt.allocF32(Math.max(1, layer.cacheFloats(inF) * batch)),
  };
  const objective = (): number => {
    layer.forward(rt, io, true, 1234);
    const out = rt.f32(io.out, batch * outF);
    let L = 0;
    for (let i = 0; i < out.length; i++) L += r[i] * out[i];
    return L;
  };
  return { block, io, objective };
}

function numericGrad(values: () => Float32Array, objective: () => number, index: number): number {
  const v = values();
  const saved = v[index];
  v[index] = saved + EPS;
  const plus = objective();
  values()[index] = saved - EPS;
  const minus = objective();
  values()[index] = saved;
  return (plus - minus) / (2 * EPS);
}

function expectClose(analytic: number, numeric: number, what: string): void {
  expect(Math.abs(analytic - numeric), `${what}: analytic ${analytic}, numeric ${numeric}`).toBeLessThan(
    2e-3 * (1 + Math.abs(numeric)),
  );
}

const layers: [string, () => Layer, number][] = [
  ['Linear', () => new Linear(5, 3), 5],
  ['Linear with odd sizes', () => new Linear(7, 9), 7],
  ['Linear without bias', () => new Linear(4, 6, { bias: false }), 4],
  ['ReLU', () => new ReLU(), 6],
  ['Sigmoid', () => new Sigmoid(), 6],
  ['Tanh', () => new Tanh(), 6],
  ['GELU', () => new GELU(), 6],
  ['Dropout', () => new Dropout(0.3), 9],
];

describe('layer backward matches finite differences', async () => {
  const rt = await testRuntime();
  it.each(layers)('%s', (_, make, inF) => {
    const rand = seededRandom(11);
    const layer = make();
    const batch = 3;
    const { block, io, objective } = harness(rt, layer, inF, batch, rand);
    objective();
    block.zeroGrad();
    rt.f32(io.dinp, batch * inF).fill(0);
    layer.backward(rt, io);
    const dinp = rt.f32(io.dinp, batch * inF).slice();
    for (let i = 0; i < batch * inF; i++) {
      expectClose(
        dinp[i],
        numericGrad(() => rt.f32(io.inp, batch * inF), objective, i),
        `∂L/∂x[${i}]`,
      );
    }
    for (const p of block.params) {
      const grad = block.grad(p).slice();
      for (let i = 0; i < p.size; i++)
        expectClose(
          grad[i],
          numericGrad(() => block.values(p), objective, i),
          `∂L/∂${p.name}[${i}]`,
        );
    }
  });

  it('backward accumulates: running it twice doubles every gradient', () => {
    const rand = seededRandom(3);
    const layer = new Linear(4, 3);
    const { block, io, objective } = harness(rt, layer, 4, 2, rand);
    objective();
    block.zeroGrad();
    layer.backward(rt, io);
    const once = block.grad(block.params[0]).slice();
    layer.backward(rt, io);
    const twice = block.grad(block.params[0]);
    once.forEach((g, i) => expect(twice[i]).toBeCloseTo(2 * g, 6));
  });
});

const losses: [
  string,
  () => Loss,
  (rand: () => number, n: number) => Float32Array | Int32Array,
  (rand: () => number, n: number) => Float32Array,
][] = [
  [
    'BCELoss',
    () => new BCELoss(),
    (rand, n) => Float32Array.from({ length: n }, () => (rand() < 0.5 ? 0 : 1)),
    (rand, n) => Float32Array.from({ length: n }, () => 0.1 + 0.8 * rand()),
  ],
  [
    'BCEWithLogitsLoss',
    () => new BCEWithLogitsLoss(),
    (rand, n) => Float32Array.from({ length: n }, () => (rand() < 0.5 ? 0 : 1)),
    (rand, n) => randomArray(rand, n, 3),
  ],
  ['MSELoss', () => new MSELoss(), (rand, n) => randomArray(rand, n), (rand, n) => randomArray(rand, n)],
  [
    'CrossEntropyLoss',
    () => new CrossEntropyLoss(),
    (rand, n) => Int32Array.from({ length: n / 4 }, () => Math.floor(rand() * 4)),
    (rand, n) => randomArray(rand, n, 3),
  ],
];

describe('loss backward matches finite differences', async () => {
  const rt = await testRuntime();
  it.each(losses)('%s, with and without example weights', (_, make, makeTargets, makePreds) => {
    const rand = seededRandom(5);
    const loss = make();
    const batch = 5;
    const width = loss.targets === 'class' ? 4 : 1;
    const n = batch * width;
    const targets = makeTargets(rand, n);
    const target = targets instanceof Int32Array ? putI32(rt, targets) : put(rt, targets);
    const pred = put(rt, makePreds(rand, n));
    for (const weights of [
      0,
      put(
        rt,
        Float32Array.from({ length: batch }, () => 0.5 + rand()),
      ),
    ]) {
      const b = { batch, width, pred, target, weights };
      const dpred = rt.allocF32(n);
      loss.backward(rt, dpred, b);
      const analytic = rt.f32(dpred, n).slice();
      for (let i = 0; i < n; i++) {
        expectClose(
          analytic[i],
          numericGrad(
            () => rt.f32(pred, n),
            () => loss.forward(rt, b),
            i,
          ),
          `∂loss/∂pred[${i}]`,
        );
      }
    }
  });

  it('BCEWithLogitsLoss stays finite for huge logits', () => {
    const b = { batch: 2, width: 1, pred: put(rt, [1e4, -1e4]), target: put(rt, [0, 1]), weights: 0 };
    expect(new BCEWithLogitsLoss().forward(rt, b)).toBeCloseTo(1e4, 0);
  });
});

describe('a whole Sequential model backward matches finite differences', async () => {
  const rt = await testRuntime();
  it('Linear → GELU → Linear → Tanh → Linear with cross-entropy', () => {
    const rand = seededRandom(9);
    const model = new Sequential([new Linear(6, 8), new GELU(), new Linear(8, 5), new Tanh(), new Linear(5, 3)]);
    model.build(rt, { inFeatures: 6, maxBatch: 4, seed: 3, inputGrad: true });
    const batch = 4;
    const x = randomArray(rand, batch * 6);
    const target = putI32(rt, [0, 2, 1, 2]);
    const loss = new CrossEntropyLoss();
    const objective = (): number => {
      model.loadInputs(rt.f32(model.inputPtr, batch * 6).slice(), batch);
      const pred = model.forwardBatch(batch, false);
      return loss.forward(rt, { batch, width: 3, pred, target, weights: 0 });
    };
    model.loadInputs(x, batch);
    objective();
    model.parameters.zeroGrad();
    model.zeroActivationGrads();
    loss.backward(rt, model.outputGradPtr, { batch, width: 3, pred: model.outputPtr, target, weights: 0 });
    model.backwardBatch(batch);
    const block = model.parameters;
    for (const p of block.params) {
      const grad = block.grad(p).slice();
      for (let i = 0; i < p.size; i++)
        expectClose(
          grad[i],
          numericGrad(() => block.values(p), objective, i),
          `${p.name}[${i}]`,
        );
    }
    const dx = rt.f32(model.inputGradPtr, batch * 6).slice();
    for (let i = 0; i < batch * 6; i++)
      expectClose(
        dx[i],
        numericGrad(() => rt.f32(model.inputPtr, batch * 6), objective, i),
        `x[${i}]`,
      );
  });
});
