// Every SIMD kernel against its scalar reference (`*_ref`: beside the kernel in assembly/, exported
// by the test builds only), on awkward sizes: zero, one, lengths that are not a multiple of four,
// odd row widths, empty bags and sequences, and arrays that start off the 16-byte boundary. Each
// case lays out a kernel's arguments once; the kernel and its reference then run on the same
// inputs from the same starting outputs (random, so that what backward adds with += is checked
// too). Their outputs must be the same to the bit where each SIMD lane does the scalar formula,
// and within a stated tolerance where the lanes sum in another order (the layer norm's mean and
// variance, attention's dot products, the matrix products, the sum of squares).

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { KernelReferences } from '../src/runtime/exports.js';
import { maxRelDiff, randomArray, referenceRuntime, seededRandom, TEST_WASM_PATH, WASM_PATH } from './helpers.js';
import type { ReferenceRuntime } from './helpers.js';

/** What a case runs on; each kernel reads the fields it needs. */
interface Shape {
  n?: number;
  rows?: number;
  cols?: number;
  /** Sequences or bags, by length. */
  lengths?: number[];
  heads?: number;
  inner?: number;
}

/** A kernel's arguments laid out in memory, and the blocks of floats it writes. */
interface Layout {
  args: number[];
  writes: Array<[ptr: number, floats: number]>;
}

/** Lays out arrays for one run: random floats, given ints, all starting `offset` bytes past a 16-byte boundary. */
class Arrays {
  constructor(
    readonly rt: ReferenceRuntime,
    readonly rand: () => number,
    readonly offset: number,
  ) {}

  private place(n: number): number {
    return this.rt.alloc(n * 4 + this.offset, 16) + this.offset;
  }

  floats(n: number, scale = 1): number {
    const ptr = this.place(n);
    this.rt.f32(ptr, n).set(randomArray(this.rand, n, scale));
    return ptr;
  }

  ints(values: number[]): number {
    const ptr = this.place(values.length);
    this.rt.i32(ptr, values.length).set(values);
    return ptr;
  }

  /** n ints in [0, below). */
  randomInts(n: number, below: number): number[] {
    return Array.from({ length: n }, () => Math.floor(this.rand() * below));
  }

  /** The offsets [0, l0, l0 + l1, …] of back-to-back runs of the given lengths. */
  offsets(lengths: number[]): number {
    const offsets = [0];
    for (const length of lengths) offsets.push(offsets.at(-1)! + length);
    return this.ints(offsets);
  }
}

/** The kernels that have a scalar reference: each name of KernelReferences without its `_ref`. */
type ReferencedKernel = keyof KernelReferences extends infer K
  ? K extends `${infer Kernel}_ref`
    ? Kernel
    : never
  : never;

interface ReferenceCase {
  kernel: ReferencedKernel;
  /** The options a case runs with, when a kernel has several cases. */
  options?: string;
  shapes: Shape[];
  layout: (a: Arrays, shape: Required<Shape>) => Layout;
  /** Largest |kernel − reference| / (1 + |reference|) allowed; 0 (the default): the same to the bit. */
  tolerance?: number;
}

const FLAT: Shape[] = [0, 1, 3, 4, 5, 7, 8, 17, 63, 1001].map((n) => ({ n }));
/** rows × cols, or U rows (bags, updates) of width cols. */
const ROWS: Shape[] = [
  [0, 5],
  [1, 1],
  [1, 4],
  [3, 3],
  [2, 7],
  [5, 17],
  [4, 64],
  [3, 33],
].map(([rows, cols]) => ({ rows, cols }));
/** Bags or sequences by length (empty ones among them), and the width of their rows. */
const RUNS: Shape[] = [
  { lengths: [], cols: 4 },
  { lengths: [1], cols: 1 },
  { lengths: [3], cols: 3 },
  { lengths: [0, 5, 1], cols: 5 },
  { lengths: [2, 6], cols: 8 },
  { lengths: [7, 4, 0, 1, 2], cols: 17 },
];
/** Attention: heads of width cols / heads, 1, 3 and 5 (the per-key path) and 4 and 8 (the blocked one). */
const HEADS: Shape[] = [
  { lengths: [1], cols: 1, heads: 1 },
  { lengths: [0, 5, 1], cols: 3, heads: 1 },
  { lengths: [9], cols: 8, heads: 2 },
  { lengths: [7, 4, 1, 2], cols: 10, heads: 2 },
  { lengths: [6, 3], cols: 12, heads: 3 },
  { lengths: [5, 0, 8], cols: 16, heads: 2 },
];
/** Matrix products M×K·K×N, with a K of zero; matmul.test.ts checks many more. */
const PRODUCTS: Shape[] = [
  [1, 1, 1],
  [2, 0, 3],
  [3, 5, 7],
  [5, 7, 3],
  [17, 33, 15],
  [4, 9, 19],
].map(([rows, inner, cols]) => ({ rows, inner, cols }));

const total = (lengths: number[]) => lengths.reduce((s, l) => s + l, 0);

/** A kernel over n floats, (out, …inputs, n, …extra): out[n] from the inputs, or dinp[n] += …. */
const flat = (kernel: ReferenceCase['kernel'], inputs: number, extra: number[] = []): ReferenceCase => ({
  kernel,
  shapes: FLAT,
  layout: (a, { n }) => {
    const out = a.floats(n);
    return { args: [out, ...Array.from({ length: inputs }, () => a.floats(n)), n, ...extra], writes: [[out, n]] };
  },
});

const CASES: ReferenceCase[] = [
  flat('fill_f32', 0, [0.75]),
  { ...flat('sum_squares_f32', 0), tolerance: 1e-6 },
  flat('add_f32', 1),
  flat('scale_f32', 0, [-1.25]),

  ...(['matmul_nn', 'matmul_nt', 'matmul_tn'] as const).map((kernel): ReferenceCase => ({
    kernel,
    shapes: PRODUCTS,
    tolerance: 1e-5 * Math.sqrt(33),
    layout: (a, { rows: M, inner: K, cols: N }) => {
      const c = a.floats(M * N);
      // Accumulating, so the starting C counts too; the scratch is the last argument of the kernel only.
      return { args: [c, a.floats(M * K), a.floats(K * N), M, K, N, 1, a.rt.matmulScratch], writes: [[c, M * N]] };
    },
  })),

  {
    kernel: 'bias_forward',
    shapes: ROWS,
    layout: (a, { rows, cols }) => {
      const out = a.floats(rows * cols);
      return { args: [out, a.floats(cols), rows, cols], writes: [[out, rows * cols]] };
    },
  },
  {
    kernel: 'bias_backward',
    shapes: ROWS,
    layout: (a, { rows, cols }) => {
      const dbias = a.floats(cols);
      return { args: [dbias, a.floats(rows * cols), rows, cols], writes: [[dbias, cols]] };
    },
  },
  flat('relu_forward', 1),
  flat('relu_backward', 2),
  {
    kernel: 'dropout_forward',
    shapes: FLAT,
    layout: (a, { n }) => {
      const [out, mask] = [a.floats(n), a.floats(n)];
      return {
        args: [out, mask, a.floats(n), n, 0.3, 0xdeadbeef],
        writes: [
          [out, n],
          [mask, n],
        ],
      };
    },
  },
  flat('dropout_backward', 2),

  ...[
    { momentum: 0, dampening: 0, weightDecay: 0.01, nesterov: 0, first: 0 },
    { momentum: 0.9, dampening: 0.1, weightDecay: 0.01, nesterov: 0, first: 1 },
    { momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: 1, first: 0 },
  ].map((o): ReferenceCase => ({
    kernel: 'sgd_step',
    options: `momentum ${o.momentum}, dampening ${o.dampening}, weight decay ${o.weightDecay}, nesterov ${o.nesterov}, first ${o.first}`,
    shapes: FLAT,
    layout: (a, { n }) => {
      const [param, velocity] = [a.floats(n), a.floats(n)];
      const args = [param, a.floats(n), velocity, n, 0.1, o.momentum, o.dampening, o.weightDecay, o.nesterov, o.first];
      return {
        args,
        writes: [
          [param, n],
          [velocity, n],
        ],
      };
    },
  })),
  ...[0, 1].map((decoupled): ReferenceCase => ({
    kernel: 'adam_step',
    options: `decoupled ${decoupled}`,
    shapes: FLAT,
    layout: (a, { n }) => {
      const [param, m, v] = [a.floats(n), a.floats(n), a.floats(n, 0.01)];
      a.rt.f32(v, n).set(a.rt.f32(v, n).map(Math.abs)); // a second moment is never negative
      return {
        args: [param, a.floats(n), m, v, n, 0.01, 0.9, 0.999, 1e-8, 0.05, decoupled, 3],
        writes: [
          [param, n],
          [m, n],
          [v, n],
        ],
      };
    },
  })),

  // The embedding bag: `lengths` are the bags, `cols` the width D; a table of 11 rows.
  {
    kernel: 'embedding_bag_forward',
    shapes: RUNS,
    layout: (a, { lengths, cols: D }) => {
      const B = lengths.length;
      const out = a.floats(B * D);
      const ids = a.ints(a.randomInts(total(lengths), 11));
      return { args: [out, a.floats(11 * D), ids, a.offsets(lengths), B, D], writes: [[out, B * D]] };
    },
  },
  {
    kernel: 'embedding_bag_backward',
    shapes: RUNS,
    layout: (a, { lengths, cols: D }) => {
      const B = lengths.length;
      const dslots = a.floats(6 * D);
      const slots = a.ints(a.randomInts(total(lengths), 6)); // repeated slots: a row used twice
      return { args: [dslots, a.floats(B * D), slots, a.offsets(lengths), B, D], writes: [[dslots, 6 * D]] };
    },
  },
  {
    kernel: 'add_rows',
    shapes: ROWS,
    layout: (a, { rows: U, cols: D }) => {
      const dslots = a.floats(7 * D);
      const targets = a.ints(a.randomInts(U, 7));
      return { args: [dslots, a.floats(U * D), targets, U, D], writes: [[dslots, 7 * D]] };
    },
  },
  {
    kernel: 'sgd_rows',
    shapes: ROWS,
    layout: (a, { rows: U, cols: D }) => {
      const table = a.floats(9 * D);
      const rows = a.ints([2, 8, 0, 5, 3].slice(0, U));
      return { args: [table, a.floats(U * D), rows, U, D, 0.1, 0.01], writes: [[table, 9 * D]] };
    },
  },
  {
    kernel: 'adam_rows',
    shapes: ROWS,
    layout: (a, { rows: U, cols: D }) => {
      const [table, m, v] = [a.floats(9 * D), a.floats(9 * D), a.floats(9 * D, 0.01)];
      a.rt.f32(v, 9 * D).set(a.rt.f32(v, 9 * D).map(Math.abs));
      const rows = a.ints([2, 8, 0, 5, 3].slice(0, U));
      return {
        args: [table, m, v, a.floats(U * D), rows, U, D, 0.01, 0.9, 0.999, 1e-8, 4],
        writes: [
          [table, 9 * D],
          [m, 9 * D],
          [v, 9 * D],
        ],
      };
    },
  },

  // The encoder: `lengths` are the sequences, `cols` the width C; a token table of 13 rows.
  {
    kernel: 'encoder_embed_forward',
    shapes: RUNS,
    layout: (a, { lengths, cols: C }) => {
      const N = total(lengths);
      const out = a.floats(N * C);
      const tokens = a.ints(a.randomInts(N, 13));
      const wpe = a.floats(Math.max(0, ...lengths) * C);
      return {
        args: [out, tokens, a.offsets(lengths), a.floats(13 * C), wpe, lengths.length, C],
        writes: [[out, N * C]],
      };
    },
  },
  {
    kernel: 'encoder_embed_backward',
    shapes: RUNS,
    layout: (a, { lengths, cols: C }) => {
      const N = total(lengths);
      const [dwte, dwpe] = [a.floats(13 * C), a.floats(Math.max(0, ...lengths) * C)];
      const tokens = a.ints(a.randomInts(N, 13));
      return {
        args: [dwte, dwpe, a.floats(N * C), tokens, a.offsets(lengths), lengths.length, C],
        writes: [
          [dwte, 13 * C],
          [dwpe, Math.max(0, ...lengths) * C],
        ],
      };
    },
  },
  {
    kernel: 'layernorm_forward',
    shapes: ROWS,
    tolerance: 1e-5,
    layout: (a, { rows: N, cols: C }) => {
      // Rows far from zero, where a careless variance would lose its digits.
      const inp = a.floats(N * C, 3);
      a.rt.f32(inp, N * C).set(a.rt.f32(inp, N * C).map((x) => x + 10));
      const [out, mean, rstd] = [a.floats(N * C), a.floats(N), a.floats(N)];
      return {
        args: [out, mean, rstd, inp, a.floats(C), a.floats(C), N, C, 1e-5],
        writes: [
          [out, N * C],
          [mean, N],
          [rstd, N],
        ],
      };
    },
  },
  {
    kernel: 'attention_forward',
    shapes: HEADS,
    tolerance: 1e-5,
    layout: (a, { lengths, cols: C, heads: NH }) => {
      const N = total(lengths);
      const attFloats = NH * lengths.reduce((s, l) => s + l * l, 0);
      const [out, att] = [a.floats(N * C), a.floats(attFloats)];
      return {
        args: [out, att, a.floats(N * 3 * C), a.offsets(lengths), lengths.length, C, NH],
        writes: [
          [out, N * C],
          [att, attFloats],
        ],
      };
    },
  },
  {
    kernel: 'attention_backward',
    shapes: HEADS,
    tolerance: 1e-5,
    layout: (a, { lengths, cols: C, heads: NH }) => {
      const N = total(lengths);
      const attFloats = NH * lengths.reduce((s, l) => s + l * l, 0);
      const [qkv, offsets, att] = [a.floats(N * 3 * C), a.offsets(lengths), a.rt.allocF32(attFloats)];
      // Backward reads the probabilities forward keeps.
      a.rt.kernels.attention_forward_ref(a.rt.allocF32(N * C), att, qkv, offsets, lengths.length, C, NH);
      const dqkv = a.floats(N * 3 * C);
      const scratch = a.floats(Math.max(0, ...lengths));
      return {
        args: [dqkv, a.floats(N * C), qkv, att, offsets, lengths.length, C, NH, scratch],
        writes: [[dqkv, N * 3 * C]],
      };
    },
  },
  flat('residual_forward', 2),
  {
    kernel: 'residual_backward',
    shapes: FLAT,
    layout: (a, { n }) => {
      const [da, db] = [a.floats(n), a.floats(n)];
      return {
        args: [da, db, a.floats(n), n],
        writes: [
          [da, n],
          [db, n],
        ],
      };
    },
  },
  {
    kernel: 'mean_pool_forward',
    shapes: RUNS,
    layout: (a, { lengths, cols: C }) => {
      const B = lengths.length;
      const out = a.floats(B * C);
      return { args: [out, a.floats(total(lengths) * C), a.offsets(lengths), B, C], writes: [[out, B * C]] };
    },
  },
  ...(['mean_pool_backward', 'first_pool_backward'] as const).map((kernel): ReferenceCase => ({
    kernel,
    // A sequence of length 0 has no first position: first pooling is never asked for one.
    shapes:
      kernel === 'mean_pool_backward' ? RUNS : RUNS.map((s) => ({ ...s, lengths: s.lengths!.filter((l) => l > 0) })),
    layout: (a, { lengths, cols: C }) => {
      const N = total(lengths);
      const dinp = a.floats(N * C);
      return {
        args: [dinp, a.floats(lengths.length * C), a.offsets(lengths), lengths.length, C],
        writes: [[dinp, N * C]],
      };
    },
  })),
];

/** The kernels without SIMD, each its own reference: scalar loops, library calls (memory.copy) or no arithmetic at all. */
const SCALAR_KERNELS = [
  'heap_base',
  'copy_f32',
  'count_nonfinite_f32',
  'matmul_scratch_bytes',
  'sigmoid_forward',
  'sigmoid_backward',
  'tanh_forward',
  'tanh_backward',
  'gelu_forward',
  'gelu_backward',
  'softmax_forward',
  'softmax_backward',
  'bce_forward',
  'bce_backward',
  'bce_logits_forward',
  'bce_logits_backward',
  'softmax_ce_forward',
  'softmax_ce_backward',
  'mse_forward',
  'mse_backward',
  'featurize_ascii',
  'layernorm_backward',
  'first_pool_forward',
];

/** A seed from a case's name, so that every case draws its own numbers. */
function seedOf(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

function describeShape(shape: Shape): string {
  return Object.entries(shape)
    .map(([k, v]) => `${k} ${Array.isArray(v) ? `[${v.join(', ')}]` : v}`)
    .join(', ');
}

const RUNS_OF_CASES = CASES.flatMap((c) =>
  c.shapes.map(
    (shape) => [c.options ? `${c.kernel} (${c.options})` : c.kernel, describeShape(shape), c, shape] as const,
  ),
);

describe.each([
  ['at 16-byte boundaries', 0],
  ['4 bytes past 16-byte boundaries', 4],
])('every SIMD kernel computes what its scalar reference computes, arrays %s', async (_, offset) => {
  const rt = await referenceRuntime();
  const kernels = rt.kernels as unknown as Record<string, (...args: number[]) => number | undefined>;

  it.each(RUNS_OF_CASES)('%s for %s', (title, shapeName, c, shape) => {
    const kernel = c.kernel;
    const mark = rt.mark();
    const full: Required<Shape> = { n: 0, rows: 0, cols: 0, lengths: [], heads: 1, inner: 0, ...shape };
    const { args, writes } = c.layout(
      new Arrays(rt, seededRandom(seedOf(`${title} ${shapeName}`) + offset), offset),
      full,
    );
    const start = writes.map(([ptr, n]) => rt.f32(ptr, n).slice());
    const results = (name: string) => {
      writes.forEach(([ptr, n], i) => rt.f32(ptr, n).set(start[i]));
      // The references take what their kernels take, but for the matrix products' scratch.
      const returned = kernels[name](
        ...(kernel.startsWith('matmul_') && name.endsWith('_ref') ? args.slice(0, -1) : args),
      );
      return { returned, writes: writes.map(([ptr, n]) => rt.f32(ptr, n).slice()) };
    };
    const simd = results(kernel);
    const scalar = results(`${kernel}_ref`);
    const tolerance = c.tolerance ?? 0;
    if (tolerance === 0) {
      expect(simd.returned).toBe(scalar.returned);
      simd.writes.forEach((w, i) => expect([...w], `block ${i}`).toEqual([...scalar.writes[i]]));
    } else {
      expect(maxRelDiff([simd.returned ?? 0], [scalar.returned ?? 0])).toBeLessThanOrEqual(tolerance);
      simd.writes.forEach((w, i) =>
        expect(maxRelDiff(w, scalar.writes[i]), `block ${i}`).toBeLessThanOrEqual(tolerance),
      );
    }
    rt.release(mark);
  });
});

describe('the references are a test-only convention', () => {
  let shipped: string[] = [];
  let test: string[] = [];
  beforeAll(async () => {
    const exportsOf = async (path: URL) => {
      const module = await WebAssembly.compile(readFileSync(path));
      return WebAssembly.Module.exports(module)
        .filter((e) => e.kind === 'function')
        .map((e) => e.name)
        .sort();
    };
    [shipped, test] = await Promise.all([exportsOf(WASM_PATH), exportsOf(TEST_WASM_PATH)]);
  });

  it('every kernel the core ships has a scalar reference in the test build, or is listed as scalar', () => {
    const withoutReference = shipped.filter((name) => !test.includes(`${name}_ref`));
    expect(withoutReference.sort()).toEqual([...SCALAR_KERNELS].sort());
  });

  it('every reference is checked here, and none is shipped', () => {
    const references = test.filter((name) => name.endsWith('_ref'));
    expect(references).toEqual([...new Set(CASES.map((c) => `${c.kernel}_ref`))].sort());
    expect(shipped.filter((name) => name.endsWith('_ref'))).toEqual([]);
    // The test build is the shipped one with the references beside the kernels, nothing else.
    expect(test.filter((name) => !name.endsWith('_ref'))).toEqual(shipped);
  });
});
