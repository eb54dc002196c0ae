// What the browser tests share: Debian's Chromium driven by playwright-core, a watch on what a
// page logs as an error, the folder their screenshots go to, and a probe of the main thread that
// a test installs in a page before its scripts run.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where screenshots go (gitignored), made when first asked for. */
export function testOutput(name: string): string {
  const dir = join(REPO_ROOT, 'test-output');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

/** Launches headless Chromium, or says what is missing (the tests never download a browser). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: install Debian's Chromium with \`apt-get install -y chromium\` (the browser tests never download one)`,
    );
  // playwright's launch() makes a fresh, empty profile of its own (it refuses --user-data-dir).
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Collects anything the page logs as an error or throws, failed requests and HTTP errors. */
export function watchForErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on(
    'console',
    (m) => void (m.type() === 'error' && errors.push(`console error: ${m.text()} (${m.location().url})`)),
  );
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => void (r.status() >= 400 && errors.push(`HTTP ${r.status()}: ${r.url()}`)));
  return errors;
}

/** How long the page's main thread was kept busy between start() and stop(). */
export interface MainThreadReport {
  /** The longest gap between two ticks of a 10 ms interval timer, in ms (about 10 when never blocked). */
  longestGap: number;
  /** Every gap of over 50 ms: when it began and how long it lasted (ms, on the page's clock). */
  gaps: { start: number; duration: number }[];
  /** The `longtask` entries (tasks of over 50 ms) the browser reported: start and duration in ms. */
  longTasks: { start: number; duration: number }[];
  ticks: number;
  /** When start() and stop() were called (ms, on the page's clock). */
  from: number;
  to: number;
}

declare global {
  interface Window {
    mainThreadProbe: { start(): void; stop(): Promise<MainThreadReport> };
  }
}

/**
 * Installs window.mainThreadProbe in every page of `page` before its own scripts run: start()
 * begins a 10 ms interval timer and a `longtask` observer; stop() ends both and reports.
 */
export async function installMainThreadProbe(page: Page): Promise<void> {
  await page.addInitScript(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    let observer: PerformanceObserver | undefined;
    let last = 0;
    let report: MainThreadReport = { longestGap: 0, gaps: [], longTasks: [], ticks: 0, from: 0, to: 0 };
    const record = (entries: PerformanceEntryList) =>
      void report.longTasks.push(...entries.map((e) => ({ start: e.startTime, duration: e.duration })));
    window.mainThreadProbe = {
      start() {
        last = performance.now();
        report = { longestGap: 0, gaps: [], longTasks: [], ticks: 0, from: last, to: last };
        timer = setInterval(() => {
          const now = performance.now();
          report.longestGap = Math.max(report.longestGap, now - last);
          if (now - last > 50) report.gaps.push({ start: last, duration: now - last });
          report.ticks++;
          last = now;
        }, 10);
        observer = new PerformanceObserver((list) => record(list.getEntries()));
        observer.observe({ type: 'longtask' });
      },
      async stop() {
        // One more tick: a block that ends the measured stretch counts too.
        await new Promise((done) => setTimeout(done, 20));
        clearInterval(timer);
        report.to = performance.now();
        record(observer?.takeRecords() ?? []);
        observer?.disconnect();
        return report;
      },
    };
  });
}

/** A task of the page's main thread from a Chromium trace: when (page clock, ms), how long on the wall and on the CPU. */
export interface TracedTask {
  start: number;
  wall: number;
  cpu: number;
}

/**
 * Runs `work` while Chromium traces the page's main thread, and returns its tasks with their
 * thread (CPU) time beside their wall time. On a machine shared with other busy processes a
 * task's wall time stretches while the operating system runs something else; its thread time
 * does not, and is what the page itself spent.
 */
export async function traceMainThread<T>(
  browser: Browser,
  page: Page,
  work: () => Promise<T>,
): Promise<{ result: T; tasks: TracedTask[] }> {
  await browser.startTracing(page, {
    categories: ['toplevel', 'disabled-by-default-devtools.timeline', 'blink.user_timing'],
  });
  const origin = await page.evaluate(() => {
    performance.mark('sentiwasm-trace-origin');
    return performance.getEntriesByName('sentiwasm-trace-origin').at(-1)!.startTime;
  });
  const result = await work();
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as {
    traceEvents: {
      name: string;
      ph: string;
      pid: number;
      tid: number;
      ts: number;
      dur?: number;
      tdur?: number;
      args?: { name?: string };
    }[];
  };
  const events = trace.traceEvents;
  const mark = events.find((e) => e.name === 'sentiwasm-trace-origin');
  if (!mark) throw new Error("the trace holds no mark of the page: cannot line its clock up with the page's");
  const main = events.find(
    (e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && e.pid === mark.pid,
  );
  if (!main) throw new Error("the trace names no main thread of the page's renderer");
  const tasks = events
    .filter(
      (e) => e.name === 'RunTask' && e.ph === 'X' && e.pid === main.pid && e.tid === main.tid && e.dur !== undefined,
    )
    .map((e) => ({ start: origin + (e.ts - mark.ts) / 1000, wall: e.dur! / 1000, cpu: (e.tdur ?? e.dur!) / 1000 }));
  return { result, tasks };
}

/**
 * The longest time the page kept its own main thread busy while the timer could not tick: for
 * every gap between ticks of over 50 ms, the CPU time of the page's tasks inside it (from the
 * trace); and the CPU time of its longest task. Where a gap holds little of the page's CPU time,
 * the page was ready and the operating system ran other processes (a machine shared with other
 * busy work); that time is not the page's. On an idle machine this is the longest gap.
 */
export function longestBlock(report: MainThreadReport, allTasks: TracedTask[]): number {
  const tasks = measured(report, allTasks);
  // Gaps of up to 50 ms are not listed one by one and count whole.
  let longest = Math.min(report.longestGap, 50);
  for (const gap of report.gaps) {
    const end = gap.start + gap.duration;
    const cpu = tasks.reduce((sum, t) => {
      const overlap = Math.min(end, t.start + t.wall) - Math.max(gap.start, t.start);
      return overlap > 0 ? sum + t.cpu * (overlap / t.wall) : sum;
    }, 0);
    longest = Math.max(longest, Math.min(gap.duration, cpu));
  }
  return Math.max(longest, ...tasks.map((t) => t.cpu));
}

/** The traced tasks that ran while the probe was measuring. */
function measured(report: MainThreadReport, tasks: TracedTask[]): TracedTask[] {
  return tasks.filter((t) => t.start < report.to && t.start + t.wall > report.from);
}

/** One line for a test's log: the longest gap, the long tasks, the traced tasks, and how many ticks. */
export function describeMainThread(report: MainThreadReport, tasks: TracedTask[]): string {
  const longest = [...measured(report, tasks)].sort((a, b) => b.cpu - a.cpu)[0];
  return (
    `longest gap between 10 ms ticks ${report.longestGap.toFixed(1)} ms over ${report.ticks} ticks; gaps over 50 ms [${report.gaps.map((g) => g.duration.toFixed(0)).join(', ')}]; ` +
    `long tasks [${report.longTasks.map((t) => t.duration.toFixed(0)).join(', ')}] ms; longest task in the trace ${longest ? `${longest.cpu.toFixed(1)} ms on the CPU (${longest.wall.toFixed(1)} ms on the wall)` : 'none'}; ` +
    `longest block of the page's own ${longestBlock(report, tasks).toFixed(1)} ms`
  );
}
