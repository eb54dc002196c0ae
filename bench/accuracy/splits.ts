// The held-out splits accuracy is decided on (shared/BENCHMARKS.md, "Accuracy beyond the dev files"):
//
// - SST-2, sentence level. GLUE's SST-2 training file holds whole sentences and every phrase of
//   their parse trees, so a random split leaks: most held-out rows sit inside a training row or
//   hold training rows inside them. A row is taken for a full sentence when it has at least
//   MIN_WORDS words and is not a run of whole words of any other row; a seeded sample of those is
//   held out, and every training row that is a run of whole words of a held-out sentence (its
//   phrases, and the sentence itself) leaves training. What is scored is then text never seen.
// - ChnSentiCorp: stratified k-fold cross-validation of train.csv (its one empty review skipped).

import { readFileSync } from 'node:fs';
import { Random } from '../../src/nn/random.js';
import { stratifiedFolds } from '../../src/train/cv.js';
import type { LabelledText } from '../../src/train/options.js';

/** A held-out sentence has at least this many words: shorter full sentences are few and read like phrases. */
export const MIN_WORDS = 8;

export interface Split {
  name: string;
  train: LabelledText[];
  test: LabelledText[];
}

/** The rows of SST-2's train.tsv (label TAB sentence, one header line; GLUE's file has no quoting). */
export function readSst2Rows(file: string): LabelledText[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const rows: LabelledText[] = [];
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const tab = line.indexOf('\t');
    rows.push({ label: line.slice(0, tab), text: line.slice(tab + 1).trim() });
  }
  return rows;
}

/** Every run of whole words of a text (its own text included), as strings joined by one space. */
function wordRuns(words: string[], into: Set<string>): void {
  for (let i = 0; i < words.length; i++) {
    let run = words[i];
    into.add(run);
    for (let j = i + 1; j < words.length; j++) {
      run += ` ${words[j]}`;
      into.add(run);
    }
  }
}

const words = (text: string) => text.split(/\s+/).filter(Boolean);

/**
 * SST-2's sentence-level splits: `sets` disjoint seeded sets of `size` full sentences each, and
 * for each the training rows that share no phrase with it. Holding out a sentence removes about
 * ten rows (its phrases), so one set of 2,000 leaves ~44,700 of the 67,349 rows to train on;
 * three sets score 6,000 distinct sentences with no model ever trained on what it is scored on.
 * @example const [first] = sst2SentenceSplits(readSst2Rows(await corpusFile('sst2')), { seed: 1 });
 */
export function sst2SentenceSplits(
  rows: LabelledText[],
  { seed = 1, sets = 3, size = 2000, minWords = MIN_WORDS } = {},
): (Split & { candidates: number; removed: number })[] {
  const normal = rows.map((r) => words(r.text).join(' '));
  // A row inside another row: collect every proper run of whole words of every row.
  const inner = new Set<string>();
  for (const text of new Set(normal)) {
    const runs = new Set<string>();
    wordRuns(words(text), runs);
    runs.delete(text);
    for (const r of runs) inner.add(r);
  }
  const seen = new Set<string>();
  const candidates: number[] = [];
  normal.forEach((text, i) => {
    if (words(text).length >= minWords && !inner.has(text) && !seen.has(text)) candidates.push(i);
    seen.add(text);
  });
  if (sets * size > candidates.length)
    throw new RangeError(`${sets} sets of ${size} need ${sets * size} sentences; the file has ${candidates.length}`);
  const order = new Random(seed ^ 0x55a7c3e1).shuffle(Int32Array.from(candidates));
  return Array.from({ length: sets }, (_, s) => {
    const chosen = order.subarray(s * size, (s + 1) * size);
    const leaked = new Set<string>();
    for (const i of chosen) wordRuns(words(normal[i]), leaked);
    const train = rows.filter((_, i) => !leaked.has(normal[i]));
    return {
      name: `sst2-sentences-${s + 1}`,
      train,
      test: [...chosen].map((i) => rows[i]),
      candidates: candidates.length,
      removed: rows.length - train.length,
    };
  });
}

/** ChnSentiCorp's train.csv (label,review; RFC 4180 quoting), without empty reviews. */
export async function readChnSentiCorp(file: string): Promise<LabelledText[]> {
  const { readExamplesFromFile } = await import('../../src/data/files.node.js');
  const { examples } = await readExamplesFromFile(file, { skipBad: true }).collect();
  return examples.filter((e) => e.text.trim() !== '').map(({ text, label }) => ({ text, label }));
}

/** The k stratified folds of a data set as k train/test splits (seeded). */
export function foldSplits(all: LabelledText[], k: number, seed: number, name: string): Split[] {
  const fold = stratifiedFolds(
    all.map((e) => e.label),
    k,
    seed,
  );
  return Array.from({ length: k }, (_, f) => ({
    name: `${name}-fold${f + 1}`,
    train: all.filter((_, i) => fold[i] !== f),
    test: all.filter((_, i) => fold[i] === f),
  }));
}
