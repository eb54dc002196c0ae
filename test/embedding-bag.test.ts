// The embedding bag against plain JavaScript: forward as a mean of rows, backward + the sparse
// SGD step as the dense gradient (finite differences), lazy Adam on the rows a batch used, a
// whole bag → head → cross-entropy step against finite differences, and a training step that
// allocates nothing.

import { describe, expect, it } from 'vitest';
import { EmbeddingBag, type SparseOptimizer } from '../src/nn/embedding-bag.js';
import { architectures, modelClass } from '../src/models/registry.js';
import { TrainingStep } from '../src/fit/step.js';
import type { Runtime } from '../src/runtime/runtime.js';
import { crossEntropyOfRow, numericGradients, put, randomArray, seededRandom, testRuntime } from './helpers.js';

/** Bags of row ids as the flat ids + offsets that EmbeddingBag.load takes. */
function pack(bags: readonly (readonly number[])[]): { rows: Int32Array; offsets: Int32Array } {
  const offsets = new Int32Array(bags.length + 1);
  const flat: number[] = [];
  bags.forEach((bag, b) => {
    offsets[b] = flat.length;
    flat.push(...bag);
  });
  offsets[bags.length] = flat.length;
  return { rows: Int32Array.from(flat), offsets };
}

/** A bag with its table filled from a seeded generator (not its own initialiser, so values are O(1)). */
function makeBag(
  rt: Runtime,
  rows: number,
  dim: number,
  optimizer: SparseOptimizer,
  seed: number,
  maxIds = 64,
): EmbeddingBag {
  const emb = new EmbeddingBag(rt, rows, dim, { maxBatch: 8, maxIds, optimizer });
  emb.values().set(randomArray(seededRandom(seed), rows * dim));
  return emb;
}

/** The slow, obvious reference: out[b] = mean of table[bag] (f64), zero for an empty bag. */
function meanOfRows(table: Float32Array, dim: number, bags: readonly (readonly number[])[]): Float64Array {
  const out = new Float64Array(bags.length * dim);
  bags.forEach((bag, b) => {
    for (const row of bag) for (let d = 0; d < dim; d++) out[b * dim + d] += table[row * dim + d] / bag.length;
  });
  return out;
}

/** The dense gradient of L = Σ dout ⊙ out with respect to the whole table: row r gets Σ over its uses of dout[b]/|bag b|. */
function denseGrad(rows: number, dim: number, bags: readonly (readonly number[])[], dout: Float32Array): Float64Array {
  const grad = new Float64Array(rows * dim);
  bags.forEach((bag, b) => {
    for (const row of bag) for (let d = 0; d < dim; d++) grad[row * dim + d] += dout[b * dim + d] / bag.length;
  });
  return grad;
}

/** The private buffers of a bag's rows that the tests look into (moments of lazy Adam). */
function internals(emb: EmbeddingBag): { m: number; v: number } {
  return emb.sparseRows as unknown as { m: number; v: number };
}

/** The sparse SGD update of the rows a batch used, at learning rate `lr`. */
const sgdRows = (emb: EmbeddingBag, lr: number) => emb.sparseRows.update({ kind: 'sgd', lr, weightDecay: 0 });

const bagsForwardCases: [string, number[][]][] = [
  ['one bag of one row', [[3]]],
  ['bags of sizes 1, 2, 5', [[0], [1, 2], [4, 5, 6, 7, 8]]],
  ['an empty bag between two others', [[1, 2], [], [9]]],
  ['only empty bags', [[], []]],
  [
    'the same row repeated in one bag',
    [
      [4, 4, 4, 2],
      [7, 7],
    ],
  ],
  [
    'every row, several times, across eight bags',
    [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [9, 8], [], [5, 5, 5, 5, 5], [1], [2, 3, 2, 3], [0, 9, 0], [6]],
  ],
];

describe('embedding_bag_forward equals a plain mean of rows', async () => {
  const rt = await testRuntime();
  const cases = [1, 3, 4, 17, 64].flatMap((dim) => bagsForwardCases.map(([name, bags]) => [dim, name, bags] as const));
  it.each(cases)('dim %i: %s', (dim, _, bags) => {
    const emb = makeBag(rt, 10, dim, 'sgd', 100 + dim);
    const { rows, offsets } = pack(bags);
    emb.load(rows, offsets, bags.length);
    // Garbage in the output first: the kernel must overwrite every value, empty bags included.
    const out = put(rt, new Float32Array(bags.length * dim).fill(Number.NaN));
    emb.forward(out);
    const got = rt.f32(out, bags.length * dim);
    const want = meanOfRows(emb.values(), dim, bags);
    for (let i = 0; i < want.length; i++)
      expect(Math.abs(got[i] - want[i]), `out[${i}]: ${got[i]} vs ${want[i]}`).toBeLessThan(1e-6);
    bags.forEach((bag, b) => {
      if (bag.length === 0) expect(Array.from(got.subarray(b * dim, (b + 1) * dim))).toEqual(new Array(dim).fill(0));
    });
  });

  it('a bag of one row repeated is exactly that row', () => {
    const emb = makeBag(rt, 10, 17, 'sgd', 5);
    const { rows, offsets } = pack([[6, 6, 6, 6]]);
    emb.load(rows, offsets, 1);
    const out = rt.allocF32(17);
    emb.forward(out);
    const got = Array.from(rt.f32(out, 17));
    const row = Array.from(emb.values().subarray(6 * 17, 7 * 17));
    got.forEach((v, d) => expect(v).toBeCloseTo(row[d], 6));
  });

  it.each([
    ['a row id past the table', [[1, 10]], /row 10 outside 0..9/],
    ['a negative row id', [[-1]], /row -1 outside 0..9/],
    ['more ids than reserved', [Array.from({ length: 65 }, () => 1)], /exceeds the reserved/],
  ] as const)('load refuses %s', (_, bags, message) => {
    const emb = makeBag(rt, 10, 3, 'sgd', 1);
    const { rows, offsets } = pack(bags as unknown as number[][]);
    expect(() => emb.load(rows, offsets, bags.length)).toThrow(message);
  });
});

describe('EmbeddingBag.backward + the sparse SGD step equal the dense gradient', async () => {
  const rt = await testRuntime();
  // Rows 0, 2, 5, 9 never occur; 3 and 7 occur in several bags, 7 twice in one.
  const bags = [[1, 3, 7], [3], [7, 4, 7, 8], [], [6, 3, 1]];
  const EPS = 1e-2;

  it.each([
    [10, 5],
    [10, 4],
    [12, 17],
    [10, 1],
  ])('rows %i, dim %i', (rows, dim) => {
    const rand = seededRandom(rows * 100 + dim);
    const emb = makeBag(rt, rows, dim, 'sgd', 31 + dim);
    const { rows: ids, offsets } = pack(bags);
    emb.load(ids, offsets, bags.length);
    const B = bags.length;
    const r = randomArray(rand, B * dim);
    const out = rt.allocF32(B * dim);
    const dout = put(rt, r);
    const objective = (): number => {
      emb.forward(out);
      const o = rt.f32(out, B * dim);
      let L = 0;
      for (let i = 0; i < o.length; i++) L += r[i] * o[i];
      return L;
    };

    // Finite differences over every table entry (L is linear in the table, so they are exact up to f32 rounding).
    const numeric = new Float64Array(rows * dim);
    for (let i = 0; i < rows * dim; i++) {
      const saved = emb.values()[i];
      emb.values()[i] = saved + EPS;
      const plus = objective();
      emb.values()[i] = saved - EPS;
      const minus = objective();
      emb.values()[i] = saved;
      numeric[i] = (plus - minus) / (2 * EPS);
    }
    // The finite differences agree with the obvious reference, so they are a fair yardstick.
    const reference = denseGrad(rows, dim, bags, r);
    numeric.forEach((g, i) => expect(Math.abs(g - reference[i]), `reference[${i}]`).toBeLessThan(1e-3));

    const before = emb.values().slice();
    emb.backward(dout);
    sgdRows(emb, 1);
    const after = emb.values().slice();
    const used = new Set(bags.flat());
    for (let row = 0; row < rows; row++) {
      for (let d = 0; d < dim; d++) {
        const i = row * dim + d;
        if (!used.has(row)) {
          expect(Object.is(after[i], before[i]), `row ${row} is not in the batch and must not change`).toBe(true);
          continue;
        }
        const change = after[i] - before[i];
        expect(
          Math.abs(change + numeric[i]),
          `row ${row}, d ${d}: change ${change}, −grad ${-numeric[i]}`,
        ).toBeLessThan(2e-3 * (1 + Math.abs(numeric[i])));
        expect(Math.abs(change + reference[i]), `row ${row}, d ${d} vs reference`).toBeLessThan(1e-6);
      }
    }
  });

  it("backward starts from zero each batch: a second batch does not carry the first one's gradient", () => {
    const dim = 3;
    const emb = makeBag(rt, 10, dim, 'sgd', 77);
    const first = pack([[1, 2], [2]]);
    emb.load(first.rows, first.offsets, 2);
    emb.backward(put(rt, [1, 1, 1, 1, 1, 1]));
    // Second batch: row 2 gets slot 0 now, row 5 slot 1.
    const second = pack([[2, 5]]);
    emb.load(second.rows, second.offsets, 1);
    const r = [0.5, -1, 2];
    emb.backward(put(rt, r));
    const before = emb.values().slice();
    sgdRows(emb, 1);
    const after = emb.values();
    for (const row of [2, 5])
      for (let d = 0; d < dim; d++) expect(after[row * dim + d] - before[row * dim + d]).toBeCloseTo(-r[d] / 2, 6);
    for (let d = 0; d < dim; d++) expect(after[1 * dim + d]).toBe(before[1 * dim + d]);
  });
});

describe('adam_rows equals lazy Adam (torch.optim.SparseAdam) on the rows a batch used', async () => {
  const rt = await testRuntime();

  it.each([
    [10, 5],
    [9, 8],
    [6, 1],
  ])('rows %i, dim %i, three steps', (rows, dim) => {
    // The optimiser's defaults: PyTorch's betas and eps.
    const lr = 0.05,
      beta1 = 0.9,
      beta2 = 0.999,
      eps = 1e-8;
    const rand = seededRandom(rows + dim);
    const emb = makeBag(rt, rows, dim, 'adam', 3 * dim);
    const { m: mPtr, v: vPtr } = internals(emb);
    // Step 1 touches 1, 3, 4; step 2 touches 3, 5 only (1 and 4 sit out, their moments must stay);
    // step 3 touches 1 again, so its update uses the global step count 3. Rows 0 and 2 are never touched.
    const batches = [
      [
        [1, 3],
        [4, 4, 1],
      ],
      [[5], [3, 5, 5]],
      [[1], [], [3, 1]],
    ];
    const table = Float64Array.from(emb.values());
    const m = new Float64Array(rows * dim);
    const v = new Float64Array(rows * dim);
    const touched = new Set<number>();
    batches.forEach((bags, s) => {
      const { rows: ids, offsets } = pack(bags);
      emb.load(ids, offsets, bags.length);
      const dout = randomArray(rand, bags.length * dim);
      emb.backward(put(rt, dout));
      const mBefore = rt.f32(mPtr, rows * dim).slice();
      const vBefore = rt.f32(vPtr, rows * dim).slice();
      const tableBefore = emb.values().slice();
      emb.sparseRows.update({ kind: 'adam', lr, beta1, beta2, eps, step: s + 1 });

      const step = s + 1;
      const grad = denseGrad(rows, dim, bags, dout);
      const used = new Set(bags.flat());
      for (const row of used) {
        touched.add(row);
        for (let d = 0; d < dim; d++) {
          const i = row * dim + d;
          m[i] = beta1 * m[i] + (1 - beta1) * grad[i];
          v[i] = beta2 * v[i] + (1 - beta2) * grad[i] ** 2;
          const mHat = m[i] / (1 - beta1 ** step);
          const vHat = v[i] / (1 - beta2 ** step);
          table[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
        }
      }
      const gotTable = emb.values();
      const gotM = rt.f32(mPtr, rows * dim);
      const gotV = rt.f32(vPtr, rows * dim);
      for (let row = 0; row < rows; row++) {
        for (let d = 0; d < dim; d++) {
          const i = row * dim + d;
          const where = `step ${step}, row ${row}, d ${d}`;
          if (!used.has(row)) {
            // Lazy: a row this batch did not use keeps its value and both moments, bit for bit.
            expect(Object.is(gotTable[i], tableBefore[i]), `${where}: value changed`).toBe(true);
            expect(Object.is(gotM[i], mBefore[i]), `${where}: m changed`).toBe(true);
            expect(Object.is(gotV[i], vBefore[i]), `${where}: v changed`).toBe(true);
          }
          expect(Math.abs(gotTable[i] - table[i]), `${where}: value ${gotTable[i]} vs ${table[i]}`).toBeLessThan(1e-6);
          expect(Math.abs(gotM[i] - m[i]), `${where}: m ${gotM[i]} vs ${m[i]}`).toBeLessThan(1e-6);
          expect(Math.abs(gotV[i] - v[i]), `${where}: v ${gotV[i]} vs ${v[i]}`).toBeLessThan(1e-8 + 1e-5 * v[i]);
        }
      }
    });
    // Rows never touched still have zero moments.
    for (let row = 0; row < rows; row++) {
      if (touched.has(row)) continue;
      expect(Array.from(rt.f32(mPtr, rows * dim).subarray(row * dim, (row + 1) * dim))).toEqual(new Array(dim).fill(0));
      expect(Array.from(rt.f32(vPtr, rows * dim).subarray(row * dim, (row + 1) * dim))).toEqual(new Array(dim).fill(0));
    }
  });
});

/** A registered model of 12 feature rows, laid out as training lays it out, and the step train() runs on it. */
function modelAndStep(
  rt: Runtime,
  arch: string,
  D: number,
  C: number,
  hidden: number[],
  optimizer: SparseOptimizer = 'sgd',
  classWeights = false,
) {
  const model = modelClass(arch).create(
    rt,
    { rows: 12, dim: D, hidden, classes: C },
    { maxBatch: 8, maxIds: 64, optimizer, seed: 41 + D },
  );
  const step = new TrainingStep(model, { optimizer, lr: 1, weightDecay: 0, classWeights });
  return { model, step };
}

const models: [string, string, number, number, number[]][] = [
  ['bag model, 2 classes', 'bag', 5, 2, []],
  ['bag model, 3 classes, odd dim', 'bag', 7, 3, []],
  ['mlp model, one hidden layer', 'mlp', 6, 3, [4]],
  // The encoder's sizes travel in `hidden`: [ff, layers, heads, max length, norm first, pooling].
  ['attention model, norm after', 'attention', 8, 3, [6, 1, 2, 8, 1, 1]],
  ['attention model, two layers, norm first, first-token pooling', 'attention', 4, 2, [5, 2, 2, 8, 2, 2]],
  // A seventh size: hashed word bigrams in 11 buckets, fewer than the batch's bigrams, so rows are shared.
  ['attention model with hashed bigrams', 'attention', 8, 3, [6, 1, 2, 8, 1, 1, 11]],
];

describe('the training step train() runs updates every weight by −lr × its finite-difference gradient', async () => {
  const rt = await testRuntime();
  const EPS = 1e-3;
  const bags = [[0, 3, 3, 7], [2], [7, 1, 11], [5, 0], [3]];
  const targets = [1, 0, 2, 1, 0];

  it.each(
    models.flatMap(
      ([name, arch, D, C, hidden]) =>
        [
          [`${name}, unweighted`, arch, D, C, hidden, false],
          [`${name}, class-weighted`, arch, D, C, hidden, true],
        ] as const,
    ),
  )('%s', (_, arch, D, C, hidden, weighted) => {
    const { model, step } = modelAndStep(rt, arch, D, C, [...hidden], 'sgd', weighted);
    const B = bags.length;
    const { rows, offsets } = pack(bags);
    const batch = {
      rows,
      offsets,
      targets: Int32Array.from(targets, (t) => t % C),
      weights: Float32Array.of(0.5, 2, 1, 1.5, 0.25),
    };
    // The loss the step minimises, worked out independently: softmax cross-entropy of the logits, weighted mean.
    const objective = (): number => {
      model.load(rows, offsets, B);
      const logits = rt.f32(model.forward(B), B * C);
      let sum = 0;
      let weightSum = 0;
      for (let b = 0; b < B; b++) {
        const w = weighted ? batch.weights[b] : 1;
        sum += w * crossEntropyOfRow(logits, b, C, batch.targets[b]);
        weightSum += w;
      }
      return sum / weightSum;
    };
    const tensors = model.tensors();
    const numeric = numericGradients(tensors, objective, EPS);
    const before = tensors.map((t) => t.values().slice());
    const { loss } = step.run(batch, B, 1);
    expect(Number.isFinite(loss)).toBe(true);
    const used = new Set(bags.flat());
    let nonzero = 0;
    tensors.forEach((t, k) => {
      const after = t.values();
      for (let i = 0; i < after.length; i++) {
        const where = `∂L/∂${t.name}[${i}]: step ${before[k][i] - after[i]}, numeric ${numeric[k][i]}`;
        if (t.name === 'embedding.weight' && !used.has(Math.floor(i / D))) {
          expect(
            Object.is(after[i], before[k][i]),
            `table row ${Math.floor(i / D)} is not in the batch and must not change`,
          ).toBe(true);
          continue;
        }
        expect(Math.abs(before[k][i] - after[i] - numeric[k][i]), where).toBeLessThan(
          2e-3 * (1 + Math.abs(numeric[k][i])),
        );
        if (Math.abs(numeric[k][i]) > 1e-3) nonzero++;
      }
    });
    // The check would pass vacuously if the gradients were all zero.
    expect(nonzero).toBeGreaterThan(used.size);
  });
});

describe('a training step allocates nothing', async () => {
  const rt = await testRuntime();

  it.each(['sgd', 'adam'] as const)(
    'the step on every registered model (%s): cycles leave the allocator and memory as they were',
    (optimizer) => {
      for (const arch of architectures()) {
        const D = 16,
          C = 3;
        const { model, step } = modelAndStep(rt, arch, D, C, [8], optimizer);
        const rand = seededRandom(2);
        const cycle = (): number => {
          const B = 1 + Math.floor(rand() * 8);
          const bags = Array.from({ length: B }, () =>
            Array.from({ length: Math.floor(rand() * 8) }, () => Math.floor(rand() * 12)),
          );
          const { rows, offsets } = pack(bags);
          return step.run(
            { rows, offsets, targets: Int32Array.from(bags, (_, b) => b % C), weights: new Float32Array(B) },
            B,
            0.1,
          ).loss;
        };
        cycle();
        const allocated = rt.allocated,
          byteLength = rt.byteLength,
          grows = rt.grows;
        for (let i = 0; i < 50; i++) expect(Number.isFinite(cycle())).toBe(true);
        expect(rt.allocated, arch).toBe(allocated);
        expect(rt.byteLength, arch).toBe(byteLength);
        expect(rt.grows, arch).toBe(grows);
        expect(model.shape.classes).toBe(C);
      }
    },
  );
});
