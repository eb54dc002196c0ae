// The ASCII fast path: a hand-written scanner that cuts plain ASCII text several times faster
// than the tokeniser's regex (./tokenize.ts), into the same tokens, reading the tables compiled
// from the grammar (./grammar.ts); it gives up on anything it does not handle exactly like the
// regex. No Node APIs: this module also runs in browsers.

import {
  CHAR_APOSTROPHE,
  CHAR_EMOTICON_HEAD,
  CHAR_EMOTICON_LEAD,
  CHAR_JOINER,
  CHAR_LEAVE,
  CHAR_NUMBER_SEPARATOR,
  CHAR_REWRITTEN,
  CHAR_AFTER_WORD,
  CHAR_URL_HEAD,
} from '../runtime/contract.js';
import { GRAMMAR, type Form, type Grammar } from './grammar.js';
import { MAX_RUN, sourcesOf } from './token-patterns.js';
import type { TokenSpans } from './token-spans.js';
import { codeAt, flagsOf, lowered, pushPlainWord, pushWord } from './word-rules.js';

export const NON_ASCII = /[^\x00-\x7f]/;

/** ASCII letter or digit: what W and \p{L}\p{N}\p{M} come down to in ASCII text. */
function isAlnum(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);
}
function isLetter(c: number): boolean {
  return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
/** End of the run of letters and digits starting at i. */
function alnumEnd(text: string, i: number): number {
  while (i < text.length && isAlnum(text.charCodeAt(i))) i++;
  return i;
}
/** End of a run of digits starting at i. */
function digitEnd(text: string, i: number): number {
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  return i;
}
/** `(?:[-/]W+)*` from i: hyphenated and slashed parts of a word. */
function joinedEnd(text: string, i: number, chars: Uint16Array): number {
  for (;;) {
    if ((flagsOf(chars, codeAt(text, i)) & CHAR_JOINER) === 0 || !isAlnum(codeAt(text, i + 1))) return i;
    i = alnumEnd(text, i + 2);
  }
}

/**
 * tokenSource and the word rules of tokenizeText, by hand, for ASCII text: the same tokens,
 * appended to out. What each mark does comes from the grammar's tables (g.chars and the rest).
 * Returns false (out then holds garbage) at anything it leaves to the regex: URLs, hashtags,
 * emoticons other than those made of letters, the marks only those use (CHAR_LEAVE), and the
 * marks that begin emoticons when a blank does not follow (CHAR_EMOTICON_LEAD). Checked against
 * the regex on all of SST-2 and on random ASCII text (test/tokenize-fast.test.ts), rule by rule
 * in test/grammar.test.ts.
 */
export function scanAscii(text: string, out: TokenSpans, lowercase: boolean, spacedNt: RegExp, g: Grammar): boolean {
  const { chars, charRuns, charForms, formsAt } = g;
  const mark = g.abbreviationCode;
  const n = text.length;
  let i = 0;
  /** Initials cannot start before here: it is inside a run of letter-dot pairs where they failed. */
  let noInitialsUntil = 0;
  while (i < n) {
    const c = codeAt(text, i);
    if (c <= 0x20 || c === 0x7f) {
      i++; // whitespace and control characters make no token
      continue;
    }
    if (isAlnum(c)) {
      let e = alnumEnd(text, i);
      // What follows the letters and digits: most words end there (a blank or a plain mark).
      let after = flagsOf(chars, codeAt(text, e));
      if (isLetter(c)) {
        // A URL ("http://", "www.") starts with letters, then a mark flagged CHAR_AFTER_WORD.
        if ((after & CHAR_AFTER_WORD) !== 0 && (chars[c] & CHAR_URL_HEAD) !== 0 && startsUrl(text, i, g)) return false;
        // An emoticon made of letters ("xd", before words in tokenSource): its token is the same text.
        if ((chars[c] & CHAR_EMOTICON_HEAD) !== 0 && g.wordEmoticons.has(lowered(text.slice(i, e), lowercase))) {
          out.span(i, e);
          i = e;
          continue;
        }
        // Initials "u.s.": the longest run of letter-dot pairs not followed by a letter or digit.
        // Only the whole run can be followed by neither, so when it fails every later start in
        // it fails too: those are skipped, or "a.a.a.…" would take time quadratic in its length.
        if (e === i + 1 && codeAt(text, e) === mark && i >= noInitialsUntil) {
          let end = 0;
          let j = i;
          for (; isLetter(codeAt(text, j)) && codeAt(text, j + 1) === mark; j += 2) {
            if (!isAlnum(codeAt(text, j + 2))) end = j + 2;
          }
          if (end > 0) {
            out.span(i, end);
            i = end;
            continue;
          }
          noInitialsUntil = j;
        }
      }
      // Word or number (group 2 of tokenSource).
      if (isDigit(c) && (after & CHAR_NUMBER_SEPARATOR) !== 0) {
        // \p{N}+(?:[.,:/]\p{N}+)+W* is tried first: "3.5", "1,000s".
        let d = digitEnd(text, i);
        let parts = 0;
        while ((flagsOf(chars, codeAt(text, d)) & CHAR_NUMBER_SEPARATOR) !== 0 && isDigit(codeAt(text, d + 1))) {
          d = digitEnd(text, d + 1);
          parts++;
        }
        if (parts > 0) {
          e = alnumEnd(text, d);
          after = flagsOf(chars, codeAt(text, e));
        }
      }
      // Joined parts (?:[-/]W+)* and apostrophe parts (?:'W+(?:[-/]W+)*)+
      let hasApostrophe = false;
      if ((after & (CHAR_JOINER | CHAR_APOSTROPHE)) !== 0) {
        e = joinedEnd(text, e, chars);
        while ((flagsOf(chars, codeAt(text, e)) & CHAR_APOSTROPHE) !== 0 && isAlnum(codeAt(text, e + 1))) {
          e = joinedEnd(text, alnumEnd(text, e + 1), chars);
          hasApostrophe = true;
        }
      }
      if (hasApostrophe) {
        pushWord(out, text.slice(i, e), lowercase, g);
        i = e;
        continue;
      }
      i = pushPlainWord(out, text, i, e, lowercase, spacedNt, g);
      continue;
    }
    const f = chars[c];
    if ((f & CHAR_LEAVE) !== 0) return false; // emoticons, hashtags and mentions are left to the regex
    // ":" and ";" begin emoticons unless a space or the end follows.
    if ((f & CHAR_EMOTICON_LEAD) !== 0 && i + 1 < n && codeAt(text, i + 1) > 0x20) return false;
    if ((f & CHAR_APOSTROPHE) !== 0) {
      // A clitic such as "'s" or "'70s" (the clitic alternative of tokenSource).
      const e = alnumEnd(text, i + 1);
      if (e > i + 1) {
        const r = text.slice(i + 1, e);
        const lr = lowercase ? r : r.toLowerCase();
        if (g.leadingClitics.has(lr) || g.decades.has(r)) {
          if (lr === r) out.span(i, e);
          else out.literal(g.apostrophe + lr);
          i = e;
          continue;
        }
      }
    }
    if (charForms[c] !== 0) {
      // "-lrb-" and kin, "``", "''"
      const form = formAt(text, i, formsAt[c]!);
      if (form !== undefined) {
        out.literal(form.token);
        i += form.text.length;
        continue;
      }
    }
    // A run of marks ("!?", "....", "---"), or one mark; written as the grammar rewrites it.
    let e = i + 1;
    const run = charRuns[c];
    if (run !== 0) while (e < n && charRuns[text.charCodeAt(e)] === run) e++;
    const rewrite = (f & CHAR_REWRITTEN) !== 0 ? g.runRewrites[c]?.[e - i] : undefined;
    if (rewrite !== undefined) out.literal(rewrite);
    else out.span(i, e);
    i = e;
  }
  return true;
}

/** Whether a URL prefix of the grammar starts at i (case-sensitive, like URL_SOURCE). */
function startsUrl(text: string, i: number, g: Grammar): boolean {
  for (const prefix of g.rules.urlPrefixes) if (text.startsWith(prefix, i)) return true;
  return false;
}

/** The longest of the forms (all starting with text[i]) that text has at i, letters in any case; else undefined. */
function formAt(text: string, i: number, forms: readonly Form[]): Form | undefined {
  outer: for (const form of forms) {
    const t = form.text;
    if (i + t.length > text.length) continue;
    for (let k = 1; k < t.length; k++) {
      const a = text.charCodeAt(i + k);
      const b = t.charCodeAt(k);
      if (a !== b && !(isLetter(a) && (a | 0x20) === b)) continue outer;
    }
    return form;
  }
  return undefined;
}

/**
 * A scanner that cuts ASCII text exactly as a tokeniser with the options { lowercase: true,
 * mode: 'word', no locale } would before negation marking, for textRows' fused path (text-rows.ts)
 * (which marks negation itself, so no second array and no "NOT_" strings are built). The
 * tokens go into `out` (cleared first) as spans of the text it returns: `text` itself, or its
 * lowercase copy. Returns undefined, with `out` holding garbage, when the text is not ASCII or
 * the scanner leaves it to the regex; the caller must then use the full tokeniser.
 * @example
 * ```ts
 * createAsciiScanner()("Not bad.", spans) // "not bad." (spans: "not", "bad", ".")
 * ```
 */
export function createAsciiScanner(grammar: Grammar = GRAMMAR): (text: string, out: TokenSpans) => string | undefined {
  const spacedNt = new RegExp(sourcesOf(grammar).spacedNt, 'uy'); // owned, like each tokeniser's
  return (text, out) => {
    out.clear();
    // A text the tokeniser would cut into pieces (see MAX_RUN) is left to it.
    if (text.length > MAX_RUN) return undefined;
    // Most text is ASCII, and much of it (SST-2) already lowercase: one native regex scan rules
    // both in, cheaper than a charCodeAt loop, and lowercasing copies only when it must.
    if (UPPER_OR_NON_ASCII.test(text)) {
      if (NON_ASCII.test(text)) return undefined;
      text = text.toLowerCase();
    }
    return scanAscii(text, out, true, spacedNt, grammar) ? text : undefined;
  };
}

// No g or y flag: it keeps no state and can be shared.
const UPPER_OR_NON_ASCII = /[^\x00-\x40\x5b-\x7f]/;
