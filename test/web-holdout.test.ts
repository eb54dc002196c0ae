// The web app's held-out tenth of pasted lines and dropped files (examples/web/holdout.js): a
// tenth of each label's examples, the same ones every time for the same seed, every label
// keeping examples to train on, and nothing lost or repeated.

import { describe, expect, it } from 'vitest';
import { holdOut } from '../examples/web/holdout.js';

/** `count` examples of each of the labels, texts numbered so that each is unique. */
function examples(counts: Record<string, number>): { text: string; label: string }[] {
  return Object.entries(counts).flatMap(([label, n]) =>
    Array.from({ length: n }, (_, i) => ({ text: `${label} ${i}`, label })),
  );
}

describe('the held-out tenth', () => {
  it.each([
    ['two balanced labels', { positive: 500, negative: 500 }, { positive: 50, negative: 50 }],
    ['unbalanced labels', { positive: 900, negative: 95 }, { positive: 90, negative: 10 }],
    ['three labels', { a: 40, b: 41, c: 44 }, { a: 4, b: 4, c: 4 }],
    ['a label of four examples keeps them all', { big: 100, small: 4 }, { big: 10, small: 0 }],
    ['a label of five gives one', { big: 100, small: 5 }, { big: 10, small: 1 }],
  ])('%s: a tenth of each label, rounded', (_, counts, held) => {
    const all = examples(counts);
    const { train, heldOut } = holdOut(all);
    const count = (list: { label: string }[], label: string) => list.filter((e) => e.label === label).length;
    for (const [label, n] of Object.entries(held)) {
      expect(count(heldOut, label), label).toBe(n);
      expect(count(train, label), label).toBe(counts[label as keyof typeof counts] - n);
    }
    // Nothing lost, nothing in both parts, the input's order kept in each.
    expect(new Set([...train, ...heldOut].map((e) => e.text)).size).toBe(all.length);
    expect(train.length + heldOut.length).toBe(all.length);
    const position = new Map(all.map((e, i) => [e.text, i]));
    for (const part of [train, heldOut])
      expect(part.map((e) => position.get(e.text)!)).toEqual(
        [...part.map((e) => position.get(e.text)!)].sort((a, b) => a - b),
      );
  });

  it('holds out the same examples every time for a seed, and others for another seed', () => {
    const all = examples({ positive: 300, negative: 300 });
    const texts = (seed?: number) => holdOut(all, 0.1, seed).heldOut.map((e) => e.text);
    expect(texts()).toEqual(texts());
    expect(texts(1)).toEqual(texts());
    expect(texts(2)).not.toEqual(texts(1));
  });

  it('draws the held-out examples from all over the file, not its first lines', () => {
    const { heldOut } = holdOut(examples({ positive: 1000 }));
    const numbers = heldOut.map((e) => Number(e.text.split(' ')[1]));
    expect(Math.min(...numbers)).toBeLessThan(200);
    expect(Math.max(...numbers)).toBeGreaterThan(800);
  });

  it('keeps numeric labels as they were given', () => {
    const all = Array.from({ length: 40 }, (_, i) => ({ text: `t${i}`, label: i % 2 }));
    const { train, heldOut } = holdOut(all);
    expect(heldOut).toHaveLength(4);
    expect(new Set([...train, ...heldOut].map((e) => typeof e.label))).toEqual(new Set(['number']));
  });
});
