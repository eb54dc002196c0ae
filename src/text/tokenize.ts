// Tokeniser for text as people type it, and for SST-2's pre-tokenised text, so that both
// give the same tokens. The canonical form is Penn Treebank's (which SST-2 uses): clitics are
// split off ("doesn't" -> "does" "n't", "it's" -> "it" "'s"), hyphenated words stay whole,
// double quotes of every kind become '"'. Scripts written without spaces (Chinese, Japanese,
// Thai, ...) go through Intl.Segmenter. No Node APIs: this module also runs in browsers.

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
const TOKEN_SOURCE = [
  String.raw`(?:https?:\/\/|www\.)\S+?(?=[.,;:!?)\]}'"]*(?:\s|$))`, // URL
  EMOJI,
  EMOTICON,
  String.raw`-(?:${ci('l')}|${ci('r')})(?:${ci('r')}|${ci('s')}|${ci('c')})${ci('b')}-`, // -lrb- and kin
  `([${CJK}]+|[${HANGUL}]+|[${SEA}]+)`, // group 1: a run to segment
  String.raw`\p{L}\.(?:\p{L}\.)*${NOT_W}`, // initials and acronyms: "j.", "e.t.", "u.s."
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
function pushWord(out: string[], w: string, lowered: boolean): void {
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
    const split = w.length >= 4 && w.length <= 8 ? SPLITS.get(lowered ? w : w.toLowerCase()) : undefined;
    if (split !== undefined) out.push(w.slice(0, split[0]), split[1]);
    else out.push(w.indexOf('’') >= 0 ? w.replace(/’/g, "'") : w);
  }
  if (tail !== undefined) for (let i = tail.length - 1; i >= 0; i--) out.push(tail[i]!);
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

function pushSegments(out: string[], run: string, locale: string): void {
  if (!hasSegmenter) return pushChars(out, run);
  for (const s of segmenter(locale).segment(run)) if (s.isWordLike) out.push(s.segment);
}

function seaLocale(code: number): string {
  if (code <= 0x0e7f) return 'th';
  if (code <= 0x0eff) return 'lo';
  return 'my';
}

// ---------------------------------------------------------------------------------------------
// Public API

/** A tokeniser with its options resolved once, for use in a loop. @example createTokenizer({ negation: true })("not good") // ["not", "NOT_good"] */
export function createTokenizer(options: TokenizerOptions = {}): (text: string) => string[] {
  const lowercase = options.lowercase ?? true;
  const mode = options.mode ?? 'word';
  const cjkChars = options.cjk === 'char';
  const locale = options.locale;
  const negation = options.negation ?? false;
  const normalize = options.normalize ?? true;
  // Each tokeniser owns its regexes, so two tokenisers never share lastIndex state.
  const tokenRe = new RegExp(TOKEN_SOURCE, 'gu');
  const charRe = new RegExp(CHAR_SOURCE, 'gu');
  const spacedNt = new RegExp(SPACED_NT.source, 'uy');

  return function tokenizeText(text: string): string[] {
    const out: string[] = [];
    if (normalize && /[^\x00-\x7f]/.test(text)) text = text.normalize('NFKC');
    if (lowercase) text = locale === undefined ? text.toLowerCase() : text.toLocaleLowerCase(locale);

    if (mode === 'char') {
      charRe.lastIndex = 0;
      for (let m = charRe.exec(text); m !== null; m = charRe.exec(text)) out.push(m[0]);
      return negation ? markNegation(out) : out;
    }

    let hanLocale: string | undefined = locale;
    const re = tokenRe;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const t = m[0];
      if (m[2] !== undefined) {
        const end = re.lastIndex;
        if (m[3] !== undefined) {
          pushWord(out, t, lowercase);
          continue;
        }
        const last = t.charCodeAt(t.length - 1) | 0x20;
        if (last === 0x6e /* n */ && t.length > 1) {
          spacedNt.lastIndex = end;
          if (spacedNt.test(text)) {
            out.push(t.slice(0, -1), "n't");
            re.lastIndex = spacedNt.lastIndex;
            continue;
          }
        }
        if (text.charCodeAt(end) === 0x2e /* . */ && t.length <= 6 && ABBREVIATIONS.has(lowercase ? t : t.toLowerCase())) {
          out.push(t + '.');
          re.lastIndex = end + 1;
          continue;
        }
        // Every entry of SPLITS ends in t, a or e and has 4 to 8 letters.
        if (t.length >= 4 && t.length <= 8 && (last === 0x74 || last === 0x61 || last === 0x65)) {
          const split = SPLITS.get(lowercase ? t : t.toLowerCase());
          if (split !== undefined) {
            out.push(t.slice(0, split[0]), split[1]);
            continue;
          }
        }
        out.push(t);
        continue;
      }
      if (m[1] !== undefined) {
        const c = t.charCodeAt(0);
        if (cjkChars) pushChars(out, t);
        else if (c >= 0x0e00 && c <= 0x109f) pushSegments(out, t, seaLocale(c));
        else if (c >= 0x1780 && c <= 0x17ff) pushSegments(out, t, 'km');
        else if ((c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f)) {
          pushSegments(out, t, 'ko');
        } else pushSegments(out, t, (hanLocale ??= KANA.test(text) ? 'ja' : 'zh'));
        continue;
      }
      out.push(t.length <= 5 ? canonicalPunctuation(t) : t);
    }
    return negation ? markNegation(out) : out;
  };
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
