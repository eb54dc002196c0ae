// The benchmark script: `npm run bench [-- --json] [-- --only W2,W3] [-- --compare] [-- --fasttext-wasm]`.
// --compare runs the peers present on the machine beside sentiwasm (without it, sentiwasm alone):
// TensorFlow.js (wasm, cpu) for W2, W3, W4, W6; plain TypeScript for W3 (bench/peers/plain-ts-mlp.ts);
// fastText for W4 and W6 (bench/peers/fasttext.ts); PyTorch for W3, W4, W5, W6 (bench/peers/*.py;
// the bag model's in bench/bag-peers.ts). Each sentiwasm record then carries its ratios to the
// peers (bench/ratios.ts), printed at the end too.
// W5 trains the attention model, PyTorch beside it (bench/peers/pytorch_w5.py) with --compare.
// W6 predicts with both models: W4's bag (bench/w6-predict.ts) and W5's attention model trained
// for one epoch (bench/w6-attention.ts, params.arch "attention"), PyTorch beside the latter
// (bench/peers/pytorch_w6_attn.py) with --compare, and ONNX Runtime on both, exported (bench/w6-onnx.ts).
// With --fasttext-wasm, fastText's WebAssembly build (bench/fasttext-wasm-peer.ts) trains W4 and
// predicts in W6 as well: minutes per W4 run, so it is not part of --compare.
// W8 sets the libraries a JavaScript user would pick instead (lexicons, natural's classifiers)
// against sentiwasm's defaults on SST-2, the accuracy proxy's fold and ChnSentiCorp (bench/w8-pick.ts).
// W4S is W4's accuracy on SST-2 sentences it never saw (bench/w4-sentences.ts), fastText beside it when on the PATH.
// Workloads and output format: shared/BENCHMARKS.md. A table goes to standard error as it runs;
// with --json one JSON array of records goes to standard output at the end.

import '../src/index.node.js';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Runtime } from '../src/runtime/runtime.js';
import { enableRelaxedSimd } from '../src/runtime/relaxed-simd.node.js';
import type { TfBackend } from './peers/tfjs.js';
import { benchW4Peers, benchW6BagPeers } from './bag-peers.js';
import { addRatios, ratioLines } from './ratios.js';
import { progress, type BenchRecord } from './record.js';
import { benchW1 } from './w1-seed.js';
import { benchW2 } from './w2-gemm.js';
import { benchW3 } from './w3-mlp-step.js';
import { benchW4 } from './w4-sst2-bag.js';
import { benchW4Quantized } from './w4-quantized.js';
import { benchW4Sentences } from './w4-sentences.js';
import { benchW5 } from './w5-sst2-attn.js';
import { benchW6Attention } from './w6-attention.js';
import { benchW6 } from './w6-predict.js';
import { benchW6Onnx } from './w6-onnx.js';
import { benchW8 } from './w8-pick.js';
import { benchW4FastTextWasm, benchW6FastTextWasm } from './fasttext-wasm-peer.js';

type Workload = (rt: Runtime, peers: TfBackend[], fma?: Runtime) => Promise<BenchRecord[]>;

// W6 predicts with the model W4 trains; run alone, it trains one first.
let w4Model: string | undefined;
const WORKLOADS: Record<string, Workload> = {
  W1: (rt) => benchW1(rt),
  W2: benchW2,
  W3: benchW3,
  W4: async (_rt, peers) => {
    const { records, modelPath } = await benchW4();
    w4Model = modelPath;
    // The same model saved quantized (bench/w4-quantized.ts), then the peers with --compare.
    records.push(...(await benchW4Quantized(modelPath)));
    if (peers.length > 0) records.push(...(await benchW4Peers(modelPath, peers)));
    return withFastTextWasm ? [...records, ...(await benchW4FastTextWasm())] : records;
  },
  // W4's accuracy on SST-2 sentences never seen (held out with their phrases), fastText beside it.
  W4S: async (_rt, peers) => benchW4Sentences(peers.length > 0),
  W5: async (_rt, peers) => benchW5(3, peers.length > 0),
  W6: async (_rt, peers) => {
    if (!w4Model) w4Model = (await benchW4(1, [1])).modelPath;
    const records = [
      ...(await benchW6(w4Model)),
      ...(peers.length > 0 ? await benchW6BagPeers(w4Model, peers) : []),
      ...(await benchW6Attention(peers.length > 0)),
    ];
    if (withFastTextWasm) records.push(...(await benchW6FastTextWasm()));
    // ONNX Runtime on the same two models, exported (bench/w6-onnx.ts).
    return peers.length > 0 ? [...records, ...(await benchW6Onnx(w4Model, records))] : records;
  },
  W8: async (_rt, peers) => benchW8(peers.length > 0),
};

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    only: { type: 'string' },
    compare: { type: 'boolean', default: false },
    'fasttext-wasm': { type: 'boolean', default: false },
    // Kept for old scripts: without --compare no peer runs.
    'no-peers': { type: 'boolean', default: false },
  },
});

// Peers print banners with console.log; standard output is reserved for the results.
console.log = (...args: unknown[]) => console.error(...args);

const selected = values.only ? values.only.split(',').map((s) => s.trim().toUpperCase()) : Object.keys(WORKLOADS);
const unknown = selected.filter((id) => !(id in WORKLOADS));
if (unknown.length) {
  process.stderr.write(`bench: unknown workload ${unknown.join(', ')}; known: ${Object.keys(WORKLOADS).join(', ')}\n`);
  process.exit(2);
}
const withFastTextWasm = values['fasttext-wasm'];
const peers: TfBackend[] = values.compare && !values['no-peers'] ? ['wasm', 'cpu'] : [];
// The machine is shared: how loaded it was goes with the figures.
const loadAverage = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
progress(`load average at the start: ${loadAverage()} (${availableParallelism()} cores)`);
const rt = await Runtime.create({ wasm: readFileSync(new URL('../build/sentiwasm.wasm', import.meta.url)) });
// The fused multiply-add build is measured too where the engine runs relaxed SIMD (Node 22 and
// later by default, Node 20 once its flag is on).
const fma = enableRelaxedSimd() ? await Runtime.create({ fma: true }) : undefined;
if (!fma) progress('(this engine has no relaxed SIMD: the fma build is not measured)');
const records: BenchRecord[] = [];
for (const id of selected) {
  progress(`— ${id}`);
  records.push(...(await WORKLOADS[id](rt, peers, fma)));
}
progress(`load average at the end: ${loadAverage()}`);
addRatios(records);
if (values.json) process.stdout.write(`${JSON.stringify(records)}\n`);
else {
  progress('');
  for (const r of records) {
    const params = r.params
      ? Object.entries(r.params)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')
      : '';
    process.stdout.write(
      `${r.workload.padEnd(4)} ${r.system.padEnd(10)} ${`${r.threads}t`.padEnd(3)} ${params.padEnd(14)} ${r.value.toPrecision(4).padStart(10)} ${r.metric}\n`,
    );
  }
  const lines = ratioLines(records);
  if (lines.length)
    process.stdout.write(`\nsentiwasm against the peers, same run (above 1×: sentiwasm ahead):\n${lines.join('\n')}\n`);
}
