// W8's pure helpers. A lexicon library's score (bench/lexicon-labels.ts): the sign decides, and a
// score of 0 takes the training file's majority class or counts as wrong, as stated in the records.
// natural's logistic regression trains on a seeded sample keeping each label's share
// (bench/peers/lexicons.ts; the peers themselves are loaded only when called, never here).

import { describe, expect, it } from 'vitest';
import { labelOfScore, lexiconAccuracy, majorityLabel } from '../bench/lexicon-labels.js';
import { stratifiedSample } from '../bench/peers/lexicons.js';

const NAMES = { positive: '1', negative: '0' };

describe('lexicon scores as labels', () => {
  it.each([
    [3, '1', '1'],
    [0.0001, null, '1'],
    [-0.5, '1', '0'],
    [0, '1', '1'],
    [0, '0', '0'],
    [0, null, null],
  ])('a score of %s with ties given %s reads as %s', (score, tie, label) => {
    expect(labelOfScore(score, NAMES, tie)).toBe(label);
  });

  it.each([
    [['1', '0', '1'], '1'],
    [['0', '0', '1'], '0'],
    [['0', '1'], '0'],
  ])('the majority label of %j is %s (the first seen wins a draw)', (labels, majority) => {
    expect(majorityLabel(labels)).toBe(majority);
  });

  it('counts a tie as right under the majority policy only when the majority is the gold label', () => {
    const scores = [2, 0, 0, -1];
    const gold = ['1', '1', '0', '0'];
    expect(lexiconAccuracy(scores, gold, NAMES, 'majority', '1')).toEqual({ accuracy: 0.75, ties: 0.5 });
    expect(lexiconAccuracy(scores, gold, NAMES, 'wrong', '1')).toEqual({ accuracy: 0.5, ties: 0.5 });
  });

  it('refuses scores and labels of different lengths', () => {
    expect(() => lexiconAccuracy([1], ['1', '0'], NAMES, 'wrong', '1')).toThrow(/1 scores for 2 labels/);
  });
});

describe('the seeded sample natural-logistic trains on', () => {
  const rows = Array.from({ length: 1000 }, (_, i) => ({ text: `text ${i}`, label: i % 4 === 0 ? '0' : '1' }));

  it('keeps each label in its share, with no row twice', () => {
    const sample = stratifiedSample(rows, 100, 1);
    expect(sample).toHaveLength(100);
    expect(sample.filter((r) => r.label === '0')).toHaveLength(25);
    expect(new Set(sample.map((r) => r.text)).size).toBe(100);
  });

  it('is the same for the same seed and differs for another', () => {
    const texts = (seed: number) => stratifiedSample(rows, 50, seed).map((r) => r.text);
    expect(texts(7)).toEqual(texts(7));
    expect(texts(7)).not.toEqual(texts(8));
  });

  it('returns every row when asked for as many or more', () => {
    expect(stratifiedSample(rows.slice(0, 10), 300, 1)).toHaveLength(10);
  });
});
