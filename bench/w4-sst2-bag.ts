// W4: the SST-2 bag model, 5 epochs, dim 64, bigrams in 2,000,000 buckets. Each run trains in
// a fresh process (for honest peak memory); the CLI command is also timed end to end (reading,
// tokenising, training, saving).

import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, progress, type BenchRecord } from './record.js';
import { SST2_DEV, SST2_TRAIN } from './sst2.js';

const CHILD = fileURLToPath(new URL('./w4-child.ts', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

interface ChildResult { trainSeconds: number; tokensPerSecond: number; accuracy: number; peakRssMb: number; modelBytes: number }

export async function benchW4(runs = 3): Promise<{ records: BenchRecord[]; modelPath: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-w4-'));
  const modelPath = join(dir, 'sst2-bag.bin');
  const results: ChildResult[] = [];
  for (let r = 0; r < runs; r++) {
    const stdout = execFileSync(process.execPath, [...process.execArgv, CHILD, modelPath], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult;
    progress(`W4  run ${r + 1}: ${result.trainSeconds.toFixed(2)} s training, ${(result.tokensPerSecond / 1e6).toFixed(2)}M tokens/s, dev accuracy ${result.accuracy.toFixed(4)}, peak RSS ${result.peakRssMb.toFixed(0)} MB`);
    results.push(result);
  }
  const commandTimes: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    execFileSync(process.execPath, [CLI, 'train', fileURLToPath(SST2_TRAIN), '--out', join(dir, 'cli.bin'), '--no-progress'], { stdio: 'ignore' });
    commandTimes.push((performance.now() - t0) / 1000);
  }
  progress(`W4  \`sentiwasm train train.tsv --out …\` end to end: ${commandTimes.map((t) => t.toFixed(2)).join(', ')} s`);
  const m = (pick: (r: ChildResult) => number) => median(results.map(pick));
  const params = { epochs: 5, arch: 'bag' };
  void SST2_DEV;
  return {
    modelPath,
    records: [
      { workload: 'W4', system: 'sentiwasm', threads: 1, metric: 'seconds', value: m((r) => r.trainSeconds), params },
      { workload: 'W4', system: 'sentiwasm', threads: 1, metric: 'tokens/s', value: m((r) => r.tokensPerSecond), params },
      { workload: 'W4', system: 'sentiwasm', threads: 1, metric: 'accuracy', value: m((r) => r.accuracy), params },
      { workload: 'W4', system: 'sentiwasm', threads: 1, metric: 'peak_rss_mb', value: m((r) => r.peakRssMb), params },
      { workload: 'W4', system: 'sentiwasm', threads: 1, metric: 'model_bytes', value: m((r) => r.modelBytes), params },
      { workload: 'W4', system: 'sentiwasm', threads: 1, metric: 'seconds', value: median(commandTimes), params: { ...params, scope: 'cli-command' } },
    ],
  };
}
