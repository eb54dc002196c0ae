// Long runs and many models: a process that trains, predicts and disposes models over and over,
// or keeps several alive at once, holds its memory flat after warm-up. Each scenario runs in a
// child process of its own (with --expose-gc) so that the resident set measured is its alone.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const NODE_ENTRY = fileURLToPath(new URL('../dist/index.node.js', import.meta.url));
const run = promisify(execFile);

/** Runs `body` (an async module body with `sentiwasm` and `sample()` in scope) in a child; returns what it logs last, as JSON. */
async function inChild<T>(body: string): Promise<T> {
  if (!existsSync(NODE_ENTRY)) throw new Error('dist/index.node.js is missing: run `npm run build` first');
  const script = `const sentiwasm = await import(${JSON.stringify(NODE_ENTRY)});
    const sample = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().rss; };
    ${body}`;
  const { stdout } = await run(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

const MB = 1024 * 1024;

describe('soak', () => {
  it('80 cycles of train → predict → dispose keep the resident set flat after warm-up', async () => {
    const { samples } = await inChild<{ samples: number[] }>(`
      const { train: data } = sentiwasm.builtinSplit();
      const samples = [];
      for (let cycle = 1; cycle <= 80; cycle++) {
        const model = await sentiwasm.train(data, { epochs: 2, seed: cycle });
        model.predictBatch(['a wonderful film', 'not worth the money', '很好']);
        model.explain('not good at all');
        model.dispose();
        if (cycle % 10 === 0) samples.push(sample());
      }
      console.log(JSON.stringify({ samples }));`);
    // From cycle 20 (warm-up done) to cycle 80: 60 more models made and dropped.
    const growth = samples.at(-1)! - samples[1];
    expect(growth, `RSS every 10 cycles (MB): ${samples.map((s) => (s / MB).toFixed(0)).join(', ')}`).toBeLessThan(
      40 * MB,
    );
  });

  it("several models alive at once, used in turns, then dropped, round after round: memory flat, each model's WebAssembly memory unchanged by prediction", async () => {
    const { samples, grown } = await inChild<{ samples: number[]; grown: number }>(`
      const { train: data } = sentiwasm.builtinSplit();
      const samples = [];
      let grown = 0;
      for (let round = 1; round <= 8; round++) {
        const models = [];
        for (let m = 0; m < 4; m++) models.push(await sentiwasm.train(data, { epochs: 2, seed: round * 10 + m, arch: m % 2 ? 'mlp' : 'bag', dim: 16 + 16 * m }));
        // Warm each model up once (its prediction buffers), then use them in turns.
        for (const model of models) model.predict('a long ' + 'and winding '.repeat(400) + 'film');
        const before = models.map((model) => model.runtime.byteLength);
        for (let turn = 0; turn < 200; turn++) {
          const model = models[turn % models.length];
          model.predictBatch(['a wonderful film', 'dull and lifeless', 'a long ' + 'and winding '.repeat(turn % 300) + 'film']);
        }
        models.forEach((model, i) => { if (model.runtime.byteLength !== before[i]) grown++; });
        for (const model of models) model.dispose();
        samples.push(sample());
      }
      console.log(JSON.stringify({ samples, grown }));`);
    expect(grown, "a model's WebAssembly memory grew while it predicted").toBe(0);
    const growth = samples.at(-1)! - samples[1];
    expect(growth, `RSS after each round (MB): ${samples.map((s) => (s / MB).toFixed(0)).join(', ')}`).toBeLessThan(
      40 * MB,
    );
  });
});
