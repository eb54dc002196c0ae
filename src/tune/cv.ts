// Cross-validation: stratified, seeded k-fold splits of labelled examples, a model trained on k−1
// folds and scored on the one left out, for each fold and each seed; and the paired comparison of
// two option sets trained on the very same folds with the very same seeds, whose per-fold
// differences say more than the two means apart (the folds' own difficulty cancels out).

import { Random } from '../nn/random.js';
import { trainWithReport } from '../train/train.js';
import { checkExample, type Example } from '../fit/examples.js';
import { checkPositiveInt, definedOnly, sortLabels, type LabelledText, type TrainOptions } from '../fit/options.js';
import type { Label } from '../classifier/classifier.js';

/** Options for crossValidate and compareOptions: the training options, the folds and the seeds. */
export interface CrossValidationOptions extends TrainOptions {
  /** Folds (default 5); each class is spread over them in proportion. */
  folds?: number;
  /**
   * Repetitions (default 1): repetition r cuts its own folds and trains with seed `seed + r`
   * (seed defaults to 0 here as in train). A number, or the seeds themselves.
   */
  seeds?: number | readonly number[];
  /** Told each fold's result as soon as it is known (progress). */
  onFold?: (result: FoldResult) => void;
}

/** One model's score on the fold it did not see. */
export interface FoldResult {
  /** The seed the model was trained with. */
  seed: number;
  /** From 0. */
  fold: number;
  /** Examples in the fold scored. */
  n: number;
  /** Accuracy on the fold. */
  accuracy: number;
  /** Macro-averaged F1 on the fold. */
  macroF1: number;
  /** Seconds of training (not reading or scoring). */
  trainSeconds: number;
}

/**
 * A mean over the folds and its standard deviation.
 * @inline
 */
export interface MeanSd {
  /** The mean over the folds. */
  mean: number;
  /** Sample standard deviation over the folds (0 for one fold). */
  sd: number;
}

/** What crossValidate returns: each fold's result, and their means and spreads. */
export interface CrossValidationResult {
  /** Every fold's result, seed by seed. */
  folds: FoldResult[];
  /** Accuracy over the folds. */
  accuracy: MeanSd;
  /** Macro-averaged F1 over the folds. */
  macroF1: MeanSd;
}

/**
 * A mean paired difference and its standard error.
 * @inline
 */
export interface MeanSe {
  /** Mean of the paired differences B − A. */
  mean: number;
  /** Its standard error: sd of the differences / √(folds × seeds). Folds share training data, so this leans small. */
  se: number;
}

/** What compareOptions returns: both option sets' cross-validation, and their paired difference. */
export interface ComparisonResult {
  /** The first option set's results. */
  a: CrossValidationResult;
  /** The second option set's results. */
  b: CrossValidationResult;
  /** B − A, fold by fold (the same folds and seeds for both). */
  difference: {
    /** In accuracy. */
    accuracy: MeanSe;
    /** In macro-averaged F1. */
    macroF1: MeanSe;
  };
}

/**
 * Stratified k-fold assignment: fold[i] of example i, in 0..k−1. Each class's examples are
 * shuffled (seeded) and dealt round-robin, continuing where the previous class stopped, so every
 * fold holds each class in proportion (±1) and the folds' sizes differ by at most one.
 * @example
 * ```ts
 * stratifiedFolds(['a', 'a', 'b', 'b'], 2, 1) // e.g. Int32Array [0, 1, 1, 0]
 * ```
 */
export function stratifiedFolds(labels: readonly string[], k: number, seed: number): Int32Array {
  checkPositiveInt('folds', k);
  if (k < 2) throw new RangeError(`cross-validation needs at least 2 folds, got ${k}`);
  if (labels.length < k) throw new RangeError(`${labels.length} examples cannot make ${k} folds`);
  const byClass = new Map<string, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = byClass.get(labels[i]);
    if (list) list.push(i);
    else byClass.set(labels[i], [i]);
  }
  const rng = new Random(seed ^ 0x6f1d5c3b);
  const fold = new Int32Array(labels.length);
  let next = 0;
  for (const label of sortLabels(byClass.keys())) {
    const members = rng.shuffle(Int32Array.from(byClass.get(label)!));
    for (const i of members) {
      fold[i] = next;
      next = (next + 1) % k;
    }
  }
  return fold;
}

/**
 * k-fold cross-validation: for each seed and fold, trains on the other folds with `options` and
 * scores the fold left out. Accuracy and macro-F1 as mean ± sd over every (seed, fold).
 * @example
 * ```ts
 * const { accuracy } = await crossValidate(examples, { folds: 5, seeds: 2, epochs: 5 }); // accuracy.mean, accuracy.sd
 * ```
 */
export async function crossValidate<L extends Label>(
  examples: Iterable<LabelledText<L>>,
  options: CrossValidationOptions = {},
): Promise<CrossValidationResult> {
  const { all, plan } = prepare(examples, options);
  const { folds: _k, seeds: _s, onFold, ...trainOptions } = options;
  const results: FoldResult[] = [];
  for (const { seed, folds } of plan) {
    for (let f = 0; f < folds.k; f++) {
      const result = await runFold(all, folds.of, f, seed, trainOptions);
      results.push(result);
      onFold?.(result);
    }
  }
  return summarise(results);
}

/**
 * Trains option sets A and B on the same folds with the same seeds and reports each, and the
 * paired difference B − A with its standard error. Comparing a set with itself gives 0 ± 0.
 * @example
 * ```ts
 * const { difference } = await compareOptions(examples, { members: 1 }, { members: 2 }, { folds: 5, seeds: 3 });
 * ```
 */
export async function compareOptions<L extends Label>(
  examples: Iterable<LabelledText<L>>,
  a: TrainOptions,
  b: TrainOptions,
  options: CrossValidationOptions & { onFoldPair?: (a: FoldResult, b: FoldResult) => void } = {},
): Promise<ComparisonResult> {
  const { all, plan } = prepare(examples, options);
  const { folds: _k, seeds: _s, onFold, onFoldPair, ...shared } = options;
  const ra: FoldResult[] = [];
  const rb: FoldResult[] = [];
  for (const { seed, folds } of plan) {
    for (let f = 0; f < folds.k; f++) {
      const x = await runFold(all, folds.of, f, seed, { ...shared, ...definedOnly(a) });
      const y = await runFold(all, folds.of, f, seed, { ...shared, ...definedOnly(b) });
      ra.push(x);
      rb.push(y);
      onFold?.(x);
      onFold?.(y);
      onFoldPair?.(x, y);
    }
  }
  return {
    a: summarise(ra),
    b: summarise(rb),
    difference: {
      accuracy: pairedDifference(
        ra.map((r) => r.accuracy),
        rb.map((r) => r.accuracy),
      ),
      macroF1: pairedDifference(
        ra.map((r) => r.macroF1),
        rb.map((r) => r.macroF1),
      ),
    },
  };
}

/** The seeds a CrossValidationOptions asks for. */
export function seedList(options: { seeds?: number | readonly number[]; seed?: number }): number[] {
  const { seeds = 1, seed = 0 } = options;
  if (typeof seeds === 'number') {
    checkPositiveInt('seeds', seeds);
    return Array.from({ length: seeds }, (_, r) => seed + r);
  }
  if (seeds.length === 0 || !seeds.every(Number.isInteger))
    throw new RangeError(`seeds must be a positive count or a list of integers, got ${JSON.stringify(seeds)}`);
  return [...seeds];
}

/** Mean and sample standard deviation. */
export function meanSd(values: readonly number[]): MeanSd {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / Math.max(1, n);
  const sd = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd };
}

/** Mean of b − a, pair by pair, with its standard error. */
export function pairedDifference(a: readonly number[], b: readonly number[]): MeanSe {
  if (a.length !== b.length) throw new RangeError(`paired lists differ in length: ${a.length} and ${b.length}`);
  const { mean, sd } = meanSd(b.map((v, i) => v - a[i]));
  return { mean, se: a.length > 0 ? sd / Math.sqrt(a.length) : 0 };
}

function prepare<L extends Label>(examples: Iterable<LabelledText<L>>, options: CrossValidationOptions) {
  if (examples === null || typeof examples !== 'object' || !(Symbol.iterator in examples)) {
    throw new TypeError(
      'crossValidate() wants labelled examples ({ text, label } objects) in an array or other iterable',
    );
  }
  const all = [...examples].map((e, i) => checkExample(e, i, 'training'));
  const k = options.folds ?? 5;
  const plan = seedList(options).map((seed) => ({
    seed,
    folds: {
      k,
      of: stratifiedFolds(
        all.map((e) => e.label),
        k,
        seed,
      ),
    },
  }));
  return { all, plan };
}

async function runFold(
  all: Example[],
  fold: Int32Array,
  f: number,
  seed: number,
  options: TrainOptions,
): Promise<FoldResult> {
  const train = all.filter((_, i) => fold[i] !== f);
  const test = all.filter((_, i) => fold[i] === f);
  // Every class the data has, so that a class missing from one fold's training part is still a class.
  const labels = options.labels ?? sortLabels(new Set(all.map((e) => e.label)));
  const { model, trainSeconds } = await trainWithReport(train, {
    ...options,
    labels,
    seed,
    onWarning: options.onWarning ?? (() => undefined),
  });
  try {
    const report = model.evaluate(test);
    return { seed, fold: f, n: test.length, accuracy: report.accuracy, macroF1: report.macroF1, trainSeconds };
  } finally {
    model.dispose();
  }
}

function summarise(folds: FoldResult[]): CrossValidationResult {
  return { folds, accuracy: meanSd(folds.map((r) => r.accuracy)), macroF1: meanSd(folds.map((r) => r.macroF1)) };
}
