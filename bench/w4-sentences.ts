// W4 on text it never saw: SST-2's sentence-level split (bench/accuracy/splits.ts: three disjoint
// sets of 2,000 full training sentences held out, each with every phrase inside it removed from
// training). sentiwasm trains W4's model (defaults, dim 64, bigrams in 2,000,000 buckets, 5 epochs)
// on each set's training rows with seed 1, 2, 3; fastText, when on the PATH, trains its W4 recipe
// on the same rows with the same seeds in the same run. Records: accuracy over the 6,000
// held-out sentences (the mean of the three sets), for each system.

import { fastTextAccuracy, hasFastText } from './accuracy/fasttext.js';
import { sentiwasmAccuracy } from './accuracy/models.js';
import { readSst2Rows, sst2SentenceSplits } from './accuracy/splits.js';
import { corpusFile } from './corpora.js';
import { progress, type BenchRecord } from './record.js';

/** W4's training options (as bench/w4-child.ts). */
export const W4_OPTIONS = { arch: 'bag', dim: 64, wordNgrams: 2, buckets: 2_000_000, epochs: 5 } as const;

export async function benchW4Sentences(peers = true): Promise<BenchRecord[]> {
  const splits = sst2SentenceSplits(readSst2Rows(await corpusFile('sst2')), { seed: 1 });
  const withFastText = peers && hasFastText();
  if (peers && !withFastText) progress('W4S (fasttext is not on the PATH: sentiwasm only)');
  const ours: number[] = [];
  const theirs: number[] = [];
  for (const [i, split] of splits.entries()) {
    const seed = i + 1;
    const r = await sentiwasmAccuracy(split, W4_OPTIONS, seed);
    ours.push(r.accuracy);
    let line = `W4S ${split.name} (${split.train.length} training rows, ${split.test.length} sentences), seed ${seed}: sentiwasm ${r.accuracy.toFixed(4)} (${r.trainSeconds.toFixed(2)} s)`;
    if (withFastText) {
      const f = fastTextAccuracy(split.train, split.test, seed);
      theirs.push(f.accuracy);
      line += `, fasttext ${f.accuracy.toFixed(4)} (${f.trainSeconds.toFixed(2)} s)`;
    }
    progress(line);
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const params = {
    epochs: 5,
    arch: 'bag',
    split: 'sst2-sentences',
    sentences: splits.length * splits[0].test.length,
    seeds: '1-3',
  };
  const records: BenchRecord[] = [
    { workload: 'W4', system: 'sentiwasm', threads: 1, metric: 'accuracy', value: mean(ours), params },
  ];
  if (withFastText)
    records.push({ workload: 'W4', system: 'fasttext', threads: 1, metric: 'accuracy', value: mean(theirs), params });
  return records;
}
