// The masked-word loss against central finite differences, as test/attention-gradcheck.test.ts
// checks the encoder's kernels: the sampled softmax alone (its output vectors and its candidate
// rows, an accidental hit among them), then the whole pretraining model (encoder and loss, the
// token table's rows reached through their slots).

import { describe, expect, it } from 'vitest';
import { MaskedWordModel, type MaskedBatch } from '../src/models/masked-words.js';
import { encoderHidden } from '../src/models/attention-model.js';
import { SampledSoftmax } from '../src/nn/sampled-softmax.js';
import { ORDERED_ID_OFFSET } from '../src/text/features.js';
import { put, putI32, randomArray, referenceRuntime, seededRandom } from './helpers.js';

// Smaller than the kernels' check (1e-2): across two layers some ReLU inputs lie within 1e-2 of
// their kink, where a wider step measures the slope on both sides of it.
const EPS = 2e-3;

function expectClose(analytic: number, numeric: number, what: string): void {
  expect(Math.abs(analytic - numeric), `${what}: analytic ${analytic}, numeric ${numeric}`).toBeLessThan(
    2e-3 * (1 + Math.abs(numeric)),
  );
}

/** Compares ∂L/∂v[i] with (L(v + ε) − L(v − ε)) / 2ε for each i of `indices`. */
function checkAgainstDifferences(
  values: () => Float32Array,
  analytic: (i: number) => number,
  loss: () => number,
  indices: Iterable<number>,
  what: string,
): void {
  for (const i of indices) {
    const saved = values()[i];
    values()[i] = saved + EPS;
    const plus = loss();
    values()[i] = saved - EPS;
    const minus = loss();
    values()[i] = saved;
    expectClose(analytic(i), (plus - minus) / (2 * EPS), `${what}[${i}]`);
  }
}

describe('masked-word loss: backward matches finite differences', async () => {
  const rt = await referenceRuntime();

  it('sampled softmax: output vectors and candidate rows, with an accidental hit excluded', () => {
    const rand = seededRandom(3);
    const [C, N, V] = [8, 6, 9];
    const positions = Int32Array.of(1, 4, 5);
    // Targets 2, 7, 2 (word 2 masked twice: an accidental hit for each other), then negatives 7 (a hit for the second), 3, 8.
    const candidates = Int32Array.of(2, 7, 2, 7, 3, 8);
    const x = put(rt, randomArray(rand, N * C, 1));
    const table = put(rt, randomArray(rand, V * C, 1));
    const dx = rt.allocF32(N * C);
    // Each candidate's gradient lands in its table row (its slot is its row here).
    const rowGrads = rt.allocF32(V * C);
    const slots = putI32(rt, candidates);
    const layer = new SampledSoftmax(rt, { dim: C, maxTargets: 4, maxNegatives: 4 }, 'test');
    const loss = () => layer.forward(x, table, positions, candidates);
    const L = loss();
    expect(L).toBeGreaterThan(0);
    layer.backward(dx, rowGrads, slots);
    const dxValues = rt.f32(dx, N * C).slice();
    const rowValues = rt.f32(rowGrads, V * C).slice();
    checkAgainstDifferences(
      () => rt.f32(x, N * C),
      (i) => dxValues[i],
      loss,
      dxValues.keys(),
      '∂L/∂x',
    );
    checkAgainstDifferences(
      () => rt.f32(table, V * C),
      (i) => rowValues[i],
      loss,
      rowValues.keys(),
      '∂L/∂table',
    );
    // Rows neither read as a vector nor a candidate get no gradient.
    for (const row of [0, 1, 4, 5, 6])
      expect(rowValues.subarray(row * C, (row + 1) * C).every((v) => v === 0)).toBe(true);
  });

  it.each([
    ['norm after each block, two layers', false],
    ['norm before each block, one layer', true],
  ])('the encoder with the masked-word loss (%s)', (_, normFirst) => {
    const layers = normFirst ? 1 : 2;
    const shape = {
      rows: 8,
      dim: 8,
      hidden: encoderHidden({ ff: 12, layers, heads: 2, maxLen: 6, normFirst, pooling: 'mean', bigrams: 0 }),
      classes: 2,
    };
    const model = new MaskedWordModel(rt, shape, { maxBatch: 2, maxTargets: 3, maxNegatives: 3, seed: 5, dropout: 0 });
    // Two texts of 5 and 3 ids; UNK (1) hides positions 1 and 6, whose words were 4 and 9.
    const batch: MaskedBatch = {
      ids: Int32Array.of(2, 1, 3, 5, 6, 7, 1, 2),
      offsets: Int32Array.of(0, 5, 8),
      batch: 2,
      positions: Int32Array.of(1, 6),
      candidates: Int32Array.of(4, 9, 2, 8, 4),
    };
    const loss = () => model.forward(batch, 0, 0);
    loss();
    model.backward();
    const { encoder } = model;
    const block = encoder.parameters;
    const paramGrads = rt.f32(block.gradPtr, block.size).slice();
    const step = Math.max(1, Math.floor(block.size / 150));
    const sampled = Array.from({ length: Math.ceil(block.size / step) }, (_, i) => i * step);
    // The head is not part of this loss: its gradient is 0, and so is the finite difference.
    checkAgainstDifferences(
      () => rt.f32(block.ptr, block.size),
      (i) => paramGrads[i],
      loss,
      sampled,
      '∂L/∂parameters',
    );
    // The token table's rows: each touched row's gradient sits in its slot (touchedRows' order).
    const rows = encoder.sparseRows;
    const touched = [...rows.touchedRows()];
    const C = shape.dim;
    const V = shape.rows + ORDERED_ID_OFFSET;
    const rowGrads = rt.f32(rows.gradientsPtr, touched.length * C).slice();
    const table = encoder.tensors()[0];
    expect(table.shape).toEqual([V, C]);
    expect(new Set(touched)).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    const analytic = (i: number) => {
      const slot = touched.indexOf(Math.floor(i / C));
      return slot < 0 ? 0 : rowGrads[slot * C + (i % C)];
    };
    const entries = Array.from({ length: V * C }, (_, i) => i).filter((i) => i % 3 === 0);
    checkAgainstDifferences(() => table.values(), analytic, loss, entries, '∂L/∂embedding');
  });
});
