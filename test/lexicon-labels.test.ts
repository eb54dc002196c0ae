// W8's reading of a lexicon library's score (bench/lexicon-labels.ts): the sign decides, and a
// score of 0 takes the training file's majority class or counts as wrong, as stated in the records.

import { describe, expect, it } from 'vitest';
import { labelOfScore, lexiconAccuracy, majorityLabel } from '../bench/lexicon-labels.js';

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
