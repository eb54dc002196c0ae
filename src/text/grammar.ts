// The tokeniser's grammar compiled: the rules (./grammar-rules.ts, where the header says who
// reads what) checked, then turned into the sets and maps the regex path reads and the tables the
// ASCII scanner and prediction's featurizer in WebAssembly read, once (GRAMMAR).

import {
  CHAR_AFTER_WORD,
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
  CHAR_URL_HEAD,
  GRAMMAR_CLITIC,
  GRAMMAR_EMOTICON,
  GRAMMAR_FORM,
  GRAMMAR_KEPT,
  GRAMMAR_REWRITE,
  GRAMMAR_SPLIT,
} from '../runtime/contract.js';
import { RULES, type GrammarRules } from './grammar-rules.js';

/** A token the grammar names, as the WebAssembly featurizer's table holds it (ASCII, lowercase). */
export interface GrammarToken {
  /** GRAMMAR_FORM, GRAMMAR_REWRITE, … (assembly/contract.ts). */
  kind: number;
  text: string;
  /** What it is written as (forms, rewrites), or the second token of a split word. */
  token?: string;
  /** A split word's first token: its first `stem` characters. */
  stem?: number;
}

/** A form as the ASCII scanner tries it: the lowercase text, and what it is written as. */
export interface Form {
  text: string;
  token: string;
}

/** RULES compiled into what each path reads: sets and maps for the regex path, tables for the ASCII scanners. */
export interface Grammar {
  readonly rules: GrammarRules;
  /** rules.apostrophes[0]: the apostrophe of every clitic token. */
  readonly apostrophe: string;
  readonly apostropheList: readonly string[];
  readonly clitics: ReadonlySet<string>;
  /** The negative clitic's letter before the apostrophe (lowercase), and its part after. */
  readonly negativeStem: string;
  readonly negativeTail: string;
  readonly leadingClitics: ReadonlySet<string>;
  /** Every ASCII decade ("70", "70s"), as typed. */
  readonly decades: ReadonlySet<string>;
  /** word → [length of its first token, its second token]. */
  readonly splits: ReadonlyMap<string, readonly [number, string]>;
  readonly splitLengths: { readonly min: number; readonly max: number };
  /** 1 at splitEndingKey(last, before) of every split word: most words are ruled out before a lookup. */
  readonly splitEndings: Uint8Array;
  readonly abbreviations: ReadonlySet<string>;
  readonly abbreviationMaxLength: number;
  readonly abbreviationCode: number;
  readonly wordEmoticons: ReadonlySet<string>;
  readonly negations: ReadonlySet<string>;
  /** A clause end, the whole token. */
  readonly clauseEnd: RegExp;
  /** Every token written as another (forms in every case of their letters, singles, rewritten runs). */
  readonly rewrites: ReadonlyMap<string, string>;
  /**
   * Per first character: bit L (1–7) when a rewrite of length L starts with it, bit 0 for an
   * apostrophe (a clitic, any length but 1). Most punctuation tokens are ruled out by it before
   * canonicalPunctuation's lookups.
   */
  readonly rewriteAt: Uint8Array;
  // The ASCII tables, per character code 0–255 (non-ASCII is CHAR_LEAVE).
  /** CHAR_* flags (assembly/contract.ts). */
  readonly chars: Uint16Array;
  /** The run a mark belongs to (index in rules.runs + 1), or 0. */
  readonly charRuns: Uint8Array;
  /** Bit L set when a form of length L starts with this character. */
  readonly charForms: Uint8Array;
  /** The forms starting with each ASCII character, longest first. */
  readonly formsAt: readonly (readonly Form[] | undefined)[];
  /** [character][length]: what a single or a run of that one mark is written as (ASCII), else undefined. */
  readonly runRewrites: readonly ((string | undefined)[] | undefined)[];
  /** The tokens the WebAssembly featurizer's table holds. */
  readonly tokens: readonly GrammarToken[];
}

/** Two characters as one index, exact for ASCII (other characters may share an index: a pre-check only). */
export function splitEndingKey(last: number, before: number): number {
  return ((before & 0xff) << 8) | (last & 0xff);
}

/**
 * The tables every path reads, built from rules; throws a RangeError for rules the scanners
 * could not follow exactly (a form that starts with a letter, a rewritten run of mixed marks, …).
 * @example
 * ```ts
 * compileGrammar({ ...RULES, splits: [...RULES.splits, ['wontcha', 'wont', 'cha']] })
 * ```
 */
export function compileGrammar(rules: GrammarRules): Grammar {
  const wrong = (what: string): never => {
    throw new RangeError(`grammar: ${what}`);
  };
  const apostrophe = rules.apostrophes[0] ?? wrong('no apostrophe');
  const nc = rules.negativeClitic;
  if (nc.indexOf(apostrophe) !== 1 || !isLetterCode(nc.charCodeAt(0)) || nc.length < 3)
    wrong(`the negative clitic "${nc}" must be one letter, "${apostrophe}", then letters`);
  for (const [word, stem] of rules.splits) {
    if (!word.startsWith(stem) || stem.length === 0 || stem.length === word.length)
      wrong(`the split word "${word}" must begin with its first token "${stem}"`);
  }
  for (const form of Object.keys(rules.forms)) {
    if (form.length < 2 || form.length > 7 || !isAscii(form) || isAlnumCode(form.charCodeAt(0))) {
      wrong(`the form "${form}" must be 2 to 7 ASCII characters, the first a mark`);
    }
  }
  for (const mark of Object.keys(rules.singles)) {
    if ([...mark].length !== 1 || isAlnumCode(mark.charCodeAt(0))) wrong(`the single "${mark}" must be one mark`);
  }
  const runMarks = new Set<string>();
  const rewritten: [string, string][] = [];
  for (const run of rules.runs) {
    for (const mark of run.marks) {
      if (!isAscii(mark) || isAlnumCode(mark.charCodeAt(0)) || runMarks.has(mark))
        wrong(`the run mark "${mark}" must be an ASCII mark in one run`);
      runMarks.add(mark);
    }
    if (run.as === undefined) continue;
    // A rewrite is looked up by mark and length, which only a run of one mark determines.
    if (run.marks.length !== 1) wrong(`the run "${run.marks}" is rewritten, so it must be of one mark`);
    const [min, max] = run.lengths ?? wrong(`the run "${run.marks}" is rewritten without lengths`);
    for (let length = Math.max(min, 2); length <= max; length++) rewritten.push([run.marks.repeat(length), run.as]);
  }
  // Forms are checked above, singles are one mark: only a rewritten run can be long.
  for (const [text, as] of rewritten)
    if (text !== as && text.length > 7) wrong(`"${text}" is rewritten, and more than 7 characters long`);
  if (1 + Math.max(...rules.leadingClitics.map((c) => c.length), rules.decade.digits + rules.decade.suffix.length) > 7)
    wrong('a leading clitic is more than 6 characters long');
  for (const prefix of rules.urlPrefixes) {
    if (!isAscii(prefix) || !isLetterCode(prefix.charCodeAt(0)) || alnumLength(prefix) === prefix.length)
      wrong(`the URL prefix "${prefix}" must be ASCII letters, then a mark`);
  }
  for (const e of rules.wordEmoticons) {
    if (e.length === 0 || alnumLength(e) !== e.length) wrong(`the emoticon "${e}" must be ASCII letters and digits`);
  }
  const grammar = buildGrammar(rules);
  const seen = new Set<string>();
  for (const t of grammar.tokens) {
    if (seen.has(t.text)) wrong(`"${t.text}" has two rules`);
    seen.add(t.text);
  }
  return grammar;
}

/** compileGrammar without its checks: for rules that passed them (RULES, checked by the tests). */
function buildGrammar(rules: GrammarRules): Grammar {
  const apostrophe = rules.apostrophes[0];
  const apostropheList = [...rules.apostrophes];
  const asciiApostrophes = apostropheList.filter(isAscii);

  const nc = rules.negativeClitic;
  const negativeStem = nc[0].toLowerCase();
  const negativeTail = nc.slice(2);

  const decades = new Set<string>();
  for (let d = 0; d < 10 ** rules.decade.digits; d++) {
    const digits = String(d).padStart(rules.decade.digits, '0');
    decades.add(digits).add(digits + rules.decade.suffix);
  }

  const splits = new Map<string, readonly [number, string]>();
  for (const [word, stem, rest] of rules.splits) splits.set(word, [stem.length, rest]);
  const splitWords = [...splits.keys()];
  const splitEndings = new Uint8Array(1 << 16);
  for (const w of splitWords) splitEndings[splitEndingKey(w.charCodeAt(w.length - 1), w.charCodeAt(w.length - 2))] = 1;

  // Punctuation written as another: forms in every case, singles, runs of each rewritten length.
  const rewrites = new Map<string, string>();
  const asciiRewrites = new Map<string, string>(); // singles and runs (GRAMMAR_REWRITE), ASCII only
  for (const [form, token] of Object.entries(rules.forms))
    for (const variant of caseVariants(form)) rewrites.set(variant, token);
  for (const [mark, token] of Object.entries(rules.singles)) {
    if (mark === token) continue;
    rewrites.set(mark, token);
    if (isAscii(mark)) asciiRewrites.set(mark, token);
  }
  const charRuns = new Uint8Array(256);
  rules.runs.forEach((run, k) => {
    for (const mark of run.marks) charRuns[mark.charCodeAt(0)] = k + 1;
    if (run.as === undefined || run.lengths === undefined) return;
    const [min, max] = run.lengths;
    for (let length = Math.max(min, 2); length <= max; length++) {
      const text = run.marks.repeat(length);
      if (text !== run.as) {
        rewrites.set(text, run.as);
        asciiRewrites.set(text, run.as);
      }
    }
  });
  const rewriteAt = new Uint8Array(1 << 16);
  for (const key of rewrites.keys()) rewriteAt[key.charCodeAt(0)] |= 1 << key.length;
  for (const a of apostropheList) rewriteAt[a.charCodeAt(0)] |= 1;
  const leadingClitics = new Set(rules.leadingClitics);

  // The ASCII tables.
  const chars = new Uint16Array(256);
  const flag = (marks: string, bit: number): void => {
    for (const m of marks) {
      if (!isAscii(m)) continue;
      chars[m.charCodeAt(0)] |= bit;
      if (isLetterCode(m.charCodeAt(0))) chars[m.charCodeAt(0) ^ 0x20] |= bit; // letters in either case
    }
  };
  for (let c = 0x80; c < 256; c++) chars[c] = CHAR_LEAVE; // the scanners cut ASCII only
  flag(rules.emoticonMarks + rules.hashtagMarks, CHAR_LEAVE);
  flag(rules.emoticonLeads, CHAR_EMOTICON_LEAD);
  flag(asciiApostrophes.join(''), CHAR_APOSTROPHE);
  flag(rules.spacedNegativeClitic.apostrophes, CHAR_NT_APOSTROPHE);
  flag(rules.spacedNegativeClitic.blanks, CHAR_NT_BLANK);
  flag(negativeStem, CHAR_NT_STEM);
  flag(rules.wordJoiners, CHAR_JOINER);
  flag(rules.numberSeparators, CHAR_NUMBER_SEPARATOR);
  // What may follow a word's letters when the host cuts it by a rule the WebAssembly featurizer
  // leaves to it: an abbreviation's or initial's period, the mark after a URL's first letters.
  flag(rules.abbreviationMark, CHAR_AFTER_WORD);
  for (const prefix of rules.urlPrefixes) {
    flag(prefix[alnumLength(prefix)], CHAR_AFTER_WORD);
    chars[prefix.charCodeAt(0)] |= CHAR_URL_HEAD; // this case only: URL_SOURCE is case-sensitive
  }
  for (const key of asciiRewrites.keys()) flag(key[0], CHAR_REWRITTEN);
  for (const e of rules.wordEmoticons) flag(e[0], CHAR_EMOTICON_HEAD);

  const charForms = new Uint8Array(256);
  const formsAt: Form[][] = [];
  for (const [form, token] of Object.entries(rules.forms)) {
    const c = form.charCodeAt(0);
    charForms[c] |= 1 << form.length;
    (formsAt[c] ??= []).push({ text: form.toLowerCase(), token });
  }
  for (const list of formsAt) list?.sort((a, b) => b.text.length - a.text.length);
  const runRewrites: (string | undefined)[][] = [];
  for (const [text, token] of asciiRewrites) {
    const row = (runRewrites[text.charCodeAt(0)] ??= []);
    while (row.length <= text.length) row.push(undefined);
    row[text.length] = token;
  }

  // The tokens the WebAssembly featurizer's table holds: what it cuts and rewrites, and the
  // words whose text alone decides how they are cut. Every text once.
  const tokens: GrammarToken[] = [];
  for (const [form, token] of Object.entries(rules.forms))
    tokens.push({ kind: GRAMMAR_FORM, text: form.toLowerCase(), token });
  for (const [text, token] of asciiRewrites) tokens.push({ kind: GRAMMAR_REWRITE, text, token });
  for (const a of asciiApostrophes) {
    for (const c of [...leadingClitics, ...decades]) if (isAscii(c)) tokens.push({ kind: GRAMMAR_CLITIC, text: a + c });
  }
  tokens.push({ kind: GRAMMAR_KEPT, text: nc.toLowerCase() });
  for (const e of rules.wordEmoticons) tokens.push({ kind: GRAMMAR_EMOTICON, text: e.toLowerCase() });
  for (const [word, [stem, rest]] of splits) tokens.push({ kind: GRAMMAR_SPLIT, text: word, token: rest, stem });

  return {
    rules,
    apostrophe,
    apostropheList,
    clitics: new Set(rules.clitics),
    negativeStem,
    negativeTail,
    leadingClitics,
    decades,
    splits,
    splitLengths: {
      min: Math.min(...splitWords.map((w) => w.length)),
      max: Math.max(...splitWords.map((w) => w.length)),
    },
    splitEndings,
    abbreviations: new Set(rules.abbreviations),
    abbreviationMaxLength: Math.max(...rules.abbreviations.map((a) => a.length)),
    abbreviationCode: rules.abbreviationMark.charCodeAt(0),
    wordEmoticons: new Set(rules.wordEmoticons),
    negations: new Set(rules.negations),
    clauseEnd: new RegExp(
      String.raw`^(?:[${classOf(rules.clauseEndMarks)}]+|${rules.clauseEnds.map(escapeRegex).join('|')})$`,
      'u',
    ),
    rewrites,
    rewriteAt,
    chars,
    charRuns,
    charForms,
    formsAt,
    runRewrites,
    tokens,
  };
}

/**
 * The grammar every tokeniser, scanner and featurizer uses. RULES is fixed when the library is
 * built, and test/grammar.test.ts compiles it with every check: the checks are not shipped to
 * run again on every load (in a browser, they would be loaded twice, by the page and its
 * training worker).
 */
export const GRAMMAR = buildGrammar(RULES);

/**
 * What markNegation does at a token: 1 opens a negation scope (a negation word, in any case),
 * -1 closes one (a clause end), 0 neither.
 * @example
 * ```ts
 * negationRole("Never") // 1
 * ```
 */
export function negationRole(token: string, grammar: Grammar = GRAMMAR): number {
  if (grammar.negations.has(token) || grammar.negations.has(token.toLowerCase())) return 1;
  return grammar.clauseEnd.test(token) ? -1 : 0;
}

/** A string for a regex, its syntax characters escaped (valid with the `u` flag). */
export function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** Characters for a regex character class `[…]`, escaped (valid with the `u` flag). */
export function classOf(chars: string): string {
  return chars.replace(/[\\\][^-]/g, '\\$&');
}

function isAscii(s: string): boolean {
  return /^[\x00-\x7f]*$/.test(s);
}

function isLetterCode(c: number): boolean {
  return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
}

function isAlnumCode(c: number): boolean {
  return isLetterCode(c) || (c >= 0x30 && c <= 0x39);
}

function alnumLength(s: string): number {
  let i = 0;
  while (i < s.length && isAlnumCode(s.charCodeAt(i))) i++;
  return i;
}

/** s with its ASCII letters in every combination of cases: "-lrb-" → "-lrb-", "-Lrb-", … */
function caseVariants(s: string): string[] {
  let out = [''];
  for (const ch of s) {
    const cases = isLetterCode(ch.charCodeAt(0)) ? [ch.toLowerCase(), ch.toUpperCase()] : [ch];
    out = out.flatMap((prefix) => cases.map((c) => prefix + c));
  }
  return out;
}
