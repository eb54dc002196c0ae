// fastText's WebAssembly build beside W4 and W6 (bench/peers/fasttext-wasm.ts), added to a run by
// `--fasttext-wasm` (one to three minutes per W4 run on one thread; the native peers stay with
// `--compare`). W4 trains its model `runs` times (medians), then once more in a headless Chromium
// page (bench/peers/fasttext-wasm-chromium.ts; scope "chromium page"); W6 times prediction with
// the last model trained in Node.

import { existsSync } from 'node:fs';
import { CHROMIUM } from '../test/browser-chromium.js';
import { fastTextWasmInChromium } from './peers/fasttext-wasm-chromium.js';
import { FastTextWasmRun, fastTextWasmVersion, hasFastTextWasm } from './peers/fasttext-wasm.js';
import { median, progress, type BenchRecord } from './record.js';
import { readSst2 } from './sst2.js';

const W4_PARAMS = { epochs: 5, arch: 'bag' };

let run: FastTextWasmRun | undefined;

async function fastTextWasmRun(): Promise<FastTextWasmRun> {
  if (!run) {
    const [train, dev] = await Promise.all([readSst2('train'), readSst2('dev')]);
    run = await FastTextWasmRun.create(train, dev);
  }
  return run;
}

function absent(workload: string): BenchRecord[] {
  progress(`${workload}  (@echogarden/fasttext-wasm is not installed: fasttext-wasm not measured)`);
  return [];
}

/** W4: fasttext-wasm trains W4's recipe `runs` times. */
export async function benchW4FastTextWasm(runs = 3): Promise<BenchRecord[]> {
  if (!hasFastTextWasm()) return absent('W4');
  const ft = await fastTextWasmRun();
  const version = fastTextWasmVersion();
  const results = Array.from({ length: runs }, (_, r) => {
    const result = ft.trainW4(r + 1);
    progress(
      `W4  fasttext-wasm ${version} run ${r + 1}: ${result.trainSeconds.toFixed(2)} s training loop (${result.callSeconds.toFixed(2)} s the whole call), ${(result.tokensPerSecond / 1e6).toFixed(3)}M words/s, dev accuracy ${result.accuracy.toFixed(4)}`,
    );
    return result;
  });
  const m = (pick: (r: (typeof results)[number]) => number) => median(results.map(pick));
  const params = { ...W4_PARAMS, version };
  const record = (metric: BenchRecord['metric'], value: number, extra = {}): BenchRecord => ({
    workload: 'W4',
    system: 'fasttext-wasm',
    threads: 1,
    metric,
    value,
    params: { ...params, ...extra },
  });
  const records = [
    record(
      'seconds',
      m((r) => r.trainSeconds),
    ),
    record(
      'tokens/s',
      m((r) => r.tokensPerSecond),
      { scope: 'whole training' },
    ),
    record(
      'accuracy',
      m((r) => r.accuracy),
    ),
    record(
      'seconds',
      m((r) => r.callSeconds),
      { scope: 'train call' },
    ),
  ];
  if (!existsSync(CHROMIUM)) {
    progress(`W4  (${CHROMIUM} is missing: fasttext-wasm in a page is not measured)`);
    return records;
  }
  const [train, dev] = await Promise.all([readSst2('train'), readSst2('dev')]);
  const page = await fastTextWasmInChromium(train, dev, 1);
  const browser = /Chrome\/[\d.]+/.exec(page.userAgent)?.[0] ?? page.userAgent;
  progress(
    `W4  fasttext-wasm in ${browser}: ${page.trainSeconds.toFixed(2)} s training loop (${page.callSeconds.toFixed(2)} s the whole call), ${(page.tokensPerSecond / 1e6).toFixed(3)}M words/s, dev accuracy ${page.accuracy.toFixed(4)}`,
  );
  const inPage = { scope: 'chromium page', browser };
  return [
    ...records,
    record('seconds', page.trainSeconds, inPage),
    record('tokens/s', page.tokensPerSecond, inPage),
    record('accuracy', page.accuracy, inPage),
    record('seconds', page.callSeconds, { ...inPage, part: 'train call' }),
  ];
}

/** W6: the predict binding over the dev sentences, with W4's last model (trained here when W4 did not run). */
export async function benchW6FastTextWasm(): Promise<BenchRecord[]> {
  if (!hasFastTextWasm()) return absent('W6');
  const ft = await fastTextWasmRun();
  if (!ft.hasModel) ft.trainW4(1);
  const rate = ft.predictionRate();
  progress(`W6  bag, fasttext-wasm predict: ${rate.toFixed(0)} sentences/s (its own W4 model, one call per sentence)`);
  ft.dispose();
  run = undefined;
  return [
    {
      workload: 'W6',
      system: 'fasttext-wasm',
      threads: 1,
      metric: 'sentences/s',
      value: rate,
      params: { arch: 'bag', version: fastTextWasmVersion() },
    },
  ];
}
