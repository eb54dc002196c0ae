// Featurizer.textRows' fused ASCII path (scan, mark negation, hash and look up in one loop) must
// give exactly the rows of the plain path, rows(tokenize(text)), and predictBatch (which uses it)
// exactly the probabilities of the plain rows; text the scanner does not take must fall back.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FeatureOptions } from '../src/text/feature-options.js';
import { Featurizer } from '../src/text/features.js';
import { fnv1a32 } from '../src/text/hash.js';
import { TokenCache } from '../src/text/token-cache.js';
import { TokenSpans } from '../src/text/token-spans.js';
import { createAsciiScanner } from '../src/text/ascii-scanner.js';
import { createTokenizer, makeTokenizer } from '../src/text/tokenize.js';
import { train } from '../src/train/train.js';
import type { TextClassifier } from '../src/classifier/classifier.js';
import { corpus, sst2Texts } from './corpora.js';
import { testRuntime, WASM_PATH } from './helpers.js';
import { WasmFeaturizer } from '../src/text/wasm-featurizer.js';
import { textRows } from '../src/text/text-rows.js';

const SST2_TRAIN = corpus('sst2');
const SST2_DEV = corpus('sst2:dev');
/** The tests that compare the paths on SST-2's lines skip without it; the others fit on the odd lines alone. */
const NO_SST2 = !SST2_TRAIN || !SST2_DEV;
const trainTexts = sst2Texts(SST2_TRAIN);
const devTexts = sst2Texts(SST2_DEV);
const sst = [...trainTexts, ...devTexts];

/** Lines the scanner must leave to the tokeniser (non-ASCII, URLs, emoticons) and odd ASCII. */
function oddLines(): string[] {
  const pieces = [
    '很好',
    '不好看',
    '酒店服务很差',
    '😀',
    '👍🏽',
    '🇫🇷',
    'café',
    'naïve',
    '“quoted”',
    'don’t',
    '…',
    'ＡＢＣ',
    'İstanbul',
    'ไม่ดี',
    '안 좋아요',
    'http://x.y',
    '#tag',
    '@me',
    ':-)',
    '<3',
    '^_^',
    'NOT',
    'Not',
    'never',
    'no',
    "n't",
    ',',
    '.',
    '--',
    '!?',
    'good',
    'bad',
    'NOT_good',
    'x',
  ];
  let seed = 99;
  const rand = (k: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % k;
  const out: string[] = [];
  for (let i = 0; i < 400; i++) {
    const words: string[] = [];
    for (let j = rand(12); j >= 0; j--) words.push(pieces[rand(pieces.length)]);
    out.push(words.join(rand(3) === 0 ? '' : ' '));
  }
  return out;
}
const odd = oddLines();

function fitted(options: FeatureOptions): Featurizer {
  const o = { ...options, tokenizer: { negation: true, ...options.tokenizer } };
  const tokenize = createTokenizer(o.tokenizer);
  const lists = [...trainTexts, ...odd.slice(0, 200)].map(tokenize);
  const f = Featurizer.fit(lists, o);
  for (const t of lists) f.rows(t, [], true);
  f.freeze();
  return f;
}

function compareRows(f: Featurizer, texts: readonly string[]): void {
  const out: number[] = [];
  for (const text of texts) {
    out.length = 0;
    out.push(-7); // textRows appends
    textRows(f, text, out);
    const plain = f.rows(f.tokenize(text), [-7]);
    if (out.length !== plain.length || out.some((r, i) => r !== plain[i]))
      expect({ text, rows: out }).toEqual({ text, rows: plain });
  }
}

describe('Featurizer.textRows', () => {
  it.skipIf(NO_SST2)('matches rows(tokenize(text)) on SST-2 and odd lines, for the default options and others', () => {
    for (const options of [
      {},
      { tokenizer: { negation: false } },
      { wordNgrams: 1 },
      { wordNgrams: 3 },
      { tokenizer: { lowercase: false } },
      { buckets: 1000 },
      { uniqueFeatures: true },
      { endOfText: true },
      { wordNgrams: 1, endOfText: true },
      { tokenizer: { negation: false }, endOfText: true },
    ] as FeatureOptions[]) {
      compareRows(fitted(options), [...sst, ...odd]);
    }
  });

  it.skipIf(NO_SST2)(
    'still matches after its token cache fills up and starts over (more distinct tokens than it holds)',
    () => {
      const f = fitted({});
      let seed = 5;
      const rand = (k: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % k;
      const letters = 'abcdefghijklmnopqrstuvwxyz';
      const word = () => Array.from({ length: 4 + rand(6) }, () => letters[rand(26)]).join('');
      // ~90,000 mostly new tokens between known words, then SST-2 again: every slot gets reused.
      const texts = Array.from(
        { length: 9000 },
        (_, i) =>
          `${sst[i % sst.length].split(' ').slice(0, 3).join(' ')} ${Array.from({ length: 10 }, word).join(' ')} not good`,
      );
      compareRows(f, [...texts, ...sst.slice(0, 5000)]);
    },
  );

  it('tells apart tokens whose hashes collide (fnv1a32("yaczf") === fnv1a32("glbpp"); also 14 letters long)', () => {
    // Tokens of up to 8 characters are keyed by their characters, longer ones by their hash.
    const [a, b, c, d] = ['yaczf', 'glbpp', 'sentimentloczf', 'sentimentvfbpp'];
    expect(fnv1a32(a)).toBe(fnv1a32(b));
    expect(fnv1a32(c)).toBe(fnv1a32(d));
    const texts = [`${a} was great`, `${b} was awful`, `not ${a}`, `${c} and ${d}`, `${d} , ${b}`, `${c} ${a}`];
    const tokenize = createTokenizer({ negation: true });
    const f = Featurizer.fit(texts.map(tokenize), { tokenizer: { negation: true } });
    for (const t of texts) f.rows(tokenize(t), [], true);
    f.freeze();
    compareRows(f, [
      `${b} ${a} ${b}`,
      `${a} ${b}`,
      `no ${b} , ${a}`,
      `${d} ${c} ${d}`,
      `${c} ${b} ${a} ${d}`,
      `not ${d} ${c}`,
    ]);
    for (const [x, y] of [
      [a, b],
      [c, d],
    ]) {
      const known = new TokenCache();
      const form = (hash: number) => ({ hash, id: -1, left: 0, right: 0 });
      const kx = known.add(x, 0, form(fnv1a32(x)), form(1));
      const ky = known.add(y, 0, form(fnv1a32(y)), form(2));
      expect([
        known.slotOf(x),
        known.slotOf(y),
        known.slotOfSpan(`- ${y}`, 2, 2 + y.length),
        known.slotOfSpan(x, 0, x.length),
      ]).toEqual([kx, ky, ky, kx]);
      expect([known.slotOf(`${x}s`), known.slotOfSpan(`${y}s`, 0, y.length + 1), known.slotOf(x.slice(1))]).toEqual([
        -1, -1, -1,
      ]);
    }
  });

  it.skipIf(NO_SST2)(
    'matches on texts longer than its buffers start (hundreds of tokens, many of them strings)',
    () => {
      const f = fitted({});
      const ascii = sst.filter((t) => !/[^\x00-\x7f]/.test(t)).slice(0, 40);
      const long = ascii.map((t) => `${t} -- not '' so ... didn ' t`).join(' ; ');
      const regexOnly = makeTokenizer({ negation: true }, false);
      for (const text of [long, long.toUpperCase(), `${long} ${long}`]) {
        expect(createAsciiScanner()(text, new TokenSpans())).toBeDefined(); // the fused path takes it
        const tokens = regexOnly(text);
        expect(tokens.length).toBeGreaterThan(300);
        expect(textRows(f, text, [])).toEqual(f.rows(tokens, []));
      }
    },
  );

  it('sees n-gram rows added after its first use (the featurizer not frozen yet)', () => {
    const tokenize = createTokenizer({ negation: true });
    const f = Featurizer.fit(['a fine film', 'not a fine plot'].map(tokenize), { tokenizer: { negation: true } });
    f.rows(tokenize('a fine film'), [], true);
    compareRows(f, ['a fine plot', 'not a fine film']);
    const before = f.rowCount;
    f.rows(tokenize('not a fine plot'), [], true);
    expect(f.rowCount).toBeGreaterThan(before);
    compareRows(f, ['a fine plot', 'not a fine film', 'not a fine plot']);
  });

  it.skipIf(NO_SST2)('takes the fused path for SST-2 and falls back on non-ASCII lines', () => {
    const scan = createAsciiScanner();
    const spans = new TokenSpans();
    const taken = sst.filter((t) => scan(t, spans) !== undefined).length;
    expect(taken / sst.length).toBeGreaterThan(0.99);
    for (const text of odd) if (/[^\x00-\x7f]/.test(text)) expect(scan(text, spans)).toBeUndefined();
  });

  it.skipIf(NO_SST2)(
    "cuts the tokeniser's tokens as spans of the lowercased text, strings only for what the text does not hold",
    () => {
      const scan = createAsciiScanner();
      const tokenize = createTokenizer();
      const spans = new TokenSpans();
      for (const text of [...sst.slice(0, 20000), ...odd]) {
        const scanned = scan(text, spans);
        if (scanned === undefined) continue;
        const tokens: string[] = [];
        spans.appendTo(scanned, tokens);
        if (tokens.join('\u0001') !== tokenize(text).join('\u0001'))
          expect({ text, tokens }).toEqual({ text, tokens: tokenize(text) });
      }
      const text = "He DIDN ' T like -LRB- it -RRB- ... cannot '' go --- on. Mr. Smith 's";
      const scanned = scan(text, spans)!;
      expect(scanned).toBe(text.toLowerCase());
      const literal = Array.from({ length: spans.count }, (_, k) => spans.start[k] < 0);
      const tokens: string[] = [];
      spans.appendTo(scanned, tokens);
      expect(tokens).toEqual([
        'he',
        'did',
        "n't",
        'like',
        '(',
        'it',
        ')',
        '...',
        'can',
        'not',
        '"',
        'go',
        '--',
        'on',
        '.',
        'mr.',
        'smith',
        "'s",
      ]);
      expect(tokens.filter((_, k) => literal[k])).toEqual(["n't", '(', ')', 'not', '"', '--']);
    },
  );
});

describe.skipIf(NO_SST2)('predictBatch with the fused path', () => {
  let model: TextClassifier;
  beforeAll(async () => {
    const examples = readFileSync(SST2_TRAIN!, 'utf8')
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .slice(0, 20000)
      .map((l) => {
        const [label, text] = l.split('\t');
        return { text, label };
      });
    model = await train(examples, { seed: 1, epochs: 1, runtime: { wasm: readFileSync(WASM_PATH) } });
  }, 120_000);

  it('gives the rows and probabilities of the plain path on every SST-2 line', () => {
    const f = model.featurizer;
    compareRows(f, [...sst, ...odd]);
    const texts = [...devTexts, ...trainTexts.slice(0, 3000), ...odd];
    const fused = model.predictBatch(texts);
    const probs = model.probabilities(texts.map((t) => f.rows(f.tokenize(t), [])));
    const C = model.labels.length;
    fused.forEach((p, i) => {
      const plain = model.labels.map((l, c) => probs[i * C + c]);
      expect(model.labels.map((l) => p.probabilities[l])).toEqual(plain);
    });
    for (let i = 0; i < 50; i++) expect(model.predict(texts[i])).toEqual(fused[i]);
  });
});

describe("WasmFeaturizer (prediction's featurizer in WebAssembly)", () => {
  /** Every text it takes gets exactly textRows' rows; returns the share it took. */
  function compareWasm(wasm: WasmFeaturizer, f: Featurizer, texts: readonly string[]): number {
    let taken = 0;
    for (const text of texts) {
      const out = [-7];
      if (!wasm.rows(text, out)) {
        expect(out).toEqual([-7]); // untouched when it leaves a text to textRows
        textRows(f, text, []); // as prediction then does (which fills the token cache)
        continue;
      }
      taken++;
      const plain = textRows(f, text, [-7]);
      if (out.length !== plain.length || out.some((r, i) => r !== plain[i]))
        expect({ text, rows: out }).toEqual({ text, rows: plain });
    }
    return taken / texts.length;
  }

  /** Random text over the characters the scanner treats specially, with words it knows. */
  function trickyLines(count: number, seed: number): string[] {
    const pieces = [
      'a',
      'not',
      'good',
      'film',
      "n't",
      "'s",
      "'",
      "''",
      '``',
      '`',
      '-',
      '--',
      '---',
      '------',
      '-lrb-',
      '-rrb-',
      '.',
      '..',
      '...',
      '.....',
      '......',
      '!',
      '?!',
      '**',
      ':',
      ';',
      ':)',
      ';-)',
      '"',
      ',',
      '$',
      '%',
      '&',
      '(',
      ')',
      '+',
      '/',
      '[',
      ']',
      '{',
      '}',
      '|',
      '~',
      '\\',
      '_',
      '#',
      '@',
      '<',
      '>',
      '=',
      '^',
      'cannot',
      'dont',
      'gonna',
      'didn',
      'mr.',
      'u.s.',
      'xd',
      'xd-a',
      'well-made',
      'and/or',
      'a-',
      'a/1',
      '1/2',
      '2-3',
      "dogs'",
      '3.5',
      '1,000',
      '10',
      "'70s",
      "'til",
      'http://x.y',
      'www.x',
      'Good',
      'NOT',
      'café',
      'x\ty',
      '\u007f',
    ];
    let state = seed;
    const rand = (k: number) => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) % k;
    return Array.from({ length: count }, () =>
      Array.from({ length: 1 + rand(14) }, () => pieces[rand(pieces.length)]).join(rand(4) === 0 ? '' : ' '),
    );
  }

  it.skipIf(NO_SST2)(
    "gives textRows' rows for every text it takes: SST-2, odd lines, random punctuation; takes most of SST-2 dev",
    async () => {
      const f = fitted({});
      const wasm = WasmFeaturizer.create(await testRuntime(), f)!;
      expect(wasm).toBeDefined();
      compareWasm(wasm, f, devTexts); // the first time through, new tokens send texts to textRows, which caches them
      expect(compareWasm(wasm, f, devTexts)).toBeGreaterThan(0.6);
      compareWasm(wasm, f, [...trainTexts, ...odd]);
      const tricky = trickyLines(20000, 7);
      compareWasm(wasm, f, tricky);
      expect(compareWasm(wasm, f, tricky)).toBeGreaterThan(0.05); // some of them it takes
      // Options under which the fused path differs: negation off, words only, repeats dropped.
      for (const options of [
        { tokenizer: { negation: false } },
        { wordNgrams: 1 },
        { uniqueFeatures: true },
      ] as FeatureOptions[]) {
        const g = fitted(options);
        compareWasm(WasmFeaturizer.create(await testRuntime(), g)!, g, [...devTexts, ...trickyLines(3000, 11)]);
      }
    },
  );

  it.skipIf(NO_SST2)(
    'follows the token cache when it starts over, in bounded memory, and tells apart tokens whose hashes collide',
    async () => {
      const f = fitted({});
      const rt = await testRuntime();
      const wasm = WasmFeaturizer.create(rt, f)!;
      let seed = 5;
      const rand = (k: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % k;
      const word = () => Array.from({ length: 3 + rand(9) }, () => 'abcdefghijklmnopqrstuvwxyz'[rand(26)]).join('');
      const texts = () =>
        Array.from(
          { length: 9000 },
          (_, i) => `${devTexts[i % devTexts.length]} ${Array.from({ length: 10 }, word).join(' ')} not good`,
        );
      compareWasm(wasm, f, [...texts(), ...devTexts, ...devTexts]);
      // Its memory stays put however often the cache starts over.
      const allocated = rt.allocated;
      for (let round = 0; round < 2; round++) compareWasm(wasm, f, texts());
      expect(rt.allocated).toBe(allocated);
      const colliding = [
        'yaczf glbpp yaczf',
        'glbpp , yaczf',
        'sentimentloczf sentimentvfbpp',
        'not sentimentvfbpp sentimentloczf',
      ];
      compareWasm(wasm, f, [...colliding, ...colliding]);
      // A token too long to mirror leaves its text to textRows.
      const long = `a ${'z'.repeat(80)} film`;
      textRows(f, long, []);
      expect(wasm.rows(long, [])).toBe(false);
    },
  );

  it('does not apply to featurizers whose fused path does not (unfrozen, other tokeniser options); endOfText does not rule it out', async () => {
    const rt = await testRuntime();
    expect(WasmFeaturizer.create(rt, Featurizer.fit([['a']], {}))).toBeUndefined();
    expect(WasmFeaturizer.create(rt, fitted({ tokenizer: { lowercase: false } }))).toBeUndefined();
    expect(WasmFeaturizer.create(rt, fitted({ wordNgrams: 3 }))).toBeUndefined();
    expect(WasmFeaturizer.create(rt, fitted({ endOfText: true }))).toBeDefined();
  });
});
