// Automatic tuning: a seeded search over the training options, each candidate scored by
// stratified cross-validation of the training data (or on a dev set when one is given), within a
// time budget. The first candidate is always the options as given (the defaults), so the choice
// is never worse than them by the search's own measure. Later candidates are either drawn at
// random from the whole space or the best so far with one or two options changed. Successive
// halving saves time: a candidate trains on one fold first and goes on to the others only when
// that fold scores near the best's. A training that would run past the deadline is stopped. A
// candidate replaces the best only when it beats it fold by fold by more than the folds' noise.

import { Random } from '../nn/random.js';
import { stratifiedFolds } from './cv.js';
import { trainWithReport } from '../train/train.js';
import { checkExample, type Example } from '../fit/examples.js';
import { modelClass } from '../models/registry.js';
import { autoMembers } from '../fit/members.js';
import { autoEpochs, sortLabels, type LabelledText, type TrainOptions } from '../fit/options.js';
import type { ScheduleName } from '../fit/schedule.js';
import type { Label } from '../classifier/classifier.js';

export interface AutotuneOptions extends TrainOptions {
  /** Seconds the search may take (default 60); the final model is not part of it. */
  budgetSeconds?: number;
  /** What to maximise (default accuracy). */
  metric?: 'accuracy' | 'macroF1';
  /** Cross-validation folds (default 3); ignored when `dev` is given. */
  folds?: number;
  /** Score each candidate on these examples instead of cross-validating the training data. */
  dev?: readonly LabelledText<Label>[];
  /** Told about each candidate when it is scored (progress). */
  onTrial?: (trial: Trial) => void;
}

/** One candidate of an autotune search and its score. */
export interface Trial {
  /** From 0; trial 0 is the options as given. */
  index: number;
  /** The searched options of this candidate. */
  options: TrainOptions;
  /** Mean score over the folds it was scored on (NaN if none finished). */
  score: number;
  /** Folds scored (1 on dev). */
  folds: number;
  /** False when successive halving or the deadline stopped it before every fold. */
  complete: boolean;
  /** The best complete score so far, this trial included. */
  best: number;
  /** Seconds since the search began. */
  elapsed: number;
}

/** What autotuneWithReport returns: the best options, their score, and every candidate tried. */
export interface AutotuneResult {
  /** The searched options of the best candidate: spread them over the options given to train with them. */
  options: TrainOptions;
  /** The best candidate's score (the metric, mean over its folds). */
  score: number;
  /** Every candidate scored, in the order tried. */
  trials: Trial[];
}

/** A candidate's training that would end past the deadline is stopped by throwing this from onBatch. */
class PastDeadline extends Error {}

/** How far below the best's first-fold score a candidate's may be and still go on to the other folds. */
const HALVING_MARGIN = 0.005;
/** The least gain in the metric (mean over the folds, paired) for a candidate to replace the best. */
const MIN_GAIN = 0.002;

/**
 * Searches the options within `budgetSeconds` and returns the best found (the searched options,
 * to spread over the options given).
 * @example
 * ```ts
 * const tuned = await autotune(examples, { budgetSeconds: 30 }); const model = await train(examples, tuned);
 * ```
 */
export async function autotune<L extends Label>(
  examples: Iterable<LabelledText<L>>,
  options: AutotuneOptions = {},
): Promise<TrainOptions> {
  return (await autotuneWithReport(examples, options)).options;
}

/**
 * autotune(), also returning every trial and the best score.
 * @example
 * ```ts
 * const { options, score, trials } = await autotuneWithReport(examples, { budgetSeconds: 30, metric: 'macroF1' });
 * ```
 */
export async function autotuneWithReport<L extends Label>(
  examples: Iterable<LabelledText<L>>,
  options: AutotuneOptions = {},
): Promise<AutotuneResult> {
  const { budgetSeconds = 60, metric = 'accuracy', folds: k = 3, dev, onTrial, ...base } = options;
  if (!(budgetSeconds > 0)) throw new RangeError(`budgetSeconds must be a positive number, got ${budgetSeconds}`);
  if (metric !== 'accuracy' && metric !== 'macroF1')
    throw new RangeError(`metric must be accuracy or macroF1, got ${String(metric)}`);
  const all = [...examples].map((e, i) => checkExample(e, i, 'training'));
  if (all.length === 0) throw new RangeError('no training examples');
  const labels = base.labels ?? sortLabels(new Set(all.map((e) => e.label)));
  const seed = base.seed ?? 0;
  const started = performance.now();
  const deadline = started + budgetSeconds * 1000;
  const elapsed = () => (performance.now() - started) / 1000;
  // The folds (or the one split on dev) every candidate is scored on.
  const splits: { train: Example[]; test: Example[] }[] = [];
  if (dev) splits.push({ train: all, test: dev.map((e, i) => checkExample(e, i, 'dev')) });
  else {
    const fold = stratifiedFolds(
      all.map((e) => e.label),
      k,
      seed,
    );
    for (let f = 0; f < k; f++)
      splits.push({ train: all.filter((_, i) => fold[i] !== f), test: all.filter((_, i) => fold[i] === f) });
  }
  const space = searchSpace(splits[0].train.length, base);
  const rng = new Random(seed ^ 0x7a11c0de);
  const tried = new Set<string>();
  const trials: Trial[] = [];
  let best: { candidate: Candidate; options: TrainOptions; score: number; scores: number[] } | undefined;
  let slowestFold = 0;

  for (let index = 0; ; index++) {
    // The options as given first; then a random draw or a change to the best, never one tried before.
    let candidate = index === 0 ? space.given : undefined;
    for (let attempt = 0; !candidate && attempt < 50; attempt++) {
      const c = best && rng.next() < 0.6 ? space.mutate(best.candidate, rng) : space.draw(rng);
      if (!tried.has(JSON.stringify(space.toOptions(c)))) candidate = c;
    }
    if (!candidate) break;
    const options = space.toOptions(candidate);
    tried.add(JSON.stringify(options));
    // Not worth starting a fold that cannot end in time.
    if (index > 0 && (deadline - performance.now()) / 1000 < slowestFold * 0.5) break;
    const scores: number[] = [];
    let stopped = false;
    for (const split of splits) {
      const t0 = performance.now();
      const score = await scoreSplit(split, { ...base, ...options, labels }, metric, deadline);
      if (score === undefined) {
        stopped = true;
        break;
      }
      slowestFold = Math.max(slowestFold, (performance.now() - t0) / 1000);
      scores.push(score);
      // Successive halving: a first fold well below the best's first fold ends the candidate.
      if (scores.length === 1 && best && score < best.scores[0] - HALVING_MARGIN) break;
    }
    const mean = scores.length ? scores.reduce((s, v) => s + v, 0) / scores.length : NaN;
    const complete = scores.length === splits.length;
    if (complete && (!best || clearlyBetter(scores, best.scores))) best = { candidate, options, score: mean, scores };
    const trial: Trial = {
      index,
      options,
      score: mean,
      folds: scores.length,
      complete,
      best: best?.score ?? NaN,
      elapsed: elapsed(),
    };
    trials.push(trial);
    onTrial?.(trial);
    if (stopped || performance.now() >= deadline) break;
  }
  return { options: best?.options ?? space.toOptions(space.given), score: best?.score ?? NaN, trials };
}

/**
 * Whether a candidate's fold scores beat the best's by more than the folds' noise: the mean of
 * the paired differences must exceed both MIN_GAIN and their standard error. Between settings
 * that differ by less, cross-validation picks noise (on SST-2's split a plain "highest mean"
 * chose settings 0.8 points worse on held-out sentences), so the options as given stand.
 */
function clearlyBetter(scores: readonly number[], bestScores: readonly number[]): boolean {
  const d = scores.map((s, i) => s - bestScores[i]);
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const se = d.length > 1 ? Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (d.length - 1) / d.length) : 0;
  return mean > Math.max(MIN_GAIN, se);
}

/** One candidate trained on a split's training part and scored on its test part; undefined when the deadline stopped it. */
async function scoreSplit(
  split: { train: Example[]; test: Example[] },
  options: TrainOptions,
  metric: 'accuracy' | 'macroF1',
  deadline: number,
): Promise<number | undefined> {
  const onBatch = () => {
    if (performance.now() > deadline) throw new PastDeadline('past the deadline');
  };
  try {
    const { model } = await trainWithReport(split.train, {
      ...options,
      onBatch,
      batchEvery: 10,
      onWarning: () => undefined,
      validation: undefined,
      checkpoint: undefined,
      resume: undefined,
    });
    try {
      return model.evaluate(split.test)[metric];
    } finally {
      model.dispose();
    }
  } catch (error) {
    if (error instanceof PastDeadline) return undefined;
    // A candidate that diverges (too high a rate) scores nothing rather than ending the search.
    if (error instanceof Error && error.name === 'TrainingDivergedError') return 0;
    throw error;
  }
}

/** The options the search changes: a candidate is one value of each. */
interface Candidate {
  lr: number;
  epochs: number;
  dim: number;
  members: number;
  wordNgrams: number;
  buckets: number;
  subwords: [number, number];
  featureDropout: number;
  batch: number;
  negation: boolean;
  uniqueFeatures: boolean;
  schedule: ScheduleName;
  minCount: number;
}

/** The searched options, in the order a random draw picks them (the draws of a seed depend on it). */
const KEYS: (keyof Candidate)[] = [
  'lr',
  'epochs',
  'dim',
  'members',
  'wordNgrams',
  'buckets',
  'subwords',
  'featureDropout',
  'batch',
  'negation',
  'uniqueFeatures',
  'schedule',
  'minCount',
];

/**
 * What is searched, and how: each option's values, the options as given (with the defaults
 * spelled out), a random draw, and a change of one or two options of a candidate.
 */
function searchSpace(trainSize: number, base: TrainOptions) {
  const epochs0 = typeof base.epochs === 'number' ? base.epochs : autoEpochs(trainSize);
  const arch = base.arch ?? 'bag';
  const model = modelClass(arch);
  const lr0 =
    typeof base.lr === 'number'
      ? base.lr
      : model.defaults.lr[base.optimizer === 'auto' || !base.optimizer ? model.defaults.optimizer : base.optimizer];
  const dim = base.dim ?? 64;
  const values: { [K in keyof Candidate]: readonly Candidate[K][] } = {
    // Around the rate given (or the model's default: 2 for the bag model's SGD).
    lr: [0.25, 0.5, 0.75, 1, 1.5, 2].map((f) => f * lr0),
    epochs: [...new Set([0.5, 1, 1.5, 2, 3].map((f) => Math.max(2, Math.round(epochs0 * f))))],
    dim: [32, 64, 96, 128],
    members: model.averagesMembers && !base.pretrainedVectors ? [1, 2, 3, 4] : [1],
    wordNgrams: [1, 2, 3],
    buckets: [1_000_000, 2_000_000, 4_000_000],
    subwords: [
      [0, 0],
      [3, 6],
      [2, 5],
    ],
    featureDropout: [0, 0.1, 0.2, 0.3, 0.4],
    batch: [4, 8, 16],
    negation: [true, false],
    uniqueFeatures: [false, true],
    schedule: ['linear', 'cosine'],
    minCount: [1, 2],
  };
  // Members must split dim into parts of ≥ 16.
  const fix = (c: Candidate): Candidate => {
    if (c.dim % c.members !== 0 || c.dim / c.members < 16)
      c.members = values.members.length > 1 ? autoMembers(arch, c.dim, false) : 1;
    return c;
  };
  const pick = <T>(list: readonly T[], rng: Random): T => list[Math.floor(rng.next() * list.length)];
  const repick = <K extends keyof Candidate>(c: Candidate, key: K, rng: Random): void => {
    c[key] = pick(values[key], rng);
  };
  // The options as given, every default spelled out as train would resolve it.
  const given: Candidate = {
    lr: lr0,
    epochs: epochs0,
    dim,
    members:
      typeof base.members === 'number' ? base.members : autoMembers(arch, dim, base.pretrainedVectors !== undefined),
    wordNgrams: base.wordNgrams ?? 2,
    buckets: base.buckets ?? 2_000_000,
    subwords: base.subwords ?? [0, 0],
    featureDropout: base.featureDropout ?? 0.2,
    batch: base.batch ?? 8,
    negation: base.tokenizer?.negation ?? true,
    uniqueFeatures: base.uniqueFeatures ?? false,
    schedule: base.schedule ?? 'linear',
    minCount: base.minCount ?? 1,
  };
  return {
    given,
    draw(rng: Random): Candidate {
      const c = { ...given };
      for (const key of KEYS) repick(c, key, rng);
      return fix(c);
    },
    mutate(from: Candidate, rng: Random): Candidate {
      const c = { ...from };
      const changes = rng.next() < 0.5 ? 1 : 2;
      for (let i = 0; i < changes; i++) repick(c, pick(KEYS, rng), rng);
      return fix(c);
    },
    toOptions: (c: Candidate): TrainOptions => ({
      lr: c.lr,
      epochs: c.epochs,
      dim: c.dim,
      members: c.members,
      wordNgrams: c.wordNgrams,
      buckets: c.buckets,
      subwords: c.subwords,
      featureDropout: c.featureDropout,
      batch: c.batch,
      uniqueFeatures: c.uniqueFeatures,
      schedule: c.schedule,
      minCount: c.minCount,
      tokenizer: { ...base.tokenizer, negation: c.negation },
    }),
  };
}

/**
 * The searched options as `sentiwasm train` flags, to reuse them.
 * @example
 * ```ts
 * toFlags({ lr: 1.5, epochs: 10, tokenizer: { negation: false } }) // "--lr 1.5 --epochs 10 --no-negation"
 * ```
 */
export function toFlags(o: TrainOptions): string {
  const flags: string[] = [];
  const add = (flag: string, value: unknown) => {
    if (value !== undefined) flags.push(`${flag} ${value}`);
  };
  add('--lr', o.lr);
  add('--epochs', o.epochs);
  add('--dim', o.dim);
  add('--members', o.members);
  add('--ngrams', o.wordNgrams);
  add('--buckets', o.buckets);
  if (o.subwords && o.subwords[1] > 0) add('--subwords', `${o.subwords[0]}-${o.subwords[1]}`);
  add('--feature-dropout', o.featureDropout);
  add('--batch', o.batch);
  add('--schedule', o.schedule);
  add('--min-count', o.minCount);
  if (o.uniqueFeatures) flags.push('--unique-features');
  if (o.endOfText === false) flags.push('--no-end-of-text');
  if (o.tokenizer?.negation === false) flags.push('--no-negation');
  return flags.join(' ');
}
