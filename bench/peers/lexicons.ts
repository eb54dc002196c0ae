// W8's peers as a JavaScript user installs them from npm, called through their documented entry
// points with no options: three lexicon libraries that score a text with no training, and
// natural's two trainable classifiers.
//
// - `sentiment` 5.0.2 (AFINN-165, with its negation and emoji rules): `analyze(text).score`, the
//   sum of the words' scores.
// - `vader-sentiment` 1.1.3 (the JavaScript port of VADER): `polarity_scores(text).compound`, in
//   [-1, 1]. (VADER's authors call |compound| < 0.05 neutral; W8 reads the sign, as for the others.)
// - `wink-sentiment` 5.0.2 (AFINN and emoji, with negation): `sentiment(text).score`.
// - natural 8.2.6's `BayesClassifier` and `LogisticRegressionClassifier`, each text tokenised and
//   Porter-stemmed by natural itself (its tokeniser keeps Latin and Cyrillic letters and digits
//   only, so it does not read Chinese). Both turn every text into a dense 0/1 vector over the whole
//   vocabulary; the logistic one then runs full-batch gradient descent on a dense matrix
//   (sylvester) until the cost stops falling, which took 4.5 s on 100 SST-2 rows, 14 s on 200 and
//   more than 120 s on 500: it trains on a seeded sample of NATURAL_LOGISTIC_ROWS rows.
//
// The lexicons read English only: on Chinese text they find no word and score 0.

import { createRequire } from 'node:module';
import { Random } from '../../src/nn/random.js';
import type { LabelledText } from '../../src/fit/options.js';

const require = createRequire(import.meta.url);

export interface Lexicon {
  system: string;
  /** The npm package, whose installed size is recorded. */
  package: string;
  score(text: string): number;
}

/** The three lexicon libraries, loaded on first use. */
export function lexicons(): Lexicon[] {
  const Sentiment = require('sentiment') as new () => { analyze(text: string): { score: number } };
  const afinn = new Sentiment();
  const vader = require('vader-sentiment') as {
    SentimentIntensityAnalyzer: { polarity_scores(text: string): { compound: number } };
  };
  const wink = require('wink-sentiment') as (text: string) => { score: number };
  return [
    { system: 'sentiment', package: 'sentiment', score: (text) => afinn.analyze(text).score },
    {
      system: 'vader',
      package: 'vader-sentiment',
      score: (text) => vader.SentimentIntensityAnalyzer.polarity_scores(text).compound,
    },
    { system: 'wink', package: 'wink-sentiment', score: (text) => wink(text).score },
  ];
}

/** Rows the logistic-regression classifier trains on (see above why not all). */
export const NATURAL_LOGISTIC_ROWS = 300;

interface NaturalClassifier {
  addDocument(text: string, label: string): void;
  train(): void;
  classify(text: string): string | undefined;
  docs: unknown[];
}

export interface TrainedPeer {
  system: string;
  package: string;
  /** Rows it trained on. */
  rows: number;
  trainSeconds: number;
  classify(text: string): string | undefined;
}

/** A seeded sample of `n` rows, each label in the share it has in `rows`. */
export function stratifiedSample(rows: readonly LabelledText[], n: number, seed: number): LabelledText[] {
  if (n >= rows.length) return [...rows];
  const random = new Random(seed);
  const byLabel = new Map<string, LabelledText[]>();
  for (const row of rows) {
    const label = String(row.label);
    if (!byLabel.has(label)) byLabel.set(label, []);
    byLabel.get(label)!.push(row);
  }
  const sample: LabelledText[] = [];
  for (const group of byLabel.values()) {
    const take = Math.round((n * group.length) / rows.length);
    // A partial Fisher–Yates shuffle: the first `take` places are a uniform sample.
    const pool = [...group];
    for (let i = 0; i < take; i++) {
      const j = i + Math.floor(random.next() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j], pool[i]];
      sample.push(pool[i]);
    }
  }
  return sample;
}

/** natural's classifier `kind` trained on `train` (the logistic one on a sample; see above). */
export function trainNatural(kind: 'bayes' | 'logistic', train: readonly LabelledText[], seed = 1): TrainedPeer {
  const natural = require('natural') as Record<string, new () => NaturalClassifier>;
  const classifier = new natural[kind === 'bayes' ? 'BayesClassifier' : 'LogisticRegressionClassifier']();
  const rows = kind === 'bayes' ? train : stratifiedSample(train, NATURAL_LOGISTIC_ROWS, seed);
  const t0 = performance.now();
  for (const row of rows) classifier.addDocument(row.text, String(row.label));
  // natural drops a text with no token it reads (Chinese, for one): with none left there is nothing to train.
  if (classifier.docs.length > 0) classifier.train();
  const trainSeconds = (performance.now() - t0) / 1000;
  const empty = classifier.docs.length === 0;
  return {
    system: kind === 'bayes' ? 'natural-bayes' : 'natural-logistic',
    package: 'natural',
    rows: classifier.docs.length,
    trainSeconds,
    classify: (text) => (empty ? undefined : classifier.classify(text)),
  };
}
