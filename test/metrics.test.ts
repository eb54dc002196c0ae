import { describe, expect, it } from 'vitest';
import { seededRandom as mulberry32 } from './helpers.js';
import {
  accuracy,
  classMetrics,
  confusionMatrix,
  evaluate,
  expectedCalibrationError,
  formatReport,
  predictClasses,
  rocAuc,
} from '../src/eval/metrics.js';

/** Probability rows that predict `predicted` (0.8 on it, the rest spread evenly). */
function rowsPredicting(predicted: number[], numClasses: number): number[][] {
  return predicted.map((p) => Array.from({ length: numClasses }, (_, c) => (c === p ? 0.8 : 0.2 / (numClasses - 1))));
}

/** The definition of AUC: fraction of (positive, negative) pairs ordered correctly, ties 1/2. */
function bruteForceAuc(labels: number[], scores: number[]): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      sum += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return sum / pairs;
}

describe('evaluate on a hand-computed 3-class case', () => {
  // confusion (rows true, columns predicted):
  //   a: 3 1 0     precision a = 3/4, recall a = 3/4, F1 = 3/4
  //   b: 1 2 1     precision b = 2/3, recall b = 2/4, F1 = 4/7
  //   c: 0 0 2     precision c = 2/3, recall c = 1,   F1 = 4/5
  const truth = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2];
  const predicted = [0, 0, 0, 1, 0, 1, 1, 2, 2, 2];
  const report = evaluate(truth, rowsPredicting(predicted, 3), ['a', 'b', 'c']);

  it('builds the confusion matrix with rows = true class', () => {
    expect(report.confusion).toEqual([
      [3, 1, 0],
      [1, 2, 1],
      [0, 0, 2],
    ]);
  });

  it.each([
    { label: 'a', precision: 3 / 4, recall: 3 / 4, f1: 3 / 4, support: 4 },
    { label: 'b', precision: 2 / 3, recall: 2 / 4, f1: 4 / 7, support: 4 },
    { label: 'c', precision: 2 / 3, recall: 1, f1: 4 / 5, support: 2 },
  ])('per-class metrics of $label', (expected) => {
    const m = report.perClass.find((x) => x.label === expected.label)!;
    expect(m.precision).toBeCloseTo(expected.precision, 12);
    expect(m.recall).toBeCloseTo(expected.recall, 12);
    expect(m.f1).toBeCloseTo(expected.f1, 12);
    expect(m.support).toBe(expected.support);
  });

  it('accuracy and macro-F1', () => {
    expect(report.n).toBe(10);
    expect(report.accuracy).toBeCloseTo(0.7, 12);
    expect(report.macroF1).toBeCloseTo((3 / 4 + 4 / 7 + 4 / 5) / 3, 12);
  });

  it('has no ROC-AUC for more than two classes', () => {
    expect(report.rocAuc).toBeUndefined();
  });

  it('log loss is the mean −log p(true class)', () => {
    // 7 rows put 0.8 on the true class, 3 put 0.1 on it.
    expect(report.logLoss).toBeCloseTo(-(7 * Math.log(0.8) + 3 * Math.log(0.1)) / 10, 12);
  });

  it('accepts the same probabilities flat (row-major n×C Float32Array)', () => {
    const flat = new Float32Array(rowsPredicting(predicted, 3).flat());
    const fromFlat = evaluate(truth, flat, ['a', 'b', 'c']);
    expect(fromFlat.confusion).toEqual(report.confusion);
    expect(fromFlat.macroF1).toBeCloseTo(report.macroF1, 12);
  });
});

describe('undefined precision, recall and F1 are 0', () => {
  it.each([
    {
      name: 'a class never predicted has precision 0 and F1 0',
      truth: [0, 1, 1],
      predicted: [0, 0, 0],
      expected: [
        { precision: 1 / 3, recall: 1, f1: 0.5 },
        { precision: 0, recall: 0, f1: 0 },
      ],
    },
    {
      name: 'a class with no examples has recall 0 and F1 0',
      truth: [0, 0, 0],
      predicted: [0, 1, 0],
      expected: [
        { precision: 1, recall: 2 / 3, f1: 0.8 },
        { precision: 0, recall: 0, f1: 0 },
      ],
    },
  ])('$name', ({ truth, predicted, expected }) => {
    const metrics = classMetrics(confusionMatrix(truth, predicted, 2), ['x', 'y']);
    expected.forEach((e, c) => {
      expect(metrics[c].precision).toBeCloseTo(e.precision, 12);
      expect(metrics[c].recall).toBeCloseTo(e.recall, 12);
      expect(metrics[c].f1).toBeCloseTo(e.f1, 12);
      expect(Number.isNaN(metrics[c].f1)).toBe(false);
    });
  });
});

describe('predicted class is the argmax', () => {
  it.each([
    { probabilities: [0.2, 0.8], numClasses: 2, expected: [1] },
    { probabilities: [0.5, 0.5], numClasses: 2, expected: [0] },
    { probabilities: [0.3, 0.4, 0.4, 0.1, 0.1, 0.8], numClasses: 3, expected: [1, 2] },
  ])('ties go to the lowest index: $probabilities', ({ probabilities, numClasses, expected }) => {
    expect(Array.from(predictClasses(probabilities, numClasses))).toEqual(expected);
  });
});

describe('accuracy', () => {
  it.each([
    { truth: [0, 1, 1, 0], predicted: [0, 1, 0, 0], expected: 0.75 },
    { truth: [2, 2], predicted: [2, 2], expected: 1 },
    { truth: [1], predicted: [0], expected: 0 },
  ])('$truth vs $predicted → $expected', ({ truth, predicted, expected }) => {
    expect(accuracy(truth, predicted)).toBe(expected);
  });

  it('refuses mismatched lengths', () => {
    expect(() => accuracy([0, 1], [0])).toThrow(/2 true labels but 1 predictions/);
  });
});

describe('ROC-AUC', () => {
  it.each([
    { name: 'perfect ranking gives 1', labels: [0, 0, 1, 1], scores: [0.1, 0.2, 0.8, 0.9], expected: 1 },
    { name: 'reversed ranking gives 0', labels: [0, 0, 1, 1], scores: [0.9, 0.8, 0.2, 0.1], expected: 0 },
    { name: 'constant scores give 0.5', labels: [0, 1, 0, 1, 1], scores: [0.3, 0.3, 0.3, 0.3, 0.3], expected: 0.5 },
    {
      name: 'one misordered pair of four gives 0.75',
      labels: [0, 0, 1, 1],
      scores: [0.1, 0.4, 0.35, 0.8],
      expected: 0.75,
    },
    { name: 'a tied pair counts 1/2', labels: [0, 1], scores: [0.5, 0.5], expected: 0.5 },
    { name: 'infinite scores are ordered too', labels: [0, 1, 0, 1], scores: [-Infinity, Infinity, 0, 1], expected: 1 },
  ])('$name', ({ labels, scores, expected }) => {
    expect(rocAuc(labels, scores)).toBeCloseTo(expected, 12);
  });

  it('is NaN when one class is absent', () => {
    expect(rocAuc([1, 1, 1], [0.2, 0.4, 0.9])).toBeNaN();
  });

  it.each([
    { seed: 1, n: 50, levels: 5 },
    { seed: 2, n: 300, levels: 20 },
    { seed: 3, n: 1000, levels: 0 },
  ])('equals the fraction of correctly ordered pairs, ties 1/2 (seed $seed, n $n)', ({ seed, n, levels }) => {
    const random = mulberry32(seed);
    const labels: number[] = [];
    const scores: number[] = [];
    for (let i = 0; i < n; i++) {
      const y = random() < 0.4 ? 1 : 0;
      const s = random() + 0.3 * y;
      labels.push(y);
      // Quantising to few levels makes many ties; levels 0 keeps scores continuous.
      scores.push(levels > 0 ? Math.round(s * levels) / levels : s);
    }
    expect(rocAuc(labels, scores)).toBeCloseTo(bruteForceAuc(labels, scores), 12);
  });

  it('evaluate reports the AUC of the positive class (classNames[1]) for two classes', () => {
    const truth = [0, 0, 1, 1];
    const positive = [0.1, 0.4, 0.35, 0.8];
    const report = evaluate(
      truth,
      positive.map((p) => [1 - p, p]),
      ['negative', 'positive'],
    );
    expect(report.rocAuc).toBeCloseTo(0.75, 12);
  });

  it('evaluate leaves ROC-AUC out when only one class occurs', () => {
    const report = evaluate(
      [1, 1],
      [
        [0.3, 0.7],
        [0.6, 0.4],
      ],
      ['negative', 'positive'],
    );
    expect(report.rocAuc).toBeUndefined();
  });
});

describe('expected calibration error', () => {
  it.each([
    {
      name: 'is 0 when each bin’s accuracy equals its confidence',
      // bin 8: ten at 0.8, eight correct; bin 6: twenty at 0.65, thirteen correct
      confidences: [...Array(10).fill(0.8), ...Array(20).fill(0.65)],
      correct: [...Array(8).fill(1), 0, 0, ...Array(13).fill(1), ...Array(7).fill(0)],
      expected: 0,
    },
    {
      name: 'weights each bin’s gap by its share of examples',
      confidences: [0.95, 0.95, 0.55, 0.55],
      correct: [1, 1, 1, 0],
      expected: 0.5 * 0.05 + 0.5 * 0.05,
    },
    {
      name: 'an over-confident model has ECE = confidence − accuracy',
      confidences: [0.9, 0.9, 0.9, 0.9],
      correct: [1, 0, 1, 0],
      expected: 0.4,
    },
    {
      name: 'confidence 1 falls in the last bin',
      confidences: [1, 1],
      correct: [true, true],
      expected: 0,
    },
  ])('$name', ({ confidences, correct, expected }) => {
    expect(expectedCalibrationError(confidences, correct)).toBeCloseTo(expected, 12);
  });

  it('evaluate measures ECE on the max probability', () => {
    // Predicts positive at 0.8 ten times (8 right) and negative at 0.65 twenty times (13 right).
    const truth = [...Array(8).fill(1), 0, 0, ...Array(13).fill(0), ...Array(7).fill(1)];
    const rows = [...Array(10).fill([0.2, 0.8]), ...Array(20).fill([0.65, 0.35])];
    expect(evaluate(truth, rows, ['negative', 'positive']).ece).toBeCloseTo(0, 12);
  });
});

describe('input checks name the problem', () => {
  it.each([
    {
      name: 'wrong flat length',
      call: () => evaluate([0, 1], new Float32Array(3), ['a', 'b']),
      message: /expected 2×2 = 4 probabilities, got 3/,
    },
    {
      name: 'short row',
      call: () => evaluate([0, 1], [[0.5, 0.5], [1]], ['a', 'b']),
      message: /row 1 has 1 probabilities, expected 2/,
    },
    {
      name: 'label out of range',
      call: () =>
        evaluate(
          [0, 2],
          [
            [0.5, 0.5],
            [0.5, 0.5],
          ],
          ['a', 'b'],
        ),
      message: /label 2 of example 1/,
    },
    {
      name: 'NaN probability',
      call: () => evaluate([0], [[NaN, 0.5]], ['a', 'b']),
      message: /example 0, class 0 is NaN/,
    },
    { name: 'no examples', call: () => evaluate([], [], ['a', 'b']), message: /no examples/ },
  ])('$name', ({ call, message }) => {
    expect(call).toThrow(message);
  });
});

describe('formatReport', () => {
  const report = evaluate(
    [0, 0, 1, 1, 1],
    [
      [0.9, 0.1],
      [0.4, 0.6],
      [0.2, 0.8],
      [0.3, 0.7],
      [0.6, 0.4],
    ],
    ['negative', 'positive'],
  );
  const text = formatReport(report);
  const lines = text.split('\n');

  it.each([
    /^accuracy\s+0\.6000$/m,
    /^macro-F1\s+\d\.\d{4}$/m,
    /^ROC-AUC\s+\d\.\d{4}$/m,
    /^ECE\s+\d\.\d{4}$/m,
    /^log loss\s+\d\.\d{4}$/m,
  ])('shows the summary line %s', (pattern) => {
    expect(text).toMatch(pattern);
  });

  it('shows the per-class table with aligned columns', () => {
    const start = lines.findIndex((l) => l.startsWith('class'));
    const rows = lines.slice(start, start + 3);
    expect(rows[1]).toMatch(/^negative\s+0\.5000\s+0\.5000\s+0\.5000\s+2$/);
    expect(rows[2]).toMatch(/^positive\s+0\.6667\s+0\.6667\s+0\.6667\s+3$/);
    expect(new Set(rows.map((r) => r.length)).size).toBe(1);
  });

  it('shows the confusion matrix with labels on rows and columns', () => {
    const start = lines.findIndex((l) => l.startsWith('true \\ predicted'));
    const rows = lines.slice(start, start + 3);
    expect(rows[0]).toMatch(/negative\s+positive$/);
    expect(rows[1]).toMatch(/^negative\s+1\s+1$/);
    expect(rows[2]).toMatch(/^positive\s+1\s+2$/);
    expect(new Set(rows.map((r) => r.length)).size).toBe(1);
  });
});
