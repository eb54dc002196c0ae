// The grammar's rules for one word, shared by the regex path (./tokenize.ts) and the ASCII
// scanner (./ascii-scanner.ts), so that both give the same tokens: clitics split off the way Penn
// Treebank does, apostrophes and punctuation written one way, an abbreviation's period kept.

import { CHAR_NT_APOSTROPHE, CHAR_NT_BLANK, CHAR_NT_STEM } from '../runtime/contract.js';
import { splitEndingKey, type Grammar } from './grammar.js';
import type { TokenSink } from './token-spans.js';

/** One spelling for each punctuation mark and clitic that comes in several (the grammar's rewrites). */
export function canonicalPunctuation(t: string, g: Grammar): string {
  const r = g.rewrites.get(t);
  if (r !== undefined) return r;
  // Else a token of more than one character that starts with an apostrophe is a clitic ("'S",
  // "’s"), written lowercase with the grammar's apostrophe (most already are: no new string).
  if (t.length > 1 && g.apostropheList.includes(t[0])) {
    const lower = t.toLowerCase();
    return lower[0] === g.apostrophe ? lower : g.apostrophe + lower.slice(1);
  }
  return t;
}

/** Whether c is the letter of the negative clitic before its apostrophe (the n of "n't"), in either case. */
function isNegativeStem(c: number, g: Grammar): boolean {
  return c >= 0 && c < 256 && (g.chars[c] & CHAR_NT_STEM) !== 0;
}

/** Pushes a word with an apostrophe, split into stem and clitics the way Penn Treebank does. */
export function pushWord(out: TokenSink, w: string, lowered: boolean, g: Grammar): void {
  let tail: string[] | undefined;
  for (;;) {
    let a = -1;
    for (let k = 0; k < g.apostropheList.length; k++) a = Math.max(a, w.lastIndexOf(g.apostropheList[k]));
    if (a <= 0) break;
    const suffix = w.slice(a + 1).toLowerCase();
    if (g.clitics.has(suffix)) {
      (tail ??= []).push(g.apostrophe + suffix);
      w = w.slice(0, a);
    } else if (suffix === g.negativeTail && isNegativeStem(w.charCodeAt(a - 1), g)) {
      (tail ??= []).push(g.rules.negativeClitic);
      w = w.slice(0, a - 1);
    } else break;
  }
  if (w.length > 0) {
    const split =
      w.length >= g.splitLengths.min && w.length <= g.splitLengths.max
        ? g.splits.get(lowered ? w : w.toLowerCase())
        : undefined;
    if (split !== undefined) {
      out.literal(w.slice(0, split[0]));
      out.literal(split[1]);
    } else out.literal(withApostrophe(w, g));
  }
  if (tail !== undefined) for (let i = tail.length - 1; i >= 0; i--) out.literal(tail[i]!);
}

/** The word with every apostrophe written as the grammar's first ("it’s" → "it's"). */
function withApostrophe(w: string, g: Grammar): string {
  const list = g.apostropheList;
  for (let k = 1; k < list.length; k++) if (w.indexOf(list[k]) >= 0) w = w.split(list[k]).join(g.apostrophe);
  return w;
}

/**
 * text.charCodeAt(i), or -1 past the end. The scanner looks ahead past the end all the time, and
 * a charCodeAt that does so (giving NaN) threw V8's optimised scanner out again and again
 * (`--trace-deopt`: "out of bounds"); with every read bounded it stays optimised.
 */
export function codeAt(text: string, i: number): number {
  return i < text.length ? text.charCodeAt(i) : -1;
}

/** The grammar's CHAR_* flags of a character code; 0 past the end (-1). Bounded, like codeAt. */
export function flagsOf(chars: Uint16Array, c: number): number {
  return c >= 0 && c < 256 ? chars[c] : 0;
}

/** Whether an apostrophe of the spaced negative clitic may follow `at` after blanks: what spacedNt needs first. */
function apostropheAfterBlanks(text: string, at: number, chars: Uint16Array): boolean {
  let c = codeAt(text, at);
  while ((flagsOf(chars, c) & CHAR_NT_BLANK) !== 0) c = codeAt(text, ++at);
  // Past ASCII the tables say nothing (a pre-check only): the regex decides.
  return c >= 0x80 || (flagsOf(chars, c) & CHAR_NT_APOSTROPHE) !== 0;
}

/**
 * Pushes a word without an apostrophe inside it, which ends at `end` in `text`: splits a
 * "n't" written apart ("didn ' t"), keeps an abbreviation's period, splits fused clitics
 * ("cannot", "gonna"). Returns where scanning goes on. Shared by the regex and ASCII paths,
 * so both give the same tokens.
 */
export function pushPlainWord(
  out: TokenSink,
  text: string,
  start: number,
  end: number,
  lowercase: boolean,
  spacedNt: RegExp,
  g: Grammar,
): number {
  const length = end - start;
  const last = codeAt(text, end - 1);
  if (length > 1 && isNegativeStem(last, g) && apostropheAfterBlanks(text, end, g.chars)) {
    spacedNt.lastIndex = end;
    if (spacedNt.test(text)) {
      out.span(start, end - 1);
      out.literal(g.rules.negativeClitic);
      return spacedNt.lastIndex;
    }
  }
  if (
    codeAt(text, end) === g.abbreviationCode &&
    length <= g.abbreviationMaxLength &&
    g.abbreviations.has(lowered(text.slice(start, end), lowercase))
  ) {
    out.span(start, end + 1);
    return end + 1;
  }
  if (
    length >= g.splitLengths.min &&
    length <= g.splitLengths.max &&
    g.splitEndings[splitEndingKey(last | 0x20, codeAt(text, end - 2) | 0x20)] === 1
  ) {
    const split = g.splits.get(lowered(text.slice(start, end), lowercase));
    if (split !== undefined) {
      out.span(start, start + split[0]);
      out.literal(split[1]);
      return end;
    }
  }
  out.span(start, end);
  return end;
}

/** The word lowercased, unless the text it came from already is. */
export function lowered(word: string, textIsLowercase: boolean): string {
  return textIsLowercase ? word : word.toLowerCase();
}
