// W2: C = A·B in float32 for square n, one thread; GFLOP/s = 2n³ / time.

import type { Runtime } from '../src/runtime/runtime.js';
import { measureGemm } from './gemm.js';
import { loadTf, type TfBackend } from './peers/tfjs.js';
import { progress, throughput, type BenchRecord } from './record.js';

export const W2_SIZES = [64, 128, 256, 512, 1024];

/** `fma`: the fused multiply-add build as well, when the engine runs it (records with params.build "fma"). */
export async function benchW2(
  rt: Runtime,
  peers: TfBackend[],
  fma?: Runtime,
  sizes = W2_SIZES,
): Promise<BenchRecord[]> {
  const records: BenchRecord[] = [];
  for (const n of sizes) {
    const ours = await measureGemm(rt, n, 'nn');
    const line = [`W2  n=${n}  sentiwasm ${ours.gflops.toFixed(1)} GFLOP/s`];
    records.push({
      workload: 'W2',
      system: 'sentiwasm',
      threads: 1,
      metric: 'GFLOP/s',
      value: ours.gflops,
      params: { n },
    });
    if (fma) {
      const fused = await measureGemm(fma, n, 'nn');
      line.push(`(fma build ${fused.gflops.toFixed(1)})`);
      records.push({
        workload: 'W2',
        system: 'sentiwasm',
        threads: 1,
        metric: 'GFLOP/s',
        value: fused.gflops,
        params: { n, build: 'fma' },
      });
    }
    for (const backend of peers) {
      // The JavaScript backend takes minutes at n = 1024 and says nothing new there.
      if (backend === 'cpu' && n > 512) continue;
      const gflops = await tfjsGemm(backend, n);
      line.push(`tfjs-${backend} ${gflops.toFixed(1)}`);
      records.push({
        workload: 'W2',
        system: `tfjs-${backend}`,
        threads: 1,
        metric: 'GFLOP/s',
        value: gflops,
        params: { n },
      });
    }
    progress(line.join('  '));
  }
  return records;
}

async function tfjsGemm(backend: TfBackend, n: number): Promise<number> {
  const tf = await loadTf(backend);
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  const { perSecond } = throughput(
    () => {
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
    },
    2 * n ** 3,
    { runs: 5, minMs: 200 },
  );
  tf.dispose([a, b]);
  return perSecond / 1e9;
}
