// Tokeniser for text as people type it, and for SST-2's pre-tokenised text, so that both
// give the same tokens. The canonical form is Penn Treebank's (which SST-2 uses): clitics are
// split off ("doesn't" -> "does" "n't", "it's" -> "it" "'s"), hyphenated words stay whole,
// double quotes of every kind become '"'. Scripts written without spaces (Chinese, Japanese,
// Thai, ...) go through Intl.Segmenter. No Node APIs: this module also runs in browsers.
//
// What it splits, joins and rewrites is the grammar in ./grammar.ts: the regex path builds its
// patterns from those rules, and the ASCII scanner reads the tables compiled from them.

import {
  CHAR_APOSTROPHE,
  CHAR_EMOTICON_HEAD,
  CHAR_EMOTICON_LEAD,
  CHAR_JOINER,
  CHAR_LEAVE,
  CHAR_NT_APOSTROPHE,
  CHAR_NT_BLANK,
  CHAR_NT_STEM,
  CHAR_NUMBER_SEPARATOR,
  CHAR_REWRITTEN,
  CHAR_AFTER_WORD,
  CHAR_URL_HEAD,
} from '../runtime/contract.js';
import { classOf, escapeRegex, GRAMMAR, negationRole, splitEndingKey, type Form, type Grammar } from './grammar.js';
import { StringSink, TokenSpans, type TokenSink } from './token-spans.js';

/** How text is cut into tokens. */
export interface TokenizerOptions {
  /** Lowercase the text first (default true). Clitics are always lowercase. */
  lowercase?: boolean;
  /** 'word' (default) or 'char': every visible character (an emoji sequence counts as one). */
  mode?: 'word' | 'char';
  /** In word mode, how scripts without spaces are cut: 'word' (Intl.Segmenter, default) or 'char'. */
  cjk?: 'word' | 'char';
  /** Locale for Intl.Segmenter on Han text and for lowercasing; by default chosen from the script. */
  locale?: string;
  /** Prefix tokens after a negation word with "NOT_", up to the next punctuation (default false). */
  negation?: boolean;
  /** Apply Unicode NFKC (fullwidth forms, "…", ligatures) to non-ASCII text (default true). */
  normalize?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Character classes

/** Scripts written without spaces between words; runs of them go to Intl.Segmenter. */
const CJK = String.raw`\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\u30FC\u3005-\u3007`;
const HANGUL = String.raw`\p{sc=Hangul}`;
const SEA = String.raw`\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}`;
/** A letter, digit or mark of a script that does use spaces (the complement trick avoids the `v` flag). */
const W = String.raw`[^\p{P}\p{S}\p{Z}\p{C}${CJK}${HANGUL}${SEA}]`;
const NOT_W = String.raw`(?![\p{L}\p{N}\p{M}])`;

const EMOJI =
  String.raw`\p{Regional_Indicator}{2}|[#*0-9]\uFE0F?\u20E3|` +
  String.raw`\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier}|[\u{E0020}-\u{E007F}])*` +
  String.raw`(?:\u200D\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})*)*`;

/** Case-insensitive literal without the `i` flag, which would slow every class in the regex. */
const ci = (s: string): string =>
  [...s].map((c) => (/^[a-zA-Z]$/.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : escapeRegex(c))).join('');

// Alternatives are tried in this order at each position, so the text is scanned once. Only
// words and runs of unspaced scripts are captured: capture groups double the cost of a match,
// and every other kind of token is told apart by its first character. Single marks the grammar
// rewrites (quotes, dashes) need no alternative: the last one cuts them, canonicalPunctuation
// rewrites them.
//
// No alternative may backtrack more than a constant at each position, or a long line of the
// wrong characters takes time quadratic in its length (a 5 MB line, hours):
// - A URL runs to the last character of its \S run that is not closing punctuation. Written
//   as `\S+?(?=[.,;:…]*(?:\s|$))`, each step of the lazy \S+? rescanned the punctuation ahead,
//   so "http://" and 16,000 dots before an "x" took 0.5 s. Greedy \S* backtracks once instead.
// - Initials ("u.s.") can fail only at the end of their run of letter-dot pairs, so every
//   start inside a run that failed fails too; the regex loop (cutPiece) and scanAscii skip
//   them, or "a." 16,000 times took a second, each start rescanning the rest of the run.
function tokenSource(g: Grammar, initials: boolean): string {
  const r = g.rules;
  const apostrophes = classOf(r.apostrophes);
  const joiners = classOf(r.wordJoiners);
  const mark = escapeRegex(r.abbreviationMark);
  // Emoticons that end in a letter or digit must not run into a word (":p" vs ":people").
  const emoticon =
    String.raw`>?[:;=][-'^]?(?:\)+|\(+|[\]\[/\\|*@])|<\/?3|\^[_.-]?\^|[-oO>]_[-oO<]|[tT]_[tT]|` +
    String.raw`(?:${[String.raw`[:;=][-']?[dDpPoO3]`, ...r.wordEmoticons.map(ci)].join('|')})${NOT_W}`;
  const decade = String.raw`\p{N}{${r.decade.digits}}(?:${escapeRegex(r.decade.suffix)})?`;
  return [
    String.raw`(?:${r.urlPrefixes.map(escapeRegex).join('|')})(?:\S*[^\s.,;:!?)\]}'"]|\S)`,
    EMOJI,
    emoticon,
    ...(Object.keys(r.forms).length ? [`(?:${trie(Object.keys(r.forms))})`] : []), // -lrb- and kin, `` and ''
    `([${CJK}]+|[${HANGUL}]+|[${SEA}]+)`, // group 1: a run to segment
    // Initials and acronyms ("j.", "e.t.", "u.s."); no group, so leaving it out numbers the others the same.
    ...(initials ? [String.raw`\p{L}${mark}(?:\p{L}${mark})*${NOT_W}`] : []),
    // group 2: word or number ("3.5", "1,000", "and/or", "fifteen-year-old"), group 3: its apostrophe part
    String.raw`((?:\p{N}+(?:[${classOf(r.numberSeparators)}]\p{N}+)+${W}*|${W}+)(?:[${joiners}]${W}+)*((?:[${apostrophes}]${W}+(?:[${joiners}]${W}+)*)+)?)`,
    // SST-2's "'s", "'re"; "'em", "'70s"
    String.raw`[${apostrophes}](?:${[...r.leadingClitics.map(ci), decade].join('|')})${NOT_W}`,
    String.raw`[${classOf(r.hashtagMarks)}][\p{L}\p{N}_]+`, // hashtags, mentions
    ...r.runs.map((run) => `[${classOf(run.marks)}]+`), // "!?!", "...", "--", "***"
    String.raw`[^\s\p{Cc}\p{Cf}]`, // anything else visible, one character at a time
  ].join('|');
}

/**
 * Words as alternatives grouped by their first characters, letters in either case: `-(?:[lL](?:…`
 * for "-lrb-" and kin. A flat list of them made the whole regex ~4% slower on SST-2, each
 * alternative tried apart at every position. Longer words first where one begins another.
 */
function trie(words: readonly string[]): string {
  const next = new Map<string, string[]>();
  let ends = false;
  for (const w of words) {
    if (w === '') ends = true;
    else {
      const rest = next.get(w[0].toLowerCase()) ?? [];
      rest.push(w.slice(1));
      next.set(w[0].toLowerCase(), rest);
    }
  }
  const alternatives = [...next].map(([c, rest]) => ci(c) + (rest.length === 1 ? ci(rest[0]) : `(?:${trie(rest)})`));
  if (ends) alternatives.push('');
  return alternatives.join('|');
}

/** The regex sources of a grammar, built on first use. */
interface Sources {
  token: string;
  /** `token` for places where initials are known to fail: inside a run of letter-dot pairs that failed. */
  noInitials: string;
  /** A run of letter-dot pairs (sticky): where initials starting in it would have to end. */
  initialsRun: string;
  /** The negative clitic typed apart from its word: "didn ' t" and "didn 't" (sticky, after the word). */
  spacedNt: string;
}
const sources = new WeakMap<Grammar, Sources>();

function sourcesOf(g: Grammar): Sources {
  let s = sources.get(g);
  if (s === undefined) {
    const { blanks, apostrophes } = g.rules.spacedNegativeClitic;
    s = {
      token: tokenSource(g, true),
      noInitials: tokenSource(g, false),
      initialsRun: String.raw`(?:\p{L}${escapeRegex(g.rules.abbreviationMark)})+`,
      spacedNt: `[${classOf(blanks)}]*[${classOf(apostrophes)}][${classOf(blanks)}]*${ci(g.negativeTail)}${NOT_W}`,
    };
    sources.set(g, s);
  }
  return s;
}

/** One letter, the whole string: a one-letter word. */
const ONE_LETTER = /^\p{L}$/u;

const CHAR_SOURCE = String.raw`${EMOJI}|[^\s\p{Cc}\p{Cf}]\p{M}*`;

// ---------------------------------------------------------------------------------------------
// Word-level normalisation

/** One spelling for each punctuation mark and clitic that comes in several (the grammar's rewrites). */
function canonicalPunctuation(t: string, g: Grammar): string {
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
function pushWord(out: TokenSink, w: string, lowered: boolean, g: Grammar): void {
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

// ---------------------------------------------------------------------------------------------
// Segmentation of scripts without spaces

const hasSegmenter = typeof Intl !== 'undefined' && typeof Intl.Segmenter === 'function';
const segmenters = new Map<string, Intl.Segmenter>();
const KANA = /[\p{sc=Hiragana}\p{sc=Katakana}\u30FC]/u;
const GRAPHEME = /\P{M}\p{M}*/gu;

function segmenter(locale: string): Intl.Segmenter {
  let s = segmenters.get(locale);
  if (s === undefined) {
    s = new Intl.Segmenter(locale, { granularity: 'word' });
    segmenters.set(locale, s);
  }
  return s;
}

function pushChars(out: string[], run: string): void {
  GRAPHEME.lastIndex = 0;
  for (let m = GRAPHEME.exec(run); m !== null; m = GRAPHEME.exec(run)) out.push(m[0]);
}

/**
 * Intl.Segmenter's dictionary-based scripts (Chinese, Japanese, Thai, Lao, Khmer, Burmese) take
 * time that grows much faster than a run's length: 10,000 Han characters without punctuation
 * took 22 ms, 80,000 took 13 s (Node 20), so one long line of them would hang tokenising. A run
 * longer than SEGMENT_WINDOW is cut into windows of that size: the words of each window are kept
 * up to SEGMENT_MARGIN before its end, where the cut may have changed them, and the next window
 * starts after the last word kept. Runs up to SEGMENT_WINDOW (every sentence of real text) are
 * segmented whole, exactly as without windows.
 */
const SEGMENT_WINDOW = 1000;
const SEGMENT_MARGIN = 100;

function pushSegments(out: string[], run: string, locale: string): void {
  if (!hasSegmenter) return pushChars(out, run);
  const s = segmenter(locale);
  let start = 0;
  // Hangul is cut at spaces, not by a dictionary: a run of it is one word, found in linear time.
  while (locale !== 'ko' && run.length - start > SEGMENT_WINDOW) {
    let end = start + SEGMENT_WINDOW;
    const c = run.charCodeAt(end);
    if (c >= 0xdc00 && c <= 0xdfff) end--; // keep a surrogate pair whole
    const window = run.slice(start, end);
    let kept = 0;
    for (const segment of s.segment(window)) {
      const segmentEnd = segment.index + segment.segment.length;
      if (segmentEnd > window.length - SEGMENT_MARGIN) break;
      if (segment.isWordLike) out.push(segment.segment);
      kept = segmentEnd;
    }
    if (kept === 0) {
      // One word longer than the window (no dictionary has one): it is cut where the margin starts.
      kept = window.length - SEGMENT_MARGIN;
      const d = window.charCodeAt(kept);
      if (d >= 0xdc00 && d <= 0xdfff) kept--;
      out.push(window.slice(0, kept));
    }
    start += kept;
  }
  for (const segment of s.segment(start === 0 ? run : run.slice(start)))
    if (segment.isWordLike) out.push(segment.segment);
}

function seaLocale(code: number): string {
  if (code <= 0x0e7f) return 'th';
  if (code <= 0x0eff) return 'lo';
  return 'my';
}

// ---------------------------------------------------------------------------------------------
// ASCII fast path

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * text.charCodeAt(i), or -1 past the end. The scanner looks ahead past the end all the time, and
 * a charCodeAt that does so (giving NaN) threw V8's optimised scanner out again and again
 * (`--trace-deopt`: "out of bounds"); with every read bounded it stays optimised.
 */
function codeAt(text: string, i: number): number {
  return i < text.length ? text.charCodeAt(i) : -1;
}

/** The grammar's CHAR_* flags of a character code; 0 past the end (-1). Bounded, like codeAt. */
function flagsOf(chars: Uint16Array, c: number): number {
  return c >= 0 && c < 256 ? chars[c] : 0;
}

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
function scanAscii(text: string, out: TokenSpans, lowercase: boolean, spacedNt: RegExp, g: Grammar): boolean {
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
 * mode: 'word', no locale } would before negation marking, for Featurizer.textRows' fused path
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
function pushPlainWord(
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
function lowered(word: string, textIsLowercase: boolean): string {
  return textIsLowercase ? word : word.toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * A tokeniser with its options resolved once, for use in a loop.
 * @example
 * ```ts
 * createTokenizer({ negation: true })("not good") // ["not", "NOT_good"]
 * ```
 */
export function createTokenizer(options: TokenizerOptions = {}): (text: string) => string[] {
  return makeTokenizer(checkTokenizerOptions(options), true);
}

const TOKENIZER_FLAGS = ['lowercase', 'negation', 'normalize'] as const;
const TOKENIZER_CHOICES = { mode: ['word', 'char'], cjk: ['word', 'char'] } as const;

/**
 * The options, checked, or a TypeError or RangeError naming the one that is wrong. Without it a
 * misspelt mode would quietly cut words, and a locale Intl cannot parse would throw only at the
 * first text that is not ASCII. Keys it does not know are left alone.
 * @example
 * ```ts
 * checkTokenizerOptions({ mode: "chars" }) // RangeError: tokenizer option mode must be "word" or "char", got "chars"
 * ```
 */
export function checkTokenizerOptions(options: TokenizerOptions): TokenizerOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(
      `tokenizer options must be an object, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`,
    );
  }
  for (const key of TOKENIZER_FLAGS) {
    const value: unknown = options[key];
    if (value !== undefined && typeof value !== 'boolean')
      throw new TypeError(`tokenizer option ${key} must be true or false, got ${show(value)}`);
  }
  for (const [key, allowed] of Object.entries(TOKENIZER_CHOICES)) {
    const value: unknown = Reflect.get(options, key);
    if (value !== undefined && !allowed.some((a: unknown) => a === value)) {
      throw new RangeError(
        `tokenizer option ${key} must be ${allowed.map((a) => JSON.stringify(a)).join(' or ')}, got ${show(value)}`,
      );
    }
  }
  const locale: unknown = options.locale;
  if (locale !== undefined) {
    if (typeof locale !== 'string')
      throw new TypeError(`tokenizer option locale must be a string such as "tr", got ${show(locale)}`);
    try {
      Intl.getCanonicalLocales(locale);
    } catch {
      throw new RangeError(
        `tokenizer option locale ${JSON.stringify(locale)} is not a BCP 47 language tag such as "tr" or "zh-Hant"`,
      );
    }
  }
  return options;
}

/** A value as it would be written in JSON, for a message; what JSON cannot show, as String shows it. */
function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return typeof value === 'bigint' ? `${value}n` : Object.prototype.toString.call(value);
  }
}

/**
 * @internal createTokenizer, optionally without the ASCII fast path (for tests that compare the
 * two), and by another grammar (for tests that change one).
 */
export function makeTokenizer(
  options: TokenizerOptions,
  fastAscii: boolean,
  grammar: Grammar = GRAMMAR,
): (text: string) => string[] {
  const lowercase = options.lowercase ?? true;
  const mode = options.mode ?? 'word';
  const cjkChars = options.cjk === 'char';
  const locale = options.locale;
  const negation = options.negation ?? false;
  const normalize = options.normalize ?? true;
  const source = sourcesOf(grammar);
  // Each tokeniser owns its regexes, so two tokenisers never share lastIndex state.
  const tokenRe = new RegExp(source.token, 'gu');
  /** Compiled on first need: most text has no run of letter-dot pairs where initials fail. */
  let plainRe: RegExp | undefined;
  const initialsRun = new RegExp(source.initialsRun, 'uy');
  /** The locale Han is segmented with in the text being cut: the option, or chosen from the text at its first Han. */
  let hanLocale: string | undefined;
  const charRe = new RegExp(CHAR_SOURCE, 'gu');
  const spacedNt = new RegExp(source.spacedNt, 'uy');
  const spans = new TokenSpans();
  const strings = new StringSink();

  return function tokenizeText(text: string): string[] {
    const out: string[] = [];
    let asciiOnly = !NON_ASCII.test(text);
    if (normalize && !asciiOnly) text = text.normalize('NFKC');
    if (lowercase) {
      if (locale === undefined) text = text.toLowerCase();
      else {
        text = text.toLocaleLowerCase(locale);
        asciiOnly &&= !NON_ASCII.test(text); // Turkish "I" lowercases to a dotless ı
      }
    }
    hanLocale = locale;
    if (text.length <= MAX_RUN) cutPiece(text, text, asciiOnly, out);
    else for (const piece of pieces(text)) cutPiece(piece, text, asciiOnly, out);
    return negation ? markNegationBy(out, grammar) : out;
  };

  /** Appends the tokens of one piece of the (normalised, lowercased) text `whole` to out. */
  function cutPiece(text: string, whole: string, asciiOnly: boolean, out: string[]): void {
    if (mode === 'char') {
      charRe.lastIndex = 0;
      for (let m = charRe.exec(text); m !== null; m = charRe.exec(text)) out.push(m[0]);
      return;
    }

    // Most text is plain ASCII; a hand-written scanner cuts it several times faster than the
    // regex, and gives up (returning false) on anything it does not handle exactly like it.
    if (fastAscii && asciiOnly) {
      spans.clear();
      if (scanAscii(text, spans, lowercase, spacedNt, grammar)) {
        spans.appendTo(text, out);
        return;
      }
    }
    const sink = strings.reset(text, out);

    // Before this the text is inside a run of letter-dot pairs where initials failed (see
    // source.initialsRun), and the regex without them runs; both give the same tokens there.
    let noInitialsUntil = 0;
    let at = 0;
    for (;;) {
      let re = at < noInitialsUntil ? (plainRe ??= new RegExp(source.noInitials, 'gu')) : tokenRe;
      re.lastIndex = at;
      let m = re.exec(text);
      if (m !== null && re !== tokenRe && m.index >= noInitialsUntil) {
        // It skipped past the run (a run holds nothing to skip, so this never happens; but if it did, initials apply there again).
        re = tokenRe;
        re.lastIndex = m.index;
        m = re.exec(text);
      }
      if (m === null) break;
      const t = m[0];
      at = re.lastIndex;
      if (m[2] !== undefined) {
        if (m[3] !== undefined) {
          pushWord(sink, t, lowercase, grammar);
          continue;
        }
        if (re === tokenRe && text.charCodeAt(at) === grammar.abbreviationCode && ONE_LETTER.test(t)) {
          // A one-letter word before a dot: initials were tried here first, and failed.
          initialsRun.lastIndex = m.index;
          if (initialsRun.test(text)) noInitialsUntil = initialsRun.lastIndex;
        }
        at = pushPlainWord(sink, text, m.index, at, lowercase, spacedNt, grammar);
        continue;
      }
      if (m[1] !== undefined) {
        const c = t.charCodeAt(0);
        if (cjkChars) pushChars(out, t);
        else if (c >= 0x0e00 && c <= 0x109f) pushSegments(out, t, seaLocale(c));
        else if (c >= 0x1780 && c <= 0x17ff) pushSegments(out, t, 'km');
        else if ((c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f)) {
          pushSegments(out, t, 'ko');
        } else pushSegments(out, t, (hanLocale ??= KANA.test(whole) ? 'ja' : 'zh')); // kana anywhere in the text: Japanese
        continue;
      }
      const rewritten =
        t.length <= 7 ? grammar.rewriteAt[t.charCodeAt(0)] & ((1 << t.length) | (t.length > 1 ? 1 : 0)) : 0;
      out.push(rewritten !== 0 ? canonicalPunctuation(t, grammar) : t);
    }
  }
}

/**
 * Longest run without whitespace that is tokenised whole. The regexes' greedy loops keep a
 * backtracking stack as long as what they match, and V8 throws "Maximum call stack size
 * exceeded" at a few million characters (a 6.4 MB run of kana did, in Node 20). No token
 * crosses whitespace, so the text is cut only inside runs longer than this, every MAX_RUN
 * characters: real text is never cut, a longer run of junk becomes two tokens where it is.
 */
export const MAX_RUN = 100_000;

/** The text, cut every MAX_RUN characters inside each run of more than MAX_RUN without whitespace (never inside a surrogate pair). */
function* pieces(text: string): Generator<string> {
  let from = 0;
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    if (isWhitespace(text.charCodeAt(i))) {
      runStart = i + 1;
      continue;
    }
    if (i - runStart < MAX_RUN) continue;
    let cut = i;
    const c = text.charCodeAt(cut);
    if (c >= 0xdc00 && c <= 0xdfff) cut--;
    yield text.slice(from, cut);
    from = runStart = cut;
  }
  yield text.slice(from);
}

/** What `\s` matches in a regex (the ECMAScript WhiteSpace and LineTerminator characters). */
function isWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

const defaultTokenizer = createTokenizer();
// tokenize() is often called with a fresh options literal per text; compiling the regexes
// each time would cost more than the tokenising.
const tokenizers = new Map<string, (text: string) => string[]>();

/**
 * Cuts text into tokens; whitespace-only text gives [].
 * @example
 * ```ts
 * tokenize("It doesn't work :(") // ["it", "does", "n't", "work", ":("]
 * ```
 */
export function tokenize(text: string, options?: TokenizerOptions): string[] {
  if (options === undefined) return defaultTokenizer(text);
  const key = [options.lowercase, options.mode, options.cjk, options.locale, options.negation, options.normalize].join(
    '|',
  );
  let t = tokenizers.get(key);
  if (t === undefined) {
    if (tokenizers.size >= 64) tokenizers.clear();
    t = createTokenizer(options);
    tokenizers.set(key, t);
  }
  return t(text);
}

/**
 * Prefixes "NOT_" to tokens after a negation word until the next punctuation, returning a new array.
 * @example
 * ```ts
 * markNegation(["not", "good", ",", "fun"]) // ["not", "NOT_good", ",", "fun"]
 * ```
 */
export function markNegation(tokens: readonly string[]): string[] {
  return markNegationBy(tokens, GRAMMAR);
}

/** markNegation by a grammar's negation words, clause ends and prefix. */
function markNegationBy(tokens: readonly string[], grammar: Grammar): string[] {
  const out = new Array<string>(tokens.length);
  const prefix = grammar.rules.negatedPrefix;
  let inScope = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const role = negationRole(t, grammar);
    if (role !== 0) inScope = role > 0;
    out[i] = role === 0 && inScope ? prefix + t : t;
  }
  return out;
}

/**
 * True for the words markNegation treats as negations.
 * @example
 * ```ts
 * isNegation("n't") // true
 * ```
 */
export function isNegation(token: string): boolean {
  return GRAMMAR.negations.has(token.toLowerCase());
}
