// The benchmark's output format (shared/BENCHMARKS.md) and the timing helpers every workload uses.

export type Metric =
  | 'GFLOP/s'
  | 'examples/s'
  | 'tokens/s'
  | 'sentences/s'
  | 'seconds'
  | 'accuracy'
  | 'latency_ms'
  | 'peak_rss_mb'
  | 'model_bytes'
  | 'install_bytes';

export interface BenchRecord {
  workload: string;
  system: string;
  threads: number;
  metric: Metric;
  value: number;
  params?: Record<string, number | string>;
  /** On sentiwasm's records with `--compare`: against each peer, times better (above 1: sentiwasm ahead); for accuracy, the difference in points (bench/ratios.ts). */
  ratios?: Record<string, number>;
  /** On a peer's records run in a process of its own: the CPU seconds that process used over all its threads… */
  cpuSeconds?: number;
  /** …and its wall seconds, so that a peer that used more than one core shows it. */
  wallSeconds?: number;
}

/** The median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Times `work` (which does `unitsPerCall` units each call): warms up, picks a repeat count that
 * makes one run last at least `minMs`, and returns the median units/second over `runs` runs.
 */
export function throughput(
  work: () => void,
  unitsPerCall: number,
  { runs = 5, minMs = 200 } = {},
): { perSecond: number; runs: number[] } {
  const plan = timingPlan(runs, minMs);
  let step = plan.next();
  while (!step.done) {
    const t0 = performance.now();
    for (let i = 0; i < step.value; i++) work();
    step = plan.next(performance.now() - t0);
  }
  return ratesOf(step.value, unitsPerCall);
}

/** throughput() for a `work` that returns a promise (each call awaited before the next). */
export async function asyncThroughput(
  work: () => Promise<void>,
  unitsPerCall: number,
  { runs = 5, minMs = 200 } = {},
): Promise<{ perSecond: number; runs: number[] }> {
  const plan = timingPlan(runs, minMs);
  let step = plan.next();
  while (!step.done) {
    const t0 = performance.now();
    for (let i = 0; i < step.value; i++) await work();
    step = plan.next(performance.now() - t0);
  }
  return ratesOf(step.value, unitsPerCall);
}

/**
 * The repetitions both timers make: yields how many calls to time next and is sent back the ms
 * they took. First one call to warm up (its time unused), then a repeat count grown ×4 until a
 * run lasts a quarter of `minMs` and scaled to `minMs`, then `runs` timed runs of that count.
 */
function* timingPlan(runs: number, minMs: number): Generator<number, { reps: number; ms: number[] }, number> {
  yield 1;
  let reps = 1;
  for (;;) {
    const ms = yield reps;
    if (ms >= minMs / 4) {
      reps = Math.max(1, Math.ceil((reps * minMs) / Math.max(ms, 1e-3)));
      break;
    }
    reps *= 4;
  }
  const timed: number[] = [];
  for (let r = 0; r < runs; r++) timed.push(yield reps);
  return { reps, ms: timed };
}

function ratesOf(
  { reps, ms }: { reps: number; ms: number[] },
  unitsPerCall: number,
): { perSecond: number; runs: number[] } {
  const rates = ms.map((t) => (reps * unitsPerCall) / (t / 1000));
  return { perSecond: median(rates), runs: rates };
}

/** Progress for people goes to standard error, so standard output stays machine-readable. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
