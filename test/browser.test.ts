// End-to-end in a real browser: Debian's Chromium, driven by playwright-core.
//   a. the unbundled browser entry dist/index.js (it imports nothing from outside the package) runs the
//      tutorial network to PyTorch's losses, the same numbers as in Node;
//   b. a model trained in the page loads in Node with the same predictions, and a model file
//      made in Node loads in the page.
// The web app in examples/web is tested in browser-app.test.ts, and the packed library in a
// Vite production build (training in its worker) in browser-bundle.test.ts.
// Nothing is built here: `npm test` builds dist/ and build/ first (its pretest script), and CI installs
// Chromium. When either is missing every test fails, saying what to do.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  builtinSplit,
  enableRelaxedSimd,
  loadModel,
  runSeedExample,
  Runtime,
  train,
  type TextClassifier,
} from '../src/index.node.js';
import { CHROMIUM, CHROMIUM_ARGS, REPO_ROOT, watchForErrors } from './browser-chromium.js';
import { serveStatic, type StaticServer } from './browser-server.js';

type Library = typeof import('../src/index.js');
declare global {
  interface Window {
    /** The browser entry, imported by the generated test page. */
    sentiwasm: Library;
    sentiwasmReady: boolean;
  }
}

const reference = JSON.parse(readFileSync(new URL('fixtures/w1-reference.json', import.meta.url), 'utf8'));

const POSITIVE = 'I loved this movie, it was wonderful!';
const NEGATIVE = 'This was a terrible, boring film. I hated it.';
/** Texts whose predictions must agree between the browser and Node. */
const PROBES = [
  POSITIVE,
  NEGATIVE,
  'The food was cold and the staff were rude.',
  'Great hotel, friendly staff 😊',
  '房间很脏，太吵了，很失望',
  '这家酒店很干净，服务很好',
  'not bad at all',
  'meh',
];
/** The training run of part c, in both places. */
const TRAIN_OPTIONS = { epochs: 20, seed: 7 };

/** What has to exist before the browser tests can run, and how to get it. */
function missingPrerequisites(): string[] {
  const missing: string[] = [];
  for (const [file, fix] of [
    ['dist/index.js', 'run `npm run build` (npm test runs it first when sources changed)'],
    ['dist/runtime/runtime.js', 'run `npm run build`'],
    ['build/sentiwasm.wasm', 'run `npm run asbuild`'],
    ['build/sentiwasm-fma.wasm', 'run `npm run asbuild`'],
  ])
    if (!existsSync(join(REPO_ROOT, file))) missing.push(`${file} is missing: ${fix}`);
  if (!existsSync(CHROMIUM))
    missing.push(
      `${CHROMIUM} is missing: install Debian's Chromium with \`apt-get install -y chromium\` (the browser tests never download one)`,
    );
  return missing;
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** Label and probabilities of each probe, in a form that crosses page.evaluate. */
function predictionsOf(model: TextClassifier): { label: string; probabilities: Record<string, number> }[] {
  return PROBES.map((t) => model.predict(t));
}

function expectSamePredictions(got: ReturnType<typeof predictionsOf>, want: ReturnType<typeof predictionsOf>): void {
  expect(got.map((p) => p.label)).toEqual(want.map((p) => p.label));
  got.forEach((p, i) => {
    for (const [label, probability] of Object.entries(want[i].probabilities)) {
      expect(Math.abs(p.probabilities[label] - probability), `"${PROBES[i]}" ${label}`).toBeLessThan(1e-6);
    }
  });
}

let browser: Browser | undefined;
let context: BrowserContext | undefined;
const servers: StaticServer[] = [];

beforeAll(async () => {
  const missing = missingPrerequisites();
  if (missing.length) throw new Error(`the browser tests cannot run:\n  ${missing.join('\n  ')}`);
  // playwright's launch() makes a fresh, empty profile of its own (it refuses --user-data-dir).
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
});

describe('the unbundled browser entry (dist/index.js)', () => {
  let server: StaticServer;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    const html = `<!doctype html>
<meta charset="utf-8">
<title>sentiwasm browser entry</title>
<link rel="icon" href="data:,">
<script type="module">
  window.sentiwasm = await import('/dist/index.js');
  window.sentiwasmReady = true;
</script>`;
    server = await serveStatic(REPO_ROOT, { '/__browser_test__/index.html': { body: html } });
    servers.push(server);
    page = await context!.newPage();
    errors = watchForErrors(page);
    await page.goto(`${server.origin}/__browser_test__/index.html`);
    await page.waitForFunction(() => window.sentiwasmReady === true, undefined, { timeout: 20_000 });
  }, 60_000);

  it('fetches the WebAssembly next to dist/ as application/wasm', async () => {
    await page.evaluate(async () => void (await window.sentiwasm.Runtime.create()));
    const wasm = server.log.filter((r) => r.path === '/build/sentiwasm.wasm');
    expect(wasm.length).toBeGreaterThan(0);
    expect(wasm[0]).toMatchObject({ status: 200, type: 'application/wasm' });
  });

  it("runs the fused multiply-add build where Chromium has relaxed SIMD, and it computes what Node's does", async () => {
    enableRelaxedSimd();
    const browserRun = await page.evaluate(async (init) => {
      const { Runtime, runSeedExample, hasRelaxedSimd } = window.sentiwasm;
      const rt = await Runtime.create({ fma: true });
      return { relaxed: hasRelaxedSimd(), fma: rt.fma, run: runSeedExample(rt, { init }) };
    }, reference.init);
    expect(browserRun).toMatchObject({ relaxed: true, fma: true });
    expect(server.log.some((r) => r.path === '/build/sentiwasm-fma.wasm' && r.status === 200)).toBe(true);
    const nodeRun = runSeedExample(await Runtime.create({ fma: true }), { init: reference.init });
    browserRun.run.losses.forEach((loss, i) =>
      expect(Math.abs(loss - reference.losses[i]), `epoch ${i} against PyTorch`).toBeLessThan(1e-6),
    );
    expect(browserRun.run.losses).toEqual(nodeRun.losses);
  });

  it("runs the tutorial network to PyTorch's losses within 1e-6, the same numbers as in Node", async () => {
    const browserRun = await page.evaluate(async (init) => {
      const { Runtime, runSeedExample } = window.sentiwasm;
      return runSeedExample(await Runtime.create(), { init });
    }, reference.init);
    const nodeRun = runSeedExample(await Runtime.create(), { init: reference.init });
    expect(browserRun.losses).toHaveLength(100);
    browserRun.losses.forEach((loss, i) => {
      expect(Math.abs(loss - reference.losses[i]), `epoch ${i} against PyTorch`).toBeLessThan(1e-6);
    });
    // One WebAssembly binary, the same f32 arithmetic: not merely close, identical.
    expect(browserRun.losses).toEqual(nodeRun.losses);
    expect(browserRun.final).toEqual(nodeRun.final);
    browserRun.predictions.forEach((p, i) => expect(Math.abs(p - reference.final_predictions[i])).toBeLessThan(1e-6));
  });

  it('trains a model whose bytes load in Node with the same predictions', async () => {
    const fromPage = await page.evaluate(
      async ({ options, probes }) => {
        const { builtinSplit, train } = window.sentiwasm;
        const model = await train(builtinSplit().train, options);
        const bytes = model.toBytes();
        let binary = '';
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return { bytes: btoa(binary), predictions: probes.map((t) => model.predict(t)) };
      },
      { options: TRAIN_OPTIONS, probes: PROBES },
    );
    expect(fromPage.predictions.map((p) => p.label).slice(0, 2)).toEqual(['positive', 'negative']);

    const inNode = await loadModel(fromBase64(fromPage.bytes));
    expectSamePredictions(predictionsOf(inNode), fromPage.predictions);

    // The same seed and data give the same model, byte for byte, in Chromium and in Node.
    const trainedInNode = (await train(builtinSplit().train, TRAIN_OPTIONS)).toBytes();
    const trainedInPage = fromBase64(fromPage.bytes);
    expect(trainedInPage.length).toBe(trainedInNode.length);
    expect(Buffer.compare(trainedInPage, trainedInNode), 'model bytes trained in Chromium and in Node differ').toBe(0);
  });

  it('loads a model file made in Node from bytes, a Blob and a URL', async () => {
    const model = await train(builtinSplit().train, { ...TRAIN_OPTIONS, seed: 11, dim: 32 });
    const bytes = model.toBytes();
    server.setRoute('/__browser_test__/node-model.bin', { body: bytes });
    const got = await page.evaluate(
      async ({ base64, probes }) => {
        const { loadModel } = window.sentiwasm;
        const raw = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const models = [
          await loadModel(raw),
          await loadModel(new Blob([raw])),
          await loadModel('/__browser_test__/node-model.bin'),
        ];
        return models.map((m) => ({
          dim: m.config.dim,
          bytesMatch: ((b) => b.length === raw.length && b.every((x, i) => x === raw[i]))(m.toBytes()),
          predictions: probes.map((t) => m.predict(t)),
        }));
      },
      { base64: toBase64(bytes), probes: PROBES },
    );
    for (const m of got) {
      expect(m.dim).toBe(32);
      expect(m.bytesMatch).toBe(true);
      expectSamePredictions(m.predictions, predictionsOf(model));
    }
    expect(errors).toEqual([]);
  });
});
