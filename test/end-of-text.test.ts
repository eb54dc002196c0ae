// endOfText: one reserved word after the last token of every text, as fastText appends </s> to
// every line. Every featurizer path (plain, textRows' fused path, the WebAssembly featurizer, the
// ONNX export's settings) must give the same rows with it on and off, on every SST-2 text too; the
// option never sends prediction off the WebAssembly featurizer; a model file keeps it; and the
// word is never shown as one of the user's (explain, nearest, words).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { builtinSplit, loadModel, train, type TextClassifier } from '../src/index.node.js';
import { decodeModelFile, encodeModelFile } from '../src/format/model-file.js';
import { featurizerFromSettings, featurizerSettings } from '../src/export/featurizer-settings.js';
import type { FeatureOptions } from '../src/text/feature-options.js';
import { END_OF_TEXT, Featurizer } from '../src/text/features.js';
import { createTokenizer } from '../src/text/tokenize.js';
import { WasmFeaturizer } from '../src/text/wasm-featurizer.js';
import { trainOptionsFromFlags } from '../src/cli/train.js';
import { corpus, sst2Texts } from './corpora.js';
import { DATA_SOUP } from './fuzz-cases.js';
import { cli, testRuntime } from './helpers.js';
import { fusedOf, textRows } from '../src/text/text-rows.js';

const { train: trainSet } = builtinSplit();

const SST2_TRAIN = corpus('sst2');
const SST2_DEV = corpus('sst2:dev');
/** The tests on SST-2's lines skip without it. */
const NO_SST2 = !SST2_TRAIN || !SST2_DEV;
const trainTexts = sst2Texts(SST2_TRAIN);
const devTexts = sst2Texts(SST2_DEV);

/** Texts for every path: ASCII, negation, CJK, mixed, and ones with no tokens at all. */
const TEXTS = [
  'a good film',
  'Not good at all',
  "I don't like it , never again",
  'good',
  '',
  '   ',
  '很好',
  '不好看，酒店服务很差',
  'café naïve 😀 :-)',
  'the room was dirty and the bathroom was dirty',
  'http://example.com is not bad',
];

/** The options the table runs over, each with endOfText off and on. */
const OPTION_SETS: FeatureOptions[] = [
  {},
  { wordNgrams: 1 },
  { wordNgrams: 3 },
  { uniqueFeatures: true },
  { subwords: [3, 5] },
  { buckets: 97 },
  { tokenizer: { negation: true } },
  { tokenizer: { negation: true, cjk: 'char' } },
  { tokenizer: { lowercase: false } },
];

/** A frozen featurizer fitted on the table's texts (every n-gram of them has a row). */
function fitted(options: FeatureOptions): Featurizer {
  const tokenize = createTokenizer(options.tokenizer ?? {});
  const lists = [...TEXTS, ...trainSet.slice(0, 200).map((e) => e.text)].map(tokenize);
  const f = Featurizer.fit(lists, options);
  for (const tokens of lists) f.rows(tokens, [], true);
  f.freeze();
  return f;
}

describe('endOfText: every featurizer path gives the same rows', () => {
  const cases = OPTION_SETS.flatMap((o) => [false, true].map((endOfText) => ({ ...o, endOfText })));

  it.each(cases)('textRows, rows(tokenize) and the ONNX settings agree for %j', (options) => {
    const f = fitted(options);
    const exported = featurizerFromSettings(JSON.parse(JSON.stringify(featurizerSettings(source(f))))).featurizer;
    expect(exported.options.endOfText).toBe(options.endOfText ? true : undefined);
    for (const text of [...TEXTS, ...DATA_SOUP]) {
      const plain = f.rows(f.tokenize(text));
      expect(textRows(f, text), text).toEqual(plain);
      expect(textRows(exported, text), text).toEqual(plain);
      expect(exported.rows(exported.tokenize(text)), text).toEqual(plain);
    }
  });

  it.each(cases)(
    'the WebAssembly featurizer applies as it does without the option, and agrees or leaves the text to textRows, for %j',
    async (options) => {
      const rt = await testRuntime();
      const f = fitted(options);
      const wasm = WasmFeaturizer.create(rt, f);
      // The end-of-text word never rules it out: it applies exactly where it does with the option off.
      expect(wasm === undefined).toBe(
        WasmFeaturizer.create(rt, fitted({ ...options, endOfText: false })) === undefined,
      );
      if (!wasm) return;
      compareWasm(wasm, f, [...TEXTS, ...DATA_SOUP]); // the first time, new tokens leave texts to textRows, which caches them
      expect(compareWasm(wasm, f, [...TEXTS, ...DATA_SOUP])).toBeGreaterThan(0);
    },
  );

  it("is fastText's appended word: the rows of tokens + END_OF_TEXT without the option (no subwords)", () => {
    for (const options of OPTION_SETS.filter((o) => !o.subwords)) {
      const on = fitted({ ...options, endOfText: true });
      const { endOfText: _on, ...offOptions } = on.options;
      const off = Featurizer.restore(offOptions, on.vocabulary, on.rowBuckets);
      for (const text of TEXTS) {
        const tokens = on.tokenize(text);
        expect(on.rows(tokens), text).toEqual(off.rows([...tokens, END_OF_TEXT]));
      }
    }
  });

  it('adds a word feature and, with bigrams, the last word’s bigram; an empty text gets the word alone', () => {
    const on = fitted({ endOfText: true });
    const off = fitted({ endOfText: false });
    const eot = on.vocabulary.id(END_OF_TEXT);
    expect(eot).toBeGreaterThanOrEqual(0);
    expect(off.vocabulary.id(END_OF_TEXT)).toBe(-1);
    expect(textRows(on, '')).toEqual([eot]);
    expect(textRows(off, '')).toEqual([]);
    expect(textRows(on, 'a good film')).toHaveLength(textRows(off, 'a good film').length + 2);
    expect(on.spans(['good']).map((s) => [s.start, s.end, s.kind])).toEqual([
      [0, 1, 'word'],
      [1, 2, 'word'],
      [0, 2, 'ngram'],
    ]);
  });

  it('is a word no tokeniser ever cuts from a text', () => {
    expect(/\s/.test(END_OF_TEXT)).toBe(true);
    for (const options of [{}, { mode: 'char' as const }, { cjk: 'char' as const }, { lowercase: false }]) {
      const tokenize = createTokenizer(options);
      for (const text of [...TEXTS, ...DATA_SOUP, END_OF_TEXT, `x ${END_OF_TEXT} y`, '</s>'])
        for (const token of tokenize(text)) expect(token, JSON.stringify(text)).not.toBe(END_OF_TEXT);
    }
  });

  it('is off by default (absent from the options, as before it existed), and refuses an option that is not true or false', () => {
    expect('endOfText' in Featurizer.fit([['good']], {}).options).toBe(false);
    expect('endOfText' in Featurizer.fit([['good']], { endOfText: false }).options).toBe(false);
    expect(() => Featurizer.fit([['good']], { endOfText: 1 as unknown as boolean })).toThrow(
      'endOfText must be true or false, got 1',
    );
  });
});

describe.skipIf(NO_SST2)('endOfText on SST-2: the WebAssembly featurizer gives the plain rows', () => {
  /** A frozen featurizer fitted on SST-2 train, negation marked (as train() does) unless the options say otherwise. */
  function fittedOnSst2(options: FeatureOptions): Featurizer {
    const o = { ...options, tokenizer: { negation: true, ...options.tokenizer }, endOfText: true };
    const tokenize = createTokenizer(o.tokenizer);
    const lists = trainTexts.map(tokenize);
    const f = Featurizer.fit(lists, o);
    for (const tokens of lists) f.rows(tokens, [], true);
    f.freeze();
    return f;
  }

  it('on every SST-2 dev and train text, and takes most of dev', async () => {
    const f = fittedOnSst2({});
    const wasm = WasmFeaturizer.create(await testRuntime(), f)!;
    expect(wasm).toBeDefined();
    compareWasm(wasm, f, devTexts);
    expect(compareWasm(wasm, f, devTexts)).toBeGreaterThan(0.6);
    compareWasm(wasm, f, trainTexts);
    expect(compareWasm(wasm, f, trainTexts)).toBeGreaterThan(0.6);
  }, 60_000);

  it.each([
    { uniqueFeatures: true },
    { wordNgrams: 1 },
    { tokenizer: { negation: false } },
    { buckets: 97 },
  ] as FeatureOptions[])(
    'on SST-2 dev and the first 5,000 train texts with %j',
    async (options) => {
      const f = fittedOnSst2(options);
      const wasm = WasmFeaturizer.create(await testRuntime(), f)!;
      expect(wasm).toBeDefined();
      const texts = [...devTexts, ...trainTexts.slice(0, 5000)];
      compareWasm(wasm, f, texts);
      expect(compareWasm(wasm, f, texts)).toBeGreaterThan(0.6);
    },
    60_000,
  );

  /** Awkward texts, and whether the core takes each (once textRows has cached its tokens). */
  const AWKWARD: [string, boolean][] = [
    ['', true],
    ['   ', true],
    ['good', true],
    ['zzyzx', true], // one word outside the vocabulary
    ['!', true],
    ['... , ; !', true],
    ['not', true],
    ['i did not like it', true], // ends in a negation scope
    ['it is not good , not at all', true],
    ['good good good', true], // repeats
    ['http://example.com is not bad', false],
    ['Café is not good', false],
    ['mr. smith is not good', false],
    [`a ${'z'.repeat(80)} film`, false], // a token too long to mirror
  ];

  it.each([{}, { uniqueFeatures: true }] as FeatureOptions[])(
    'on awkward texts with %j: empty, one word, punctuation only, a negation scope at the end, and texts it hands back',
    async (options) => {
      const f = fittedOnSst2(options);
      const wasm = WasmFeaturizer.create(await testRuntime(), f)!;
      const eot = f.vocabulary.id(END_OF_TEXT);
      expect(eot).toBeGreaterThanOrEqual(0);
      for (const [text, taken] of AWKWARD) {
        const plain = f.rows(f.tokenize(text), [-7]);
        expect(textRows(f, text, [-7]), text).toEqual(plain); // as prediction does first, which caches the tokens
        const out = [-7];
        expect(wasm.rows(text, out), text).toBe(taken);
        expect(out, text).toEqual(taken ? plain : [-7]);
      }
      // Nothing but the end-of-text word's row for a text with no tokens.
      const out: number[] = [];
      expect(wasm.rows(' ', out)).toBe(true);
      expect(out).toEqual([eot]);
    },
    60_000,
  );
});

describe('a model trained with endOfText', () => {
  let bag: TextClassifier;
  let mlp: TextClassifier;

  beforeAll(async () => {
    bag = await train(trainSet, { seed: 5, endOfText: true });
    mlp = await train(trainSet, { seed: 6, arch: 'mlp', optimizer: 'adam', lr: 0.01, epochs: 4, endOfText: true });
  });

  it('has the word in its vocabulary and predicts from the rows of the plain path', () => {
    expect(bag.featurizer.options.endOfText).toBe(true);
    expect(bag.featurizer.vocabulary.id(END_OF_TEXT)).toBeGreaterThanOrEqual(0);
    const [viaBatch] = bag.predictBatch(['not good at all']);
    expect(viaBatch).toEqual(bag.predict('not good at all'));
  });

  it('featurizes in WebAssembly: predictBatch leaves to textRows only the texts the core does not take', () => {
    expect(bag.runtime.plan().map((b) => b.name)).toContain('featurizer.endOfText');
    const texts = [
      'a good film',
      'Not good at all',
      'good',
      '',
      '   ',
      'the room was dirty and the bathroom was dirty',
      '很好',
    ];
    bag.predictBatch(texts); // the first time, new tokens leave texts to textRows, which caches them
    const textRows = vi.spyOn(fusedOf(bag.featurizer), 'rows');
    try {
      const got = bag.predictBatch(texts);
      expect(textRows.mock.calls.map(([text]) => text)).toEqual(['很好']);
      const f = bag.featurizer;
      const probs = bag.probabilities(texts.map((t) => f.rows(f.tokenize(t))));
      const C = bag.labels.length;
      got.forEach((p, i) =>
        expect(bag.labels.map((l) => p.probabilities[l])).toEqual([...probs.slice(i * C, i * C + C)]),
      );
    } finally {
      textRows.mockRestore();
    }
  });

  it('keeps the option through its model file, with the same predictions', async () => {
    const loaded = await loadModel(bag.toBytes());
    expect(loaded.featurizer.options.endOfText).toBe(true);
    for (const text of TEXTS) expect(loaded.predict(text)).toEqual(bag.predict(text));
    loaded.dispose();
  });

  it("never shows the word in explain: the bag's bias takes its share, and the parts still add up", () => {
    for (const model of [bag, mlp]) {
      for (const text of TEXTS) {
        const e = model.explain(text);
        const tokens = model.featurizer.tokenize(text);
        expect(e.tokens.map((t) => t.token)).toHaveLength(tokens.length);
        expect(e.tokens.some((t) => t.token === END_OF_TEXT)).toBe(false);
        if (e.method === 'exact') {
          const sum = e.tokens.reduce((s, t) => s + t.contribution, e.bias);
          expect(Math.abs(sum - e.score), text).toBeLessThan(1e-6 * (1 + Math.abs(e.score)));
        }
      }
    }
  });

  it('never shows the word in nearest, words, wordVector or similarity', () => {
    expect(bag.words()).not.toContain(END_OF_TEXT);
    expect(bag.words({ includeNegated: true })).not.toContain(END_OF_TEXT);
    for (const word of ['good', 'bad', 'film']) {
      expect(bag.nearest(word, 1000).map((n) => n.word)).not.toContain(END_OF_TEXT);
      expect(bag.nearest(word, 1000, { centred: true }).map((n) => n.word)).not.toContain(END_OF_TEXT);
    }
    expect(bag.wordVector(END_OF_TEXT)).toBeUndefined();
    expect(() => bag.similarity('good', END_OF_TEXT)).toThrow(RangeError);
  });
});

describe('model files from before the option', () => {
  it('a model trained without it saves no endOfText, and a config saying false loads without the word, predicting as before', async () => {
    const model = await train(trainSet, { seed: 7, epochs: 2, endOfText: false });
    const { config, sections } = decodeModelFile(model.toBytes(), 'model');
    const features = { ...(config.features as Record<string, unknown>) };
    expect('endOfText' in features).toBe(false);
    // Its WebAssembly featurizer is laid out as before the option: no end-of-text word.
    const blocks = model.runtime.plan().map((b) => b.name);
    expect(blocks).toContain('featurizer.config');
    expect(blocks).not.toContain('featurizer.endOfText');
    features.endOfText = false;
    const old = await loadModel(encodeModelFile({ config: { ...config, features }, sections }));
    expect(old.featurizer.options.endOfText).toBeUndefined();
    for (const text of TEXTS) expect(old.predict(text)).toEqual(model.predict(text));
    old.dispose();
    model.dispose();
  });

  it.each(['bag', 'mlp'])('the 0.1.0 %s fixture loads with endOfText off', async (name) => {
    const file = new URL(`./fixtures/v0.1.0-${name}.bin`, import.meta.url);
    const model = await loadModel(readFileSync(file));
    expect(model.featurizer.options.endOfText).toBeUndefined();
    model.dispose();
  });
});

describe('--end-of-text and --no-end-of-text', () => {
  type Flags = Parameters<typeof trainOptionsFromFlags>[0];
  it('turn the option on or off for train and cv; without either the model chooses', () => {
    expect(trainOptionsFromFlags({ endOfText: false } as Flags).endOfText).toBe(false);
    expect(trainOptionsFromFlags({ endOfText: true } as Flags).endOfText).toBe(true);
    expect(trainOptionsFromFlags({} as Flags).endOfText).toBeUndefined();
  });

  it('reach the model as given on the command line; given neither way the arch chooses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-eot-'));
    const data = join(dir, 'train.tsv');
    const rows = trainSet.map((e) => `${e.text.replace(/[\t\n]/g, ' ')}\t${e.label}\n`);
    writeFileSync(data, `text\tlabel\n${rows.join('')}`);
    const endOfTextOf = async (flags: string[]) => {
      const out = join(dir, `${flags.join('') || 'none'}.bin`);
      const { code, stderr } = await cli(['train', data, '--out', out, '--epochs', '1', '--no-progress', ...flags]);
      expect(code, stderr).toBe(0);
      const model = await loadModel(readFileSync(out));
      const { endOfText } = model.featurizer.options;
      model.dispose();
      return endOfText;
    };
    expect(await endOfTextOf([])).toBe(true);
    expect(await endOfTextOf(['--no-end-of-text'])).toBeUndefined();
    expect(await endOfTextOf(['--arch', 'attention', '--dim', '16', '--heads', '2'])).toBeUndefined();
    expect(await endOfTextOf(['--arch', 'attention', '--dim', '16', '--heads', '2', '--end-of-text'])).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('leaves negation marking to the model unless --no-negation is given', () => {
    expect(trainOptionsFromFlags({ negation: true } as Flags).tokenizer?.negation).toBeUndefined();
    expect(trainOptionsFromFlags({ negation: false } as Flags).tokenizer?.negation).toBe(false);
  });
});

describe('the default', () => {
  it('is on for the bag and the mlp, off for the attention model, whose words are read in order', async () => {
    const small = trainSet.slice(0, 200);
    const bagModel = await train(small, { seed: 1, epochs: 1 });
    const mlpModel = await train(small, { seed: 1, epochs: 1, arch: 'mlp' });
    const attention = await train(small, { seed: 1, epochs: 1, arch: 'attention', dim: 16, heads: 2 });
    expect(bagModel.featurizer.options.endOfText).toBe(true);
    expect(mlpModel.featurizer.options.endOfText).toBe(true);
    expect(attention.featurizer.options.endOfText).toBeUndefined();
    for (const m of [bagModel, mlpModel, attention]) m.dispose();
  });
});

/**
 * Feeds texts to the WebAssembly featurizer as prediction does (a text it leaves goes to textRows,
 * which caches its tokens); every text it takes must get exactly the plain path's rows. Returns
 * the share it took.
 */
function compareWasm(wasm: WasmFeaturizer, f: Featurizer, texts: readonly string[]): number {
  let taken = 0;
  for (const text of texts) {
    const out = [-7];
    if (!wasm.rows(text, out)) {
      expect(out).toEqual([-7]); // untouched when it leaves a text to textRows
      textRows(f, text, []);
      continue;
    }
    taken++;
    const plain = f.rows(f.tokenize(text), [-7]);
    if (out.length !== plain.length || out.some((r, i) => r !== plain[i]))
      expect({ text, rows: out }).toEqual({ text, rows: plain });
  }
  return taken / texts.length;
}

function source(featurizer: Featurizer): Parameters<typeof featurizerSettings>[0] {
  return { featurizer, labels: ['negative', 'positive'], config: { arch: 'bag', temperature: 1 }, model: {} };
}
