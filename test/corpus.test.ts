import { describe, expect, it } from 'vitest';
import { builtinCorpus, builtinDevSplit, builtinSplit, defaultCorpus, type CorpusExample } from '../src/data/corpus.js';

/** Lower-case English word tokens, contractions kept whole ("didn't"). */
function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z]+(?:'[a-z]+)?/g) ?? [];
}

function texts(examples: readonly CorpusExample[], label: string): string[] {
  return examples.filter((e) => e.label === label).map((e) => e.text);
}

function countWord(sentences: string[], word: string): number {
  return sentences.reduce((sum, s) => sum + words(s).filter((w) => w === word).length, 0);
}

function countSubstring(sentences: string[], needle: string): number {
  return sentences.reduce((sum, s) => sum + s.split(needle).length - 1, 0);
}

const POSITIVE_WORDS = [
  'love',
  'great',
  'excellent',
  'wonderful',
  'amazing',
  'fantastic',
  'delightful',
  'enjoyed',
  'beautiful',
];
const NEGATIVE_WORDS = ['terrible', 'awful', 'horrible', 'boring', 'waste', 'disappointing', 'worst', 'bad', 'hate'];
const TOPIC_WORDS = ['movie', 'film', 'hotel', 'room', 'food', 'staff', 'service', 'book', 'album', 'trip'];

const ZH_POSITIVE_WORDS = ['很好', '不错', '满意', '推荐', '喜欢', '干净', '方便'];
const ZH_NEGATIVE_WORDS = ['差', '失望', '脏', '糟糕', '不满意', '后悔', '吵'];

const languages = [
  { language: 'english', examples: builtinCorpus.english, min: 280, max: 320 },
  { language: 'chinese', examples: builtinCorpus.chinese, min: 180, max: 220 },
] as const;

describe('built-in corpus shape', () => {
  it.each(languages)('$language has about the intended size', ({ examples, min, max }) => {
    expect(examples.length).toBeGreaterThanOrEqual(min);
    expect(examples.length).toBeLessThanOrEqual(max);
  });

  it.each(languages)('$language is balanced within 10%', ({ examples }) => {
    const positive = texts(examples, 'positive').length;
    const negative = texts(examples, 'negative').length;
    expect(Math.abs(positive - negative) / Math.max(positive, negative)).toBeLessThanOrEqual(0.1);
  });

  it.each(languages)('$language labels are positive or negative and texts are trimmed, non-empty', ({ examples }) => {
    for (const e of examples) {
      expect(['positive', 'negative']).toContain(e.label);
      expect(e.text.length).toBeGreaterThan(0);
      expect(e.text).toBe(e.text.trim());
    }
  });

  it('has no duplicate texts, even ignoring case and punctuation', () => {
    const all = defaultCorpus().map((e) => e.text);
    expect(new Set(all).size).toBe(all.length);
    const normalised = all.map((t) => t.toLowerCase().replace(/[^\p{L}\p{N}]/gu, ''));
    expect(new Set(normalised).size).toBe(all.length);
  });

  it('defaultCorpus is English then Chinese, as fresh copies', () => {
    const corpus = defaultCorpus();
    expect(corpus.length).toBe(builtinCorpus.english.length + builtinCorpus.chinese.length);
    expect(corpus[0]).toEqual(builtinCorpus.english[0]);
    expect(corpus[corpus.length - 1]).toEqual(builtinCorpus.chinese[builtinCorpus.chinese.length - 1]);
    corpus[0].text = 'changed';
    expect(builtinCorpus.english[0].text).not.toBe('changed');
    expect(defaultCorpus()[0].text).not.toBe('changed');
  });
});

describe('English sentiment words', () => {
  const positive = texts(builtinCorpus.english, 'positive');
  const negative = texts(builtinCorpus.english, 'negative');

  it.each(POSITIVE_WORDS)('"%s" occurs at least 8 times in positive sentences and never in negative ones', (word) => {
    expect(countWord(positive, word)).toBeGreaterThanOrEqual(8);
    expect(countWord(negative, word)).toBe(0);
  });

  it.each(NEGATIVE_WORDS)('"%s" occurs at least 8 times in negative sentences and never in positive ones', (word) => {
    expect(countWord(negative, word)).toBeGreaterThanOrEqual(8);
    expect(countWord(positive, word)).toBe(0);
  });

  it.each(TOPIC_WORDS)('topic word "%s" occurs on both sides in similar amounts', (word) => {
    const p = countWord(positive, word);
    const n = countWord(negative, word);
    expect(Math.min(p, n)).toBeGreaterThanOrEqual(2);
    expect(Math.max(p, n) / Math.min(p, n)).toBeLessThanOrEqual(2);
  });

  it.each([
    { feature: 'contractions', pattern: /\b(?:didn't|isn't|wasn't|can't|don't|couldn't)\b/ },
    { feature: 'emoji', pattern: /\p{Extended_Pictographic}/u },
    { feature: 'emoticons', pattern: /(?:^|\s)(?::\)|:\(|:D)(?:\s|$)/ },
    { feature: 'punctuation stuck to words', pattern: /\w[!?.,]/ },
    { feature: 'capitals', pattern: /^[A-Z]/ },
  ])('is typed as people type: $feature occur on both sides', ({ pattern }) => {
    expect(positive.some((t) => pattern.test(t))).toBe(true);
    expect(negative.some((t) => pattern.test(t))).toBe(true);
  });

  it.each(["I didn't like it at all, the jokes just weren't funny.", 'Not worth the ticket price, save your money.'])(
    'clear negations are labelled negative: %s',
    (text) => {
      expect(builtinCorpus.english.find((e) => e.text === text)?.label).toBe('negative');
    },
  );
});

describe('Chinese sentiment words', () => {
  const positive = texts(builtinCorpus.chinese, 'positive');
  const negative = texts(builtinCorpus.chinese, 'negative');

  it.each(ZH_POSITIVE_WORDS)('"%s" recurs in positive sentences', (word) => {
    expect(countSubstring(positive, word)).toBeGreaterThanOrEqual(6);
  });

  it.each(ZH_NEGATIVE_WORDS)('"%s" recurs in negative sentences and never occurs in positive ones', (word) => {
    expect(countSubstring(negative, word)).toBeGreaterThanOrEqual(6);
    expect(countSubstring(positive, word)).toBe(0);
  });

  it.each(ZH_POSITIVE_WORDS)('"%s" occurs in negative sentences only negated by 不', (word) => {
    for (const sentence of negative) {
      let at = sentence.indexOf(word);
      while (at >= 0) {
        expect(sentence[at - 1], sentence).toBe('不');
        at = sentence.indexOf(word, at + 1);
      }
    }
  });
});

describe('built-in dev split', () => {
  const { train, dev } = builtinSplit();

  it('is deterministic', () => {
    expect(builtinSplit()).toEqual({ train, dev });
    expect(builtinDevSplit()).toEqual(dev);
  });

  it('is disjoint from the training part and together they are the whole corpus', () => {
    const trainTexts = new Set(train.map((e) => e.text));
    for (const e of dev) expect(trainTexts.has(e.text)).toBe(false);
    const union = [...train, ...dev].map((e) => e.text).sort();
    expect(union).toEqual(
      defaultCorpus()
        .map((e) => e.text)
        .sort(),
    );
  });

  it('holds out every fifth example, about 20%', () => {
    expect(dev.length / (dev.length + train.length)).toBeCloseTo(0.2, 1);
  });

  it.each(languages)('holds out a balanced part of $language', ({ examples }) => {
    const inLanguage = new Set(examples.map((e) => e.text));
    const devHere = dev.filter((e) => inLanguage.has(e.text));
    const positive = devHere.filter((e) => e.label === 'positive').length;
    const negative = devHere.length - positive;
    expect(positive).toBeGreaterThan(0);
    expect(Math.abs(positive - negative)).toBeLessThanOrEqual(2);
  });

  it('returns fresh objects', () => {
    builtinDevSplit()[0].label = 'negative';
    builtinDevSplit()[0].text = 'changed';
    expect(builtinDevSplit()[0]).toEqual(dev[0]);
  });
});
