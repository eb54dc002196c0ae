// Warnings about training data that is likely a mistake (src/fit/data-warnings.ts): each names
// what it saw, reaches onWarning and TrainResult.warnings, and training goes on; a featurizer
// that leaves no text a feature is refused; a thread count above the cores is cut to them.

import { describe, expect, it } from 'vitest';
import { trainWithReport, type LabelledText } from '../src/index.node.js';
import { keptRowsWarning, labelCountWarnings, similarLabels } from '../src/fit/data-warnings.js';
import { autoThreads } from '../src/fit/options.js';
import { nodeThreadStarter } from '../src/parallel/thread-starter.node.js';
import { availableCores, setThreadStarter } from '../src/runtime/cores.js';

describe('labels that look like one label spelled two ways', () => {
  it.each([
    [['Positive', 'positive'], [['Positive', 'positive']]],
    [['positive', 'positive '], [['positive', 'positive ']]],
    [['pos', 'positive'], [['pos', 'positive']]],
    [['postive', 'positive'], [['postive', 'positive']]],
    [['negatve', 'negitive'], [['negatve', 'negitive']]],
    [['positive', 'negative', 'neutral'], []],
    [['pos', 'neg', 'neu'], []],
    [['1', '2', '10'], []],
    [['joy', 'anger', 'fear', 'sadness'], []],
  ])('%j → %j', (labels, pairs) => {
    expect(similarLabels(labels)).toEqual(pairs);
  });

  it('names every such label in one warning, in groups', () => {
    const [warning] = labelCountWarnings({ Positive: 40, positive: 50, pos: 30, postive: 20, negative: 60, neg: 50 });
    expect(warning).toMatch(
      /^labels that look like one spelled differently: "Positive", "positive", "pos", "postive"; "negative", "neg"\. /,
    );
  });
});

describe('a class with very few examples next to large ones', () => {
  it.each([
    [{ pos: 500, neg: 480, neutral: 3 }, /"neutral" \(3\)/],
    [{ pos: 5000, neg: 4000, mixed: 40 }, /"mixed" \(40\)/],
  ])('%j is named', (counts, named) => {
    const warnings = labelCountWarnings(counts);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(named);
    expect(warnings[0]).toMatch(/^labels with very few examples next to the largest/);
  });

  it.each([[{ pos: 2, neg: 2 }], [{ pos: 500, neg: 40 }], [{ a: 100, b: 100, c: 5 }]])('%j is not', (counts) => {
    expect(labelCountWarnings(counts)).toEqual([]);
  });
});

describe('a training split that lost more than a quarter of its rows', () => {
  it.each([
    [{ given: 1000, heldOut: 300 }, /^training uses 700 of the 1000 rows \(300 held out for validation\)/],
    [{ given: 1000, skipped: 400 }, /^training uses 600 of the 1000 rows \(400 skipped as unusable\)/],
    [{ given: 1000, heldOut: 150, skipped: 150 }, /700 of the 1000 rows \(150 held out for validation, 150 skipped/],
  ])('%j', (rows, message) => {
    expect(keptRowsWarning(rows)).toMatch(message);
  });

  it('a fifth held out is not worth a word', () => {
    expect(keptRowsWarning({ given: 1000, heldOut: 200 })).toBeUndefined();
  });
});

/** n examples of each label, words that tell them apart. */
function examples(counts: Record<string, number>): LabelledText[] {
  const out: LabelledText[] = [];
  for (const [label, n] of Object.entries(counts))
    for (let i = 0; i < n; i++) out.push({ text: `${label.toLowerCase()} words ${i % 7} here`, label });
  return out;
}

describe('in the library', () => {
  it('warnings reach onWarning and TrainResult.warnings, and training goes on', async () => {
    const heard: string[] = [];
    const { warnings, model } = await trainWithReport(examples({ Positive: 30, positive: 30, negative: 30 }), {
      epochs: 1,
      validation: 0.3,
      onWarning: (m) => heard.push(m),
    });
    model.dispose();
    expect(warnings).toEqual(heard);
    expect(warnings.some((w) => w.includes('"Positive", "positive"'))).toBe(true);
    expect(warnings.some((w) => /^training uses 63 of the 90 rows \(27 held out/.test(w))).toBe(true);
  });

  it('a minCount that keeps no word and no n-grams to fall back on is refused, naming the most frequent count', async () => {
    const data = examples({ pos: 10, neg: 10 });
    await expect(trainWithReport(data, { epochs: 1, minCount: 100_000, wordNgrams: 1 })).rejects.toThrow(
      /no training text has a feature left: minCount 100000 keeps none of the \d+ distinct words \(the most frequent is seen 20 times\), and no n-grams\. Lower minCount \(--min-count\) to at most 20/,
    );
  });

  it('a minCount that keeps no word but leaves bigrams is a warning', async () => {
    const { warnings, model } = await trainWithReport(examples({ pos: 10, neg: 10 }), {
      epochs: 1,
      minCount: 100_000,
    });
    model.dispose();
    expect(warnings.some((w) => w.startsWith('the model has no word features: minCount 100000'))).toBe(true);
  });

  it('threads above the cores there are are cut to them, with a warning', async () => {
    const cores = availableCores();
    const { threads, warnings, model } = await trainWithReport(examples({ pos: 20, neg: 20 }), {
      arch: 'mlp',
      epochs: 1,
      threads: cores + 3,
    });
    model.dispose();
    expect(threads).toBe(cores);
    expect(warnings).toContain(`threads: ${cores + 3} asked for, ${cores} cores here; training on ${cores}`);
  });

  it.each([1, 2, 3])("threads: 'auto' never takes more than the %i cores there are", (cores) => {
    setThreadStarter({ ...nodeThreadStarter, cores: () => cores });
    try {
      for (const arch of ['bag', 'mlp', 'attention'] as const)
        expect(autoThreads(arch, { members: 4 }, 1_000_000)).toBeLessThanOrEqual(cores);
    } finally {
      setThreadStarter(nodeThreadStarter);
    }
  });
});
