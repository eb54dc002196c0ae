// The accuracy harness: sentiwasm (option sets given by name or as JSON) and fastText on the same
// held-out splits, in one session, paired by split and seed.
//
//   npx tsx bench/accuracy/run.ts [--data sst2,chn] [--seeds 1,2,3] [--configs defaults,eos]
//       [--config 'name={"members":1}'] [--no-fasttext] [--pairing full|diagonal] [--json FILE]
//       [--split folds|sentences-2000] [--k 20] [--removal unshared|all] [--folds 1,2,…] [--sst2-train FILE]
//
// SST-2 (splits.ts): `--split folds` (default) holds every full training sentence (≥ 8 words) out
// once, in k folds (default 20, the fewest that keep 95% of the rows in training), and removes
// from training the phrases of the held-out sentences that no training sentence shares;
// `--removal all` removes every phrase of theirs. `--split sentences-2000` is the earlier split,
// three disjoint sets of 2,000 sentences with every phrase of theirs removed (two thirds of the
// rows train). `--folds 1,2` runs those folds only. SST-2's file is `--sst2-train FILE`, else the
// data set `sst2` (bench/corpora.ts: $SENTIWASM_DATASET_SST2, the cache, or a download). ChnSentiCorp: 5-fold stratified cross-validation of train.csv (fold seed 1).
// Every (split, seed) is one run of every system; `--pairing diagonal` runs split i with the i-th
// seed only (a third of the work, for screening). The table gives each system's mean ± sd over
// its runs and its paired difference from the first option set (and from fastText) ± standard
// error over the splits (seeds averaged within a split). The `eos` preset turns on the featurizer's
// end-of-text word (endOfText, as fastText's end-of-line token </s>); `eos-word` appends
// " eostoken" to every text instead, training and scored alike, as it was measured before the
// featurizer had one. A config may name pretrained vectors, `"vectors": "glove-6b-100d"` (with
// `"dim": 100`, and `"vectorsLr"`, `"vectorsScale"`: models.ts), loaded once per process.

import '../../src/index.node.js';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { meanSd, pairedDifference } from '../../src/tune/cv.js';
import { fastTextAccuracy, hasFastText } from './fasttext.js';
import { PRESETS, sentiwasmAccuracy, type Config, type RunResult } from './models.js';
import { execFileSync } from 'node:child_process';
import { corpusFile } from '../corpora.js';
import {
  foldSplits,
  readChnSentiCorp,
  readSst2Rows,
  sst2SentenceFolds,
  sst2SentenceSplits,
  type PhraseRemoval,
  type Split,
} from './splits.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: 'sst2,chn' },
      seeds: { type: 'string', default: '1,2,3' },
      configs: { type: 'string', default: 'defaults,eos' },
      config: { type: 'string', multiple: true, default: [] },
      'no-fasttext': { type: 'boolean', default: false },
      pairing: { type: 'string', default: 'full' },
      json: { type: 'string' },
      split: { type: 'string', default: 'folds' },
      k: { type: 'string', default: '20' },
      removal: { type: 'string', default: 'unshared' },
      folds: { type: 'string' },
      'sst2-train': { type: 'string' },
    },
  });
  const configs = new Map<string, Config>();
  for (const name of values.configs!.split(',').filter(Boolean)) {
    if (!(name in PRESETS)) throw new Error(`unknown preset ${name}; known: ${Object.keys(PRESETS).join(', ')}`);
    configs.set(name, PRESETS[name]);
  }
  for (const spec of values.config!) {
    const eq = spec.indexOf('=');
    configs.set(spec.slice(0, eq), JSON.parse(spec.slice(eq + 1)) as Config);
  }
  const seeds = values.seeds!.split(',').map(Number);
  const withFastText = !values['no-fasttext'] && hasFastText();
  if (!values['no-fasttext'] && !withFastText) log('(fasttext is not on the PATH: sentiwasm only)');
  const all: RunResult[] = [];
  // Rewritten after every run, so a long session that is stopped keeps what it measured.
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const command = `npx tsx bench/accuracy/run.ts ${process.argv.slice(2).join(' ')}`;
  const started = new Date().toISOString();
  const save = (more: RunResult[] = []) => {
    if (values.json)
      writeFileSync(
        values.json,
        `${JSON.stringify({ command, commit, date: started, results: [...all, ...more] }, null, 1)}\n`,
      );
  };
  for (const data of values.data!.split(',')) {
    let splits: Split[];
    if (data === 'sst2') {
      const rows = readSst2Rows(values['sst2-train'] ?? (await corpusFile('sst2')));
      if (values.split === 'sentences-2000') {
        const sets = sst2SentenceSplits(rows, { seed: 1 });
        splits = sets;
        log(
          `sst2: ${sets[0].candidates} full sentences of ≥ 8 words; ${splits.length} held-out sets of ${splits[0].test.length}, training on ${splits.map((s) => s.train.length).join(' / ')} rows`,
        );
      } else if (values.split === 'folds') {
        const removal = values.removal as PhraseRemoval;
        if (removal !== 'unshared' && removal !== 'all')
          throw new Error(`--removal is unshared or all, not ${removal}`);
        const folds = sst2SentenceFolds(rows, { seed: 1, k: Number(values.k), removal });
        const chosen = values.folds ? new Set(values.folds.split(',').map(Number)) : undefined;
        splits = folds.filter((f) => !chosen || chosen.has(f.fold));
        log(
          `sst2: ${folds[0].candidates} full sentences of ≥ 8 words in ${folds.length} folds (${removal} phrases leave); running ${splits.length}, training on ${folds.map((f) => `${(f.kept * 100).toFixed(1)}%`).join(' / ')} of ${rows.length} rows`,
        );
      } else throw new Error(`unknown --split ${values.split}: folds or sentences-2000`);
    } else if (data === 'chn') {
      const rows = await readChnSentiCorp(await corpusFile('chnsenticorp'));
      splits = foldSplits(rows, 5, 1, 'chnsenticorp');
      log(`chnsenticorp: ${rows.length} reviews, 5 stratified folds`);
    } else throw new Error(`unknown data ${data}: sst2 or chn`);
    const runs: { split: Split; seed: number }[] =
      values.pairing === 'diagonal'
        ? splits.map((split, i) => ({ split, seed: seeds[i % seeds.length] }))
        : splits.flatMap((split) => seeds.map((seed) => ({ split, seed })));
    const results: RunResult[] = [];
    for (const { split, seed } of runs) {
      if (withFastText) {
        const r = fastTextAccuracy(split.train, split.test, seed);
        results.push({
          system: 'fasttext',
          config: 'W4',
          split: split.name,
          fold: split.fold ?? splits.indexOf(split) + 1,
          seed,
          ...r,
        });
        save(results);
        log(`${split.name} seed ${seed} fasttext ${r.accuracy.toFixed(4)} (${r.trainSeconds.toFixed(1)} s)`);
      }
      for (const [name, config] of configs) {
        const r = await sentiwasmAccuracy(split, config, seed);
        results.push({
          system: 'sentiwasm',
          config: name,
          split: split.name,
          fold: split.fold ?? splits.indexOf(split) + 1,
          seed,
          ...r,
        });
        save(results);
        log(`${split.name} seed ${seed} ${name} ${r.accuracy.toFixed(4)} (${r.trainSeconds.toFixed(1)} s)`);
      }
    }
    printTable(data, results, [...configs.keys()], withFastText);
    all.push(...results);
  }
  save();
}

/** SST-2's train.tsv: the file given, else the data-set manager's when $SENTIWASM_DATASET_SST2 names a copy. */

/**
 * Each system's mean ± sd over its runs, and its paired differences from the first option set and
 * from fastText, in points, ± a standard error over the splits: the seeds of one split share its
 * data (and fastText's scarcely move with the seed), so they are averaged within the split first.
 */
function printTable(data: string, results: RunResult[], names: string[], withFastText: boolean): void {
  const systems = withFastText ? ['fasttext', ...names] : names;
  const runsOf = (s: string) => results.filter((r) => (r.system === 'sentiwasm' ? r.config : r.system) === s);
  const splits = [...new Set(results.map((r) => r.split))];
  const bySplit = (s: string) =>
    splits.map(
      (split) =>
        meanSd(
          runsOf(s)
            .filter((r) => r.split === split)
            .map((r) => r.accuracy),
        ).mean,
    );
  const pts = (x: number) => (x * 100).toFixed(2);
  const lines = [
    `\n${data}: ${runsOf(systems[0]).length} runs per system (${splits.length} splits × seeds); accuracy mean ± sd; paired difference ± standard error over the splits, in points`,
  ];
  const base = names[0];
  for (const s of systems) {
    const { mean, sd } = meanSd(runsOf(s).map((r) => r.accuracy));
    const vsBase =
      s === base || s === 'fasttext' ? '' : `  vs ${base} ${signed(pairedDifference(bySplit(base), bySplit(s)))}`;
    const vsFt =
      withFastText && s !== 'fasttext'
        ? `  vs fasttext ${signed(pairedDifference(bySplit('fasttext'), bySplit(s)))}`
        : '';
    lines.push(`${s.padEnd(22)} ${mean.toFixed(4)} ± ${sd.toFixed(4)}${vsFt}${vsBase}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  function signed(d: { mean: number; se: number }): string {
    return `${d.mean >= 0 ? '+' : ''}${pts(d.mean)} ± ${pts(d.se)}`;
  }
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

await main();
