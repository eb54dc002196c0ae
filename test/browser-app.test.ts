// The web app in examples/web, built by Vite and run in Chromium as a user would: it trains on the
// built-in corpus in a Web Worker while the page stays responsive (the longest gap between ticks
// of a 10 ms timer, and the `longtask` entries, measured in the page); the loss falls on the live
// chart; sentences get the right side of ½ in English and Chinese, their words coloured by
// contribution; the word map draws its points with positive words on the positive side; the
// neighbours are ranked by centred cosine; a downloaded model opens to the same predictions; the
// stop button stops; bad data gets the readers' messages; a dropped file gets a held-out tenth and
// the page keeps its best epoch, for every model; a search survives training again; the word
// boxes offer words the model knows. On a phone (390 × 844, and 360 px wide) nothing scrolls
// sideways, nothing spills out of its card, the charts and the neighbour list do not overlap, and
// the map's names neither overlap nor leave the plot. Screenshots go to test-output/.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build, createLogger, type Logger } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinSplit, train } from '../src/index.node.js';
import {
  describeMainThread,
  installMainThreadProbe,
  launchChromium,
  longestBlock,
  REPO_ROOT,
  testOutput,
  traceMainThread,
  watchForErrors,
  type MainThreadReport,
} from './browser-chromium.js';
import { serveStatic, type StaticServer } from './browser-server.js';

const webRoot = join(REPO_ROOT, 'examples', 'web');
const POSITIVE = 'I loved this movie, it was wonderful!';
const NEGATIVE = 'This was a terrible, boring film. I hated it.';
const POSITIVE_ZH = '这家酒店很干净，服务很好';
const NEGATIVE_ZH = '房间很脏，太吵了，很失望';
const PROBES = [POSITIVE, NEGATIVE, POSITIVE_ZH, NEGATIVE_ZH, 'not bad at all', 'meh'];
/** Words whose sentiment nobody doubts, to check the map against something it was not built from. */
const LEXICON = {
  positive: [
    'wonderful',
    'excellent',
    'great',
    'amazing',
    'love',
    'loved',
    'beautiful',
    'best',
    'fantastic',
    'enjoyed',
  ],
  negative: ['terrible', 'boring', 'awful', 'worst', 'hated', 'bad', 'waste', 'dull', 'horrible', 'poor'],
};

interface Point {
  word: string;
  x: number;
  y: number;
  score: number;
}
interface Report {
  member?: number;
  epoch: number;
  trainLoss: number;
  validLoss?: number;
  validAccuracy?: number;
}
interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}
interface AppWindow {
  sentiwasmApp: {
    model:
      | {
          predictBatch(texts: string[]): { label: string; probabilities: Record<string, number> }[];
          wordVector(word: string): Float32Array | undefined;
        }
      | undefined;
    map: {
      points: (Point & { sx: number; sy: number })[];
      found: Set<string>;
      view: { cx: number; cy: number; scale: number };
      labels: (Box & { word: string })[];
      width: number;
      height: number;
    };
    charts: { reports: Report[] };
    heldOut: { text: string; label: string }[];
    kept: { member: number; epoch: number; validLoss: number; validAccuracy: number }[];
  };
}

let outDir: string;
let server: StaticServer;
let browser: Browser | undefined;
let page: Page;
let errors: string[];
/** What Vite warned of while it built the app (its own logger still prints them). */
const buildWarnings: string[] = [];

/** Vite's logger at level warn, keeping every warning in buildWarnings. */
function recordingLogger(): Logger {
  const logger = createLogger('warn');
  return {
    ...logger,
    warn: (message, options) => {
      buildWarnings.push(message);
      logger.warn(message, options);
    },
    warnOnce: (message, options) => {
      buildWarnings.push(message);
      logger.warnOnce(message, options);
    },
  };
}

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'sentiwasm-web-app-'));
  await build({
    root: webRoot,
    configFile: join(webRoot, 'vite.config.js'),
    logLevel: 'warn',
    customLogger: recordingLogger(),
    build: { outDir, emptyOutDir: true },
  });
  server = await serveStatic(outDir);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1100, height: 1000 }, acceptDownloads: true });
  page = await context.newPage();
  errors = watchForErrors(page);
  await installMainThreadProbe(page);
  await page.goto(`${server.origin}/`);
  await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const reports = () => page.evaluate(() => (window as unknown as AppWindow).sentiwasmApp.charts.reports);
const mapPoints = () => page.evaluate(() => (window as unknown as AppWindow).sentiwasmApp.map.points);
const predictions = () =>
  page.evaluate((texts) => (window as unknown as AppWindow).sentiwasmApp.model!.predictBatch(texts), PROBES);
/** Waits for training to end on `on` (by default the desktop page); the map and the word boxes are ready by then. */
const finished = (on: Page = page) =>
  on.waitForFunction(
    () => /^(Trained|Stopped|Training failed)/.test(document.getElementById('status')!.textContent ?? ''),
    undefined,
    { timeout: 45_000 },
  );

/**
 * Presses Train and waits for the run to end. The status line is cleared first: the last run's
 * "Trained on …" would otherwise end the wait before this run has begun.
 */
async function trainOnPage(on: Page = page): Promise<void> {
  await on.evaluate(() => void (document.getElementById('status')!.textContent = ''));
  await on.click('#train');
  await finished(on);
}

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Whether two boxes share any area (touching edges do not count). */
function overlap(a: Box, b: Box): boolean {
  return a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;
}

/** Every pair of the named boxes that overlap, as "a / b". */
function overlappingPairs(boxes: (Box & { name: string })[]): string[] {
  return boxes.flatMap((a, i) => boxes.slice(i + 1).flatMap((b) => (overlap(a, b) ? [`${a.name} / ${b.name}`] : [])));
}

/** The page's bounding boxes of the elements `selector` finds, named by their text. */
function boxesOf(page: Page, selector: string): Promise<(Box & { name: string })[]> {
  return page.locator(selector).evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return {
        name: el.id || (el.textContent ?? '').slice(0, 30),
        left: r.left,
        top: r.top,
        width: r.width,
        height: r.height,
      };
    }),
  );
}

/** A CSV of labelled examples, as a user would drop it. */
function csvOf(examples: { text: string; label: string }[]): string {
  return ['text,label', ...examples.map((e) => `"${e.text.replaceAll('"', '""')}",${e.label}`)].join('\n');
}

/** Drops a file on the page's drop zone, as a user dragging it from their desktop would. */
async function dropFile(page: Page, name: string, content: string): Promise<void> {
  await page.check('input[name="source"][value="file"]');
  await page.evaluate(
    ([name, content]) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([content], name, { type: 'text/csv' }));
      document
        .getElementById('drop-zone')!
        .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    },
    [name, content],
  );
}

describe('the web app, built by Vite', () => {
  it('builds without a warning (the code of each model in a chunk of its own, loaded when used)', () => {
    expect(buildWarnings).toEqual([]);
  });

  it('bundles sentiwasm, its training worker and its WebAssembly as assets, and no Node code', () => {
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    expect(html).toMatch(/<script type="module"[^>]*src="\.\/assets\/index-[\w-]+\.js"/);
    const files = readdirSync(join(outDir, 'assets'));
    const asset = (build: string) =>
      files.find(
        (f) =>
          f.endsWith('.wasm') &&
          readFileSync(join(outDir, 'assets', f)).equals(readFileSync(join(REPO_ROOT, 'build', build))),
      );
    expect(asset('sentiwasm.wasm')).toBeDefined();
    expect(asset('sentiwasm-fma.wasm')).toBeDefined();
    expect(files.filter((f) => /^train-worker[\w.-]*\.js$/.test(f))).toHaveLength(1);
    const js = files
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(outDir, 'assets', f), 'utf8'))
      .join('\n');
    for (const f of [asset('sentiwasm.wasm')!, asset('sentiwasm-fma.wasm')!]) expect(js).toContain(f);
    expect(js).not.toMatch(/node:fs|node:worker_threads|saveModelFileAtomic/);
  });

  it('trains on the built-in corpus in a worker, the loss falling on the live chart, and never blocks the page for 100 ms', async () => {
    const {
      result: [mainThread, during],
      tasks,
    } = await traceMainThread(browser!, page, async () => {
      await page.evaluate(() => window.mainThreadProbe.start());
      await page.click('#train');
      // The chart grows while the worker trains.
      await page.waitForFunction(
        () => (window as unknown as AppWindow).sentiwasmApp.charts.reports.length >= 3,
        undefined,
        { timeout: 30_000 },
      );
      const soFar = (await reports()).length;
      await finished();
      return [await page.evaluate(() => window.mainThreadProbe.stop()), soFar] as [MainThreadReport, number];
    });
    console.log(`web app, built-in corpus in the worker: ${describeMainThread(mainThread, tasks)}`);
    expect(await page.textContent('#status')).toMatch(/^Trained on the built-in corpus \(\d+ to train, \d+ held out\)/);
    expect(server.log.some((r) => /\/assets\/train-worker[\w.-]*\.js$/.test(r.path) && r.status === 200)).toBe(true);
    expect(longestBlock(mainThread, tasks)).toBeLessThan(100);

    const all = await reports();
    expect(all.length).toBeGreaterThan(during);
    const members = [...new Set(all.map((r) => r.member ?? 1))];
    for (const m of members) {
      const own = all.filter((r) => (r.member ?? 1) === m);
      expect(own.at(-1)!.trainLoss, `member ${m}'s loss fell`).toBeLessThan(own[0].trainLoss * 0.7);
    }
    expect(all.at(-1)!.validAccuracy).toBeGreaterThanOrEqual(0.75);
    // uPlot drew both charts, a line per member and kind, labelled by member.
    expect(await page.locator('#loss-chart canvas').count()).toBe(1);
    expect(await page.locator('#accuracy-chart canvas').count()).toBe(1);
    const legend = await page.locator('#loss-chart .u-legend .u-label').allTextContents();
    expect(legend).toEqual([
      ...members.flatMap((m) =>
        members.length > 1 ? [`member ${m}, training`, `member ${m}, held-out`] : ['training', 'held-out'],
      ),
    ]);
    expect(await page.textContent('#summary')).toMatch(
      /epoch \d+ · loss [\d.]+ · train accuracy [\d.]+ % · held-out loss [\d.]+ · held-out accuracy [\d.]+ %/,
    );
    await page.click('input[name="chart-view"][value="merged"]');
    expect(await page.locator('#loss-chart .u-legend .u-label').allTextContents()).toEqual([
      'training, mean of the members at each epoch',
      'held-out, mean of the members at each epoch',
    ]);
    await page.click('input[name="chart-view"][value="members"]');
    await page.screenshot({ path: testOutput('web-app-trained.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 60_000);

  it.each([
    ['English', POSITIVE, NEGATIVE, 'wonderful', 'terrible'],
    ['Chinese', POSITIVE_ZH, NEGATIVE_ZH, '好', '脏'],
  ])(
    '%s: a clearly positive sentence scores above ½ and a negative one below, each word coloured by its share',
    async (_, positive, negative, good, bad) => {
      await page.fill('#text', '');
      await page.locator('#text').pressSequentially(negative);
      expect(await page.textContent('#label')).toBe('negative');
      expect(Number.parseFloat((await page.textContent('#probability'))!)).toBeGreaterThan(50);
      const chips = () =>
        page.locator('#tokens .token').evaluateAll((els) =>
          els.map((c) => ({
            token: c.textContent ?? '',
            contribution: Number((c as HTMLElement).dataset.contribution),
          })),
        );
      const negativeChips = await chips();
      expect(negativeChips.every((t) => Number.isFinite(t.contribution))).toBe(true);
      expect(negativeChips.find((t) => t.token.includes(bad))!.contribution).toBeLessThan(0);
      await page.fill('#text', positive);
      expect(await page.textContent('#label')).toBe('positive');
      expect(Number.parseFloat((await page.textContent('#probability'))!)).toBeGreaterThan(50);
      expect((await chips()).find((t) => t.token.includes(good))!.contribution).toBeGreaterThan(0);
      const [p] = await page.evaluate(
        (text) => (window as unknown as AppWindow).sentiwasmApp.model!.predictBatch([text]),
        positive,
      );
      expect(p.probabilities.positive).toBeGreaterThan(0.5);
      expect(errors).toEqual([]);
    },
  );

  it('the word map draws its points, positive words on the positive side, with a search box and zoom', async () => {
    for (const projection of ['pca', 'sentiment']) {
      await page.selectOption('#projection', projection);
      const points = await mapPoints();
      expect(Number(await page.getAttribute('#map', 'data-points'))).toBe(points.length);
      expect(points.length).toBeGreaterThan(200);
      const x = (words: string[]) => mean(points.filter((p) => words.includes(p.word)).map((p) => p.x));
      // The words the model scores positive, and words any reader calls positive, sit to the right.
      expect(mean(points.filter((p) => p.score > 0.5).map((p) => p.x)), projection).toBeGreaterThan(
        mean(points.filter((p) => p.score < 0.5).map((p) => p.x)),
      );
      expect(x(LEXICON.positive), projection).toBeGreaterThan(x(LEXICON.negative));
    }
    // The map was drawn: its pixels are not all one colour.
    const colours = await page.evaluate(() => {
      const canvas = document.getElementById('map') as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4 * 37) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      return seen.size;
    });
    expect(colours).toBeGreaterThan(5);
    const scale = () => page.evaluate(() => (window as unknown as AppWindow).sentiwasmApp.map.view.scale);
    const before = await scale();
    await page.locator('#map').hover();
    await page.mouse.wheel(0, -200);
    expect(await scale()).toBeGreaterThan(before);
    await page.click('#map-reset');
    await page.fill('#map-search', 'wonderful');
    expect(await page.evaluate(() => [...(window as unknown as AppWindow).sentiwasmApp.map.found])).toContain(
      'wonderful',
    );
    expect(await scale()).toBeGreaterThan(before);
    await page.locator('#map-section').screenshot({ path: testOutput('web-app-map.png') });
    await page.click('#map-reset');
    await page.fill('#map-search', '');
    await page.locator('#map-section').screenshot({ path: testOutput('web-app-map-whole.png') });
    expect(errors).toEqual([]);
  });

  it('ranks nearest neighbours by the cosine of centred vectors, which tells sentiment words apart', async () => {
    await page.fill('#word', 'great');
    const names = await page.locator('#neighbours li > span:first-child').allTextContents();
    expect(names).toHaveLength(8);
    expect(
      names.filter(
        (w) => LEXICON.positive.includes(w) || ['delightful', 'enjoyable', 'fun', 'brilliant', 'perfect'].includes(w),
      ).length,
    ).toBeGreaterThanOrEqual(2);
    const centred = (await page.locator('#neighbours .similarity:not(.raw)').allTextContents()).map(Number);
    expect(centred.every((s) => s <= 1 && s > -1)).toBe(true);
    const similarity = async (a: string, b: string) => {
      await page.fill('#word-a', a);
      await page.fill('#word-b', b);
      return Number(await page.getAttribute('#pair-similarity', 'data-centred'));
    };
    const alike = await similarity('great', 'wonderful');
    const opposite = await similarity('great', 'terrible');
    expect(alike).toBeGreaterThan(0.2);
    expect(opposite).toBeLessThan(0);
    expect(await page.textContent('#pair-similarity')).toMatch(
      /^cosine similarity, centred: -?[\d.]+ \(raw: -?[\d.]+\)$/,
    );
    await page.fill('#word-a', 'zzzz');
    expect(await page.textContent('#pair-similarity')).toBe('The model does not know the word "zzzz".');
    await page.fill('#word-a', 'good');
    await page.fill('#word-b', 'bad');
    await page.locator('#words-section').screenshot({ path: testOutput('web-app-neighbours.png') });
    expect(errors).toEqual([]);
  });

  it('a downloaded model opens again with the same predictions', async () => {
    const before = await predictions();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = join(mkdtempSync(join(tmpdir(), 'sentiwasm-download-')), download.suggestedFilename());
    await download.saveAs(file);
    expect(download.suggestedFilename()).toBe('sentiment.bin');
    await page.setInputFiles('#open', file);
    await page.waitForFunction(() => /^Opened/.test(document.getElementById('file-status')!.textContent ?? ''));
    expect(await page.textContent('#file-status')).toMatch(
      /^Opened sentiment\.bin: bag model, labels negative, positive\./,
    );
    expect(await predictions()).toEqual(before);
    expect(errors).toEqual([]);
  });

  it('opens a model file made in Node with its predictions', async () => {
    const model = await train(builtinSplit().train, { epochs: 10 });
    await page.setInputFiles('#open', {
      name: 'node-model.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(model.toBytes()),
    });
    await page.waitForFunction(() =>
      (document.getElementById('file-status')!.textContent ?? '').includes('node-model.bin'),
    );
    expect(await page.textContent('#file-status')).toMatch(
      /^Opened node-model\.bin: bag model, labels negative, positive\./,
    );
    const got = await predictions();
    const want = model.predictBatch(PROBES);
    got.forEach((p, i) => {
      expect(p.label).toBe(want[i].label);
      for (const [label, probability] of Object.entries(want[i].probabilities))
        expect(Math.abs(p.probabilities[label] - probability)).toBeLessThan(1e-6);
    });
    expect(errors).toEqual([]);
  });

  it("shows an attention model's weights as a grid, each row summing to 1", async () => {
    const model = await train(builtinSplit().train, {
      arch: 'attention',
      epochs: 3,
      dim: 16,
      heads: 2,
      ff: 32,
      seed: 1,
    });
    await page.setInputFiles('#open', {
      name: 'attention.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(model.toBytes()),
    });
    await page.waitForFunction(() =>
      (document.getElementById('file-status')!.textContent ?? '').includes('attention.bin'),
    );
    expect(await page.textContent('#file-status')).toMatch(/^Opened attention\.bin: attention model/);
    await page.fill('#text', 'not good at all');
    expect(await page.isVisible('#attention')).toBe(true);
    const rows = await page
      .locator('#attention-grid tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => Number((td as HTMLElement).dataset.weight))),
      );
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      expect(row).toHaveLength(4);
      expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-3);
    }
    expect(await page.textContent('#method')).toMatch(/^by gradient × input/);
    await page.locator('#try-section').screenshot({ path: testOutput('web-app-attention.png') });
    model.dispose();
    expect(errors).toEqual([]);
  });

  it('the stop button stops training and keeps the model so far', async () => {
    await page.fill('#epochs', '5000');
    await page.click('#train');
    await page.waitForFunction(
      () => (window as unknown as AppWindow).sentiwasmApp.charts.reports.length >= 5,
      undefined,
      { timeout: 30_000 },
    );
    await page.click('#stop');
    await finished();
    expect(await page.textContent('#status')).toMatch(/^Stopped after \d+ epochs on the built-in corpus/);
    const epochs = Number(/^Stopped after (\d+) epochs/.exec((await page.textContent('#status'))!)![1]);
    expect(epochs).toBeGreaterThanOrEqual(5);
    expect(epochs).toBeLessThan(1000);
    expect(await page.isDisabled('#stop')).toBe(true);
    expect(await page.isEnabled('#train')).toBe(true);
    await page.fill('#text', POSITIVE);
    expect(await page.textContent('#label')).toBe('positive');
    await page.fill('#epochs', '');
    expect(errors).toEqual([]);
  }, 60_000);

  it("refuses a bad data file, dropped on the page, with the reader's message", async () => {
    await page.check('input[name="source"][value="file"]');
    await page.evaluate(() => {
      const transfer = new DataTransfer();
      transfer.items.add(
        new File(['text,label\nfine film,positive\n"never closed,negative\n'], 'reviews.csv', { type: 'text/csv' }),
      );
      document
        .getElementById('drop-zone')!
        .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    });
    expect(await page.textContent('#data-file-name')).toMatch(/^reviews\.csv, /);
    await page.click('#train');
    await page.waitForFunction(() => (document.getElementById('data-status')!.textContent ?? '') !== '');
    const message = (await page.textContent('#data-status'))!;
    expect(message).toMatch(/^reviews\.csv:3/);
    expect(await page.getAttribute('#data-status', 'class')).toContain('error');
    await page.check('input[name="source"][value="paste"]');
    await page.fill('#lines', 'label\ttext\npositive\tgreat\n\tno label here\n');
    await page.click('#train');
    await page.waitForFunction(() => /pasted text/.test(document.getElementById('data-status')!.textContent ?? ''));
    expect(await page.textContent('#data-status')).toMatch(/^the pasted text:3/);
    expect(errors).toEqual([]);
  });

  it('trains on pasted lines, read as the command line reads a file', async () => {
    await page.check('input[name="source"][value="paste"]');
    const lines = [
      'text,label',
      ...builtinSplit()
        .train.filter((e) => /^[\x20-\x7e]+$/.test(e.text))
        .map((e) => `"${e.text.replaceAll('"', '""')}",${e.label}`),
    ];
    await page.fill('#lines', lines.join('\n'));
    await page.fill('#epochs', '30');
    await page.click('#train');
    await finished();
    expect(await page.textContent('#status')).toMatch(new RegExp(`^Trained on ${lines.length - 1} pasted examples`));
    await page.fill('#text', POSITIVE);
    expect(await page.textContent('#label')).toBe('positive');
    await page.fill('#epochs', '');
    await page.check('input[name="source"][value="builtin"]');
    expect(errors).toEqual([]);
  }, 60_000);

  it('finds the searched word again on the map of a model trained again', async () => {
    await page.check('input[name="source"][value="builtin"]');
    await page.fill('#map-search', 'wonderful');
    await page.fill('#epochs', '30');
    await trainOnPage();
    await page.fill('#epochs', '');
    expect(await page.textContent('#status')).toMatch(/^Trained on the built-in corpus/);
    const map = () =>
      page.evaluate(() => {
        const { points, found, view, labels } = (window as unknown as AppWindow).sentiwasmApp.map;
        return { points, found: [...found], view, labels };
      });
    const after = await map();
    expect(await page.inputValue('#map-search')).toBe('wonderful');
    expect(after.found).toContain('wonderful');
    const wonderful = after.points.find((p) => p.word === 'wonderful')!;
    expect([after.view.cx, after.view.cy]).toEqual([wonderful.sx, wonderful.sy]);
    await page.click('#map-reset');
    expect(after.view.scale).toBeGreaterThan((await map()).view.scale);
    expect(after.labels.map((l) => l.word)).toContain('wonderful');
    await page.fill('#map-search', '');
    expect(errors).toEqual([]);
  }, 60_000);

  it('after training on Chinese, the word boxes hold words the model knows and list the words it knows', async () => {
    const chinese = builtinSplit().train.filter((e) => /\p{Script=Han}/u.test(e.text));
    await dropFile(page, 'chinese.csv', csvOf(chinese));
    await trainOnPage();
    expect(await page.textContent('#status')).toMatch(/^Trained on chinese\.csv/);
    const known = (words: string[]) =>
      page.evaluate(
        (words) => words.filter((w) => (window as unknown as AppWindow).sentiwasmApp.model!.wordVector(w)),
        words,
      );
    const boxes = [await page.inputValue('#word'), await page.inputValue('#word-a'), await page.inputValue('#word-b')];
    expect(await known(boxes)).toEqual(boxes);
    // The nearest words of the suggested word, with no "does not know" anywhere.
    expect(await page.locator('#neighbours li > span:first-child').count()).toBe(8);
    expect(await page.locator('#neighbours .unknown').count()).toBe(0);
    expect(await page.getAttribute('#pair-similarity', 'class')).not.toContain('error');
    expect(await page.textContent('#pair-similarity')).toMatch(/^cosine similarity, centred: /);
    // The pair starts from a word the model scores positive and one it scores negative.
    const [a, b] = await page.evaluate(
      (words) => (window as unknown as AppWindow).sentiwasmApp.model!.predictBatch(words),
      boxes.slice(1),
    );
    expect([a.label, b.label]).toEqual(['positive', 'negative']);
    // The boxes offer the model's own words.
    const offered = await page
      .locator('#known-words option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered.length).toBeGreaterThan(100);
    expect(await known(offered)).toEqual(offered);
    for (const box of ['#word', '#word-a', '#word-b', '#map-search'])
      expect(await page.getAttribute(box, 'list'), box).toBe('known-words');
    // A word the user types that the model does not know is still said so.
    await page.fill('#word', 'great');
    expect(await page.textContent('#neighbours .unknown')).toBe('The model does not know the word "great".');
    await page.check('input[name="source"][value="builtin"]');
    expect(errors).toEqual([]);
  }, 60_000);

  // Whether the epoch kept and the last differ in held-out accuracy (known from these runs, which
  // are seeded and on one thread), so that the model's own accuracy shows which of them it is; the
  // rows of the built-in corpus dropped (the attention run on its first 300 is such a run).
  it.each([
    ['bag', 20, false, Infinity],
    ['mlp', 20, false, Infinity],
    ['attention', 30, true, 300],
  ])(
    '%s: a dropped file gets a seeded held-out tenth, and the page keeps the epoch of highest held-out accuracy',
    async (arch, epochs, telling, rows) => {
      const examples = builtinSplit().train.slice(0, rows);
      await dropFile(page, 'reviews.csv', csvOf(examples));
      await page.selectOption('#arch', arch);
      await page.fill('#epochs', String(epochs));
      await trainOnPage();
      await page.fill('#epochs', '');
      await page.selectOption('#arch', 'bag');
      // A tenth of each label, rounded, held out.
      const tenth = ['positive', 'negative']
        .map((l) => Math.round(examples.filter((e) => e.label === l).length / 10))
        .reduce((a, b) => a + b);
      expect(await page.textContent('#status')).toContain(
        `Trained on reviews.csv (${examples.length} examples: ${examples.length - tenth} to train, ${tenth} held out)`,
      );
      const app = () => page.evaluate(() => (window as unknown as AppWindow).sentiwasmApp);
      const { heldOut, kept, charts } = await app();
      expect(heldOut).toHaveLength(tenth);
      const texts = new Set(examples.map((e) => e.text));
      expect(heldOut.every((e) => texts.has(e.text))).toBe(true);
      // Every epoch was validated on it: the charts show held-out accuracy, not 100 % on the training data alone.
      const reports = charts.reports;
      expect(reports.every((r) => r.validLoss !== undefined && r.validAccuracy !== undefined)).toBe(true);
      const members = [...new Set(reports.map((r) => r.member ?? 1))];
      expect(kept.map((k) => k.member)).toEqual(members);
      for (const m of members) {
        const own = reports.filter((r) => (r.member ?? 1) === m);
        expect(own).toHaveLength(epochs);
        // The highest held-out accuracy, the lower loss among equals.
        const best = own.reduce((b, r) =>
          r.validAccuracy! !== b.validAccuracy!
            ? r.validAccuracy! > b.validAccuracy!
              ? r
              : b
            : r.validLoss! < b.validLoss!
              ? r
              : b,
        );
        expect(best.validAccuracy).toBe(Math.max(...own.map((r) => r.validAccuracy!)));
        expect(kept.find((k) => k.member === m)!.epoch, `member ${m}`).toBe(best.epoch);
      }
      expect(await page.textContent('#kept')).toMatch(
        /^The model keeps the epoch of highest held-out accuracy: .*epoch \d+ \(held-out accuracy [\d.]+ %\)/,
      );
      if (members.length === 1) {
        // One model: its accuracy on the held-out tenth is that of the epoch kept, not the last one's.
        const [{ epoch, validAccuracy }] = kept;
        const predicted = await page.evaluate(
          (texts) => (window as unknown as AppWindow).sentiwasmApp.model!.predictBatch(texts),
          heldOut.map((e) => e.text),
        );
        const accuracy = predicted.filter((p, i) => p.label === heldOut[i].label).length / heldOut.length;
        console.log(
          `web app, ${arch} on a dropped file: kept epoch ${epoch} of ${epochs}, held-out accuracy ${accuracy} (last epoch ${reports.at(-1)!.validAccuracy})`,
        );
        expect(accuracy).toBeCloseTo(validAccuracy, 9);
        expect(epoch).toBeLessThan(epochs);
        if (telling) expect(accuracy).not.toBeCloseTo(reports.at(-1)!.validAccuracy!, 9);
      }
      // The same file splits the same way each time.
      await dropFile(page, 'reviews.csv', csvOf(examples));
      await page.fill('#epochs', '1');
      await trainOnPage();
      await page.fill('#epochs', '');
      expect((await app()).heldOut).toEqual(heldOut);
      expect(errors).toEqual([]);
    },
    90_000,
  );
});

describe('the web app on a phone', () => {
  let phone: Page;
  let phoneErrors: string[];

  beforeAll(async () => {
    const context = await browser!.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    phone = await context.newPage();
    phoneErrors = watchForErrors(phone);
    await phone.goto(`${server.origin}/`);
    await phone.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled);
    await phone.fill('#epochs', '30');
    await trainOnPage(phone);
    await phone.fill('#word', 'great');
  }, 60_000);

  /** What sticks out of the page or out of its card: elements wider than their section, unless inside a scrolling box. */
  const spills = () =>
    phone.evaluate(() => {
      const out: string[] = [];
      for (const section of Array.from(document.querySelectorAll('section'))) {
        const card = section.getBoundingClientRect();
        for (const el of Array.from(section.querySelectorAll('*'))) {
          const r = el.getBoundingClientRect();
          if (r.width === 0 || r.height === 0) continue;
          let scrolls = false;
          for (let a = el.parentElement; a && a !== section; a = a.parentElement)
            if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) scrolls = true;
          if (!scrolls && (r.left < card.left - 0.5 || r.right > card.right + 0.5))
            out.push(`${section.id} > ${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}`);
        }
      }
      return out;
    });

  it.each([390, 360])('at %i px wide, nothing scrolls sideways, spills out of its card, or overlaps', async (width) => {
    await phone.setViewportSize({ width, height: 844 });
    // Two frames: the resize observers redraw the charts and the map.
    await phone.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const { scrollWidth, clientWidth } = await phone.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(clientWidth).toBe(width);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    expect(await spills()).toEqual([]);
    // The two charts, whole (title, plot, legend), one above the other.
    const charts = await boxesOf(phone, '#loss-chart .uplot, #accuracy-chart .uplot');
    expect(charts).toHaveLength(2);
    expect(overlappingPairs(charts)).toEqual([]);
    for (const chart of charts) expect(chart.left + chart.width).toBeLessThanOrEqual(width);
    // The nearest words: eight entries, none over another.
    const neighbours = await boxesOf(phone, '#neighbours li');
    expect(neighbours).toHaveLength(8);
    expect(overlappingPairs(neighbours)).toEqual([]);
    // The controls of each row, the projection menu among them, side by side or wrapped, never on top of each other.
    for (const row of ['#data-section > .row', '#map-section > .row', '#words-section > .row']) {
      const controls = await boxesOf(phone, `${row} > *`);
      expect(overlappingPairs(controls), row).toEqual([]);
    }
    // The map fills its card's width and is drawn at its size on the screen (sharp names).
    const canvas = await phone.evaluate(() => {
      const c = document.getElementById('map') as HTMLCanvasElement;
      return {
        width: c.width,
        height: c.height,
        cssWidth: c.clientWidth,
        cssHeight: c.clientHeight,
        ratio: devicePixelRatio,
      };
    });
    expect(canvas.cssWidth).toBeGreaterThan(width - 80);
    expect(canvas.width).toBe(Math.round(canvas.cssWidth * canvas.ratio));
    expect(canvas.height).toBe(Math.round(canvas.cssHeight * canvas.ratio));
    await phone.screenshot({ path: testOutput(`web-app-phone-${width}.png`), fullPage: true });
    expect(phoneErrors).toEqual([]);
  });

  it("the map's names neither overlap nor leave the plot, and zooming in shows more of them", async () => {
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const labels = () =>
      phone.evaluate(() => {
        const { labels, width, height } = (window as unknown as AppWindow).sentiwasmApp.map;
        return { labels, width, height };
      });
    const check = async (what: string) => {
      const { labels: placed, width, height } = await labels();
      const named = placed.map((l) => ({ ...l, name: l.word }));
      expect(overlappingPairs(named), what).toEqual([]);
      const outside = placed.filter(
        (l) => l.left < 0 || l.top < 0 || l.left + l.width > width || l.top + l.height > height,
      );
      expect(
        outside.map((l) => l.word),
        what,
      ).toEqual([]);
      // Each name is drawn where its box says: dark pixels inside it.
      const inked = await phone.evaluate((boxes) => {
        const canvas = document.getElementById('map') as HTMLCanvasElement;
        const g = canvas.getContext('2d')!;
        const k = canvas.width / canvas.clientWidth;
        return boxes.filter((b) => {
          const data = g.getImageData(b.left * k, b.top * k, Math.max(1, b.width * k), Math.max(1, b.height * k)).data;
          for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] < 300) return true;
          return false;
        }).length;
      }, placed);
      expect(inked, what).toBe(placed.length);
      return placed.map((l) => l.word);
    };
    await phone.click('#map-reset');
    const whole = await check('the whole map');
    expect(whole.length).toBeGreaterThanOrEqual(10);
    await phone.locator('#map-section').screenshot({ path: testOutput('web-app-phone-map.png') });
    // Zoomed in three times about the middle: other names, still clear of each other.
    for (let i = 0; i < 3; i++) await phone.click('#map-zoom-in');
    const zoomed = await check('zoomed in');
    expect(zoomed.filter((w) => !whole.includes(w)).length).toBeGreaterThan(5);
    await phone.locator('#map-section').screenshot({ path: testOutput('web-app-phone-map-zoomed.png') });
    // A word searched for is named, in front of its neighbours.
    await phone.click('#map-reset');
    await phone.fill('#map-search', 'amazing');
    expect((await check('a search'))[0]).toBe('amazing');
    await phone.fill('#map-search', '');
    expect(phoneErrors).toEqual([]);
  });
});
