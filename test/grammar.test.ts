// The tokeniser's grammar (src/text/grammar.ts) is written once and read by three paths: the
// regex path, the ASCII scanner and prediction's featurizer in WebAssembly. Every rule in it gets
// a short text here (the cases are made from RULES, so a rule added there is tested here), and
// each path must cut that text the same way: the same tokens from the regex and the scanner (and
// the scanner must take it, not hand it back to the regex), the same rows from the WebAssembly
// featurizer as from the host (and it must take the text, unless the rule is one it leaves to
// the host). A grammar with changed rules changes what all three produce, and the WebAssembly
// side has no word list of its own to change.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Featurizer } from '../src/text/features.js';
import { RULES, type GrammarRules } from '../src/text/grammar-rules.js';
import { compileGrammar, GRAMMAR, type Grammar } from '../src/text/grammar.js';
import { TokenSpans } from '../src/text/token-spans.js';
import { createAsciiScanner } from '../src/text/ascii-scanner.js';
import { createTokenizer, makeTokenizer, type TokenizerOptions } from '../src/text/tokenize.js';
import { WasmFeaturizer } from '../src/text/wasm-featurizer.js';
import { testRuntime } from './helpers.js';
import { textRows } from '../src/text/text-rows.js';

interface Case {
  rule: string;
  text: string;
  /** The tokens under the default options (or `options`). */
  tokens: string[];
  options?: TokenizerOptions;
  /** Whether the ASCII scanner cuts it (else it hands the text to the regex). */
  scanner: boolean;
  /** Whether the WebAssembly featurizer takes it (else it leaves the text to the host). */
  wasm: boolean;
}

const isAscii = (s: string) => !/[^\x00-\x7f]/.test(s);
const NEGATED = { negation: true, normalize: false };

/** One case per rule and spelling of it, made from the rules themselves. */
function cases(r: GrammarRules): Case[] {
  const out: Case[] = [];
  const add = (
    rule: string,
    text: string,
    tokens: string[],
    scanner: boolean,
    wasm: boolean,
    options?: TokenizerOptions,
  ) => out.push({ rule, text, tokens, scanner: scanner && isAscii(text), wasm: wasm && isAscii(text), options });
  const apostrophe = r.apostrophes[0];
  for (const [form, token] of Object.entries(r.forms)) {
    add(`form ${form}`, `a ${form} b`, ['a', token, 'b'], true, true);
    add(`form ${form}`, `a ${form.toUpperCase()}b`, ['a', token, 'b'], true, true);
  }
  for (const [mark, token] of Object.entries(r.singles))
    add(`single ${mark}`, `a ${mark} b`, ['a', token, 'b'], true, true);
  for (const run of r.runs) {
    const [min, max] = run.lengths ?? [0, 0];
    for (const mark of run.marks) {
      for (let length = 1; length <= Math.max(max, 3) + 1; length++) {
        const text = mark.repeat(length);
        add(
          `run ${run.marks}`,
          `a ${text} b`,
          ['a', run.as !== undefined && length >= min && length <= max ? run.as : text, 'b'],
          true,
          true,
        );
      }
    }
    if (run.marks.length > 1)
      add(
        `run ${run.marks}`,
        `a ${run.marks}${[...run.marks].reverse().join('')} b`,
        ['a', run.marks + [...run.marks].reverse().join(''), 'b'],
        true,
        true,
      );
  }
  for (const [word, stem, rest] of r.splits) {
    add(`split ${word}`, `i ${word} it`, ['i', stem, rest, 'it'], true, true);
    add(`split ${word}`, `I ${word[0].toUpperCase()}${word.slice(1)}, ok`, ['i', stem, rest, ',', 'ok'], true, true);
    add(`split ${word}`, `i ${word}'s`, ['i', stem, rest, "'s"], true, false); // with a clitic: rules the core leaves to the host
  }
  for (const a of r.apostrophes) {
    for (const clitic of r.clitics) {
      add(`clitic ${clitic}`, `it${a}${clitic} ok`, ['it', apostrophe + clitic, 'ok'], true, false);
      add(`clitic ${clitic}`, `It${a}${clitic.toUpperCase()} ok`, ['it', apostrophe + clitic, 'ok'], true, false);
    }
    for (const clitic of r.leadingClitics) {
      add(`leading clitic ${clitic}`, `it ${a}${clitic} ok`, ['it', apostrophe + clitic, 'ok'], true, true);
      add(
        `leading clitic ${clitic}`,
        `IT ${a}${clitic.toUpperCase()} OK`,
        ['it', apostrophe + clitic, 'ok'],
        true,
        true,
      );
    }
    const decade = '7'.repeat(r.decade.digits);
    add(
      'decade',
      `the ${a}${decade}${r.decade.suffix} ok`,
      ['the', apostrophe + decade + r.decade.suffix, 'ok'],
      true,
      true,
    );
    add('decade', `the ${a}${decade} ok`, ['the', apostrophe + decade, 'ok'], true, true);
    add(
      'negative clitic',
      `does${r.negativeClitic.replace(apostrophe, a)} ok`,
      ['does', r.negativeClitic, 'ok'],
      true,
      false,
    );
  }
  add('negative clitic', `does ${r.negativeClitic} ok`, ['does', r.negativeClitic, 'ok'], true, true);
  const [stem, tail] = r.negativeClitic.split(apostrophe);
  for (const a of r.spacedNegativeClitic.apostrophes) {
    for (const blank of ['', ...r.spacedNegativeClitic.blanks]) {
      add(
        'spaced negative clitic',
        `does${stem}${blank}${a}${blank}${tail} ok`,
        ['does', r.negativeClitic, 'ok'],
        true,
        false,
      );
    }
  }
  for (const abbreviation of r.abbreviations) {
    add(
      `abbreviation ${abbreviation}`,
      `${abbreviation}${r.abbreviationMark} smith`,
      [abbreviation + r.abbreviationMark, 'smith'],
      true,
      false,
    );
  }
  add(
    'initials',
    `the u${r.abbreviationMark}s${r.abbreviationMark} film`,
    ['the', `u${r.abbreviationMark}s${r.abbreviationMark}`, 'film'],
    true,
    false,
  );
  for (const joiner of r.wordJoiners)
    add(`joiner ${joiner}`, `a well${joiner}made film`, ['a', `well${joiner}made`, 'film'], true, true);
  for (const separator of r.numberSeparators)
    add(
      `number separator ${separator}`,
      `it cost 3${separator}50 now`,
      ['it', 'cost', `3${separator}50`, 'now'],
      true,
      false,
    );
  for (const emoticon of r.wordEmoticons) {
    add(`emoticon ${emoticon}`, `so ${emoticon} fun`, ['so', emoticon, 'fun'], true, true);
    add(
      `emoticon ${emoticon}`,
      `so ${emoticon}-a ${emoticon}'s fun`,
      ['so', emoticon, '-', 'a', emoticon, "'s", 'fun'],
      true,
      true,
    );
  }
  for (const prefix of r.urlPrefixes)
    add(`url ${prefix}`, `see ${prefix}x.org now`, ['see', `${prefix}x.org`, 'now'], false, false);
  for (const mark of r.hashtagMarks) add(`hashtag ${mark}`, `${mark}tag it`, [`${mark}tag`, 'it'], false, false);
  for (const mark of r.emoticonMarks) add(`emoticon mark ${mark}`, `a ${mark} b`, ['a', mark, 'b'], false, false);
  for (const mark of r.emoticonLeads) {
    add(`emoticon lead ${mark}`, `a ${mark}b`, ['a', mark, 'b'], false, false);
    add(`emoticon lead ${mark}`, `a ${mark} b`, ['a', mark, 'b'], true, true);
  }
  const not = r.negatedPrefix;
  for (const negation of r.negations) {
    add(`negation ${negation}`, `${negation} x , y`, [negation, `${not}x`, ',', 'y'], true, true, NEGATED);
  }
  for (const mark of r.clauseEndMarks)
    add(`clause end ${mark}`, `not x ${mark} y z`, ['not', `${not}x`, mark, 'y', 'z'], true, true, NEGATED);
  for (const end of r.clauseEnds)
    add(`clause end ${end}`, `not x ${end} y z`, ['not', `${not}x`, end, 'y', 'z'], true, true, NEGATED);
  return out;
}

const CASES = cases(RULES);

describe('each rule of the grammar, on the regex path and the ASCII scanner', () => {
  it('has a case for every rule: forms, singles, runs, splits, clitics, abbreviations, marks, negations', () => {
    const rules = new Set(CASES.map((c) => c.rule));
    for (const form of Object.keys(RULES.forms)) expect(rules).toContain(`form ${form}`);
    for (const [word] of RULES.splits) expect(rules).toContain(`split ${word}`);
    for (const clitic of RULES.leadingClitics) expect(rules).toContain(`leading clitic ${clitic}`);
    for (const negation of RULES.negations) expect(rules).toContain(`negation ${negation}`);
    expect(CASES.length).toBeGreaterThan(250);
  });

  it.each(CASES.map((c) => [c.rule, c.text, c] as const))('%s: %j', (_rule, text, c) => {
    const options = c.options ?? {};
    expect(makeTokenizer(options, false)(text)).toEqual(c.tokens);
    expect(makeTokenizer(options, true)(text)).toEqual(c.tokens);
    // The scanner must cut it itself where it can, not hand it to the regex.
    expect(createAsciiScanner()(text, new TokenSpans()) !== undefined).toBe(c.scanner);
    for (const other of [{ lowercase: false }, { negation: true }]) {
      expect(makeTokenizer(other, true)(text)).toEqual(makeTokenizer(other, false)(text));
    }
  });
});

describe('each rule of the grammar, in the WebAssembly featurizer', () => {
  const ascii = CASES.filter((c) => isAscii(c.text));
  let featurizer: Featurizer;
  let wasm: WasmFeaturizer;
  const tokenize = makeTokenizer({ negation: true }, false);
  beforeAll(async () => {
    const lists = ascii.map((c) => tokenize(c.text));
    featurizer = Featurizer.fit(lists, { tokenizer: { negation: true } });
    for (const tokens of lists) featurizer.rows(tokens, [], true);
    featurizer.freeze();
    wasm = WasmFeaturizer.create(await testRuntime(), featurizer)!;
  });

  it.each(ascii.map((c) => [c.rule, c.text, c] as const))('%s: %j', (_rule, text, c) => {
    textRows(featurizer, text, []); // fills the token cache the core reads, as prediction does
    const out: number[] = [];
    expect(wasm.rows(text, out)).toBe(c.wasm);
    const rows = featurizer.rows(tokenize(text), []);
    if (c.wasm) expect(out).toEqual(rows);
    expect(textRows(featurizer, text, [])).toEqual(rows);
  });
});

describe('a grammar with changed rules', () => {
  // Each change makes tokens the default grammar also makes elsewhere, so the featurizer's
  // token cache (filled by the default scanner) can hold them for the core.
  const changed: GrammarRules = {
    ...RULES,
    splits: [...RULES.splits, ['wontcha', 'wont', 'cha']],
    forms: { ...RULES.forms, '-pct-': '%' },
    singles: { ...RULES.singles, '+': '&' },
    runs: [...RULES.runs, { marks: '~', as: '~', lengths: [2, 7] }],
    leadingClitics: RULES.leadingClitics.filter((c) => c !== 'em'),
    wordEmoticons: [...RULES.wordEmoticons, 'xp'],
  };
  const texts: [string, string[]][] = [
    ['i wontcha go', ['i', 'wont', 'cha', 'go']],
    ['a -pct- b', ['a', '%', 'b']],
    ['a + b', ['a', '&', 'b']],
    ['a ~~~ b', ['a', '~', 'b']],
    ["get 'em now", ['get', "'", 'em', 'now']],
    ['so xp-a fun', ['so', 'xp', '-', 'a', 'fun']],
  ];
  const grammar: Grammar = compileGrammar(changed);

  it('changes the tokens of the regex path and the ASCII scanner alike', () => {
    for (const [text, tokens] of texts) {
      expect(makeTokenizer({}, false, grammar)(text)).toEqual(tokens);
      expect(makeTokenizer({}, true, grammar)(text)).toEqual(tokens);
      expect(createAsciiScanner(grammar)(text, new TokenSpans())).toBeDefined();
      expect(makeTokenizer({}, false)(text)).not.toEqual(tokens); // the default grammar cuts it otherwise
    }
  });

  it('changes the rows of the WebAssembly featurizer, which reads the tables the host writes', async () => {
    const tokenize = createTokenizer({ negation: true });
    const changedTokenize = makeTokenizer({ negation: true }, false, grammar);
    const primers = ['wont cha % & ~ xp', "' em a b go now so fun"];
    const lists = [
      ...texts.map(([t]) => tokenize(t)),
      ...texts.map(([t]) => changedTokenize(t)),
      ...primers.map(tokenize),
    ];
    const f = Featurizer.fit(lists, { tokenizer: { negation: true } });
    for (const tokens of lists) f.rows(tokens, [], true);
    f.freeze();
    for (const t of primers) textRows(f, t, []);
    const rt = await testRuntime();
    const byChanged = WasmFeaturizer.create(rt, f, grammar)!;
    const byDefault = WasmFeaturizer.create(rt, f)!;
    for (const [text] of texts) {
      textRows(f, text, []);
      const out: number[] = [];
      expect(byChanged.rows(text, out)).toBe(true);
      expect(out).toEqual(f.rows(changedTokenize(text), []));
      const plain: number[] = [];
      if (byDefault.rows(text, plain)) expect(plain).not.toEqual(out);
    }
  });

  it('is refused where a scanner could not follow it', () => {
    expect(() => compileGrammar({ ...RULES, forms: { lol: ':)' } })).toThrow(/form "lol"/);
    expect(() => compileGrammar({ ...RULES, runs: [{ marks: '!?', as: '!', lengths: [2, 3] }] })).toThrow(/one mark/);
    expect(() => compileGrammar({ ...RULES, splits: [['cannot', 'kan', 'not']] })).toThrow(/begin with/);
    expect(GRAMMAR.tokens.length).toBeGreaterThan(200);
  });

  it('the shipped rules pass every check, and the checked grammar is the one every path uses (built unchecked)', () => {
    expect(compileGrammar(RULES)).toEqual(GRAMMAR);
  });
});

describe('the WebAssembly featurizer holds no grammar of its own', () => {
  const source = readFileSync(new URL('../assembly/featurize.ts', import.meta.url), 'utf8');
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

  it('has no string or byte lists: its only string is the path it imports its contract from', () => {
    expect([...code.matchAll(/'[^'\n]*'|"[^"\n]*"|`[^`]*`/g)].map((m) => m[0])).toEqual(["'./contract'"]);
    expect(code).not.toMatch(/memory\.data|StaticArray|\[\s*0x/);
  });

  it('names no character but those of its character classes (blanks and controls, DEL, A–Z, a–z, 0–9)', () => {
    const codes = new Set(
      [...code.matchAll(/\b0x([0-9a-f]+)\b/gi)].map((m) => parseInt(m[1], 16)).filter((v) => v < 0x80),
    );
    expect([...codes].sort((a, b) => a - b)).toEqual([0x20, 0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a, 0x7f]);
  });
});
