// fastText's WebAssembly build (bench/peers/fasttext-wasm.ts) trained in a web page: headless
// Chromium (Debian's, as the browser tests start it) loads the Emscripten glue as a classic script
// (it defines the global FastTextModule), is given the same .wasm bytes, the same SST-2 lines and
// W4's recipe, trains on the page's main thread and scores dev. The page is served by request
// interception, so nothing listens on a port. The figures are those of the Node peer, measured in
// the page (scope "chromium page").

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { LabelledText } from '../../src/fit/options.js';
import { launchChromium } from '../../test/browser-chromium.js';
import { FASTTEXT_W4, textForFastText } from '../accuracy/fasttext.js';
import { FASTTEXT_WASM_PACKAGE, type FastTextWasmW4 } from './fasttext-wasm.js';

const require = createRequire(import.meta.url);
const ORIGIN = 'http://fasttext-wasm.bench';

/** What the page runs: W4's recipe, as bench/peers/fasttext-wasm.ts's w4Args spells it. */
interface PageJob {
  recipe: Record<string, number>;
  seed: number;
  words: number;
  devTexts: string[];
  devLabels: string[];
}

export async function fastTextWasmInChromium(
  train: readonly LabelledText[],
  dev: readonly LabelledText[],
  seed = 1,
): Promise<FastTextWasmW4 & { userAgent: string }> {
  const dir = dirname(require.resolve(`${FASTTEXT_WASM_PACKAGE}/package.json`));
  const texts = train.map((e) => textForFastText(e.text));
  const lines = `${train.map((e, i) => `__label__${e.label} ${texts[i]}`).join('\n')}\n`;
  const flag = (name: string) => Number(FASTTEXT_W4[FASTTEXT_W4.indexOf(`-${name}`) + 1]);
  const job: PageJob = {
    recipe: { dim: flag('dim'), wordNgrams: flag('wordNgrams'), bucket: flag('bucket'), epoch: flag('epoch') },
    seed,
    words: texts.reduce((n, t) => n + (t ? t.split(' ').length : 0), 0),
    devTexts: dev.map((e) => textForFastText(e.text)),
    devLabels: dev.map((e) => String(e.label)),
  };
  const files: Record<string, { body: string | Buffer; type: string }> = {
    '/': { body: '<!doctype html><title>fasttext-wasm</title>', type: 'text/html' },
    '/fasttext_wasm.js': { body: readFileSync(join(dir, 'fasttext_wasm.cjs')), type: 'text/javascript' },
    '/fasttext_wasm.wasm': { body: readFileSync(join(dir, 'fasttext_wasm.wasm')), type: 'application/wasm' },
    '/train.txt': { body: lines, type: 'text/plain' },
  };
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.route(`${ORIGIN}/**`, (route) => {
      const file = files[new URL(route.request().url()).pathname];
      return file ? route.fulfill({ body: file.body, contentType: file.type }) : route.fulfill({ status: 404 });
    });
    await page.goto(`${ORIGIN}/`);
    await page.addScriptTag({ url: `${ORIGIN}/fasttext_wasm.js` });
    const result = await page.evaluate(async (job: PageJob) => {
      type Module = {
        Args: new () => Record<string, unknown>;
        FastText: new () => {
          train(a: unknown, cb: () => void): void;
          predict(
            t: string,
            k: number,
            th: number,
          ): { size(): number; get(i: number): [number, string]; delete(): void };
        };
        LossName: Record<string, unknown>;
        ModelName: Record<string, unknown>;
        FS: { writeFile(p: string, d: Uint8Array): void };
      };
      const factory = (globalThis as unknown as { FastTextModule: (o: object) => Promise<Module> }).FastTextModule;
      const [wasm, lines] = await Promise.all(
        ['/fasttext_wasm.wasm', '/train.txt'].map(async (p) => new Uint8Array(await (await fetch(p)).arrayBuffer())),
      );
      const ft = await factory({ wasmBinary: wasm });
      ft.FS.writeFile('train.txt', lines);
      const args = new ft.Args();
      Object.assign(args, job.recipe, {
        input: 'train.txt',
        output: 'model',
        model: ft.ModelName.supervised,
        loss: ft.LossName.softmax,
        lr: 0.1,
        minCount: 1,
        minn: 0,
        maxn: 0,
        thread: 1,
        seed: job.seed,
        verbose: 0,
      });
      const model = new ft.FastText();
      let firstReport: number | undefined;
      const t0 = performance.now();
      model.train(args, () => {
        firstReport ??= performance.now();
      });
      const t1 = performance.now();
      let correct = 0;
      job.devTexts.forEach((text, i) => {
        const found = model.predict(text, 1, 0);
        if (found.size() > 0 && found.get(0)[1] === `__label__${job.devLabels[i]}`) correct++;
        found.delete();
      });
      const trainSeconds = (t1 - (firstReport ?? t0)) / 1000;
      return {
        tokensPerSecond: (job.recipe.epoch * job.words) / trainSeconds,
        trainSeconds,
        callSeconds: (t1 - t0) / 1000,
        accuracy: correct / job.devTexts.length,
        userAgent: navigator.userAgent,
      };
    }, job);
    return result;
  } finally {
    await browser.close();
  }
}
