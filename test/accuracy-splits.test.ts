// The accuracy harness's SST-2 sentence folds (bench/accuracy/splits.ts), on a synthetic corpus
// shaped like SST-2's training file: every sentence with every phrase of a random binary parse
// tree as its own row, a few common phrases shared by many sentences, and short full rows.

import { describe, expect, it } from 'vitest';
import { sst2SentenceFolds, type PhraseRemoval } from '../bench/accuracy/splits.js';
import { Random } from '../src/nn/random.js';
import type { LabelledText } from '../src/fit/options.js';

const COMMON = ['the movie', "is n't", 'the film', 'one of the best', 'a lot of', 'in the end'];

/** Every constituent of a random binary tree over the words (the words themselves included). */
function constituents(words: string[], rng: Random, into: string[]): void {
  into.push(words.join(' '));
  if (words.length < 2) return;
  const cut = 1 + rng.int(words.length - 1);
  constituents(words.slice(0, cut), rng, into);
  constituents(words.slice(cut), rng, into);
}

/** `sentences` full sentences of 8–24 words and `short` full rows of 2–5 words, each with its phrases, shuffled. */
function toyCorpus(sentences: number, short: number, seed = 7): LabelledText[] {
  const rng = new Random(seed);
  const word = () => `w${rng.int(3000)}`;
  const rows: LabelledText[] = [];
  const make = (length: number) => {
    const words: string[] = [];
    while (words.length < length)
      words.push(...(rng.int(4) === 0 ? COMMON[rng.int(COMMON.length)].split(' ') : [word()]));
    const phrases: string[] = [];
    constituents(words, rng, phrases);
    for (const text of phrases) rows.push({ text, label: String(rng.int(2)) });
  };
  for (let s = 0; s < sentences; s++) make(8 + rng.int(17));
  for (let s = 0; s < short; s++) make(2 + rng.int(4));
  return rng.shuffle(rows);
}

/** Every run of whole words of a text, its own text included. */
function runs(text: string): Set<string> {
  const w = text.split(' ');
  const out = new Set<string>();
  for (let i = 0; i < w.length; i++) for (let j = i + 1; j <= w.length; j++) out.add(w.slice(i, j).join(' '));
  return out;
}

const corpus = toyCorpus(400, 40);
const texts = new Set(corpus.map((r) => r.text));
const inner = new Set([...texts].flatMap((t) => [...runs(t)].filter((r) => r !== t)));
const full = [...texts].filter((t) => !inner.has(t));
const sentences = full.filter((t) => t.split(' ').length >= 8);

const cases: { removal: PhraseRemoval; k: number; minKept: number }[] = [
  { removal: 'unshared', k: 20, minKept: 0.95 },
  { removal: 'unshared', k: 10, minKept: 0.9 },
  { removal: 'all', k: 10, minKept: 0 },
];

describe.each(cases)('SST-2 sentence folds, $removal phrases leave, k = $k', ({ removal, k, minKept }) => {
  const folds = sst2SentenceFolds(corpus, { k, removal });

  it('holds every full sentence of at least 8 words out exactly once across the folds', () => {
    const heldOut = folds.flatMap((f) => f.test.map((r) => r.text));
    expect(heldOut.sort()).toEqual([...sentences].sort());
    expect(folds.map((f) => f.fold)).toEqual(Array.from({ length: k }, (_, i) => i + 1));
  });

  it('trains on no held-out sentence and on none of the phrases it removed', () => {
    for (const fold of folds) {
      const train = new Set(fold.train.map((r) => r.text));
      for (const r of fold.test) expect(train.has(r.text)).toBe(false);
      const removed = corpus.filter((r) => !train.has(r.text));
      expect(removed.length).toBe(fold.removed);
      const inHeldOut = new Set(fold.test.flatMap((r) => [...runs(r.text)]));
      for (const r of removed) expect(inHeldOut.has(r.text)).toBe(true);
    }
  });

  it('keeps a phrase of a held-out sentence exactly when the removal rule says so', () => {
    let shared = 0;
    for (const fold of folds) {
      const train = new Set(fold.train.map((r) => r.text));
      const held = new Set(fold.test.map((r) => r.text));
      const inTraining = new Set(full.filter((t) => !held.has(t)).flatMap((t) => [...runs(t)]));
      for (const sentence of held)
        for (const phrase of runs(sentence)) {
          if (!texts.has(phrase)) continue;
          const kept = removal === 'unshared' && inTraining.has(phrase);
          expect(train.has(phrase), phrase).toBe(kept);
          if (inTraining.has(phrase)) shared++;
        }
    }
    // The toy must hold phrases that held-out and training sentences share, or the rule is untested.
    expect(shared).toBeGreaterThan(100);
  });

  it(`keeps at least ${minKept * 100}% of the rows in every fold, and the short full rows always`, () => {
    const short = full.filter((t) => t.split(' ').length < 8);
    expect(short.length).toBeGreaterThan(0);
    for (const fold of folds) {
      expect(fold.kept).toBeGreaterThanOrEqual(minKept);
      const train = new Set(fold.train.map((r) => r.text));
      for (const t of short) expect(train.has(t)).toBe(true);
    }
  });
});

describe('SST-2 sentence folds, unshared', () => {
  it('removes each row in at most one fold', () => {
    const folds = sst2SentenceFolds(corpus, { k: 10 });
    const times = new Map<string, number>();
    for (const f of folds) {
      const train = new Set(f.train.map((r) => r.text));
      for (const t of texts) if (!train.has(t)) times.set(t, (times.get(t) ?? 0) + 1);
    }
    expect(Math.max(...times.values())).toBe(1);
  });

  it('keeps more rows than removing every phrase of the held-out sentences', () => {
    const unshared = sst2SentenceFolds(corpus, { k: 10 });
    const all = sst2SentenceFolds(corpus, { k: 10, removal: 'all' });
    for (let f = 0; f < 10; f++) {
      expect(unshared[f].test).toEqual(all[f].test);
      expect(unshared[f].removed).toBeLessThan(all[f].removed);
    }
  });
});
