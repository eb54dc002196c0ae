// fastText's supervised format: one example per line, its label a word that starts with
// `__label__` and the rest of the line its text (`__label__positive what a lovely film`).
// fastText takes any word with the prefix as a label, wherever it stands; so do we, and the
// label comes out without the prefix (`__label__positive` -> "positive").
//
// A line with several labels is refused, not cut down to one: fastText trains on such a line
// as one example of each label in turn (one picked at random per pass), which a single-label
// classifier cannot do, and keeping the first would quietly teach a different task than the
// file describes (and evaluate against it). The message says so, and skipping bad rows skips it.
//
// Lines are cut by the CSV parser with quoting off and a NUL delimiter (see RecordReader), so
// line breaks, line numbers, byte order marks and bad bytes are handled in one place.

import { quote } from './errors.js';
import type { DataProblem } from './errors.js';

/** The prefix that marks a word as a label. */
export const FASTTEXT_LABEL_PREFIX = '__label__';

/** One line of a fastText file, read. */
export interface FastTextExample {
  /** The label, without its `__label__` prefix. */
  label: string;
  /** The text, without its label words. */
  text: string;
}

/** Why a line cannot be read: what is wrong, what to do, and the problem's name for reports. */
export interface FastTextProblem {
  /** What is wrong. */
  problem: string;
  /** What to do about it. */
  hint: string;
  /** The problem's name, for reports. */
  reason: DataProblem;
}

/** Every label word: the prefix at the start of the line or after white space, and the word that follows. */
const LABEL_WORD = /(^|\s)__label__(\S*)/g;
const EXAMPLE_LINE = '"__label__positive what a lovely film"';

/**
 * Reads one line of fastText's format: its one label (without the prefix) and its text, trimmed;
 * or the problem with it.
 * @example
 * ```ts
 * parseFastTextLine("__label__pos a lovely film") // { label: "pos", text: "a lovely film" }
 * ```
 * @example
 * ```ts
 * parseFastTextLine("a lovely film").problem // "this line has no label"
 * ```
 */
export function parseFastTextLine(line: string): FastTextExample | FastTextProblem {
  // The usual line, one label first: no regular expression unless the prefix occurs again.
  let start = 0;
  while (start < line.length && line.charCodeAt(start) <= 32) start++;
  if (line.startsWith(FASTTEXT_LABEL_PREFIX, start) && line.indexOf(FASTTEXT_LABEL_PREFIX, start + 1) < 0) {
    let end = start + FASTTEXT_LABEL_PREFIX.length;
    while (end < line.length && !/\s/.test(line[end]!)) end++;
    return checked(line.slice(start + FASTTEXT_LABEL_PREFIX.length, end), line.slice(end).trim());
  }
  const labels: string[] = [];
  const text = line.replace(LABEL_WORD, (_match, before: string, label: string) => {
    labels.push(label);
    return before;
  });
  if (labels.length === 0) {
    return {
      problem: 'this line has no label',
      hint: `in fastText's format every line holds a label word ${FASTTEXT_LABEL_PREFIX}NAME, e.g. ${EXAMPLE_LINE}`,
      reason: 'missing-label',
    };
  }
  if (labels.length > 1) {
    return {
      problem: `this line has ${labels.length} labels (${shownLabels(labels)}); sentiwasm learns one label per example`,
      hint: 'keep the one label to learn on each line (fastText would train on each in turn)',
      reason: 'multiple-labels',
    };
  }
  return checked(labels[0]!, text.trim());
}

/** The first few labels of a line, quoted, for a message that must stay short however many there are. */
function shownLabels(labels: readonly string[]): string {
  const shown = labels.slice(0, 3).map((l) => quote(FASTTEXT_LABEL_PREFIX + l, 30));
  return labels.length > 3 ? `${shown.join(', ')}, …` : shown.join(', ');
}

function checked(label: string, text: string): FastTextExample | FastTextProblem {
  if (label.length === 0) {
    return {
      problem: `the label after ${FASTTEXT_LABEL_PREFIX} is empty`,
      hint: `write the label right after the prefix, e.g. ${EXAMPLE_LINE}`,
      reason: 'missing-label',
    };
  }
  if (text.length === 0) {
    return {
      problem: 'this line has a label but no text',
      hint: `write the text after the label, e.g. ${EXAMPLE_LINE}`,
      reason: 'empty-text',
    };
  }
  return { label, text };
}

/**
 * Whether text starts like a fastText file: its first non-blank line (after a byte order mark)
 * starts with the label prefix. The readers then read every line as fastText's, and a line
 * without a label is an error naming it.
 * @example
 * ```ts
 * looksLikeFastText("__label__pos good\n") // true
 * ```
 */
export function looksLikeFastText(head: string): boolean {
  return head.replace(/^\uFEFF?\s*/, '').startsWith(FASTTEXT_LABEL_PREFIX);
}

/**
 * A line of a fastText file without its label words, for prediction (fastText's `predict`
 * ignores them too); other lines are returned as they are.
 * @example
 * ```ts
 * textWithoutFastTextLabels("__label__pos a lovely film") // "a lovely film"
 * ```
 */
export function textWithoutFastTextLabels(line: string): string {
  if (!line.includes(FASTTEXT_LABEL_PREFIX)) return line;
  return line.replace(LABEL_WORD, '$1').trim();
}
