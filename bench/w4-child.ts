// W4 in a process of its own, so that its peak resident memory is the training's alone.
// Prints one JSON object: training seconds, tokens/s, dev accuracy, peak RSS, model bytes.
// Arguments: where to save the model (optional), threads (default 1).

import '../src/index.node.js';
import { writeFileSync } from 'node:fs';
import { trainWithReport } from '../src/train/train.js';
import { readSst2 } from './sst2.js';

const [train, dev] = await Promise.all([readSst2('train'), readSst2('dev')]);
// The workload's settings: unigrams + hashed bigrams in 2,000,000 buckets, dim 64, mean pooling,
// linear → 2-way softmax, 5 epochs; no validation during training (dev is only evaluated).
const threads = Number(process.argv[3] ?? 1);
const { model, epochs, trainSeconds } = await trainWithReport(train, {
  arch: 'bag',
  dim: 64,
  wordNgrams: 2,
  buckets: 2_000_000,
  epochs: 5,
  seed: 0,
  threads,
});
const accuracy = model.evaluate(dev).accuracy;
const bytes = model.toBytes();
if (process.argv[2]) writeFileSync(process.argv[2], bytes);
const peakRssMb = process.resourceUsage().maxRSS / 1024;
// Tokens per second of the whole training: the training file's words once per epoch over the
// training's wall time, as fastText and PyTorch count theirs, whatever members the model is made
// of (each member reads every word, but that is how this model is built, not more data learned
// from). What threads speed up. The last epoch's own pace is one member's alone.
const words = train.reduce((n, e) => n + e.text.split(/\s+/).filter(Boolean).length, 0);
const passes = epochs.filter((e) => (e.member ?? 1) === 1).length;
const wallTokensPerSecond = (words * passes) / trainSeconds;
process.stdout.write(
  `${JSON.stringify({ trainSeconds, tokensPerSecond: epochs.at(-1)!.tokensPerSecond, wallTokensPerSecond, accuracy, peakRssMb, modelBytes: bytes.length })}\n`,
);
