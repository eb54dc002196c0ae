// W4: the SST-2 bag model, 5 epochs, dim 64, bigrams in 2,000,000 buckets. Each run trains in
// a fresh process (for honest peak memory); the CLI command is also timed end to end (reading,
// tokenising, training, saving). Training runs on 1 thread and on 2, the two alternating run by
// run so that both see the same load of a shared machine. W4's model has two members, which 2
// threads train side by side (the same bytes as 1 thread); tokens/s is given over the whole
// training (what threads speed up) and at one member's own pace.

import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, progress, type BenchRecord } from './record.js';
import { sst2File } from './sst2.js';

const CHILD = fileURLToPath(new URL('./w4-child.ts', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

interface ChildResult {
  trainSeconds: number;
  tokensPerSecond: number;
  wallTokensPerSecond: number;
  accuracy: number;
  peakRssMb: number;
  modelBytes: number;
}

export async function benchW4(runs = 3, threadCounts = [1, 2]): Promise<{ records: BenchRecord[]; modelPath: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-w4-'));
  const modelPath = join(dir, 'sst2-bag.bin');
  const byThreads = new Map<number, ChildResult[]>(threadCounts.map((t) => [t, []]));
  for (let r = 0; r < runs; r++) {
    for (const threads of threadCounts) {
      // W6 predicts with the single-thread model (the reproducible one).
      const out = threads === 1 ? modelPath : join(dir, `sst2-bag-${threads}.bin`);
      const stdout = execFileSync(process.execPath, [...process.execArgv, CHILD, out, String(threads)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult;
      progress(
        `W4  run ${r + 1}, ${threads} thread${threads > 1 ? 's' : ''}: ${result.trainSeconds.toFixed(2)} s training, ${(result.wallTokensPerSecond / 1e6).toFixed(2)}M tokens/s over the whole training (a member's own pace ${(result.tokensPerSecond / 1e6).toFixed(2)}M), dev accuracy ${result.accuracy.toFixed(4)}, peak RSS ${result.peakRssMb.toFixed(0)} MB`,
      );
      byThreads.get(threads)!.push(result);
    }
  }
  const commandTimes: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    execFileSync(
      process.execPath,
      [CLI, 'train', await sst2File('train'), '--out', join(dir, 'cli.bin'), '--no-progress'],
      { stdio: 'ignore' },
    );
    commandTimes.push((performance.now() - t0) / 1000);
  }
  progress(
    `W4  \`sentiwasm train train.tsv --out …\` end to end: ${commandTimes.map((t) => t.toFixed(2)).join(', ')} s`,
  );
  const params = { epochs: 5, arch: 'bag' };
  const records: BenchRecord[] = [];
  for (const [threads, results] of byThreads) {
    const m = (pick: (r: ChildResult) => number) => median(results.map(pick));
    records.push(
      { workload: 'W4', system: 'sentiwasm', threads, metric: 'seconds', value: m((r) => r.trainSeconds), params },
      {
        workload: 'W4',
        system: 'sentiwasm',
        threads,
        metric: 'tokens/s',
        value: m((r) => r.wallTokensPerSecond),
        params: { ...params, scope: 'whole training' },
      },
      {
        workload: 'W4',
        system: 'sentiwasm',
        threads,
        metric: 'tokens/s',
        value: m((r) => r.tokensPerSecond),
        params: { ...params, scope: 'one member' },
      },
      { workload: 'W4', system: 'sentiwasm', threads, metric: 'accuracy', value: m((r) => r.accuracy), params },
      { workload: 'W4', system: 'sentiwasm', threads, metric: 'peak_rss_mb', value: m((r) => r.peakRssMb), params },
      { workload: 'W4', system: 'sentiwasm', threads, metric: 'model_bytes', value: m((r) => r.modelBytes), params },
    );
  }
  records.push({
    workload: 'W4',
    system: 'sentiwasm',
    threads: 1,
    metric: 'seconds',
    value: median(commandTimes),
    params: { ...params, scope: 'cli-command' },
  });
  return { modelPath, records };
}
