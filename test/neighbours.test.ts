// Word neighbours as the CLI shows them (src/classifier/classifier.ts nearest): centred cosine (the
// mean vector of the words ranked taken out first) and words only; and tokens counted as the
// tokeniser cuts them, so that tokens/s means the same in Chinese as in English.

import { describe, expect, it } from 'vitest';
import { train } from '../src/index.node.js';
import { encodeExamples } from '../src/fit/batches.js';
import { isContentWord } from '../src/text/content-words.js';
import { Featurizer } from '../src/text/features.js';

const DATA = [
  { text: 'great fun ! a lovely film', label: 'pos' },
  { text: 'warm and wonderful !', label: 'pos' },
  { text: '这家酒店的服务很好', label: 'pos' },
  { text: 'a dull mess , awful', label: 'neg' },
  { text: 'boring and far too long ,', label: 'neg' },
  { text: '房间太吵了', label: 'neg' },
];

describe('isContentWord', () => {
  it.each([
    ['love', true],
    ['酒店', true],
    ['42', true],
    ['!', false],
    [',', false],
    [':)', false],
    ['的', false],
    ['了', false],
    ['は', false],
  ])('%j → %s', (token, expected) => expect(isContentWord(token)).toBe(expected));
});

describe('nearest', async () => {
  const model = await train(DATA, { epochs: 20, seed: 1, members: 1 });

  it('centred: the cosine of the vectors less the mean vector of the words ranked', () => {
    const words = model.words().filter(isContentWord);
    const D = model.config.dim;
    const mean = new Float64Array(D);
    for (const w of words) model.wordVector(w)!.forEach((x, d) => (mean[d] += x / words.length));
    const centred = (w: string) => Array.from(model.wordVector(w)!, (x, d) => x - mean[d]);
    const cosine = (a: number[], b: number[]) =>
      a.reduce((s, x, d) => s + x * b[d], 0) / Math.hypot(...a) / Math.hypot(...b);
    const got = model.nearest('great', 1000, { centred: true, wordsOnly: true });
    expect(got.map((n) => n.word).sort()).toEqual(words.filter((w) => w !== 'great').sort());
    for (const n of got) expect(n.similarity).toBeCloseTo(cosine(centred('great'), centred(n.word)), 5);
  });

  it('words only: no punctuation, no particles; without it every token is ranked as before', () => {
    const wordsOnly = model.nearest('great', 1000, { wordsOnly: true }).map((n) => n.word);
    expect(wordsOnly).not.toContain('!');
    expect(wordsOnly).not.toContain('的');
    const all = model.nearest('great', 1000).map((n) => n.word);
    expect(all).toContain('!');
  });
});

describe('tokens per second counts tokens as the tokeniser cuts them', () => {
  it('a Chinese sentence without spaces is its words, not one', () => {
    const lists = [
      ['这家', '酒店', '的', '服务', '很', '好'],
      ['great', 'fun', '!'],
    ];
    const items = [
      { text: '这家酒店的服务很好', label: 'pos' },
      { text: 'great fun!', label: 'pos' },
    ];
    const set = encodeExamples(items, lists, Featurizer.fit(lists), ['pos'], true, 'training');
    expect(Array.from(set.words)).toEqual([6, 3]);
  });
});
