// The user's words in what sentiwasm shows. Negation marking reads "not worth the money" as the
// features not NOT_worth NOT_the NOT_money inside the model; explain, nearest, similarity,
// wordVector, export-vectors and `sentiwasm start` speak of "worth" after "not" instead, and
// spell a negated word standing alone as "not:worth".

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bagFront, cli } from './helpers.js';
import { builtinSplit, loadModel, NEGATED_WORD_PREFIX, train, type TextClassifier } from '../src/index.node.js';
import { END_OF_TEXT } from '../src/text/features.js';

/** The model's own mark on a negated token, which no output may show. */
const INTERNAL = /NOT_/;

const { train: trainSet } = builtinSplit();
let model: TextClassifier;
let mlp: TextClassifier;

beforeAll(async () => {
  model = await train(trainSet, { seed: 0 });
  // A small mlp: its explanations take the occlusion path, which lists tokens too.
  mlp = await train(
    trainSet.filter((_, i) => i % 3 === 0),
    { seed: 0, arch: 'mlp', epochs: 2 },
  );
});

afterAll(() => {
  model?.dispose();
  mlp?.dispose();
});

describe('explain gives tokens as the user wrote them, negated ones marked', () => {
  it.each([
    [
      'not worth the money',
      [
        ['not', false],
        ['worth', true],
        ['the', true],
        ['money', true],
      ],
    ],
    [
      "I don't like it, but the staff were kind",
      [
        ['i', false],
        ['do', false],
        ["n't", false],
        ['like', true],
        ['it', true],
        [',', false],
        ['but', false],
        ['the', false],
        ['staff', false],
        ['were', false],
        ['kind', false],
      ],
    ],
    [
      'Never again. Great',
      [
        ['never', false],
        ['again', true],
        ['.', false],
        ['great', false],
      ],
    ],
    [
      '不喜欢',
      [
        ['不', false],
        ['喜欢', true],
      ],
    ],
  ] as const)('%j', (text, expected) => {
    for (const m of [model, mlp]) {
      const e = m.explain(text);
      expect(e.tokens.map((t) => [t.token, t.negated])).toEqual(expected);
      if (e.method === 'exact')
        expect(e.bias + e.tokens.reduce((s, t) => s + t.contribution, 0)).toBeCloseTo(e.score, 9);
    }
  });
});

describe('nearest, similarity, wordVector and words take and give words, not internal features', () => {
  it.each(['love', 'terrible', 'money', 'not:worth'])(
    'nearest(%j) over the whole vocabulary ranks no negated variant',
    (word) => {
      const all = model.nearest(word, 1_000_000);
      expect(all.length).toBeGreaterThan(1000);
      expect(all.filter((n) => INTERNAL.test(n.word) || n.word.startsWith(NEGATED_WORD_PREFIX))).toEqual([]);
    },
  );

  it('wordVector accepts a word as written and "not:word" for its negated variant, never the internal spelling', () => {
    const vocab = model.featurizer.vocabulary;
    const D = model.config.dim;
    const row = (token: string) =>
      Array.from(
        bagFront(model)
          .embedding.values()
          .slice(vocab.id(token) * D, (vocab.id(token) + 1) * D),
      );
    expect(vocab.has('NOT_worth')).toBe(true);
    const cases: [string, number[] | undefined][] = [
      ['worth', row('worth')],
      ['Worth', row('worth')],
      ['not:worth', row('NOT_worth')],
      ['not:Worth', row('NOT_worth')],
      ['NOT_worth', undefined],
      ['not:qwzzyx', undefined],
      ['not:not worth', undefined],
    ];
    for (const [word, expected] of cases) {
      const v = model.wordVector(word);
      expect(v && Array.from(v), word).toEqual(expected);
    }
  });

  it('similarity tells a word from its negated variant and refuses the internal spelling', () => {
    expect(model.similarity('not:worth', 'worth')).toBeLessThan(1 - 1e-6);
    expect(() => model.similarity('NOT_worth', 'worth')).toThrow('the model does not know the word "NOT_worth"');
  });

  it('words() lists words only; with includeNegated also "not:word" for every negated variant, each accepted by wordVector', () => {
    const vocab = model.featurizer.vocabulary;
    const marked = vocab.toArray().filter((t) => t.startsWith('NOT_'));
    expect(marked.length).toBeGreaterThan(50);
    // The end-of-text word (on by default) is in the vocabulary, but is nobody's word.
    expect(vocab.toArray()).toContain(END_OF_TEXT);
    const words = model.words();
    expect(words.filter((w) => INTERNAL.test(w))).toEqual([]);
    expect(words).toHaveLength(vocab.size - marked.length - 1);
    const all = model.words({ includeNegated: true });
    expect(all).toHaveLength(vocab.size - 1);
    expect(all).toContain('not:worth');
    for (const w of all) expect(model.wordVector(w), w).toBeDefined();
  });
});

describe('the command line shows no internal token', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-words-'));
  const modelPath = join(dir, 'builtin.bin');

  beforeAll(async () => {
    const tsv = join(dir, 'builtin.tsv');
    writeFileSync(
      tsv,
      `label\ttext\n${trainSet.map((e) => `${e.label}\t${e.text.replace(/\s+/g, ' ')}`).join('\n')}\n`,
    );
    const { code, stderr } = await cli(['train', tsv, '--out', modelPath, '--seed', '0', '--no-progress']);
    if (code !== 0) throw new Error(stderr);
  }, 60_000);

  it('explain prints a negated word as `worth (after "not")`', async () => {
    const { stdout, code } = await cli(['explain', modelPath, 'not worth the money']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}worth \(after "not"\) +-?\d/m);
    expect(stdout).not.toMatch(INTERNAL);
  });

  it('explain names the negation a word is after, whichever it is', async () => {
    const { stdout } = await cli(['explain', modelPath, "I don't like it, 不喜欢"]);
    expect(stdout).toMatch(/^ {2}like \(after "n't"\)/m);
    expect(stdout).toMatch(/^ {2}喜欢 \(after "不"\)/m);
    expect(stdout).toMatch(/^ {2}i +/m);
  });

  it('explain --json carries the plain token and the negated field', async () => {
    const { stdout } = await cli(['explain', modelPath, 'not worth the money', '--json']);
    const tokens = JSON.parse(stdout).tokens as { token: string; negated: boolean }[];
    expect(tokens.map((t) => [t.token, t.negated])).toEqual([
      ['not', false],
      ['worth', true],
      ['the', true],
      ['money', true],
    ]);
  });

  it('similar ranks words only, and takes a negated word as not:word', async () => {
    const { stdout } = await cli(['similar', modelPath, 'terrible', '-k', '100000', '--json']);
    const words = (JSON.parse(stdout) as { word: string }[]).map((n) => n.word);
    expect(words.length).toBeGreaterThan(1000);
    expect(words.filter((w) => INTERNAL.test(w) || w.startsWith('not:'))).toEqual([]);
    const negated = await cli(['similar', modelPath, 'not:worth', '-k', '3']);
    expect(negated.code).toBe(0);
    expect(negated.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('export-vectors writes words only; --include-negated adds them spelled not:word', async () => {
    const plain = join(dir, 'words.vec');
    const withNegated = join(dir, 'all.vec');
    expect((await cli(['export-vectors', modelPath, plain])).code).toBe(0);
    const both = await cli(['export-vectors', modelPath, withNegated, '--include-negated']);
    expect(both.code).toBe(0);
    const read = (file: string) => {
      const [header, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
      expect(Number(header.split(' ')[0])).toBe(lines.length);
      return new Map(lines.map((l) => [l.slice(0, l.indexOf(' ')), l.split(' ').slice(1).map(Number)]));
    };
    const words = read(plain);
    const all = read(withNegated);
    expect([...words.keys()].filter((w) => INTERNAL.test(w) || w.startsWith('not:'))).toEqual([]);
    expect(words.has('worth')).toBe(true);
    const negated = [...all.keys()].filter((w) => w.startsWith('not:'));
    expect(negated).toContain('not:worth');
    expect(all.size).toBe(words.size + negated.length);
    expect([...all.keys()].filter((w) => INTERNAL.test(w))).toEqual([]);
    expect(both.stdout).toContain(`${negated.length} of them negated words, spelled not:word`);
    // The negated line holds the negated variant's vector, not the word's.
    const saved = await loadModel(modelPath);
    try {
      all.get('not:worth')!.forEach((v, i) => expect(v).toBeCloseTo(saved.wordVector('not:worth')![i], 5));
      expect(all.get('not:worth')).not.toEqual(all.get('worth'));
    } finally {
      saved.dispose();
    }
  });

  it('npm start (sentiwasm start) shows no internal token, and a negated word after its negation', async () => {
    const { stdout, code } = await cli(['start']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/nearest to "love": /);
    expect(stdout).not.toMatch(INTERNAL);
    expect(stdout).toMatch(/ \(after "(not|不)", [+-]\d/);
  });
});
