// The attention model's kernels (assembly/attention.ts) against central finite differences, as
// test/gradcheck.test.ts does for the other layers: L = Σ r ⊙ forward(inputs) with fixed random
// r, so ∂L/∂out = r, and backward's gradient of every input and parameter is compared with
// (L(v + ε) − L(v − ε)) / 2ε. Each kernel is a row of the table; the SIMD attention kernels are
// also compared with their scalar references, and a whole encoder layer with dropout is checked.

import { describe, expect, it } from 'vitest';
import type { KernelExports, KernelReferences } from '../src/runtime/exports.js';
import type { Runtime } from '../src/runtime/runtime.js';
import { ParameterBlock } from '../src/nn/parameters.js';
import { Random } from '../src/nn/random.js';
import { EncoderLayer, encoderLayerParameters } from '../src/nn/transformer.js';
import { put, putI32, randomArray, referenceRuntime, seededRandom } from './helpers.js';

const EPS = 1e-2;
// Two sequences of 5 and 3 positions, packed back to back: rows 0–4 and 5–7.
const B = 2,
  C = 8,
  NH = 2,
  V = 7,
  N = 8;
const OFFSETS = [0, 5, 8];

type Ptrs = Record<string, number>;
interface KernelCase {
  /** Differentiable inputs and their sizes; the forward's other inputs are in `fixed`. */
  inputs: Record<string, number>;
  fixed?: (rt: Runtime) => Ptrs;
  /** Floats of the output, and any floats forward keeps for backward. */
  out: number;
  cache?: Record<string, number>;
  forward: (k: KernelExports & KernelReferences, p: Ptrs) => void;
  /** Adds ∂L/∂input into p['d' + input] from p.dout. */
  backward: (k: KernelExports & KernelReferences, p: Ptrs) => void;
  /** Inputs whose gradient is only defined on some entries (e.g. embedding rows not used): checked all the same. */
}

const kernels: [string, KernelCase][] = [
  [
    'token and position embeddings',
    {
      inputs: { wte: V * C, wpe: 5 * C },
      fixed: (rt) => ({ tokens: putI32(rt, [2, 3, 6, 2, 1, 4, 5, 2]), offsets: putI32(rt, OFFSETS) }),
      out: N * C,
      forward: (k, p) => k.encoder_embed_forward(p.out, p.tokens, p.offsets, p.wte, p.wpe, B, C),
      backward: (k, p) => k.encoder_embed_backward(p.dwte, p.dwpe, p.dout, p.tokens, p.offsets, B, C),
    },
  ],
  [
    'layer normalisation',
    {
      inputs: { x: N * C, w: C, b: C },
      out: N * C,
      cache: { mean: N, rstd: N },
      forward: (k, p) => k.layernorm_forward(p.out, p.mean, p.rstd, p.x, p.w, p.b, N, C, 1e-5),
      backward: (k, p) => k.layernorm_backward(p.dx, p.dw, p.db, p.dout, p.x, p.w, p.mean, p.rstd, N, C),
    },
  ],
  [
    'multi-head self-attention within each packed sequence',
    {
      inputs: { qkv: N * 3 * C },
      fixed: (rt) => ({ offsets: putI32(rt, OFFSETS), scratch: rt.allocF32(5) }),
      out: N * C,
      cache: { att: NH * (5 * 5 + 3 * 3) },
      forward: (k, p) => k.attention_forward(p.out, p.att, p.qkv, p.offsets, B, C, NH),
      backward: (k, p) => k.attention_backward(p.dqkv, p.dout, p.qkv, p.att, p.offsets, B, C, NH, p.scratch),
    },
  ],
  [
    'multi-head self-attention, scalar reference',
    {
      inputs: { qkv: N * 3 * C },
      fixed: (rt) => ({ offsets: putI32(rt, OFFSETS), scratch: rt.allocF32(5) }),
      out: N * C,
      cache: { att: NH * (5 * 5 + 3 * 3) },
      forward: (k, p) => k.attention_forward_ref(p.out, p.att, p.qkv, p.offsets, B, C, NH),
      backward: (k, p) => k.attention_backward_ref(p.dqkv, p.dout, p.qkv, p.att, p.offsets, B, C, NH, p.scratch),
    },
  ],
  [
    'residual connection',
    {
      inputs: { a: 13, b: 13 },
      out: 13,
      forward: (k, p) => k.residual_forward(p.out, p.a, p.b, 13),
      backward: (k, p) => k.residual_backward(p.da, p.db, p.dout, 13),
    },
  ],
  [
    'masked mean pooling',
    {
      inputs: { x: N * C },
      fixed: (rt) => ({ offsets: putI32(rt, OFFSETS) }),
      out: B * C,
      forward: (k, p) => k.mean_pool_forward(p.out, p.x, p.offsets, B, C),
      backward: (k, p) => k.mean_pool_backward(p.dx, p.dout, p.offsets, B, C),
    },
  ],
  [
    'first-token pooling',
    {
      inputs: { x: N * C },
      fixed: (rt) => ({ offsets: putI32(rt, OFFSETS) }),
      out: B * C,
      forward: (k, p) => k.first_pool_forward(p.out, p.x, p.offsets, B, C),
      backward: (k, p) => k.first_pool_backward(p.dx, p.dout, p.offsets, B, C),
    },
  ],
];

function expectClose(analytic: number, numeric: number, what: string): void {
  expect(Math.abs(analytic - numeric), `${what}: analytic ${analytic}, numeric ${numeric}`).toBeLessThan(
    2e-3 * (1 + Math.abs(numeric)),
  );
}

describe('attention kernels: backward matches finite differences', async () => {
  const rt = await referenceRuntime();
  it.each(kernels)('%s', (_, kc) => {
    const rand = seededRandom(17);
    const p: Ptrs = { ...(kc.fixed?.(rt) ?? {}) };
    for (const [name, n] of Object.entries(kc.inputs)) {
      p[name] = put(rt, randomArray(rand, n, 1.5));
      p[`d${name}`] = rt.allocF32(n);
    }
    for (const [name, n] of Object.entries(kc.cache ?? {})) p[name] = rt.allocF32(n);
    const r = randomArray(rand, kc.out);
    p.out = rt.allocF32(kc.out);
    p.dout = put(rt, r);
    const objective = () => {
      kc.forward(rt.kernels, p);
      const out = rt.f32(p.out, kc.out);
      let L = 0;
      for (let i = 0; i < out.length; i++) L += r[i] * out[i];
      return L;
    };
    objective();
    kc.backward(rt.kernels, p);
    for (const [name, n] of Object.entries(kc.inputs)) {
      const analytic = rt.f32(p[`d${name}`], n).slice();
      for (let i = 0; i < n; i++) {
        const v = () => rt.f32(p[name], n);
        const saved = v()[i];
        v()[i] = saved + EPS;
        const plus = objective();
        v()[i] = saved - EPS;
        const minus = objective();
        v()[i] = saved;
        expectClose(analytic[i], (plus - minus) / (2 * EPS), `∂L/∂${name}[${i}]`);
      }
    }
  });

  // Head width 6 takes the per-key path (a SIMD group of 4 and a tail of 2); widths 8 and 16 the
  // blocked one (keys four at a time: 7 = a block and a tail of 3). Spread 12 puts scores ~100
  // apart, so some weights underflow to 0 in both kernels; there, scores of ~50 carry float32
  // rounding of ~6e-6 whichever order sums them, which exp passes on to the weights as relative
  // error, and so ~1e-4 to outputs of size ~12.
  it.each([
    [18, 3, 2, 1e-5],
    [32, 4, 2, 1e-5],
    [48, 3, 12, 2e-4],
  ])(
    'attention: the SIMD kernels agree with their scalar references (width %i, %i heads, inputs ±%i, within %f; sequences of 7, 4 and 1)',
    (c, nh, spread, tolerance) => {
      const rand = seededRandom(5);
      const [b, n] = [3, 12];
      const lengths = [7, 4, 1];
      const offsets = putI32(rt, [0, 7, 11, 12]);
      const attFloats = nh * (49 + 16 + 1);
      const qkv = put(rt, randomArray(rand, n * 3 * c, spread));
      const dout = put(rt, randomArray(rand, n * c));
      const run = (simd: boolean) => {
        const out = rt.allocF32(n * c);
        const att = rt.allocF32(attFloats);
        const dqkv = rt.allocF32(n * 3 * c);
        const scratch = rt.allocF32(7);
        const k = rt.kernels;
        (simd ? k.attention_forward : k.attention_forward_ref)(out, att, qkv, offsets, b, c, nh);
        (simd ? k.attention_backward : k.attention_backward_ref)(dqkv, dout, qkv, att, offsets, b, c, nh, scratch);
        return {
          out: rt.f32(out, n * c).slice(),
          att: rt.f32(att, attFloats).slice(),
          dqkv: rt.f32(dqkv, n * 3 * c).slice(),
        };
      };
      const simd = run(true);
      const ref = run(false);
      for (const key of ['out', 'att', 'dqkv'] as const)
        simd[key].forEach((v, i) => expect(Math.abs(v - ref[key][i]), `${key}[${i}]`).toBeLessThan(tolerance));
      // Each row of weights sums to 1 over its own sequence's positions; a sequence of one attends to itself.
      let at = 0;
      for (const L of lengths) {
        for (let r = 0; r < nh * L; r++)
          expect(simd.att.subarray(at + r * L, at + (r + 1) * L).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
        at += nh * L * L;
      }
      expect(simd.att[attFloats - 1]).toBe(1);
    },
  );

  it.each([false, true])('a whole encoder layer with dropout (norm first: %s)', (normFirst) => {
    const rand = seededRandom(23);
    const shape = { dim: C, heads: NH, ff: 12, normFirst };
    const block = new ParameterBlock(rt, encoderLayerParameters(shape), new Random(3));
    const layer = new EncoderLayer(
      rt,
      shape,
      block.params,
      { batch: B, length: 5, gradBatch: B, dropout: true },
      'gradcheck',
    );
    const n = N * C;
    const x = put(rt, randomArray(rand, n));
    const dx = rt.allocF32(n);
    const offsets = putI32(rt, OFFSETS);
    const r = randomArray(rand, n);
    const objective = () => {
      const out = rt.f32(layer.forward(x, offsets, B, N, 0.25, 99), n);
      let L = 0;
      for (let i = 0; i < n; i++) L += r[i] * out[i];
      return L;
    };
    objective();
    block.zeroGrad();
    layer.zeroGrad(N);
    rt.f32(layer.outGrad, n).set(r);
    layer.backward(dx);
    // A probe that straddles a ReLU kink sees a different slope at ε and ε/2: such points are
    // skipped (counted), every other one must agree with the analytic gradient.
    let skipped = 0;
    let checked = 0;
    const numeric = (values: () => Float32Array, i: number, eps: number) => {
      const saved = values()[i];
      values()[i] = saved + eps;
      const plus = objective();
      values()[i] = saved - eps;
      const minus = objective();
      values()[i] = saved;
      return (plus - minus) / (2 * eps);
    };
    const check = (values: () => Float32Array, analytic: Float32Array, what: string, every = 1) => {
      for (let i = 0; i < analytic.length; i += every) {
        const coarse = numeric(values, i, EPS);
        const fine = numeric(values, i, EPS / 2);
        checked++;
        if (Math.abs(coarse - fine) > 2e-3 * (1 + Math.abs(fine))) {
          skipped++;
          continue;
        }
        expectClose(analytic[i], fine, `${what}[${i}]`);
      }
    };
    check(() => rt.f32(x, n), rt.f32(dx, n).slice(), '∂L/∂x');
    for (const p of block.params) check(() => block.values(p), block.grad(p).slice(), `∂L/∂${p.name}`, 3);
    expect(skipped, `${skipped} of ${checked} points sit on a kink`).toBeLessThan(checked * 0.1);
  });
});
