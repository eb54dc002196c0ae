// One Transformer encoder layer against PyTorch's nn.TransformerEncoderLayer(batch_first=True),
// for both norm_first settings, on the weights, inputs and padding mask that
// scripts/attention-reference.py used to write test/fixtures/attention-reference.json (PyTorch
// 1.13, float64): the output and the gradient of L = Σ r ⊙ out with respect to the input and
// every parameter, each within 1e-5. PyTorch pads the sequences and masks the padded keys;
// sentiwasm packs them back to back, so the real positions are compared (r is zero at padded
// ones, whose outputs no loss reads).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParameterBlock } from '../src/nn/parameters.js';
import { Random } from '../src/nn/random.js';
import { EncoderLayer, encoderLayerParameters } from '../src/nn/transformer.js';
import { put, putI32, testRuntime } from './helpers.js';

interface ReferenceCase {
  normFirst: boolean;
  B: number;
  T: number;
  C: number;
  heads: number;
  ff: number;
  lengths: number[];
  x: number[];
  r: number[];
  params: Record<string, number[]>;
  out: number[];
  dx: number[];
  grads: Record<string, number[]>;
}

const reference = JSON.parse(readFileSync(new URL('./fixtures/attention-reference.json', import.meta.url), 'utf8')) as {
  torch: string;
  cases: ReferenceCase[];
};

/** The largest absolute difference of two arrays. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe(`an encoder layer matches PyTorch ${reference.torch}'s nn.TransformerEncoderLayer`, async () => {
  it.each(reference.cases.map((c) => [c.normFirst ? 'norm_first=True' : 'norm_first=False', c] as const))(
    '%s: forward and every gradient within 1e-5',
    async (_, c) => {
      const rt = await testRuntime();
      const shape = { dim: c.C, heads: c.heads, ff: c.ff, normFirst: c.normFirst };
      const block = new ParameterBlock(rt, encoderLayerParameters(shape), new Random(1));
      block.set(c.params, { complete: true });
      const layer = new EncoderLayer(
        rt,
        shape,
        block.params,
        { batch: c.B, length: c.T, gradBatch: c.B, dropout: false },
        'layer',
      );
      // [B, T, C] padded → [rows, C] packed: the real positions of each sequence, back to back.
      const pack = (padded: number[]) => c.lengths.flatMap((L, b) => padded.slice(b * c.T * c.C, (b * c.T + L) * c.C));
      const rows = c.lengths.reduce((a, b) => a + b, 0);
      const N = rows * c.C;
      const x = put(rt, pack(c.x));
      const dx = rt.allocF32(N);
      const offsets = putI32(rt, [0, ...c.lengths.map((_, b) => c.lengths.slice(0, b + 1).reduce((a, v) => a + v, 0))]);
      const out = layer.forward(x, offsets, c.B, rows, 0, 0);
      const diffs: Record<string, number> = { out: maxDiff(rt.f32(out, N), pack(c.out)) };
      block.zeroGrad();
      layer.zeroGrad(rows);
      rt.f32(layer.outGrad, N).set(pack(c.r));
      layer.backward(dx);
      diffs.dx = maxDiff(rt.f32(dx, N), pack(c.dx));
      for (const p of block.params) diffs[p.name] = maxDiff(block.grad(p), c.grads[p.name]);
      for (const [name, d] of Object.entries(diffs)) expect(d, name).toBeLessThan(1e-5);
      console.log(
        `${c.normFirst ? 'norm_first' : 'norm after'}: largest differences ${JSON.stringify(Object.fromEntries(Object.entries(diffs).map(([k, v]) => [k, Number(v.toPrecision(2))])))}`,
      );
    },
  );
});
