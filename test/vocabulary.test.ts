import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tokenize, Vocabulary, VocabularyBuilder } from '../src/text/index.js';
import { corpus } from './corpora.js';

const SST2_TRAIN = corpus('sst2');

const texts = [['the', 'film', 'is', 'good'], ['the', 'film', 'is', 'bad'], ['good', 'good', 'fun'], ['zebra']];

describe('VocabularyBuilder.build', () => {
  it.each([
    ['ids by descending count, ties by first occurrence', {}, ['good', 'the', 'film', 'is', 'bad', 'fun', 'zebra']],
    ['minCount drops rare tokens', { minCount: 2 }, ['good', 'the', 'film', 'is']],
    ['maxSize keeps the most frequent', { maxSize: 3 }, ['good', 'the', 'film']],
    ['maxSize breaks ties by first occurrence', { maxSize: 5 }, ['good', 'the', 'film', 'is', 'bad']],
    ['minCount and maxSize together', { minCount: 2, maxSize: 2 }, ['good', 'the']],
    ['minCount above every count gives an empty vocabulary', { minCount: 10 }, []],
  ])('%s', (_name, options, expected) => {
    const v = Vocabulary.fromTokens(texts, options);
    expect(v.toArray()).toEqual(expected);
    expect(v.size).toBe(expected.length);
  });

  it('counts incrementally, text by text', () => {
    const b = new VocabularyBuilder();
    for (const t of texts) b.add(t);
    expect(b.distinct).toBe(7);
    const v = b.build();
    expect(v.count(v.id('good'))).toBe(3);
    expect(v.count(v.id('zebra'))).toBe(1);
  });

  it('is deterministic for the same stream', () => {
    expect(Vocabulary.fromTokens(texts).toArray()).toEqual(Vocabulary.fromTokens(texts).toArray());
  });

  it.each([[{ minCount: 0 }], [{ maxSize: -1 }]])('refuses %j', (options) => {
    expect(() => new VocabularyBuilder().add(['a']).build(options)).toThrow(RangeError);
  });
});

describe('Vocabulary lookups', () => {
  const v = new Vocabulary(['good', 'bad'], [10, 7]);

  it.each([
    ['id of a known token', () => v.id('good'), 0],
    ['id of an unknown token is -1', () => v.id('meh'), -1],
    ['token of an id', () => v.token(1), 'bad'],
    ['count of an id', () => v.count(0), 10],
    ['has', () => v.has('bad'), true],
  ])('%s', (_name, f, expected) => {
    expect(f()).toEqual(expected);
  });

  it('encodes tokens to ids with -1 for unknown ones', () => {
    expect(Array.from(v.encode(['bad', 'meh', 'good']))).toEqual([1, -1, 0]);
  });

  it.each([[-1], [2], [0.5]])('token(%d) and count() of the same id are range errors', (id) => {
    expect(() => v.token(id)).toThrow(RangeError);
    expect(() => v.count(id)).toThrow(RangeError);
  });

  it('refuses duplicate tokens', () => {
    expect(() => new Vocabulary(['a', 'b', 'a'])).toThrow(/duplicate/);
  });
});

describe('Vocabulary serialisation', () => {
  it.each([
    ['ordinary tokens', ['good', 'bad', "n't", '...'], [5, 4, 3, 2]],
    [
      'any characters, newlines and empty strings included',
      ['a\nb', '', '酒店', '😍👍🏽', 'tab\there', 'NOT_好'],
      [1, 2, 3, 4, 5, 6],
    ],
    ['an empty vocabulary', [], []],
    ['large counts', ['x'], [0xffffffff]],
  ])('round-trips exactly: %s', (_name, tokens, counts) => {
    const v = new Vocabulary(tokens, counts);
    const back = Vocabulary.deserialize(v.serialize());
    expect(back.toArray()).toEqual(tokens);
    expect(tokens.map((_, i) => back.count(i))).toEqual(counts);
    expect(tokens.map((t) => back.id(t))).toEqual(tokens.map((_, i) => i));
  });

  it('round-trips through JSON', () => {
    const v = new Vocabulary(['good', 'bad'], [10, 7]);
    const back = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v)));
    expect(back.toJSON()).toEqual(v.toJSON());
  });

  it('reads bytes at an offset inside a larger buffer', () => {
    const bytes = new Vocabulary(['a', 'b'], [2, 1]).serialize();
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    expect(Vocabulary.deserialize(big.subarray(3)).toArray()).toEqual(['a', 'b']);
  });

  it.each([
    ['too short', (b: Uint8Array) => b.subarray(0, 8), /only 8 bytes/],
    ['wrong magic', (b: Uint8Array) => Object.assign(b.slice(), { 0: 0 }), /magic/],
    ['another version', (b: Uint8Array) => Object.assign(b.slice(), { 4: 9 }), /version 9/],
    ['truncated', (b: Uint8Array) => b.subarray(0, b.length - 1), /header promises/],
  ])('refuses damaged bytes: %s', (_name, damage, message) => {
    const bytes = new Vocabulary(['good', 'bad'], [10, 7]).serialize();
    expect(() => Vocabulary.deserialize(damage(bytes))).toThrow(message);
  });

  it('refuses to serialise a lone surrogate, which UTF-8 cannot hold', () => {
    expect(() => new Vocabulary(['a\ud800']).serialize()).toThrow(/surrogate/);
  });

  it.skipIf(!SST2_TRAIN)('builds, serialises and reads back the SST-2 vocabulary', () => {
    const lines = readFileSync(SST2_TRAIN!, 'utf8').split('\n').slice(1);
    const b = new VocabularyBuilder();
    for (const line of lines) if (line) b.add(tokenize(line.slice(line.indexOf('\t') + 1)));
    const v = b.build({ minCount: 1 });
    expect(v.size).toBeGreaterThan(10_000);
    const back = Vocabulary.deserialize(v.serialize());
    expect(back.toArray()).toEqual(v.toArray());
    expect(back.token(0)).toBe(v.token(0));
    expect(v.token(0)).toBe('the');
  });
});
