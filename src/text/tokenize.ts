// Tokeniser for text as people type it, and for SST-2's pre-tokenised text, so that both
// give the same tokens. The canonical form is Penn Treebank's (which SST-2 uses): clitics are
// split off ("doesn't" -> "does" "n't", "it's" -> "it" "'s"), hyphenated words stay whole,
// double quotes of every kind become '"'. Scripts written without spaces (Chinese, Japanese,
// Thai, ...) go through Intl.Segmenter. No Node APIs: this module also runs in browsers.
//
// What it splits, joins and rewrites is the grammar in ./grammar-rules.ts (compiled by
// ./grammar.ts): the regex path builds its patterns from those rules (./token-patterns.ts), and
// the ASCII scanner (./ascii-scanner.ts) reads the tables compiled from them; both cut words by
// ./word-rules.ts.

import { NON_ASCII, scanAscii } from './ascii-scanner.js';
import { GRAMMAR, negationRole, type Grammar } from './grammar.js';
import { CHAR_SOURCE, MAX_RUN, ONE_LETTER, pieces, sourcesOf } from './token-patterns.js';
import { StringSink, TokenSpans } from './token-spans.js';
import { canonicalPunctuation, pushPlainWord, pushWord } from './word-rules.js';

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
