// Evaluation metrics for classifiers: accuracy, per-class precision / recall / F1, the
// confusion matrix, ROC-AUC (binary), expected calibration error and log loss, plus a
// plain-text report.
//
// Conventions, stated once:
// - Labels are class indices 0..C-1; `classNames[c]` names class c.
// - The predicted class is the argmax of a row of probabilities; ties go to the lowest index.
// - Precision, recall and F1 are 0 whenever they are undefined (no predictions of a class,
//   no examples of a class, or precision + recall = 0), as scikit-learn's `zero_division=0`.
//   Macro-F1 averages F1 over all C classes, including classes with no support.
// - The confusion matrix has rows = true class and columns = predicted class.

/** Precision, recall, F1 and support of one class. */
export interface ClassMetrics {
  /** The class name. */
  label: string;
  /** Of the examples predicted as this class, the fraction that are. */
  precision: number;
  /** Of the examples of this class, the fraction predicted as it. */
  recall: number;
  /** The harmonic mean of precision and recall. */
  f1: number;
  /** Number of examples whose true class is this one. */
  support: number;
}

/** Everything `evaluate` measures on a labelled set. */
export interface EvaluationReport {
  /** Examples evaluated. */
  n: number;
  /** Fraction predicted right. */
  accuracy: number;
  /** F1 averaged over the classes, each counting the same. */
  macroF1: number;
  /** Precision, recall and F1 of each class, in classNames order. */
  perClass: ClassMetrics[];
  /** confusion[true][predicted], in classNames order. */
  confusion: number[][];
  /** Two classes only, and only when both occur: AUC of P(classNames[1]). */
  rocAuc?: number;
  /** Expected calibration error: 10 equal-width bins on the max probability. */
  ece: number;
  /** Mean negative log-likelihood of the true class (natural log, probabilities clipped at 1e-15). */
  logLoss: number;
}

/**
 * Class probabilities: flat row-major n×C, or one row per example.
 * @inline
 */
export type Probabilities = Float32Array | Float64Array | ArrayLike<number> | ArrayLike<ArrayLike<number>>;

const LOG_CLIP = 1e-15;
const ECE_BINS = 10;

// ---------------------------------------------------------------------------------------
// helpers

function checkLabel(label: number, i: number, numClasses: number, where: string): void {
  if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
    throw new RangeError(`${where}: label ${label} of example ${i} is not a class index in 0..${numClasses - 1}`);
  }
}

/** Flattens probabilities to a row-major n×C Float64Array, checking shape and values. */
function flattenProbabilities(probabilities: Probabilities, n: number, numClasses: number): Float64Array {
  const out = new Float64Array(n * numClasses);
  const isFlat = (p: Probabilities): p is ArrayLike<number> =>
    ArrayBuffer.isView(p) || (p.length > 0 && typeof p[0] === 'number') || (p.length === 0 && n === 0);
  if (isFlat(probabilities)) {
    const p = probabilities;
    if (p.length !== n * numClasses) {
      throw new RangeError(`evaluate: expected ${n}×${numClasses} = ${n * numClasses} probabilities, got ${p.length}`);
    }
    for (let k = 0; k < p.length; k++) out[k] = p[k];
  } else {
    const rows = probabilities;
    if (rows.length !== n) {
      throw new RangeError(`evaluate: expected ${n} rows of probabilities, got ${rows.length}`);
    }
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      if (row.length !== numClasses) {
        throw new RangeError(
          `evaluate: row ${i} has ${row.length} probabilities, expected ${numClasses} (one per class)`,
        );
      }
      for (let c = 0; c < numClasses; c++) out[i * numClasses + c] = row[c];
    }
  }
  for (let k = 0; k < out.length; k++) {
    if (!Number.isFinite(out[k])) {
      throw new RangeError(
        `evaluate: probability of example ${Math.floor(k / numClasses)}, class ${k % numClasses} is ${out[k]}`,
      );
    }
  }
  return out;
}

/** Index of the largest value in row i of a flat n×C array; ties go to the lowest index. */
function rowArgmax(p: ArrayLike<number>, i: number, numClasses: number): number {
  const base = i * numClasses;
  let best = 0;
  let bestValue = p[base];
  for (let c = 1; c < numClasses; c++) {
    if (p[base + c] > bestValue) {
      bestValue = p[base + c];
      best = c;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------
// metrics

/**
 * Predicted class of each row of a flat row-major n×C array (argmax, ties → lowest index).
 * @example
 * ```ts
 * predictClasses(new Float32Array([0.2, 0.8, 0.5, 0.5]), 2) // Int32Array [1, 0]
 * ```
 */
export function predictClasses(probabilities: ArrayLike<number>, numClasses: number): Int32Array {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(`predictClasses: numClasses must be a positive integer, got ${numClasses}`);
  }
  if (probabilities.length % numClasses !== 0) {
    throw new RangeError(
      `predictClasses: ${probabilities.length} values is not a whole number of rows of ${numClasses}`,
    );
  }
  const n = probabilities.length / numClasses;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = rowArgmax(probabilities, i, numClasses);
  return out;
}

/**
 * Fraction of predictions equal to the true label; throws on empty or mismatched inputs.
 * @example
 * ```ts
 * accuracy([0, 1, 1, 0], [0, 1, 0, 0]) // 0.75
 * ```
 */
export function accuracy(trueLabels: ArrayLike<number>, predicted: ArrayLike<number>): number {
  if (trueLabels.length !== predicted.length) {
    throw new RangeError(`accuracy: ${trueLabels.length} true labels but ${predicted.length} predictions`);
  }
  if (trueLabels.length === 0) throw new RangeError('accuracy: no examples');
  let correct = 0;
  for (let i = 0; i < trueLabels.length; i++) if (trueLabels[i] === predicted[i]) correct++;
  return correct / trueLabels.length;
}

/**
 * Confusion matrix: `m[true][predicted]` counts over class indices 0..numClasses-1.
 * @example
 * ```ts
 * confusionMatrix([0, 1, 1], [0, 0, 1], 2) // [[1, 0], [1, 1]]
 * ```
 */
export function confusionMatrix(
  trueLabels: ArrayLike<number>,
  predicted: ArrayLike<number>,
  numClasses: number,
): number[][] {
  if (trueLabels.length !== predicted.length) {
    throw new RangeError(`confusionMatrix: ${trueLabels.length} true labels but ${predicted.length} predictions`);
  }
  const m: number[][] = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < trueLabels.length; i++) {
    checkLabel(trueLabels[i], i, numClasses, 'confusionMatrix');
    checkLabel(predicted[i], i, numClasses, 'confusionMatrix (prediction)');
    m[trueLabels[i]][predicted[i]]++;
  }
  return m;
}

/**
 * Per-class precision, recall, F1 and support from a confusion matrix (0 where undefined).
 * @example
 * ```ts
 * classMetrics([[1, 0], [1, 1]], ['neg', 'pos'])[1] // { label: 'pos', precision: 1, recall: 0.5, f1: 0.667, support: 2 }
 * ```
 */
export function classMetrics(confusion: number[][], classNames: string[]): ClassMetrics[] {
  const C = classNames.length;
  if (confusion.length !== C) {
    throw new RangeError(`classMetrics: ${confusion.length}×? confusion matrix for ${C} class names`);
  }
  const out: ClassMetrics[] = [];
  for (let c = 0; c < C; c++) {
    const tp = confusion[c][c];
    let support = 0; // row sum: examples of class c
    let predictedCount = 0; // column sum: predictions of class c
    for (let k = 0; k < C; k++) {
      support += confusion[c][k];
      predictedCount += confusion[k][c];
    }
    const precision = predictedCount > 0 ? tp / predictedCount : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    out.push({ label: classNames[c], precision, recall, f1, support });
  }
  return out;
}

/**
 * Exact ROC-AUC of scores for 0/1 labels via the Mann-Whitney rank sum (ties count 1/2); NaN if a class is absent.
 * @example
 * ```ts
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // 0.75
 * ```
 */
export function rocAuc(labels01: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = labels01.length;
  if (scores.length !== n) {
    throw new RangeError(`rocAuc: ${n} labels but ${scores.length} scores`);
  }
  let nPos = 0;
  for (let i = 0; i < n; i++) {
    const y = labels01[i];
    if (y !== 0 && y !== 1) throw new RangeError(`rocAuc: label ${y} of example ${i} is not 0 or 1`);
    if (Number.isNaN(scores[i])) throw new RangeError(`rocAuc: score of example ${i} is NaN`);
    nPos += y;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;

  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (scores[a] < scores[b] ? -1 : scores[a] > scores[b] ? 1 : 0));

  // Average 1-based ranks over runs of equal scores; sum the ranks of the positives.
  let positiveRankSum = 0;
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && scores[order[end]] === scores[order[start]]) end++;
    const averageRank = (start + 1 + end) / 2; // mean of start+1 .. end
    for (let k = start; k < end; k++) if (labels01[order[k]] === 1) positiveRankSum += averageRank;
    start = end;
  }
  return (positiveRankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * Expected calibration error: Σ_b (n_b/n)·|accuracy_b − mean confidence_b| over `bins` equal-width bins [b/B, (b+1)/B) of confidence (1 goes in the last).
 * @example
 * ```ts
 * expectedCalibrationError([0.95, 0.95, 0.55, 0.55], [1, 1, 1, 0]) // 0.05 (bin 9: |1−0.95|, bin 5: |0.5−0.55|)
 * ```
 */
export function expectedCalibrationError(
  confidences: ArrayLike<number>,
  correct: ArrayLike<number | boolean>,
  bins = ECE_BINS,
): number {
  const n = confidences.length;
  if (correct.length !== n) {
    throw new RangeError(`expectedCalibrationError: ${n} confidences but ${correct.length} outcomes`);
  }
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(`expectedCalibrationError: bins must be a positive integer, got ${bins}`);
  }
  if (n === 0) throw new RangeError('expectedCalibrationError: no examples');
  const count = new Float64Array(bins);
  const confidenceSum = new Float64Array(bins);
  const correctSum = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const p = confidences[i];
    if (!(p >= 0 && p <= 1)) {
      throw new RangeError(`expectedCalibrationError: confidence ${p} of example ${i} is not in [0, 1]`);
    }
    const b = Math.min(Math.floor(p * bins), bins - 1);
    count[b]++;
    confidenceSum[b] += p;
    correctSum[b] += correct[i] ? 1 : 0;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (count[b] > 0) ece += Math.abs(correctSum[b] - confidenceSum[b]) / n; // (n_b/n)·|acc_b − conf_b|
  }
  return ece;
}

/**
 * Evaluates class probabilities against true labels: accuracy, macro-F1, per-class metrics, confusion, ROC-AUC (2 classes), ECE, log loss.
 * @example
 * ```ts
 * evaluate([0, 1], [[0.9, 0.1], [0.3, 0.7]], ['negative', 'positive']).accuracy // 1
 * ```
 */
export function evaluate(
  trueLabels: ArrayLike<number>,
  probabilities: Probabilities,
  classNames: string[],
): EvaluationReport {
  const n = trueLabels.length;
  const C = classNames.length;
  if (C < 2) throw new RangeError(`evaluate: need at least 2 class names, got ${C}`);
  if (n === 0) throw new RangeError('evaluate: no examples');
  for (let i = 0; i < n; i++) checkLabel(trueLabels[i], i, C, 'evaluate');
  const p = flattenProbabilities(probabilities, n, C);

  const predicted = predictClasses(p, C);
  const confusion = confusionMatrix(trueLabels, predicted, C);
  const perClass = classMetrics(confusion, classNames);
  let macroF1 = 0;
  for (const m of perClass) macroF1 += m.f1 / C;

  const confidences = new Float64Array(n);
  const correct = new Uint8Array(n);
  let logLoss = 0;
  for (let i = 0; i < n; i++) {
    const y = trueLabels[i];
    confidences[i] = Math.min(Math.max(p[i * C + predicted[i]], 0), 1);
    correct[i] = predicted[i] === y ? 1 : 0;
    logLoss -= Math.log(Math.max(p[i * C + y], LOG_CLIP));
  }
  logLoss /= n;

  const report: EvaluationReport = {
    n,
    accuracy: accuracy(trueLabels, predicted),
    macroF1,
    perClass,
    confusion,
    ece: expectedCalibrationError(confidences, correct, ECE_BINS),
    logLoss,
  };
  if (C === 2) {
    const scores = new Float64Array(n);
    for (let i = 0; i < n; i++) scores[i] = p[i * 2 + 1];
    const auc = rocAuc(trueLabels, scores);
    if (!Number.isNaN(auc)) report.rocAuc = auc;
  }
  return report;
}

// ---------------------------------------------------------------------------------------
// text report

function table(rows: string[][], rightAligned: (column: number) => boolean): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, k) => {
      widths[k] = Math.max(widths[k] ?? 0, [...cell].length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, k) => {
        const pad = ' '.repeat(widths[k] - [...cell].length);
        return rightAligned(k) ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

const fixed = (x: number): string => x.toFixed(4);

/**
 * Renders an EvaluationReport as aligned plain text: summary, per-class table, labelled confusion matrix.
 * @example
 * ```ts
 * console.log(formatReport(evaluate(labels, probs, ['negative', 'positive'])))
 * ```
 */
export function formatReport(report: EvaluationReport): string {
  const summary: string[][] = [
    ['examples', String(report.n)],
    ['accuracy', fixed(report.accuracy)],
    ['macro-F1', fixed(report.macroF1)],
  ];
  if (report.rocAuc !== undefined) summary.push(['ROC-AUC', fixed(report.rocAuc)]);
  summary.push(['ECE', fixed(report.ece)], ['log loss', fixed(report.logLoss)]);

  const perClass: string[][] = [['class', 'precision', 'recall', 'f1', 'support']];
  for (const m of report.perClass) {
    perClass.push([m.label, fixed(m.precision), fixed(m.recall), fixed(m.f1), String(m.support)]);
  }

  const labels = report.perClass.map((m) => m.label);
  const confusion: string[][] = [['true \\ predicted', ...labels]];
  report.confusion.forEach((row, c) => confusion.push([labels[c], ...row.map(String)]));

  return [
    ...table(summary, (k) => k > 0),
    '',
    ...table(perClass, (k) => k > 0),
    '',
    'confusion matrix (rows = true class, columns = predicted class)',
    ...table(confusion, (k) => k > 0),
  ].join('\n');
}
