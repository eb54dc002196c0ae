// How a lexicon library's score becomes a label, for W8: a score above 0 is positive, below 0
// negative, as the libraries' own documentation reads its sign. A score of exactly 0 (no word of
// the lexicon in the text, or words that cancel) decides nothing: W8 gives it the majority class
// of the training file the trained systems learn from (what a user with that file would guess),
// and also records the stricter reading, a tie counted as wrong.

export type TiePolicy = 'majority' | 'wrong';

export interface LabelNames {
  positive: string;
  negative: string;
}

/**
 * The label a score stands for; `tie` is the label given to a score of 0, or null for none.
 * @example labelOfScore(-2, { positive: '1', negative: '0' }, '1') // '0'
 */
export function labelOfScore(score: number, names: LabelNames, tie: string | null): string | null {
  if (score > 0) return names.positive;
  if (score < 0) return names.negative;
  return tie;
}

/** The most frequent label of `labels` (the first seen wins a draw). @example majorityLabel(['1', '0', '1']) // '1' */
export function majorityLabel(labels: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  let best = labels[0];
  for (const [label, n] of counts) if (n > counts.get(best)!) best = label;
  return best;
}

/**
 * Accuracy of a lexicon's scores against gold labels under a tie policy, and the share of ties.
 * @example lexiconAccuracy([1, 0, -1], ['1', '0', '0'], { positive: '1', negative: '0' }, 'wrong', '1') // { accuracy: 2 / 3, ties: 1 / 3 }
 */
export function lexiconAccuracy(
  scores: readonly number[],
  gold: readonly string[],
  names: LabelNames,
  policy: TiePolicy,
  majority: string,
): { accuracy: number; ties: number } {
  if (scores.length !== gold.length || scores.length === 0)
    throw new RangeError(`${scores.length} scores for ${gold.length} labels`);
  const tie = policy === 'majority' ? majority : null;
  let correct = 0;
  let ties = 0;
  scores.forEach((score, i) => {
    if (score === 0) ties++;
    if (labelOfScore(score, names, tie) === gold[i]) correct++;
  });
  return { accuracy: correct / scores.length, ties: ties / scores.length };
}
