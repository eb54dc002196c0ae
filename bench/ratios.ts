// Each sentiwasm figure against the peers measured in the same run: the ratio that says how many
// times better sentiwasm did (ours ÷ theirs for rates, theirs ÷ ours for seconds, latency, bytes
// and memory, so that above 1 is always sentiwasm ahead), and for accuracy the difference in
// points. A sentiwasm record is set against a peer's records of the same workload and metric
// whose params agree on every key both have and on the keys that change what is measured (a
// build, a scope, an architecture); among several such records of one peer, its best is taken
// (PyTorch's faster optimiser arrangement in W5, its faster batch order in W6).

import type { BenchRecord, Metric } from './record.js';

const HIGHER_IS_BETTER: ReadonlySet<Metric> = new Set(['GFLOP/s', 'examples/s', 'tokens/s', 'sentences/s', 'accuracy']);
/** Params that must be the same on both sides, even when only one side has them. */
const DEFINING = ['build', 'scope', 'arch', 'split'];

function comparable(ours: BenchRecord, theirs: BenchRecord): boolean {
  if (ours.workload !== theirs.workload || ours.metric !== theirs.metric) return false;
  const a = ours.params ?? {};
  const b = theirs.params ?? {};
  for (const key of DEFINING) if (a[key] !== b[key]) return false;
  return Object.keys(a).every((key) => !(key in b) || a[key] === b[key]);
}

/** Sets `ratios` (peer → ratio; for accuracy, the difference in points) on each sentiwasm record that has a peer. */
export function addRatios(records: BenchRecord[]): void {
  for (const ours of records) {
    if (ours.system !== 'sentiwasm') continue;
    const higher = HIGHER_IS_BETTER.has(ours.metric);
    const best = new Map<string, number>();
    for (const theirs of records) {
      if (theirs.system === 'sentiwasm' || !comparable(ours, theirs)) continue;
      const seen = best.get(theirs.system);
      if (seen === undefined || (higher ? theirs.value > seen : theirs.value < seen))
        best.set(theirs.system, theirs.value);
    }
    if (best.size === 0) continue;
    ours.ratios = Object.fromEntries(
      [...best].map(([system, value]) => [
        system,
        ours.metric === 'accuracy' ? 100 * (ours.value - value) : higher ? ours.value / value : value / ours.value,
      ]),
    );
  }
}

/** The ratios as lines for people: "W3   examples/s batch=128 (1 thread): tfjs-wasm 16.1×, pytorch 0.49×". */
export function ratioLines(records: readonly BenchRecord[]): string[] {
  return records
    .filter((r) => r.ratios)
    .map((r) => {
      const params = r.params
        ? Object.entries(r.params)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')
        : '';
      const against = Object.entries(r.ratios!).map(([system, x]) =>
        r.metric === 'accuracy'
          ? `${system} ${x >= 0 ? '+' : ''}${x.toFixed(1)} points`
          : `${system} ${x.toPrecision(3)}×`,
      );
      return `${r.workload.padEnd(4)} ${r.metric} ${params} (${r.threads} thread${r.threads > 1 ? 's' : ''}): ${against.join(', ')}`;
    });
}
