// Tokeniser for text as people type it, and for SST-2's pre-tokenised text, so that both
// give the same tokens. The canonical form is Penn Treebank's (which SST-2 uses): clitics are
// split off ("doesn't" -> "does" "n't", "it's" -> "it" "'s"), hyphenated words stay whole,
// double quotes of every kind become '"'. Scripts written without spaces (Chinese, Japanese,
// Thai, ...) go through Intl.Segmenter. No Node APIs: this module also runs in browsers.

import { fnv1a32 } from './hash.js';
import { IntTable } from './int-table.js';
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

// Emoticons that end in a letter or digit must not run into a word (":p" vs ":people").
const EMOTICON =
  String.raw`>?[:;=][-'^]?(?:\)+|\(+|[\]\[/\\|*@])|<\/?3|\^[_.-]?\^|[-oO>]_[-oO<]|[tT]_[tT]|` +
  String.raw`(?:[:;=][-']?[dDpPoO3]|[xX][dD])${NOT_W}`;

/** Case-insensitive literal without the `i` flag, which would slow every class in the regex. */
const ci = (s: string): string =>
  [...s].map((c) => (c.toLowerCase() === c.toUpperCase() ? c : `[${c.toLowerCase()}${c.toUpperCase()}]`)).join('');

const CLITIC_LEAD = String.raw`['’](?:${['s', 're', 've', 'll', 'd', 'm', 'em', 'til', 'tis', 'twas'].map(ci).join('|')}|\p{N}{2}s?)${NOT_W}`;

// Alternatives are tried in this order at each position, so the text is scanned once. Only
// words and runs of unspaced scripts are captured: capture groups double the cost of a match,
// and every other kind of token is told apart by its first character.
//
// No alternative may backtrack more than a constant at each position, or a long line of the
// wrong characters takes time quadratic in its length (a 5 MB line, hours):
// - A URL runs to the last character of its \S run that is not closing punctuation. Written
//   as `\S+?(?=[.,;:…]*(?:\s|$))`, each step of the lazy \S+? rescanned the punctuation ahead,
//   so "http://" and 16,000 dots before an "x" took 0.5 s. Greedy \S* backtracks once instead.
// - Initials ("u.s.") can fail only at the end of their run of letter-dot pairs, so every
//   start inside a run that failed fails too; the regex loop (cutPiece) and scanAscii skip
//   them, or "a." 16,000 times took a second, each start rescanning the rest of the run.
const URL_SOURCE = String.raw`(?:https?:\/\/|www\.)(?:\S*[^\s.,;:!?)\]}'"]|\S)`;
const INITIALS_SOURCE = String.raw`\p{L}\.(?:\p{L}\.)*${NOT_W}`; // initials and acronyms: "j.", "e.t.", "u.s."

function tokenSource(initials: boolean): string {
  return [
    URL_SOURCE,
    EMOJI,
    EMOTICON,
    String.raw`-(?:${ci('l')}|${ci('r')})(?:${ci('r')}|${ci('s')}|${ci('c')})${ci('b')}-`, // -lrb- and kin
    `([${CJK}]+|[${HANGUL}]+|[${SEA}]+)`, // group 1: a run to segment
    ...(initials ? [INITIALS_SOURCE] : []), // no group, so leaving it out numbers the others the same
    // group 2: word or number ("3.5", "1,000", "and/or", "fifteen-year-old"), group 3: its apostrophe part
    String.raw`((?:\p{N}+(?:[.,:/]\p{N}+)+${W}*|${W}+)(?:[-/]${W}+)*((?:['’]${W}+(?:[-/]${W}+)*)+)?)`,
    CLITIC_LEAD, // SST-2's "'s", "'re"; "'em", "'70s"
    String.raw`[#@][\p{L}\p{N}_]+`, // hashtags, mentions
    "``|''|[\"“”„«»]", // double quotes
    "[`'‘’‚‹›]", // single quotes
    String.raw`\.{2,}`, // ellipsis
    String.raw`-{2,}|[—―]`, // dash
    String.raw`[!?]+|\*+`, // repeated marks
    String.raw`[^\s\p{Cc}\p{Cf}]`, // anything else visible, one character at a time
  ].join('|');
}

const TOKEN_SOURCE = tokenSource(true);
/** TOKEN_SOURCE for places where initials are known to fail: inside a run of letter-dot pairs that failed. */
const TOKEN_SOURCE_NO_INITIALS = tokenSource(false);
/** A run of letter-dot pairs (sticky): where initials starting in it would have to end. */
const INITIALS_RUN = String.raw`(?:\p{L}\.)+`;
/** One letter, the whole string: a one-letter word. */
const ONE_LETTER = /^\p{L}$/u;

const CHAR_SOURCE = String.raw`${EMOJI}|[^\s\p{Cc}\p{Cf}]\p{M}*`;

// ---------------------------------------------------------------------------------------------
// Word-level normalisation

const PTB_BRACKETS: Record<string, string> = {
  '-lrb-': '(', '-rrb-': ')', '-lsb-': '[', '-rsb-': ']', '-lcb-': '{', '-rcb-': '}',
};
const CLITICS = new Set(['s', 're', 've', 'll', 'd', 'm']);
/** Abbreviations that keep their period, as in SST-2 ("mr.", "vs."). "no." is left out: too often a sentence end. */
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'vs', 'etc', 'jr', 'sr', 'inc', 'st', 'prof', 'ltd', 'co', 'corp', 'mt', 'messrs',
]);
/** Penn Treebank splits these without an apostrophe; the rest are how people type n't without one. */
const SPLITS = new Map<string, [number, string]>([
  ['cannot', [3, 'not']], ['gonna', [3, 'na']], ['wanna', [3, 'na']], ['gotta', [3, 'ta']],
  ['gimme', [3, 'me']], ['lemme', [3, 'me']],
  ...['dont', 'didnt', 'doesnt', 'isnt', 'wasnt', 'arent', 'werent', 'couldnt', 'shouldnt', 'wouldnt',
    'havent', 'hasnt', 'hadnt', 'aint', 'mustnt', 'neednt', 'mightnt'].map(
    (w): [string, [number, string]] => [w, [w.length - 2, "n't"]],
  ),
]);
// Cheap tests that rule most words out before a SPLITS lookup, worked out from its entries:
// their shortest and longest length, and their last two letters (as one number).
const SPLIT_WORDS = [...SPLITS.keys()];
const SPLIT_LENGTHS = { min: Math.min(...SPLIT_WORDS.map((w) => w.length)), max: Math.max(...SPLIT_WORDS.map((w) => w.length)) };
const SPLIT_ENDINGS = new Uint8Array(1 << 16);
for (const w of SPLIT_WORDS) SPLIT_ENDINGS[splitEndingKey(w.charCodeAt(w.length - 1), w.charCodeAt(w.length - 2))] = 1;
/** "didn ' t" and "didn 't": the apostrophe typed apart from the word. */
const SPACED_NT = new RegExp(String.raw`[ \t]*['’\u0060][ \t]*[tT]${NOT_W}`, 'uy');

const NEGATIONS = new Set([
  'not', 'no', 'never', "n't", 'nothing', 'nobody', 'none', 'noone', 'nowhere', 'neither', 'nor',
  'without', 'hardly', 'barely', 'scarcely',
  // Chinese negators are separate words in Intl.Segmenter's output.
  '不', '没', '没有', '别', '无', '未', '非',
]);
const CLAUSE_END = /^(?:[.,;:!?]+|--|[。，、；：！？])$/u;

/** One spelling for each punctuation mark and clitic that comes in several. */
function canonicalPunctuation(t: string): string {
  switch (t.charCodeAt(0)) {
    case 0x27: // '
    case 0x2019: // ’
      if (t.length === 1) return "'";
      if (t === "''") return '"';
      return "'" + t.slice(1).toLowerCase(); // a clitic such as "'s"
    case 0x60: // `
      return t.length === 2 ? '"' : "'";
    case 0x22: case 0x201c: case 0x201d: case 0x201e: case 0xab: case 0xbb:
      return '"';
    case 0x2018: case 0x201a: case 0x2039: case 0x203a:
      return "'";
    case 0x2e: // .
      return t.length > 1 ? '...' : t;
    case 0x2d: // -
      if (t.length > 1 && t.charCodeAt(1) === 0x2d) return '--';
      return t.length === 5 ? PTB_BRACKETS[t.toLowerCase()] ?? t : t;
    case 0x2014: case 0x2015:
      return '--';
    default:
      return t;
  }
}

/** Pushes a word with an apostrophe, split into stem and clitics the way Penn Treebank does. */
function pushWord(out: TokenSink, w: string, lowered: boolean): void {
  let tail: string[] | undefined;
  for (;;) {
    let a = w.lastIndexOf("'");
    const b = w.lastIndexOf('’');
    if (b > a) a = b;
    if (a <= 0) break;
    const suffix = w.slice(a + 1).toLowerCase();
    if (CLITICS.has(suffix)) {
      (tail ??= []).push("'" + suffix);
      w = w.slice(0, a);
    } else if (suffix === 't' && (w.charCodeAt(a - 1) | 0x20) === 0x6e /* n */) {
      (tail ??= []).push("n't");
      w = w.slice(0, a - 1);
    } else break;
  }
  if (w.length > 0) {
    const split = w.length >= SPLIT_LENGTHS.min && w.length <= SPLIT_LENGTHS.max ? SPLITS.get(lowered ? w : w.toLowerCase()) : undefined;
    if (split !== undefined) {
      out.literal(w.slice(0, split[0]));
      out.literal(split[1]);
    } else out.literal(w.indexOf('’') >= 0 ? w.replace(/’/g, "'") : w);
  }
  if (tail !== undefined) for (let i = tail.length - 1; i >= 0; i--) out.literal(tail[i]!);
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
  for (const segment of s.segment(start === 0 ? run : run.slice(start))) if (segment.isWordLike) out.push(segment.segment);
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
function joinedEnd(text: string, i: number): number {
  for (;;) {
    const c = codeAt(text, i);
    if ((c !== 0x2d && c !== 0x2f) || !isAlnum(codeAt(text, i + 1))) return i;
    i = alnumEnd(text, i + 2);
  }
}
/** What CLITIC_LEAD accepts after the apostrophe (the whole run of letters and digits). */
const CLITIC_RUNS = new Set(['s', 're', 've', 'll', 'd', 'm', 'em', 'til', 'tis', 'twas']);

/**
 * TOKEN_SOURCE and the word rules of tokenizeText, by hand, for ASCII text: the same tokens,
 * appended to out. Returns false (out then holds garbage) at anything it leaves to the regex:
 * URLs, hashtags, emoticons other than "xd", and the characters only those use (_ # @ < > = ^),
 * and ':' or ';' not followed by a space. Checked against the regex on all of SST-2 and on
 * random ASCII text (test/tokenize-fast.test.ts).
 */
function scanAscii(text: string, out: TokenSpans, lowercase: boolean, spacedNt: RegExp): boolean {
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
      const c1 = codeAt(text, i + 1);
      if (isLetter(c)) {
        if ((c === 0x68 || c === 0x77) && (c1 === 0x74 || c1 === 0x77) && (text.startsWith('http://', i) || text.startsWith('https://', i) || text.startsWith('www.', i))) return false;
        // Emoticon "xd" (before words in TOKEN_SOURCE): its token is the same text.
        if ((c | 0x20) === 0x78 && (c1 | 0x20) === 0x64 && !isAlnum(codeAt(text, i + 2))) {
          out.span(i, i + 2);
          i += 2;
          continue;
        }
        // Initials "u.s.": the longest run of letter-dot pairs not followed by a letter or digit.
        // Only the whole run can be followed by neither, so when it fails every later start in
        // it fails too: those are skipped, or "a.a.a.…" would take time quadratic in its length.
        if (c1 === 0x2e && i >= noInitialsUntil) {
          let end = 0;
          let j = i;
          for (; isLetter(codeAt(text, j)) && codeAt(text, j + 1) === 0x2e; j += 2) {
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
      // Word or number (group 2 of TOKEN_SOURCE).
      let e = alnumEnd(text, i);
      if (isDigit(c)) {
        // \p{N}+(?:[.,:/]\p{N}+)+W* is tried first: "3.5", "1,000s".
        let d = digitEnd(text, i);
        let parts = 0;
        for (;;) {
          const s = codeAt(text, d);
          if ((s === 0x2e || s === 0x2c || s === 0x3a || s === 0x2f) && isDigit(codeAt(text, d + 1))) {
            d = digitEnd(text, d + 1);
            parts++;
          } else break;
        }
        if (parts > 0) e = alnumEnd(text, d);
      }
      e = joinedEnd(text, e);
      // Apostrophe part: (?:'W+(?:[-/]W+)*)+
      let hasApostrophe = false;
      while (codeAt(text, e) === 0x27 && isAlnum(codeAt(text, e + 1))) {
        e = joinedEnd(text, alnumEnd(text, e + 1));
        hasApostrophe = true;
      }
      if (hasApostrophe) {
        pushWord(out, text.slice(i, e), lowercase);
        i = e;
        continue;
      }
      i = pushPlainWord(out, text, i, e, lowercase, spacedNt);
      continue;
    }
    switch (c) {
      case 0x27: { // ' : a clitic such as "'s", "''", or a single quote
        const e = alnumEnd(text, i + 1);
        const r = text.slice(i + 1, e);
        const lr = lowercase ? r : r.toLowerCase();
        if (e > i + 1 && (CLITIC_RUNS.has(lr) || (isDigit(r.charCodeAt(0)) && isDigit(codeAt(r, 1)) && (r.length === 2 || (r.length === 3 && r.charCodeAt(2) === 0x73))))) {
          if (lr === r) out.span(i, e);
          else out.literal("'" + lr);
          i = e;
        } else i = pushQuote(out, text, i);
        continue;
      }
      case 0x60: // `
        i = pushQuote(out, text, i);
        continue;
      case 0x22: // "
        out.span(i, i + 1);
        i++;
        continue;
      case 0x2d: { // - : "-lrb-" and kin, "--", or "-"
        const c1 = codeAt(text, i + 1) | 0x20;
        const c2 = codeAt(text, i + 2) | 0x20;
        if ((c1 === 0x6c || c1 === 0x72) && (c2 === 0x72 || c2 === 0x73 || c2 === 0x63) && (codeAt(text, i + 3) | 0x20) === 0x62 && codeAt(text, i + 4) === 0x2d) {
          const t = text.slice(i, i + 5);
          out.literal(PTB_BRACKETS[t.toLowerCase()] ?? t);
          i += 5;
          continue;
        }
        let e = i + 1;
        while (codeAt(text, e) === 0x2d) e++;
        // "-", "--" and runs over 5 are themselves; 3 to 5 dashes are "--".
        if (e - i > 2 && e - i <= 5) out.literal('--');
        else out.span(i, e);
        i = e;
        continue;
      }
      case 0x2e: { // . : "..." or "."
        let e = i + 1;
        while (codeAt(text, e) === 0x2e) e++;
        // ".", "..." and runs over 5 are themselves; 2, 4 and 5 dots are "...".
        if (e - i === 2 || e - i === 4 || e - i === 5) out.literal('...');
        else out.span(i, e);
        i = e;
        continue;
      }
      case 0x21: case 0x3f: { // runs of ! and ?
        let e = i + 1;
        for (let d = codeAt(text, e); d === 0x21 || d === 0x3f; d = codeAt(text, ++e));
        out.span(i, e);
        i = e;
        continue;
      }
      case 0x2a: { // runs of *
        let e = i + 1;
        while (codeAt(text, e) === 0x2a) e++;
        out.span(i, e);
        i = e;
        continue;
      }
      case 0x3a: case 0x3b: { // : and ; start emoticons unless a space or the end follows
        const d = codeAt(text, i + 1);
        if (i + 1 < n && d > 0x20) return false;
        out.span(i, i + 1);
        i++;
        continue;
      }
      case 0x5f: case 0x23: case 0x40: case 0x3c: case 0x3e: case 0x3d: case 0x5e:
        return false; // _ # @ < > = ^ : emoticons, hashtags and mentions are left to the regex
      default: // $ % & ( ) + , / [ \ ] { | } ~ : one token each
        out.span(i, i + 1);
        i++;
    }
  }
  return true;
}

/**
 * @internal For Featurizer's fused path: a scanner that cuts ASCII text exactly as a tokeniser
 * with the options { lowercase: true, mode: 'word', no locale } would before negation marking
 * (the caller marks negation itself, so no second array and no "NOT_" strings are built). The
 * tokens go into `out` (cleared first) as spans of the text it returns: `text` itself, or its
 * lowercase copy. Returns undefined, with `out` holding garbage, when the text is not ASCII or
 * the scanner leaves it to the regex; the caller must then use the full tokeniser.
 */
export function createAsciiScanner(): (text: string, out: TokenSpans) => string | undefined {
  const spacedNt = new RegExp(SPACED_NT.source, 'uy'); // owned, like each tokeniser's
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
    return scanAscii(text, out, true, spacedNt) ? text : undefined;
  };
}

// No g or y flag: it keeps no state and can be shared.
const UPPER_OR_NON_ASCII = /[^\x00-\x40\x5b-\x7f]/;

/** @internal The text lowercased if it is ASCII (itself when already lowercase), else undefined. */
export function lowercaseAscii(text: string): string | undefined {
  if (!UPPER_OR_NON_ASCII.test(text)) return text;
  return NON_ASCII.test(text) ? undefined : text.toLowerCase();
}

/** @internal The words the tokeniser splits without an apostrophe ("cannot" → "can" "not", "dont" → "do" "n't"). */
export function splitWords(): readonly string[] {
  return SPLIT_WORDS;
}

/** fnv1a32 of every negation word: most tokens are ruled out by an integer probe, without hashing the string again for the Set. */
const NEGATION_HASHES = new IntTable(NEGATIONS.size);
for (const w of NEGATIONS) NEGATION_HASHES.set(fnv1a32(w), 1);

/**
 * @internal What markNegation decides for one token that is already lowercase ASCII, given
 * h = fnv1a32(t): 1 starts a negation scope, -1 ends one, 0 neither. A clause end starts with
 * one of . , ; : ! ? - so the regex runs only for those.
 */
export function asciiNegationRole(t: string, h: number): number {
  if (NEGATION_HASHES.get(h) >= 0 && NEGATIONS.has(t)) return 1;
  const c = t.charCodeAt(0);
  if ((c === 0x2e || c === 0x2c || c === 0x3b || c === 0x3a || c === 0x21 || c === 0x3f || c === 0x2d) && CLAUSE_END.test(t)) return -1;
  return 0;
}

/** A quote mark at i (' or `): doubled it is one '"' token, alone one "'". Returns where scanning goes on. */
function pushQuote(out: TokenSpans, text: string, i: number): number {
  const c = codeAt(text, i);
  if (codeAt(text, i + 1) === c) {
    out.literal('"');
    return i + 2;
  }
  if (c === 0x27) out.span(i, i + 1);
  else out.literal("'");
  return i + 1;
}

/** Whether an apostrophe (' ’ `) follows `at` after spaces and tabs: what SPACED_NT needs first. */
function apostropheAfterBlanks(text: string, at: number): boolean {
  let c = codeAt(text, at);
  while (c === 0x20 || c === 0x09) c = codeAt(text, ++at);
  return c === 0x27 || c === 0x2019 || c === 0x60;
}

/** Whether a word ending in the letters `before`, `last` (lowercased) may be one of SPLITS. */
function splitEnding(last: number, before: number): boolean {
  return SPLIT_ENDINGS[splitEndingKey(last, before)] === 1;
}

/** Two characters as one index, exact for ASCII (other characters may share an index: a pre-check only). */
function splitEndingKey(last: number, before: number): number {
  return ((before & 0xff) << 8) | (last & 0xff);
}

/**
 * Pushes a word without an apostrophe inside it, which ends at `end` in `text`: splits a
 * "n't" written apart ("didn ' t"), keeps an abbreviation's period, splits fused clitics
 * ("cannot", "gonna"). Returns where scanning goes on. Shared by the regex and ASCII paths,
 * so both give the same tokens.
 */
function pushPlainWord(out: TokenSink, text: string, start: number, end: number, lowercase: boolean, spacedNt: RegExp): number {
  const length = end - start;
  const last = codeAt(text, end - 1) | 0x20;
  if (last === 0x6e /* n */ && length > 1 && apostropheAfterBlanks(text, end)) {
    spacedNt.lastIndex = end;
    if (spacedNt.test(text)) {
      out.span(start, end - 1);
      out.literal("n't");
      return spacedNt.lastIndex;
    }
  }
  if (codeAt(text, end) === 0x2e /* . */ && length <= 6 && ABBREVIATIONS.has(lowered(text.slice(start, end), lowercase))) {
    out.span(start, end + 1);
    return end + 1;
  }
  if (length >= SPLIT_LENGTHS.min && length <= SPLIT_LENGTHS.max && splitEnding(last, codeAt(text, end - 2) | 0x20)) {
    const split = SPLITS.get(lowered(text.slice(start, end), lowercase));
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

/** A tokeniser with its options resolved once, for use in a loop. @example createTokenizer({ negation: true })("not good") // ["not", "NOT_good"] */
export function createTokenizer(options: TokenizerOptions = {}): (text: string) => string[] {
  return makeTokenizer(checkTokenizerOptions(options), true);
}

const TOKENIZER_FLAGS = ['lowercase', 'negation', 'normalize'] as const;
const TOKENIZER_CHOICES = { mode: ['word', 'char'], cjk: ['word', 'char'] } as const;

/**
 * The options, checked, or a TypeError or RangeError naming the one that is wrong. Without it a
 * misspelt mode would quietly cut words, and a locale Intl cannot parse would throw only at the
 * first text that is not ASCII. Keys it does not know are left alone.
 * @example checkTokenizerOptions({ mode: "chars" }) // RangeError: tokenizer option mode must be "word" or "char", got "chars"
 */
export function checkTokenizerOptions(options: TokenizerOptions): TokenizerOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`tokenizer options must be an object, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  for (const key of TOKENIZER_FLAGS) {
    const value: unknown = options[key];
    if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`tokenizer option ${key} must be true or false, got ${show(value)}`);
  }
  for (const [key, allowed] of Object.entries(TOKENIZER_CHOICES)) {
    const value: unknown = options[key as keyof typeof TOKENIZER_CHOICES];
    if (value !== undefined && !(allowed as readonly unknown[]).includes(value)) {
      throw new RangeError(`tokenizer option ${key} must be ${allowed.map((a) => JSON.stringify(a)).join(' or ')}, got ${show(value)}`);
    }
  }
  const locale: unknown = options.locale;
  if (locale !== undefined) {
    if (typeof locale !== 'string') throw new TypeError(`tokenizer option locale must be a string such as "tr", got ${show(locale)}`);
    try {
      Intl.getCanonicalLocales(locale);
    } catch {
      throw new RangeError(`tokenizer option locale ${JSON.stringify(locale)} is not a BCP 47 language tag such as "tr" or "zh-Hant"`);
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

/** @internal createTokenizer, optionally without the ASCII fast path (for tests that compare the two). */
export function makeTokenizer(options: TokenizerOptions, fastAscii: boolean): (text: string) => string[] {
  const lowercase = options.lowercase ?? true;
  const mode = options.mode ?? 'word';
  const cjkChars = options.cjk === 'char';
  const locale = options.locale;
  const negation = options.negation ?? false;
  const normalize = options.normalize ?? true;
  // Each tokeniser owns its regexes, so two tokenisers never share lastIndex state.
  const tokenRe = new RegExp(TOKEN_SOURCE, 'gu');
  /** Compiled on first need: most text has no run of letter-dot pairs where initials fail. */
  let plainRe: RegExp | undefined;
  const initialsRun = new RegExp(INITIALS_RUN, 'uy');
  /** The locale Han is segmented with in the text being cut: the option, or chosen from the text at its first Han. */
  let hanLocale: string | undefined;
  const charRe = new RegExp(CHAR_SOURCE, 'gu');
  const spacedNt = new RegExp(SPACED_NT.source, 'uy');
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
    return negation ? markNegation(out) : out;
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
      if (scanAscii(text, spans, lowercase, spacedNt)) {
        spans.appendTo(text, out);
        return;
      }
    }
    const sink = strings.reset(text, out);

    // Before this the text is inside a run of letter-dot pairs where initials failed (see
    // INITIALS_RUN), and the regex without them runs; both give the same tokens there.
    let noInitialsUntil = 0;
    let at = 0;
    for (;;) {
      let re = at < noInitialsUntil ? (plainRe ??= new RegExp(TOKEN_SOURCE_NO_INITIALS, 'gu')) : tokenRe;
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
          pushWord(sink, t, lowercase);
          continue;
        }
        if (re === tokenRe && text.charCodeAt(at) === 0x2e && ONE_LETTER.test(t)) {
          // A one-letter word before a dot: initials were tried here first, and failed.
          initialsRun.lastIndex = m.index;
          if (initialsRun.test(text)) noInitialsUntil = initialsRun.lastIndex;
        }
        at = pushPlainWord(sink, text, m.index, at, lowercase, spacedNt);
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
      out.push(t.length <= 5 ? canonicalPunctuation(t) : t);
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
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

const defaultTokenizer = createTokenizer();
// tokenize() is often called with a fresh options literal per text; compiling the regexes
// each time would cost more than the tokenising.
const tokenizers = new Map<string, (text: string) => string[]>();

/** Cuts text into tokens; whitespace-only text gives []. @example tokenize("It doesn't work :(") // ["it", "does", "n't", "work", ":("] */
export function tokenize(text: string, options?: TokenizerOptions): string[] {
  if (options === undefined) return defaultTokenizer(text);
  const key = [options.lowercase, options.mode, options.cjk, options.locale, options.negation, options.normalize].join('|');
  let t = tokenizers.get(key);
  if (t === undefined) {
    if (tokenizers.size >= 64) tokenizers.clear();
    t = createTokenizer(options);
    tokenizers.set(key, t);
  }
  return t(text);
}

/** Prefixes "NOT_" to tokens after a negation word until the next punctuation, returning a new array. @example markNegation(["not", "good", ",", "fun"]) // ["not", "NOT_good", ",", "fun"] */
export function markNegation(tokens: readonly string[]): string[] {
  const out = new Array<string>(tokens.length);
  let inScope = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (NEGATIONS.has(t) || NEGATIONS.has(t.toLowerCase())) {
      out[i] = t;
      inScope = true;
    } else if (CLAUSE_END.test(t)) {
      out[i] = t;
      inScope = false;
    } else out[i] = inScope ? 'NOT_' + t : t;
  }
  return out;
}

/** True for the words markNegation treats as negations. @example isNegation("n't") // true */
export function isNegation(token: string): boolean {
  return NEGATIONS.has(token.toLowerCase());
}
