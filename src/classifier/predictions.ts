// What a classifier answers: predictions, explanations and word neighbours, as the API gives them.

import type { ExplanationMethod } from '../models/text-model.js';

/** A label as training data gives it: a string, or a number (kept a number in predictions). */
export type Label = string | number;

/** A classifier's answer for one text. */
export interface Prediction<L extends Label = string> {
  /** The most likely label, as the training data gave it (a number when every label was one). */
  label: L;
  /** Probability of every class, by name. */
  probabilities: Record<string, number>;
}

/**
 * One token of an explained text, as the user wrote it. Negation marking reads "not worth the
 * money" as `not`, then `worth`, `the`, `money` each in the scope of "not" (to the next
 * punctuation), and the model gives a word in such a scope a vector of its own. Such a token
 * comes as `{ token: 'worth', negated: true }`; the CLI prints it as `worth (after "not")`, and
 * where a word stands alone (nearest, wordVector, similarity, `export-vectors --include-negated`)
 * it is spelled `not:worth` (see NEGATED_WORD_PREFIX).
 */
export interface TokenContribution {
  /** The token as the tokeniser cut it from the text (lowercased by default), without any negation mark. */
  token: string;
  /** True when the token is in the scope of a negation word ("not", "n't", "never", "不", …) before it. */
  negated: boolean;
  /** How much the token moved the score; the contributions and `bias` add up to `score`. */
  contribution: number;
}

/** Which words made a prediction: each token's contribution to the score, and the bias. */
export interface Explanation<L extends Label = string> {
  /** The predicted label, as predict() gives it. */
  label: L;
  /** The class the explanation is about: with two classes the second (e.g. positive), else the predicted one. */
  target: string;
  /**
   * Two classes: the logit margin (target minus the other); more classes: the target's logit
   * minus the mean logit. Exact sum of contributions and bias for the bag model.
   */
  score: number;
  /**
   * The part of the score no token accounts for (the bag model's bias; what the tokens leave
   * unexplained otherwise). With the endOfText feature option the end-of-text word's share is
   * here too: it is in every text, as the bias is, and is no word of the user's.
   */
  bias: number;
  /** Each token of the text with its contribution, in text order. */
  tokens: TokenContribution[];
  /** 'exact' for the bag model, 'occlusion' (drop one token at a time) for mlp, 'gradient×input' for attention. */
  method: ExplanationMethod;
}

/** A word near another in the model's vector space. */
export interface Neighbour {
  /** The word (a word in a negation's scope as "not:word"). */
  word: string;
  /** Its cosine similarity to the word asked about. */
  similarity: number;
}
