import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Runtime, defaultWasmUrl, enableRelaxedSimd, hasRelaxedSimd, train } from '../src/index.node.js';
import { builtinSplit } from '../src/data/corpus.js';
import { BCELoss, Linear, ReLU, SGD, Sequential, Sigmoid, Trainer } from '../src/nn/index.js';
import { FMA_WASM_PATH, randomArray, seededRandom, testRuntime, WASM_PATH } from './helpers.js';

describe('loading the WebAssembly', () => {
  const bytes = readFileSync(WASM_PATH);
  it.each([
    ['bytes', () => bytes],
    ['a compiled module', () => new WebAssembly.Module(bytes)],
    ['a Response', () => new Response(bytes, { headers: { 'content-type': 'application/wasm' } })],
    ['the default file: URL', () => undefined],
    ['an explicit file: URL', () => defaultWasmUrl()],
  ])('works from %s', async (_, source) => {
    const rt = await Runtime.create({ wasm: source() as never });
    expect(rt.kernels.heap_base()).toBeGreaterThan(0);
    expect(rt.allocated % 64).toBe(0);
  });

  it('refuses an HTTP error with the status', async () => {
    const server = await import('node:http').then((http) =>
      http.createServer((_, res) => {
        res.statusCode = 404;
        res.end();
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await expect(Runtime.create({ wasm: new URL(`http://127.0.0.1:${port}/x.wasm`) })).rejects.toThrow(/HTTP 404/);
    server.close();
  });
});

describe('the fused multiply-add build', () => {
  /** Whether the bytes hold f32x4.relaxed_madd (opcode 0xfd 0x85 0x02). */
  const hasMadd = (bytes: Uint8Array) =>
    bytes.some((b, i) => b === 0xfd && bytes[i + 1] === 0x85 && bytes[i + 2] === 0x02);

  it('is the default build with relaxed_madd in the matrix products, and only there', () => {
    expect(hasMadd(readFileSync(FMA_WASM_PATH))).toBe(true);
    expect(hasMadd(readFileSync(WASM_PATH))).toBe(false);
  });

  it('fma: true runs it where the engine has relaxed SIMD; given bytes always win', async () => {
    enableRelaxedSimd();
    expect(hasRelaxedSimd()).toBe(true);
    expect((await Runtime.create({ fma: true })).fma).toBe(true);
    expect((await Runtime.create()).fma).toBe(false);
    expect((await Runtime.create({ fma: true, wasm: readFileSync(WASM_PATH) })).fma).toBe(false);
  });

  it('an mlp trained with it learns as well as with the default build, and the same run gives the same bytes', async () => {
    enableRelaxedSimd();
    const { train: examples, dev } = builtinSplit();
    const options = { arch: 'mlp' as const, seed: 5, epochs: 10 };
    const [fmaA, fmaB, plain] = await Promise.all([
      train(examples, { ...options, runtime: { fma: true } }),
      train(examples, { ...options, runtime: { fma: true } }),
      train(examples, options),
    ]);
    expect(fmaA.runtime.fma).toBe(true);
    expect(Buffer.from(fmaA.toBytes()).equals(Buffer.from(fmaB.toBytes()))).toBe(true);
    const [a, p] = [fmaA.evaluate(dev).accuracy, plain.evaluate(dev).accuracy];
    expect(a).toBeGreaterThan(0.8);
    expect(Math.abs(a - p)).toBeLessThanOrEqual(0.03);
  });
});

describe('the memory plan', async () => {
  it('growing the memory keeps data, and fresh views see it', async () => {
    const rt = await testRuntime();
    const ptr = rt.allocF32(4);
    rt.f32(ptr, 4).set([1, 2, 3, 4]);
    const stale = rt.f32(ptr, 4);
    const before = rt.byteLength;
    rt.alloc(before * 3);
    expect(rt.byteLength).toBeGreaterThan(before);
    expect(rt.grows).toBeGreaterThan(0);
    // The old view is detached by the grow; a fresh one reads the same numbers.
    expect(stale.length).toBe(0);
    expect(Array.from(rt.f32(ptr, 4))).toEqual([1, 2, 3, 4]);
  });

  it('a model built after a grow computes the same as one built before', async () => {
    const rt = await testRuntime();
    const make = () =>
      new Sequential([new Linear(4, 3), new ReLU(), new Linear(3, 1)]).build(rt, {
        inFeatures: 4,
        maxBatch: 2,
        seed: 5,
      });
    const a = make();
    rt.alloc(rt.byteLength * 2);
    const b = make();
    const x = [
      [1, 2, 3, 4],
      [-1, 0.5, 0, 2],
    ];
    expect(a.predict(x)).toEqual(b.predict(x));
  });

  it('a training step allocates nothing: memory size and allocator stay put', async () => {
    const rt = await testRuntime();
    const model = new Sequential([new Linear(16, 8), new ReLU(), new Linear(8, 1), new Sigmoid()]).build(rt, {
      inFeatures: 16,
      maxBatch: 32,
    });
    const trainer = new Trainer(model, { loss: new BCELoss(), optimizer: new SGD({ lr: 0.1, momentum: 0.9 }) });
    const rand = seededRandom(1);
    const x = randomArray(rand, 32 * 16);
    const y = Float32Array.from({ length: 32 }, () => (rand() < 0.5 ? 0 : 1));
    trainer.step(x, y, 32);
    const [bytes, top, grows] = [rt.byteLength, rt.allocated, rt.grows];
    for (let i = 0; i < 20; i++) trainer.step(x, y, 32 - (i % 5));
    expect([rt.byteLength, rt.allocated, rt.grows]).toEqual([bytes, top, grows]);
  });
});

describe('bad input gets a clear error', async () => {
  const rt = await testRuntime();
  const model = new Sequential([new Linear(3, 2)]).build(rt, { inFeatures: 3, maxBatch: 4 });
  it.each([
    ['a short row', [[1, 2]], /row 0 has 2 values, expected 3/],
    ['NaN', [[1, Number.NaN, 3]], /row 0, column 1 is NaN/],
    ['a non-number', [[1, 'x', 3]], /row 0, column 1 is x/],
  ])('predict names %s', (_, rows, message) => {
    expect(() => model.predict(rows as number[][])).toThrow(message);
  });
  it('a flat Float32Array with NaN is refused before it reaches WebAssembly', () => {
    expect(() => model.predict(Float32Array.from([1, 2, Number.NaN]))).toThrow(
      /NaN or infinite \(the first at index 2\)/,
    );
  });
  it('layers that do not fit are refused when the model is built', () => {
    expect(() => new Sequential([new Linear(3, 4), new Linear(5, 1)]).build(rt, { inFeatures: 3 })).toThrow(
      /Linear\(5, 1\) cannot take 4 input features/,
    );
  });
});
