// Kernels that are not matrix products: SIMD versions against their scalar references (every one
// of them, on awkward sizes: test/kernel-references.test.ts), and the optimisers against the
// update formulas of PyTorch written out in plain JavaScript.

import { describe, expect, it } from 'vitest';
import { get, maxRelDiff, put, randomArray, referenceRuntime, seededRandom, testRuntime } from './helpers.js';

const SIZES = [1, 3, 4, 5, 8, 17, 63, 64, 1001];

describe('SIMD kernels match their scalar references', async () => {
  const rt = await referenceRuntime();
  it.each(SIZES)('relu forward and backward for n = %i', (n) => {
    const rand = seededRandom(n);
    const x = put(rt, randomArray(rand, n));
    const dout = put(rt, randomArray(rand, n));
    const [out, outRef] = [rt.allocF32(n), rt.allocF32(n)];
    rt.kernels.relu_forward(out, x, n);
    rt.kernels.relu_forward_ref(outRef, x, n);
    expect(get(rt, out, n)).toEqual(get(rt, outRef, n));
    const start = randomArray(rand, n);
    const [d, dRef] = [put(rt, start), put(rt, start)];
    rt.kernels.relu_backward(d, dout, x, n);
    rt.kernels.relu_backward_ref(dRef, dout, x, n);
    expect(get(rt, d, n)).toEqual(get(rt, dRef, n));
  });

  it.each(SIZES)('sum of squares for n = %i', (n) => {
    const x = put(rt, randomArray(seededRandom(n + 1), n, 3));
    expect(rt.kernels.sum_squares_f32(x, n)).toBeCloseTo(rt.kernels.sum_squares_f32_ref(x, n), 4);
  });

  it.each([
    [1, 1],
    [3, 5],
    [4, 8],
    [7, 13],
  ])('bias forward and backward for %i×%i', (rows, cols) => {
    const rand = seededRandom(rows * 31 + cols);
    const x = randomArray(rand, rows * cols);
    const bias = randomArray(rand, cols);
    const out = put(rt, x);
    rt.kernels.bias_forward(out, put(rt, bias), rows, cols);
    const expected = x.map((v, i) => v + bias[i % cols]);
    expect(maxRelDiff(get(rt, out, rows * cols), expected)).toBeLessThan(1e-6);
    const db = put(rt, new Float32Array(cols).fill(1));
    rt.kernels.bias_backward(db, put(rt, x), rows, cols);
    const sums = Array.from(
      { length: cols },
      (_, c) => 1 + x.filter((_, i) => i % cols === c).reduce((a, b) => a + b, 0),
    );
    expect(maxRelDiff(get(rt, db, cols), sums)).toBeLessThan(1e-5);
  });
});

describe('elementwise kernels compute what they name', async () => {
  const rt = await testRuntime();
  it('softmax rows sum to one and survive huge logits', () => {
    const x = put(rt, [1000, 1001, 1002, -5, 0, 5]);
    const out = rt.allocF32(6);
    rt.kernels.softmax_forward(out, x, 2, 3);
    const y = get(rt, out, 6);
    expect(y[0] + y[1] + y[2]).toBeCloseTo(1, 6);
    expect(y[3] + y[4] + y[5]).toBeCloseTo(1, 6);
    expect(y[2]).toBeCloseTo(Math.exp(2) / (1 + Math.exp(1) + Math.exp(2)), 6);
  });

  it('sigmoid saturates without overflow', () => {
    const out = rt.allocF32(3);
    rt.kernels.sigmoid_forward(out, put(rt, [-1000, 0, 1000]), 3);
    expect(Array.from(get(rt, out, 3))).toEqual([0, 0.5, 1]);
  });

  it('GELU equals x·Φ(x)', () => {
    const xs = [-3, -1, -0.5, 0, 0.5, 1, 3];
    const out = rt.allocF32(xs.length);
    rt.kernels.gelu_forward(out, put(rt, xs), xs.length);
    // Φ values from the normal table.
    const phi = [0.0013499, 0.1586553, 0.3085375, 0.5, 0.6914625, 0.8413447, 0.9986501];
    get(rt, out, xs.length).forEach((y, i) => expect(y).toBeCloseTo(xs[i] * phi[i], 6));
  });

  it('dropout keeps about 1−p of the values, scaled by 1/(1−p), and the same seed gives the same mask', () => {
    const n = 20000;
    const x = put(rt, new Float32Array(n).fill(1));
    const [out, mask, mask2] = [rt.allocF32(n), rt.allocF32(n), rt.allocF32(n)];
    rt.kernels.dropout_forward(out, mask, x, n, 0.25, 99);
    rt.kernels.dropout_forward(out, mask2, x, n, 0.25, 99);
    const y = get(rt, out, n);
    const kept = y.filter((v) => v !== 0);
    expect(kept.length / n).toBeGreaterThan(0.73);
    expect(kept.length / n).toBeLessThan(0.77);
    expect(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(get(rt, mask, n)).toEqual(get(rt, mask2, n));
  });

  it("dropout's mask is the counter-based hash of (seed, index) to the bit, four lanes at a time and in the tail", () => {
    const n = 4099;
    const hash32 = (v: number) => {
      let x = v >>> 0;
      x = (x ^ (x >>> 16)) >>> 0;
      x = Math.imul(x, 0x7feb352d) >>> 0;
      x = (x ^ (x >>> 15)) >>> 0;
      x = Math.imul(x, 0x846ca68b) >>> 0;
      return (x ^ (x >>> 16)) >>> 0;
    };
    const p = 0.1;
    const seed = 0xdeadbeef;
    const threshold = Math.floor(Math.fround(p) * 4294967296);
    const scale = Math.fround(1 / Math.fround(1 - Math.fround(p)));
    const values = randomArray(seededRandom(5), n);
    const x = put(rt, values);
    const [out, mask, dinp] = [rt.allocF32(n), rt.allocF32(n), rt.allocF32(n)];
    rt.kernels.dropout_forward(out, mask, x, n, p, seed);
    const expected = Float32Array.from({ length: n }, (_, i) =>
      hash32(seed ^ hash32(i + 0x9e3779b9)) >= threshold ? scale : 0,
    );
    expect([...get(rt, mask, n)]).toEqual([...expected]);
    expect([...get(rt, out, n)]).toEqual(Array.from(values, (v, i) => Math.fround(v * expected[i])));
    // Backward adds dout · mask into what is there.
    rt.f32(dinp, n).set(values);
    rt.kernels.dropout_backward(dinp, x, mask, n);
    expect([...get(rt, dinp, n)]).toEqual(Array.from(values, (v, i) => Math.fround(v + Math.fround(v * expected[i]))));
  });

  it('count_nonfinite finds NaN and infinities', () => {
    expect(rt.kernels.count_nonfinite_f32(put(rt, [1, Number.NaN, 2, Infinity, -Infinity]), 5)).toBe(3);
  });
});

describe('optimisers follow PyTorch’s update formulas', async () => {
  const rt = await testRuntime();
  const n = 37;

  it.each([
    { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false },
    { momentum: 0, dampening: 0, weightDecay: 0.1, nesterov: false },
    { momentum: 0.9, dampening: 0, weightDecay: 0.01, nesterov: false },
    { momentum: 0.9, dampening: 0.1, weightDecay: 0, nesterov: false },
    { momentum: 0.9, dampening: 0, weightDecay: 0.01, nesterov: true },
  ])('SGD %o over three steps', (o) => {
    const rand = seededRandom(21);
    const p0 = randomArray(rand, n);
    const grads = [randomArray(rand, n), randomArray(rand, n), randomArray(rand, n)];
    const [param, grad, vel] = [put(rt, p0), rt.allocF32(n), rt.allocF32(n)];
    const p = Array.from(p0, Number);
    const buf = new Array<number>(n).fill(0);
    const lr = 0.1;
    grads.forEach((g, step) => {
      rt.f32(grad, n).set(g);
      rt.kernels.sgd_step(
        param,
        grad,
        vel,
        n,
        lr,
        o.momentum,
        o.dampening,
        o.weightDecay,
        o.nesterov ? 1 : 0,
        step === 0 ? 1 : 0,
      );
      for (let i = 0; i < n; i++) {
        let gi = g[i] + o.weightDecay * p[i];
        if (o.momentum) {
          buf[i] = step === 0 ? gi : o.momentum * buf[i] + (1 - o.dampening) * gi;
          gi = o.nesterov ? gi + o.momentum * buf[i] : buf[i];
        }
        p[i] -= lr * gi;
      }
    });
    expect(maxRelDiff(get(rt, param, n), p)).toBeLessThan(1e-5);
  });

  it.each([
    { decoupled: 0, weightDecay: 0 },
    { decoupled: 0, weightDecay: 0.05 },
    { decoupled: 1, weightDecay: 0.05 },
  ])('Adam/AdamW %o over three steps', (o) => {
    const rand = seededRandom(22);
    const p0 = randomArray(rand, n);
    const [param, grad, m, v] = [put(rt, p0), rt.allocF32(n), rt.allocF32(n), rt.allocF32(n)];
    const p = Array.from(p0, Number);
    const mm = new Array<number>(n).fill(0);
    const vv = new Array<number>(n).fill(0);
    const [lr, b1, b2, eps] = [0.01, 0.9, 0.999, 1e-8];
    for (let step = 1; step <= 3; step++) {
      const g = randomArray(rand, n);
      rt.f32(grad, n).set(g);
      rt.kernels.adam_step(param, grad, m, v, n, lr, b1, b2, eps, o.weightDecay, o.decoupled, step);
      for (let i = 0; i < n; i++) {
        if (o.decoupled) p[i] *= 1 - lr * o.weightDecay;
        const gi = g[i] + (o.decoupled ? 0 : o.weightDecay * p[i]);
        mm[i] = b1 * mm[i] + (1 - b1) * gi;
        vv[i] = b2 * vv[i] + (1 - b2) * gi * gi;
        const mHat = mm[i] / (1 - b1 ** step);
        const vHat = vv[i] / (1 - b2 ** step);
        p[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
      }
    }
    expect(maxRelDiff(get(rt, param, n), p)).toBeLessThan(1e-5);
  });

  it('add_f32 adds one block into another, the tail included; add_rows adds rows into the slots named', () => {
    const rand = seededRandom(31);
    const [a, b] = [randomArray(rand, 13), randomArray(rand, 13)];
    const [pa, pb] = [put(rt, a), put(rt, b)];
    rt.kernels.add_f32(pa, pb, 13);
    expect([...get(rt, pa, 13)]).toEqual(Array.from(a, (x, i) => Math.fround(x + b[i])));
    // Three rows of width 6 land in slots 2, 0, 3 of a block of four.
    const D = 6;
    const dst = randomArray(rand, 4 * D);
    const src = randomArray(rand, 3 * D);
    const [pd, ps] = [put(rt, dst), put(rt, src)];
    const targets = rt.alloc(3 * 4);
    rt.i32(targets, 3).set([2, 0, 3]);
    rt.kernels.add_rows(pd, ps, targets, 3, D);
    const expected = Float32Array.from(dst);
    [2, 0, 3].forEach((slot, u) => {
      for (let d = 0; d < D; d++) expected[slot * D + d] = Math.fround(expected[slot * D + d] + src[u * D + d]);
    });
    expect([...get(rt, pd, 4 * D)]).toEqual([...expected]);
  });

  // The update runs four lanes at a time: each lane must do the scalar update's float32 operations
  // in the same order, so that SIMD changed no trained bytes.
  it.each([0, 1])(
    'Adam (decoupled %i) four lanes at a time is the scalar float32 update to the bit, the tail included',
    (decoupled) => {
      const f = Math.fround;
      const count = 37;
      const rand = seededRandom(23);
      const p0 = randomArray(rand, count);
      const [param, grad, m, v] = [put(rt, p0), rt.allocF32(count), rt.allocF32(count), rt.allocF32(count)];
      const p = Float32Array.from(p0);
      const mm = new Float32Array(count);
      const vv = new Float32Array(count);
      const [lr, b1, b2, eps, wd] = [f(0.01), f(0.9), f(0.999), f(1e-8), f(0.05)];
      for (let step = 1; step <= 3; step++) {
        const g = randomArray(rand, count);
        rt.f32(grad, count).set(g);
        rt.kernels.adam_step(param, grad, m, v, count, lr, b1, b2, eps, wd, decoupled, step);
        const stepSize = f(lr / (1 - b1 ** step));
        const sqrtBc2 = f(Math.sqrt(1 - b2 ** step));
        const decay = decoupled ? f(1 - f(lr * wd)) : 1;
        const l2 = decoupled ? 0 : wd;
        for (let i = 0; i < count; i++) {
          const pi = f(p[i] * decay);
          const gi = f(g[i] + f(l2 * pi));
          mm[i] = f(f(b1 * mm[i]) + f(f(1 - b1) * gi));
          vv[i] = f(f(b2 * vv[i]) + f(f(f(1 - b2) * gi) * gi));
          p[i] = f(pi - f(f(stepSize * mm[i]) / f(f(f(Math.sqrt(vv[i])) / sqrtBc2) + eps)));
        }
      }
      expect([...get(rt, param, count)]).toEqual([...p]);
      expect([...rt.f32(m, count)]).toEqual([...mm]);
      expect([...rt.f32(v, count)]).toEqual([...vv]);
    },
  );
});

describe('the typed matmul wrapper checks shapes before calling WebAssembly', async () => {
  const { allocMatrix, matmul } = await import('../src/runtime/kernels.js');
  const rt = await referenceRuntime();
  it('dispatches each orientation to the kernel that computes it', () => {
    const rand = seededRandom(77);
    const a = allocMatrix(rt, 3, 5);
    const b = allocMatrix(rt, 4, 5);
    rt.f32(a.ptr, 15).set(randomArray(rand, 15));
    rt.f32(b.ptr, 20).set(randomArray(rand, 20));
    const c = allocMatrix(rt, 3, 4);
    matmul(rt, c, a, b, { transposeB: true });
    const expected = rt.allocF32(12);
    rt.kernels.matmul_nt_ref(expected, a.ptr, b.ptr, 3, 5, 4, 0);
    expect(maxRelDiff(get(rt, c.ptr, 12), get(rt, expected, 12))).toBeLessThan(1e-5);
  });
  it.each([
    [
      'inner dimensions that differ',
      () => matmul(rt, allocMatrix(rt, 3, 4), allocMatrix(rt, 3, 5), allocMatrix(rt, 4, 4)),
      /inner dimensions differ \(3×5 · 4×4\)/,
    ],
    [
      'an output of the wrong shape',
      () => matmul(rt, allocMatrix(rt, 2, 2), allocMatrix(rt, 3, 5), allocMatrix(rt, 5, 4)),
      /output is 2×2, the product is 3×4/,
    ],
    ['a dimension of zero', () => allocMatrix(rt, 0, 3), /positive integers, got 0×3/],
  ])('names %s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});
