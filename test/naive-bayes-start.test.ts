// The naive-Bayes start of a bag model: with the random start taken away, the model it gives
// scores a text by the mean of its features' centred naive-Bayes log probabilities (add-one
// smoothing), worked out here independently from the training rows.
import { describe, expect, it } from 'vitest';
import { bagFront } from './helpers.js';
import type { BagModel } from '../src/models/bag-model.js';
import { builtinSplit, trainWithReport, type LabelledText, type TextClassifier } from '../src/index.node.js';
import { naiveBayesStart, type RowBags } from '../src/fit/naive-bayes-start.js';

const { train: corpus } = builtinSplit();

/** The training texts as row bags of the model's featurizer. */
function bagsOf(model: TextClassifier, examples: readonly LabelledText[]): { bags: number[][]; data: RowBags } {
  const f = model.featurizer;
  const bags = examples.map((e) => f.rows(f.tokenize(e.text), []));
  const offsets = new Int32Array(bags.length + 1);
  bags.forEach((b, i) => (offsets[i + 1] = offsets[i] + b.length));
  return {
    bags,
    data: {
      rows: Int32Array.from(bags.flat()),
      offsets,
      labels: Int32Array.from(examples, (e) => model.labels.indexOf(e.label)),
    },
  };
}

/** Logit c of each bag under naive Bayes, as naiveBayesStart promises it (columns c < dim only). */
function naiveBayesLogits(model: TextClassifier, bags: number[][], labels: Int32Array, scale: number): number[][] {
  const C = model.labels.length;
  const R = bagFront(model).embedding.rows;
  const counts = new Map<string, number>();
  const totals = new Array<number>(C).fill(0);
  bags.forEach((bag, i) => {
    for (const r of bag) counts.set(`${r}:${labels[i]}`, (counts.get(`${r}:${labels[i]}`) ?? 0) + 1);
    totals[labels[i]] += bag.length;
  });
  const centred = (r: number) => {
    const logP = totals.map((t, c) => Math.log(((counts.get(`${r}:${c}`) ?? 0) + 1) / (t + R)));
    const mean = logP.reduce((a, b) => a + b) / C;
    return logP.map((l) => l - mean);
  };
  return bags.map((bag) =>
    model.labels.map((_, c) =>
      c < model.config.dim ? (scale * bag.reduce((s, r) => s + centred(r)[c], 0)) / bag.length : 0,
    ),
  );
}

async function startedFromNaiveBayes(examples: LabelledText[], dim: number, scale: number) {
  const { model } = await trainWithReport(examples, { epochs: 1, dim, members: 1, naiveBayesStart: 0, seed: 3 });
  // Take the trained and random parts away: what is left is naiveBayesStart's alone.
  bagFront(model).embedding.values().fill(0);
  const params = bagFront(model).head.parameters;
  params.values(params.get('0.weight')).fill(0);
  params.values(params.get('0.bias')).fill(0);
  model.config.temperature = 1;
  const { bags, data } = bagsOf(model, examples);
  naiveBayesStart(bagFront(model) as BagModel, data, scale);
  model.invalidateCaches();
  return { model, bags, data };
}

describe('naiveBayesStart', () => {
  it('gives a model whose logits are the mean centred naive-Bayes log probabilities of its features', async () => {
    const { model, bags, data } = await startedFromNaiveBayes(corpus, 8, 0.1);
    const logits = model.logits(bags);
    const expected = naiveBayesLogits(model, bags, data.labels, 0.1);
    expected.forEach((row, i) => row.forEach((v, c) => expect(logits[i * 2 + c]).toBeCloseTo(v, 5)));
    // Naive Bayes alone already separates the training texts it was counted on.
    const right = expected.filter((row, i) => (row[1] > row[0] ? 1 : 0) === data.labels[i]).length;
    expect(right / bags.length).toBeGreaterThan(0.9);
    model.dispose();
  });

  it('fills only the first dim columns when there are more classes than columns', async () => {
    const stars = corpus.map((e, i) => ({
      text: e.text,
      label: e.label === 'positive' ? String(4 + (i % 2)) : String(1 + (i % 2)),
    }));
    const { model, bags, data } = await startedFromNaiveBayes(stars, 2, 0.5);
    expect(model.labels.length).toBe(4);
    const logits = model.logits(bags);
    naiveBayesLogits(model, bags, data.labels, 0.5).forEach((row, i) =>
      row.forEach((v, c) => expect(logits[i * 4 + c]).toBeCloseTo(v, 5)),
    );
    for (let c = 2; c < 4; c++) expect(logits[c]).toBe(0);
    model.dispose();
  });

  it('changes the model when asked for, reproducibly; is off by default; is refused below 0, with mlp or with pretrained vectors', async () => {
    const options = { epochs: 2, dim: 16, seed: 1 };
    const on = await trainWithReport(corpus, { ...options, naiveBayesStart: 0.1 });
    const off = await trainWithReport(corpus, { ...options, naiveBayesStart: 0 });
    const byDefault = await trainWithReport(corpus, options);
    const again = await trainWithReport(corpus, { ...options, naiveBayesStart: 0.1 });
    const bytes = (r: { model: TextClassifier }) => Buffer.from(r.model.toBytes());
    expect(bytes(on).equals(bytes(off))).toBe(false);
    expect(bytes(on).equals(bytes(again))).toBe(true);
    expect(bytes(byDefault).equals(bytes(off))).toBe(true);
    for (const r of [on, off, byDefault, again]) r.model.dispose();
    await expect(trainWithReport(corpus, { naiveBayesStart: -1 })).rejects.toThrow(
      /naiveBayesStart must be a number ≥ 0/,
    );
    await expect(trainWithReport(corpus, { naiveBayesStart: 0.1, arch: 'mlp' })).rejects.toThrow(
      /bag architecture only, not mlp/,
    );
    await expect(
      trainWithReport(corpus, { naiveBayesStart: 0.1, pretrainedVectors: new Map([['great', new Float32Array(64)]]) }),
    ).rejects.toThrow(/two starting points/);
  });
});
