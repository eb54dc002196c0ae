// The tokeniser's regexes, built from the grammar (./grammar.ts) on first use, and the longest
// run without whitespace they take whole (MAX_RUN). No Node APIs: this module also runs in browsers.

import { classOf, escapeRegex, type Grammar } from './grammar.js';

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

export function sourcesOf(g: Grammar): Sources {
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
export const ONE_LETTER = /^\p{L}$/u;

export const CHAR_SOURCE = String.raw`${EMOJI}|[^\s\p{Cc}\p{Cf}]\p{M}*`;

/**
 * Longest run without whitespace that is tokenised whole. The regexes' greedy loops keep a
 * backtracking stack as long as what they match, and V8 throws "Maximum call stack size
 * exceeded" at a few million characters (a 6.4 MB run of kana did, in Node 20). No token
 * crosses whitespace, so the text is cut only inside runs longer than this, every MAX_RUN
 * characters: real text is never cut, a longer run of junk becomes two tokens where it is.
 */
export const MAX_RUN = 100_000;

/** The text, cut every MAX_RUN characters inside each run of more than MAX_RUN without whitespace (never inside a surrogate pair). */
export function* pieces(text: string): Generator<string> {
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
