// Threads in Chromium: module Web Workers over one shared WebAssembly.Memory. A page that imports
// the library by name (dist/index.js through a Vite production build) is served twice: WITH the
// two headers that make it cross-origin isolated (Cross-Origin-Opener-Policy: same-origin,
// Cross-Origin-Embedder-Policy: require-corp), where `threads: 2` trains and predicts on two
// threads (on the page, and inside the training Web Worker with nested workers); and WITHOUT them,
// where it falls back to one thread with a note naming the headers and still trains. That the
// threads ran is seen on the server: each thread fetches its worker's script once. The web app in
// examples/web, served with the headers, trains a dropped SST-2 file on threads too. Chromium
// throws when a page's main thread calls Atomics.wait, so the runs on the page also show that the
// host never waits that way.
// Needs dist/ and build/ (`npm run build`) and Debian's Chromium.

import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, REPO_ROOT, watchForErrors } from './browser-chromium.js';
import { PAGE_READ, serveStatic, type StaticServer } from './browser-server.js';
import { corpus } from './corpora.js';

const SST2_TRAIN = corpus('sst2');
const SST2_DEV = corpus('sst2:dev');
/** The pages train on SST-2 and predict its dev set; without it, only the isolation checks run. */
const NO_SST2 = !SST2_TRAIN || !SST2_DEV;
const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};
/** SST-2 rows to train on, and epochs: enough for a model that gets clear sentences right, in seconds. */
const ROWS = 10_000;
const EPOCHS = 5;
const webRoot = join(REPO_ROOT, 'examples', 'web');
/** A thread's script as Vite emits it. */
const THREAD_SCRIPT = /\/assets\/thread-worker\.browser[\w.-]*\.js$/;

const PAGE_HTML = `<!doctype html>
<meta charset="utf-8">
<title>sentiwasm on threads</title>
<link rel="icon" href="data:,">
<script type="module" src="./main.js"></script>`;

/** The page: named imports, as an application writes them (what a bundler keeps is what runs). */
const PAGE_JS = `
import { PredictionThreads, readExamples, trainWithReport } from 'sentiwasm';

${PAGE_READ}

const models = {};
let data;
let dev;

window.isolated = () => ({ crossOriginIsolated: globalThis.crossOriginIsolated === true, sharedArrayBuffer: typeof SharedArrayBuffer === 'function' });

window.train = async (name, { rows, ...options }) => {
  data ??= await read('./train.tsv', ${ROWS});
  dev ??= await read('./dev.tsv', Infinity);
  const warnings = [];
  const { model, threads } = await trainWithReport(data.slice(0, rows), { seed: 1, ...options, onWarning: (w) => warnings.push(w) });
  models[name] = model;
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', model.toBytes()));
  const predicted = model.predictBatch(dev.map((e) => e.text));
  return {
    warnings,
    threads,
    sha256: Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(''),
    accuracy: predicted.filter((p, i) => p.label === dev[i].label).length / dev.length,
    positive: model.predict('a wonderful , moving and funny film').label,
    negative: model.predict('a dull , lifeless and boring mess').label,
  };
};

window.predictOnThreads = async (name, threads) => {
  const model = models[name];
  const texts = dev.map((e) => e.text);
  const team = await PredictionThreads.start(model, threads);
  try {
    const got = await team.predictBatch(texts);
    const alone = model.predictBatch(texts);
    const differing = got.filter((p, i) => p.label !== alone[i].label || Object.entries(alone[i].probabilities).some(([l, q]) => p.probabilities[l] !== q)).length;
    return { threads: team.threads, texts: texts.length, differing, positives: got.filter((p) => p.label === '1').length };
  } finally {
    await team.close();
  }
};
window.ready = true;
`;

interface Trained {
  warnings: string[];
  /** Threads the run trained on (TrainResult.threads). */
  threads: number;
  sha256: string;
  accuracy: number;
  positive: string;
  negative: string;
}

interface Predicted {
  threads: number;
  texts: number;
  differing: number;
  positives: number;
}

interface ThreadsPage {
  isolated(): { crossOriginIsolated: boolean; sharedArrayBuffer: boolean };
  train(name: string, options: object): Promise<Trained>;
  predictOnThreads(name: string, threads: number): Promise<Predicted>;
}

let app: string;
let outDir: string;
let browser: Browser | undefined;
const servers: StaticServer[] = [];

beforeAll(async () => {
  for (const file of [
    'dist/index.js',
    'dist/parallel/thread-worker.browser.js',
    'build/sentiwasm.wasm',
    'build/sentiwasm-threads.wasm',
  ]) {
    if (!existsSync(join(REPO_ROOT, file)))
      throw new Error(`${file} is missing: run \`npm run build\` before the browser tests`);
  }
  app = mkdtempSync(join(tmpdir(), 'sentiwasm-threads-app-'));
  writeFileSync(join(app, 'index.html'), PAGE_HTML);
  writeFileSync(join(app, 'main.js'), PAGE_JS);
  outDir = join(app, 'dist');
  // 'sentiwasm' is the browser entry as the package exports it; the rest is Vite's defaults.
  await build({
    root: app,
    configFile: false,
    logLevel: 'warn',
    resolve: { alias: { sentiwasm: join(REPO_ROOT, 'dist/index.js') } },
    build: { outDir, emptyOutDir: true, target: 'es2022' },
  });
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
  if (app) rmSync(app, { recursive: true, force: true });
});

/** The built page on a server of its own (with `headers` on every response), opened in a fresh context. */
async function open(headers: Record<string, string>): Promise<{ server: StaticServer; page: Page; errors: string[] }> {
  const server = await serveStatic(
    outDir,
    NO_SST2 ? {} : { '/train.tsv': { body: readFileSync(SST2_TRAIN!) }, '/dev.tsv': { body: readFileSync(SST2_DEV!) } },
    headers,
  );
  servers.push(server);
  const page = await (await browser!.newContext()).newPage();
  const errors = watchForErrors(page);
  page.on('console', (m) => console.log(m.text()));
  await page.goto(`${server.origin}/`);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, undefined, {
    timeout: 20_000,
  });
  return { server, page, errors };
}

/** Runs `work` and counts the thread scripts the server sent meanwhile (one per thread started). */
async function countingThreads<T>(
  server: StaticServer,
  work: () => Promise<T>,
): Promise<{ result: T; threadsStarted: number }> {
  const before = server.log.length;
  const result = await work();
  return {
    result,
    threadsStarted: server.log.slice(before).filter((r) => THREAD_SCRIPT.test(r.path) && r.status === 200).length,
  };
}

const call = <K extends keyof ThreadsPage>(page: Page, name: K, ...args: Parameters<ThreadsPage[K]>) =>
  page.evaluate(
    ([n, a]) => (window as unknown as Record<string, (...x: unknown[]) => unknown>)[n as string](...(a as unknown[])),
    [name, args] as const,
  ) as Promise<Awaited<ReturnType<ThreadsPage[K]>>>;

describe('a page served with Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy', () => {
  let server: StaticServer;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ({ server, page, errors } = await open(ISOLATION_HEADERS));
  }, 60_000);

  it('is cross-origin isolated, with SharedArrayBuffer', async () => {
    expect(await call(page, 'isolated')).toEqual({ crossOriginIsolated: true, sharedArrayBuffer: true });
  });

  it.skipIf(NO_SST2).each([
    ['on the page', false, 'hogwild'],
    ['inside the training Web Worker (nested workers)', true, 'hogwild-in-worker'],
  ])(
    'trains a one-member bag model on 2 threads at once (Hogwild) %s: two thread workers start, no note, clear sentences right',
    async (where, worker, name) => {
      const { result, threadsStarted } = await countingThreads(server, () =>
        call(page, 'train', name, { rows: ROWS, epochs: EPOCHS, members: 1, threads: 2, worker }),
      );
      console.log(
        `Hogwild on 2 threads in Chromium ${where}: dev accuracy ${(100 * result.accuracy).toFixed(1)} %, ${threadsStarted} thread workers started`,
      );
      expect(threadsStarted).toBe(2);
      expect(result.threads).toBe(2);
      expect(result.warnings).toEqual([]);
      expect(result.positive).toBe('1');
      expect(result.negative).toBe('0');
      expect(result.accuracy).toBeGreaterThan(0.75);
      expect(errors).toEqual([]);
    },
    90_000,
  );

  it.skipIf(NO_SST2)(
    'trains a 2-member bag model on 2 threads inside the training Web Worker (nested workers): the same bytes as on one thread',
    async () => {
      const { result: threaded, threadsStarted } = await countingThreads(server, () =>
        call(page, 'train', 'members', { rows: ROWS, epochs: EPOCHS, members: 2, threads: 2, worker: true }),
      );
      const { result: alone, threadsStarted: none } = await countingThreads(server, () =>
        call(page, 'train', 'alone', { rows: ROWS, epochs: EPOCHS, members: 2, threads: 1, worker: true }),
      );
      console.log(
        `2 members on 2 threads in the training worker: dev accuracy ${(100 * threaded.accuracy).toFixed(1)} %, ${threadsStarted} thread workers started`,
      );
      expect(threadsStarted).toBe(2);
      expect(threaded.threads).toBe(2);
      expect(none).toBe(0);
      expect(threaded.warnings).toEqual([]);
      expect(threaded.positive).toBe('1');
      expect(threaded.negative).toBe('0');
      expect(threaded.sha256).toBe(alone.sha256);
      expect(errors).toEqual([]);
    },
    120_000,
  );

  it.skipIf(NO_SST2)(
    'trains the attention model data-parallel on 2 threads inside the training Web Worker: the very bytes Node trains on 2 threads',
    async () => {
      const options = { arch: 'attention', dim: 32, ff: 64, epochs: 2, threads: 2 };
      const rows = 3000;
      const { result, threadsStarted } = await countingThreads(server, () =>
        call(page, 'train', 'attention', { rows, worker: true, ...options }),
      );
      const { readExamplesFromFile, trainWithReport } = await import('../src/index.node.js');
      const data = (await readExamplesFromFile(SST2_TRAIN!).collect()).examples
        .slice(0, rows)
        .map(({ text, label }) => ({ text, label }));
      const node = await trainWithReport(data, { seed: 1, ...options } as Parameters<typeof trainWithReport>[1]);
      console.log(
        `the attention model data-parallel on 2 threads in Chromium's training worker: dev accuracy ${(100 * result.accuracy).toFixed(1)} %, ${threadsStarted} thread workers started`,
      );
      expect(threadsStarted).toBe(2);
      expect(result.threads).toBe(2);
      expect(node.threads).toBe(2);
      expect(result.warnings).toEqual([]);
      expect(result.sha256).toBe(createHash('sha256').update(node.model.toBytes()).digest('hex'));
      expect(errors).toEqual([]);
    },
    120_000,
  );

  it.skipIf(NO_SST2)(
    'predicts the dev set with PredictionThreads on 2 threads exactly as on one',
    async () => {
      const { result, threadsStarted } = await countingThreads(server, () =>
        call(page, 'predictOnThreads', 'hogwild', 2),
      );
      expect(result).toMatchObject({ threads: 2, texts: 872, differing: 0 });
      // One worker: the calling thread predicts a share itself.
      expect(threadsStarted).toBe(1);
      expect(result.positives).toBeGreaterThan(300);
      expect(result.positives).toBeLessThan(572);
      expect(errors).toEqual([]);
    },
    60_000,
  );
});

describe('the same page served without those headers', () => {
  let server: StaticServer;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ({ server, page, errors } = await open({}));
  }, 60_000);

  it('is not cross-origin isolated', async () => {
    expect((await call(page, 'isolated')).crossOriginIsolated).toBe(false);
  });

  it.skipIf(NO_SST2).each([
    ['on the page', false],
    ['in the training Web Worker', true],
  ])(
    'threads: 2 %s trains on one thread, with a one-line note that names the two headers',
    async (_, worker) => {
      const { result, threadsStarted } = await countingThreads(server, () =>
        call(page, 'train', `fallback-${worker}`, { rows: ROWS, epochs: EPOCHS, members: 1, threads: 2, worker }),
      );
      expect(threadsStarted).toBe(0);
      expect(result.threads).toBe(1);
      expect(result.warnings).toHaveLength(1);
      expect(result.warnings[0]).not.toContain('\n');
      expect(result.warnings[0]).toMatch(
        /cross-origin isolated.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp.*one thread/,
      );
      expect(result.positive).toBe('1');
      expect(result.negative).toBe('0');
      expect(errors).toEqual([]);
    },
    90_000,
  );

  it.skipIf(NO_SST2)('PredictionThreads predicts on the calling thread alone', async () => {
    const { result, threadsStarted } = await countingThreads(server, () =>
      call(page, 'predictOnThreads', 'fallback-false', 2),
    );
    expect(result).toMatchObject({ threads: 1, texts: 872, differing: 0 });
    expect(threadsStarted).toBe(0);
  });
});

describe.skipIf(NO_SST2)('the web app (examples/web) served with the two headers', () => {
  let server: StaticServer;
  let page: Page;
  let errors: string[];
  let webOut: string;

  beforeAll(async () => {
    webOut = join(app, 'web');
    await build({
      root: webRoot,
      configFile: join(webRoot, 'vite.config.js'),
      logLevel: 'warn',
      build: { outDir: webOut, emptyOutDir: true },
    });
    server = await serveStatic(webOut, {}, ISOLATION_HEADERS);
    servers.push(server);
    page = await (await browser!.newContext()).newPage();
    errors = watchForErrors(page);
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled);
  }, 90_000);

  it('trains a dropped SST-2 file on threads (threads: "auto"), and says how many', async () => {
    const rows = readFileSync(SST2_TRAIN!, 'utf8')
      .split('\n')
      .slice(0, ROWS + 1)
      .join('\n');
    await page.check('input[name="source"][value="file"]');
    await page.setInputFiles('#data-file', {
      name: 'sst2.tsv',
      mimeType: 'text/tab-separated-values',
      buffer: Buffer.from(rows),
    });
    await page.fill('#epochs', String(EPOCHS));
    const { result: status, threadsStarted } = await countingThreads(server, async () => {
      await page.click('#train');
      await page.waitForFunction(
        () => /^(Trained|Stopped|Training failed)/.test(document.getElementById('status')!.textContent ?? ''),
        undefined,
        { timeout: 60_000 },
      );
      return page.textContent('#status');
    });
    console.log(`web app, isolated: ${status}`);
    expect(status).toMatch(/^Trained on .* on 2 threads\. Type below\.$/);
    // The two members side by side, in the training worker's nested workers.
    expect(threadsStarted).toBe(2);
    expect(errors).toEqual([]);
  }, 90_000);
});
