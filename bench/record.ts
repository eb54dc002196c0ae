// The benchmark's output format (shared/BENCHMARKS.md) and the timing helpers every workload uses.

export type Metric = 'GFLOP/s' | 'examples/s' | 'tokens/s' | 'sentences/s' | 'seconds' | 'accuracy' | 'latency_ms' | 'peak_rss_mb' | 'model_bytes';

export interface BenchRecord {
  workload: string;
  system: string;
  threads: number;
  metric: Metric;
  value: number;
  params?: Record<string, number | string>;
  /** On sentiwasm's records with `--compare`: against each peer, times better (above 1: sentiwasm ahead); for accuracy, the difference in points (bench/ratios.ts). */
  ratios?: Record<string, number>;
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
export function throughput(work: () => void, unitsPerCall: number, { runs = 5, minMs = 200 } = {}): { perSecond: number; runs: number[] } {
  work();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) work();
    const ms = performance.now() - t0;
    if (ms >= minMs / 4) {
      reps = Math.max(1, Math.ceil((reps * minMs) / Math.max(ms, 1e-3)));
      break;
    }
    reps *= 4;
  }
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) work();
    const seconds = (performance.now() - t0) / 1000;
    rates.push((reps * unitsPerCall) / seconds);
  }
  return { perSecond: median(rates), runs: rates };
}

/** Progress for people goes to standard error, so standard output stays machine-readable. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
