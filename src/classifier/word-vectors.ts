// The arithmetic of word vectors behind nearest(), similarity() and wordVector(): cosine, the
// table's mean row (neighbours are found among centred vectors), row norms, and how a word in a
// negation's scope is spelled in the table and to the user.

import { GRAMMAR } from '../text/grammar.js';

/**
 * The mark negation marking (markNegation in src/text/tokenize.ts) puts on a token in a
 * negation's scope: "not worth it" → not NOT_worth NOT_it. Only marking makes a token that starts
 * with it, since the tokeniser cuts words at "_"; so the test below is exact. The grammar spells it.
 */
export const NEGATION_MARK = GRAMMAR.rules.negatedPrefix;

export function isNegationMarked(token: string): boolean {
  return token.startsWith(NEGATION_MARK);
}

/** A token as the user wrote it: "NOT_worth" → { token: "worth", negated: true }. */
export function userWord(token: string): { token: string; negated: boolean } {
  return isNegationMarked(token)
    ? { token: token.slice(NEGATION_MARK.length), negated: true }
    : { token, negated: false };
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** The mean of the rows that `take` accepts (zeros when it accepts none). */
export function meanRow(table: Float32Array, rows: number, D: number, take: (r: number) => boolean): Float32Array {
  const sum = new Float64Array(D);
  let n = 0;
  for (let r = 0; r < rows; r++) {
    if (!take(r)) continue;
    n++;
    for (let d = 0; d < D; d++) sum[d] += table[r * D + d];
  }
  return Float32Array.from(sum, (x) => (n ? x / n : 0));
}

/** The length of each row, less `mean` when given. */
export function rowNorms(table: Float32Array, rows: number, D: number, mean?: Float32Array): Float32Array {
  const norms = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += (table[r * D + d] - (mean?.[d] ?? 0)) ** 2;
    norms[r] = Math.sqrt(s);
  }
  return norms;
}
