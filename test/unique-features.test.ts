// uniqueFeatures: each feature counts once per text (a binary bag). Featurizing, training,
// prediction, explanations and model files must all agree on it, and models saved before the
// option existed must go on counting repeats.

import { beforeAll, describe, expect, it } from 'vitest';
import { builtinSplit, loadModel, train, type TextClassifier } from '../src/index.node.js';
import { decodeModelFile, encodeModelFile } from '../src/format/model-file.js';
import { Featurizer } from '../src/text/features.js';
import { dropRepeatedRows } from '../src/text/unique-rows.js';
import { createTokenizer } from '../src/text/tokenize.js';
import { textRows } from '../src/text/text-rows.js';

const { train: trainSet } = builtinSplit();

/** Texts with repeated words, bigrams and Chinese characters, and one without any. */
const REPEATING = [
  'good good good, but the room was dirty and the bathroom was dirty',
  'not good , not good at all',
  '很好很好很好，但是房间很脏很脏',
  'Great film. Great cast. Great music!',
];
const ONCE = 'a quiet evening';

/** The same featurizer with repeats counted: what uniqueFeatures must thin out. */
function countingRepeats(f: Featurizer): Featurizer {
  return Featurizer.restore({ ...f.options, uniqueFeatures: false }, f.vocabulary, f.rowBuckets);
}

function firstOccurrences(rows: readonly number[]): number[] {
  return [...new Set(rows)];
}

describe('dropRepeatedRows', () => {
  it('keeps the first occurrence of each row after `from`, in order, and leaves what is before it', () => {
    const out = [5, 5, 7, 3, 7, 9, 3, 5];
    dropRepeatedRows(out, 2);
    expect(out).toEqual([5, 5, 7, 3, 9, 5]);
  });

  it('gives the same on long lists (where it uses a set) as on short ones', () => {
    let state = 3;
    const rand = (k: number) => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) % k;
    for (const length of [0, 1, 2, 63, 64, 65, 500]) {
      const rows = Array.from({ length }, () => rand(40));
      const out = [-1, ...rows];
      dropRepeatedRows(out, 1);
      expect(out).toEqual([-1, ...firstOccurrences(rows)]);
    }
  });
});

describe('a model trained with uniqueFeatures', () => {
  let bag: TextClassifier;
  let mlp: TextClassifier;

  beforeAll(async () => {
    bag = await train(trainSet, { seed: 5, uniqueFeatures: true });
    mlp = await train(trainSet, { seed: 6, arch: 'mlp', optimizer: 'adam', lr: 0.01, epochs: 8, uniqueFeatures: true });
  });

  it('featurizes each text to its distinct rows, first occurrences in order, on every path', () => {
    const f = bag.featurizer;
    expect(f.options.uniqueFeatures).toBe(true);
    const counting = countingRepeats(f);
    let thinned = 0;
    for (const text of [...REPEATING, ONCE, ...trainSet.map((e) => e.text)]) {
      const all = counting.rows(counting.tokenize(text));
      const distinct = firstOccurrences(all);
      if (distinct.length < all.length) thinned++;
      expect(f.rows(f.tokenize(text))).toEqual(distinct);
      expect(textRows(f, text, [-3])).toEqual([-3, ...distinct]);
    }
    expect(thinned).toBeGreaterThanOrEqual(REPEATING.length); // the texts above really repeat features
  });

  it('predicts from the mean of the distinct rows, not of every occurrence', () => {
    const counting = countingRepeats(bag.featurizer);
    for (const text of REPEATING) {
      const all = counting.rows(counting.tokenize(text));
      const distinct = bag.probabilities([firstOccurrences(all)]);
      const [d0, d1] = bag.logits([firstOccurrences(all)]);
      const [r0, r1] = bag.logits([all]);
      // Predicted twice: the second time through the WebAssembly featurizer where it applies.
      for (let pass = 0; pass < 2; pass++) {
        const p = bag.predict(text).probabilities;
        bag.labels.forEach((label, c) => expect(p[label]).toBeCloseTo(distinct[c], 6));
      }
      expect(Math.abs(r1 - r0 - (d1 - d0))).toBeGreaterThan(1e-3); // so counting repeats would be caught
    }
  });

  it('explains exactly: bias + Σ contributions = the logit margin, a repeated feature shared by its occurrences', () => {
    for (const text of [...REPEATING, ONCE]) {
      const e = bag.explain(text);
      const p = bag.predict(text).probabilities;
      const margin = bag.config.temperature * Math.log(p[bag.labels[1]] / p[bag.labels[0]]);
      const total = e.tokens.reduce((s, t) => s + t.contribution, e.bias);
      expect(Math.abs(total - e.score)).toBeLessThan(1e-9 * (1 + Math.abs(e.score)));
      expect(Math.abs(e.score - margin)).toBeLessThan(1e-4 * (1 + Math.abs(e.score)));
    }
    // "good" three times is one word feature shared by its occurrences: the outer two get the same.
    const [g0, , g2] = bag.explain('good good good').tokens.map((t) => t.contribution);
    expect(g0).toBeCloseTo(g2, 12);
  });

  it("the mlp model's occlusion explanation scores the same distinct rows as its prediction", () => {
    for (const text of REPEATING) {
      const e = mlp.explain(text);
      const p = mlp.predict(text).probabilities;
      expect(Math.abs(e.score - mlp.config.temperature * Math.log(p[mlp.labels[1]] / p[mlp.labels[0]]))).toBeLessThan(
        1e-4 * (1 + Math.abs(e.score)),
      );
    }
  });

  it('keeps the option through its model file, with the same predictions', async () => {
    const loaded = await loadModel(bag.toBytes());
    expect(loaded.featurizer.options.uniqueFeatures).toBe(true);
    for (const text of [...REPEATING, ONCE]) expect(loaded.predict(text)).toEqual(bag.predict(text));
    loaded.dispose();
  });
});

describe('the uniqueFeatures option', () => {
  it('refuses an option that is not true or false', () => {
    expect(() => Featurizer.fit([['good']], { uniqueFeatures: 'yes' as unknown as boolean })).toThrow(
      'uniqueFeatures must be true or false, got yes',
    );
  });

  it('is off by default: repeats count', () => {
    const f = Featurizer.fit([createTokenizer({})('good good')], {});
    expect(f.options.uniqueFeatures).toBe(false);
    expect(f.rows(['good', 'good'])).toEqual([0, 0]);
  });

  it('a model file from before the option existed (no uniqueFeatures in its config) loads counting repeats', async () => {
    const model = await train(trainSet, { seed: 7, epochs: 2 });
    const { config, sections } = decodeModelFile(model.toBytes(), 'model');
    const features = { ...(config.features as Record<string, unknown>) };
    expect(features.uniqueFeatures).toBe(false);
    delete features.uniqueFeatures;
    const old = await loadModel(encodeModelFile({ config: { ...config, features }, sections }));
    expect(old.featurizer.options.uniqueFeatures).toBe(false);
    for (const text of REPEATING) expect(old.predict(text)).toEqual(model.predict(text));
    old.dispose();
    model.dispose();
  });
});
