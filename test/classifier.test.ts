// The text classifier end to end, trained on the built-in corpus: accuracy, predictions,
// explanations, word vectors, model files, multiclass, training options, dispose, and a
// training loop that allocates nothing.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bagFront } from './helpers.js';
import {
  builtinSplit,
  loadModel,
  ModelFileError,
  Runtime,
  train,
  trainWithReport,
  type LabelledText,
  type TextClassifier,
  type TrainOptions,
  type TrainResult,
} from '../src/index.node.js';
import { autoMembers, memberSeed } from '../src/train/train.js';

const { train: trainSet, dev } = builtinSplit();

const clearCases: [string, 'positive' | 'negative'][] = [
  ['I loved this movie, it was wonderful!', 'positive'],
  ['The food was awful and the staff were rude.', 'negative'],
  ['房间很干净，服务也很好', 'positive'],
  ['太差了，再也不会来了', 'negative'],
];

/** Words the corpus uses only in positive (resp. negative) sentences, and their close kin. */
const POSITIVE_WORDS = new Set([
  'love',
  'loved',
  'loves',
  'great',
  'excellent',
  'wonderful',
  'amazing',
  'fantastic',
  'delightful',
  'enjoyed',
  'beautiful',
  'best',
  'perfect',
  'perfectly',
  'lovely',
  'brilliant',
  'friendly',
  'recommend',
  'highly',
  'stunning',
  'happy',
  'kind',
  '❤️',
  '😊',
  ':)',
]);
const NEGATIVE_WORDS = new Set([
  'terrible',
  'awful',
  'horrible',
  'boring',
  'waste',
  'disappointing',
  'disappointed',
  'worst',
  'bad',
  'hate',
  'rude',
  'dirty',
  'never',
  'broke',
  'broken',
  'cold',
  'slow',
  'poor',
  'avoid',
  'refund',
  'overpriced',
  'noisy',
]);

/** Invented sentences that report facts without judging them: the third class of the multiclass tests. */
const NEUTRAL: readonly string[] = [
  'The museum opens at nine and closes at five on weekdays.',
  'The train to the airport leaves from platform four.',
  'The hotel has 120 rooms on six floors.',
  'The film runs for about two hours.',
  'The restaurant is on the corner of Main Street and Elm Road.',
  'The book has twelve chapters and an index.',
  'The album was recorded in Berlin last spring.',
  'The phone comes in black, white and blue.',
  'Our flight is scheduled for Tuesday morning.',
  'The package weighs two kilograms.',
  'The meeting was moved to Thursday afternoon.',
  'The menu lists soups, salads and a few pasta dishes.',
  'The store sells shoes, bags and jackets.',
  'The laptop has a 14 inch screen and two USB ports.',
  'The bus stops here every fifteen minutes.',
  'The author lives in Dublin with her two cats.',
  'The room is on the third floor, next to the lift.',
  'The concert starts at eight in the evening.',
  'The manual is available in English and Spanish.',
  'The cafe is next to the post office.',
  'The film is based on a novel from 1962.',
  'We checked in at three and checked out at eleven.',
  'The parcel was sent on Monday by regular post.',
  'The tour takes about ninety minutes.',
  'The second season has ten episodes.',
  'The shop is closed on Sundays and public holidays.',
  'The hotel is twenty minutes from the city centre by tram.',
  'The kettle holds 1.7 litres of water.',
  'The order number is printed on the receipt.',
  'The band has four members and a touring drummer.',
  'The library lends books for three weeks at a time.',
  'The recipe uses flour, eggs, milk and butter.',
  'The station has a ticket office and a waiting room.',
  'The charger uses a USB-C cable.',
  'The festival takes place every August.',
  'The course has six lessons, one per week.',
  'The apartment has two bedrooms and a small kitchen.',
  'The director was born in Lyon in 1970.',
  'The jacket is made of cotton and polyester.',
  'The ferry crosses the bay twice a day.',
  'The form asks for your name, address and date of birth.',
  'The report was published on the first of March.',
  'The warehouse is on the edge of town.',
  'The speaker talked about the history of the bridge.',
  'The game is played by two teams of eleven players.',
  'The office moved to the fifth floor last year.',
  'The printer takes A4 and A5 paper.',
  'The market is held in the square on Saturdays.',
];
/** Every sixth neutral sentence is held out, as builtinSplit holds out every fifth. */
const neutralTrain = NEUTRAL.filter((_, i) => i % 6 !== 5).map((text) => ({ text, label: 'neutral' }));
const neutralDev = NEUTRAL.filter((_, i) => i % 6 === 5).map((text) => ({ text, label: 'neutral' }));

/** The logit margin implied by probabilities softmax(logits / T): T·log(p1 / p0). */
function marginFromProbabilities(model: TextClassifier, text: string): number {
  const p = model.predict(text).probabilities;
  const [c0, c1] = model.labels;
  return model.config.temperature * Math.log(p[c1] / p[c0]);
}

/** Target logit minus the mean logit, from softmax(logits / T): T·(log p_t − mean log p). */
function centredLogitFromProbabilities(model: TextClassifier, text: string, target: string): number {
  const p = model.predict(text).probabilities;
  const logs = model.labels.map((l) => Math.log(p[l]));
  return model.config.temperature * (Math.log(p[target]) - logs.reduce((a, b) => a + b, 0) / logs.length);
}

function sum(values: Iterable<number>): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/** Byte equality (expect's toEqual walks a multi-megabyte array element by element, far too slowly). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Catches what fn throws (sync or async) so several properties of the error can be checked. */
async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
}

/** Logits of bags of rows the long way: the mean of the rows' vectors, then the head's weights and bias. */
function layerByLayerLogits(model: TextClassifier, bags: readonly (readonly number[])[]): Float64Array {
  const D = model.config.dim;
  const C = model.labels.length;
  const table = bagFront(model).embedding.values();
  const params = bagFront(model).head.parameters;
  const W = params.values(params.get('0.weight'));
  const b = params.values(params.get('0.bias'));
  const logits = new Float64Array(bags.length * C);
  bags.forEach((bag, i) => {
    const mean = new Float64Array(D);
    for (const row of bag) for (let d = 0; d < D; d++) mean[d] += table[row * D + d] / bag.length;
    for (let c = 0; c < C; c++) {
      let z = b[c];
      for (let d = 0; d < D; d++) z += W[c * D + d] * mean[d];
      logits[i * C + c] = z;
    }
  });
  return logits;
}

// One bag model trained with the defaults; one calibrated on held-out data (temperature ≠ 1);
// one mlp. Shared by the tests that only read them.
let base: TrainResult;
let calibrated: TextClassifier;
let mlp: TextClassifier;
let dir: string;

beforeAll(async () => {
  base = await trainWithReport(trainSet, { seed: 1 });
  calibrated = await train(trainSet, { seed: 2, epochs: 20, validation: dev });
  mlp = await train(trainSet, { seed: 3, arch: 'mlp', optimizer: 'adam', lr: 0.01, epochs: 10 });
  dir = await mkdtemp(join(tmpdir(), 'sentiwasm-classifier-'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('training on the built-in corpus', () => {
  it('reaches at least 0.8 accuracy on the dev split', () => {
    expect(base.model.evaluate(dev).accuracy).toBeGreaterThanOrEqual(0.8);
  });

  it.each(clearCases)('predicts %j as %s', (text, label) => {
    expect(base.model.predict(text).label).toBe(label);
  });

  it('runs the automatic number of epochs and the training loss falls', () => {
    // autoEpochs: ~60,000 examples seen, capped at 50 epochs; dim 64 trains as two members.
    const epochsOf = (member: number) => base.epochs.filter((e) => e.member === member);
    expect(base.epochs).toHaveLength(100);
    for (const member of [1, 2]) {
      expect(epochsOf(member).map((e) => e.epoch)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(epochsOf(member).at(-1)!.trainLoss).toBeLessThan(epochsOf(member)[0].trainLoss / 4);
    }
    expect(base.classCounts).toEqual({
      negative: trainSet.filter((e) => e.label === 'negative').length,
      positive: trainSet.filter((e) => e.label === 'positive').length,
    });
  });
});

describe('predict and predictBatch', () => {
  const texts = [
    ...clearCases.map(([t]) => t),
    '',
    '   ',
    'zxqv wwkj qqqq',
    '?!',
    'great '.repeat(3000), // more ids than the prediction buffers hold: they must grow
    '好',
  ];

  it.each(texts.map((t) => [t.length > 40 ? `${t.slice(0, 37)}…` : t, t]))(
    'probabilities of %j sum to 1 over the labels',
    (_, text) => {
      for (const model of [base.model, calibrated, mlp]) {
        const { label, probabilities } = model.predict(text);
        expect(Object.keys(probabilities).sort()).toEqual(['negative', 'positive']);
        for (const p of Object.values(probabilities)) expect(p >= 0 && p <= 1, `probability ${p}`).toBe(true);
        expect(sum(Object.values(probabilities))).toBeCloseTo(1, 6);
        expect(probabilities[label]).toBe(Math.max(...Object.values(probabilities)));
      }
    },
  );

  it('predictBatch equals predict one by one, across batches of the prediction buffer', () => {
    // More texts than one prediction batch (256), with the long one in the middle.
    const many = Array.from({ length: 300 }, (_, i) =>
      i === 150 ? texts[8] : `${dev[i % dev.length].text} ${texts[i % 6]}`,
    );
    for (const model of [base.model, mlp]) {
      const batch = model.predictBatch(many);
      expect(batch).toHaveLength(many.length);
      many.forEach((text, i) => {
        const one = model.predict(text);
        expect(batch[i].label, `text ${i}`).toBe(one.label);
        for (const label of model.labels)
          expect(
            Math.abs(batch[i].probabilities[label] - one.probabilities[label]),
            `text ${i}, ${label}`,
          ).toBeLessThan(1e-6);
      });
    }
  });

  it("the bag model's per-row class scores give the logits of the layer-by-layer forward (mean bag → linear)", () => {
    const model = base.model;
    const f = model.featurizer;
    const bags = [...dev.map((e) => f.rows(f.tokenize(e.text), [])), []];
    const fast = model.logits(bags);
    const expected = layerByLayerLogits(model, bags);
    for (let i = 0; i < expected.length; i++) expect(Math.abs(fast[i] - expected[i]), `logit ${i}`).toBeLessThan(1e-5);
  });

  it('the per-row class scores follow the weights when they change', () => {
    const model = base.model;
    const bags = [model.featurizer.rows(['great'], [])];
    const params = bagFront(model).head.parameters;
    const weights = model.runtime.f32(params.ptr, params.size);
    const saved = weights.slice();
    const before = model.logits(bags);
    try {
      weights.fill(0.5); // every weight and bias: each logit becomes 0.5 · (Σ of the mean vector + 1)
      model.invalidateCaches();
      const after = model.logits(bags);
      expect(after[0]).not.toBeCloseTo(before[0], 3);
      expect(after[0]).toBeCloseTo(layerByLayerLogits(model, bags)[0], 5);
    } finally {
      weights.set(saved);
      model.invalidateCaches();
    }
    expect(model.logits(bags)).toEqual(before);
  });

  it('predict refuses a non-string with a clear error', () => {
    expect(() => base.model.predict(42 as unknown as string)).toThrow(/expected a text \(string\), got number/);
  });
});

describe('explain', () => {
  const texts = [...clearCases.map(([t]) => t), 'not good at all', 'the movie', ''];
  const models = (): [string, TextClassifier][] => [
    ['uncalibrated', base.model],
    ['calibrated', calibrated],
  ];

  it('the calibrated model really has a temperature other than 1 (so the next tests check T)', () => {
    expect(base.model.config.temperature).toBe(1);
    expect(Math.abs(calibrated.config.temperature - 1)).toBeGreaterThan(1e-3);
  });

  it.each(texts)('bag model, %j: bias + Σ contributions = score = T·log(p1/p0)', (text) => {
    for (const [name, model] of models()) {
      const e = model.explain(text);
      expect(e.method).toBe('exact');
      expect(e.target).toBe('positive');
      expect(e.label).toBe(model.predict(text).label);
      expect(e.tokens.map((t) => (t.negated ? 'NOT_' : '') + t.token)).toEqual(model.featurizer.tokenize(text));
      expect(Math.abs(e.bias + sum(e.tokens.map((t) => t.contribution)) - e.score), `${name}: sum`).toBeLessThan(
        1e-9 * (1 + Math.abs(e.score)),
      );
      expect(
        Math.abs(e.score - marginFromProbabilities(model, text)),
        `${name}: score ${e.score} vs margin`,
      ).toBeLessThan(1e-4 * (1 + Math.abs(e.score)));
    }
  });

  it.each([
    ['I loved this movie, it was wonderful!', 'wonderful', 1],
    ['The food was awful and the staff were rude.', 'awful', -1],
  ] as const)('in %j the word %j pushes the score the right way', (text, word, sign) => {
    const token = base.model.explain(text).tokens.find((t) => t.token === word);
    expect(Math.sign(token!.contribution)).toBe(sign);
  });

  it.each(texts.slice(0, 5))('mlp model, %j: method occlusion, one entry per token, score = T·log(p1/p0)', (text) => {
    const e = mlp.explain(text);
    expect(e.method).toBe('occlusion');
    expect(e.tokens.map((t) => (t.negated ? 'NOT_' : '') + t.token)).toEqual(mlp.featurizer.tokenize(text));
    expect(e.tokens.length).toBeGreaterThan(0);
    expect(Math.abs(e.score - marginFromProbabilities(mlp, text))).toBeLessThan(1e-4 * (1 + Math.abs(e.score)));
    for (const t of e.tokens) expect(Number.isFinite(t.contribution)).toBe(true);
  });
});

describe('word vectors', () => {
  it.each([
    ['love', POSITIVE_WORDS],
    ['terrible', NEGATIVE_WORDS],
  ] as const)('nearest(%j): at least 3 of the top 5 share its sentiment', (word, same) => {
    const top = base.model.nearest(word, 5);
    expect(top).toHaveLength(5);
    const words = top.map((n) => n.word);
    expect(words).not.toContain(word);
    expect(words.filter((w) => same.has(w)).length, words.join(', ')).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < top.length; i++) expect(top[i].similarity).toBeLessThanOrEqual(top[i - 1].similarity);
  });

  it('similarity("great", "excellent") > similarity("great", "awful")', () => {
    expect(base.model.similarity('great', 'excellent')).toBeGreaterThan(base.model.similarity('great', 'awful'));
  });

  it("similarity of a word with itself is 1 and wordVector has the model's dim", () => {
    expect(base.model.similarity('great', 'great')).toBeCloseTo(1, 6);
    expect(base.model.wordVector('great')).toHaveLength(base.model.config.dim);
  });

  it.each([
    ['nearest', (m: TextClassifier) => m.nearest('qwzzyx')],
    ['similarity, first word', (m: TextClassifier) => m.similarity('qwzzyx', 'great')],
    ['similarity, second word', (m: TextClassifier) => m.similarity('great', 'qwzzyx')],
  ])('an unknown word is a clear error: %s', (_, use) => {
    expect(() => use(base.model)).toThrow('the model does not know the word "qwzzyx"');
  });

  it('wordVector of an unknown word is undefined', () => {
    expect(base.model.wordVector('qwzzyx')).toBeUndefined();
  });
});

describe('model files', () => {
  const probe = [...clearCases.map(([t]) => t), ...dev.slice(0, 40).map((e) => e.text)];

  it.each([
    ['bytes', (bytes: Uint8Array) => loadModel(bytes)],
    ['an ArrayBuffer', (bytes: Uint8Array) => loadModel(bytes.slice().buffer)],
    [
      'a path',
      async (bytes: Uint8Array) => {
        const path = join(dir, 'round-trip.bin');
        await writeFile(path, bytes);
        return loadModel(path);
      },
    ],
    [
      'a file: URL',
      async (bytes: Uint8Array) => {
        const path = join(dir, 'round-trip-url.bin');
        await writeFile(path, bytes);
        return loadModel(pathToFileURL(path));
      },
    ],
  ])('toBytes() → loadModel(%s) predicts identically and saves the same bytes', async (_, load) => {
    for (const model of [base.model, calibrated, mlp]) {
      const bytes = model.toBytes();
      const loaded = await load(bytes);
      expect(loaded.config).toEqual(model.config);
      expect(loaded.predictBatch(probe)).toEqual(model.predictBatch(probe));
      expect(sameBytes(loaded.toBytes(), bytes)).toBe(true);
    }
  });

  it('the same seed, data and options give byte-identical model files; another seed other bytes', async () => {
    const options: TrainOptions = { seed: 7, epochs: 5, validation: 0.2 };
    const a = (await train(trainSet, options)).toBytes();
    const b = (await train(trainSet, options)).toBytes();
    const c = (await train(trainSet, { ...options, seed: 8 })).toBytes();
    expect(b.length).toBe(a.length);
    expect(sameBytes(b, a)).toBe(true);
    expect(sameBytes(c, a)).toBe(false);
  });

  it.each([
    ['the magic number', 0, 'not-a-model-file'],
    ['the version field', 8, 'damaged'],
    ['the section table', 40, 'damaged'],
    ['the middle (weights)', 0.5, 'damaged'],
    ['the checksum', -1, 'damaged'],
  ] as const)(
    'a file with a flipped byte in %s is refused with a ModelFileError naming the source',
    async (_, where, reason) => {
      const bytes = base.model.toBytes().slice();
      const at = where === 0.5 ? Math.floor(bytes.length / 2) : where < 0 ? bytes.length + where : where;
      bytes[at] ^= 0x10;
      const fromBytes = await thrown(() => loadModel(bytes, { name: 'flipped.bin' }));
      expect(fromBytes).toBeInstanceOf(ModelFileError);
      expect((fromBytes as ModelFileError).source).toBe('flipped.bin');
      expect((fromBytes as ModelFileError).reason).toBe(reason);
      expect((fromBytes as Error).message).toMatch(/^flipped\.bin: /);

      const path = join(dir, `flipped-${at}.bin`);
      await writeFile(path, bytes);
      const fromFile = await thrown(() => loadModel(path));
      expect(fromFile).toBeInstanceOf(ModelFileError);
      expect((fromFile as ModelFileError).source).toBe(path);
      expect((fromFile as Error).message).toContain(path);
    },
  );

  it.each([
    ['by one byte', (n: number) => n - 1],
    ['by half', (n: number) => Math.floor(n / 2)],
    ['to 20 bytes', () => 20],
    ['to 4 bytes', () => 4],
  ])('a file truncated %s is refused with a ModelFileError naming the source', async (_, cut) => {
    const bytes = base.model.toBytes();
    const short = bytes.slice(0, cut(bytes.length));
    const error = await thrown(() => loadModel(short, { name: 'short.bin' }));
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as ModelFileError).reason).toBe('truncated');
    expect((error as Error).message).toMatch(/^short\.bin: truncated/);

    const path = join(dir, `short-${short.length}.bin`);
    await writeFile(path, short);
    expect(((await thrown(() => loadModel(path))) as Error).message).toContain(path);
  });

  it('an empty file is refused', async () => {
    const error = await thrown(() => loadModel(new Uint8Array(0), { name: 'empty.bin' }));
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as ModelFileError).reason).toBe('empty');
  });

  it('loadModel of a missing path names the path', async () => {
    const path = join(dir, 'no-such-model.bin');
    const error = await thrown(() => loadModel(path));
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as ModelFileError).reason).toBe('unreadable');
    expect((error as ModelFileError).source).toBe(path);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(/ENOENT/);
  });

  it('a model file read back from disk is byte-identical to what was written', async () => {
    const path = join(dir, 'saved.bin');
    const bytes = base.model.toBytes();
    await writeFile(path, bytes);
    expect(sameBytes(await readFile(path), bytes)).toBe(true);
  });
});

describe('multiclass', () => {
  let three: TextClassifier;
  beforeAll(async () => {
    three = await train([...trainSet, ...neutralTrain], { seed: 4, epochs: 30 });
  });

  it('labels are sorted and predict returns three probabilities summing to 1', () => {
    expect(three.labels).toEqual(['negative', 'neutral', 'positive']);
    for (const text of [...clearCases.map(([t]) => t), ...neutralDev.map((e) => e.text)]) {
      const { probabilities } = three.predict(text);
      expect(Object.keys(probabilities).sort()).toEqual(['negative', 'neutral', 'positive']);
      expect(sum(Object.values(probabilities))).toBeCloseTo(1, 6);
    }
  });

  it('three-class logits from the per-row class scores equal the layer-by-layer forward', () => {
    const f = three.featurizer;
    const bags = [...dev, ...neutralDev].map((e) => f.rows(f.tokenize(e.text), []));
    const fast = three.logits(bags);
    const expected = layerByLayerLogits(three, bags);
    for (let i = 0; i < expected.length; i++) expect(Math.abs(fast[i] - expected[i]), `logit ${i}`).toBeLessThan(1e-5);
  });

  it('tells the three classes apart on held-out sentences', () => {
    const report = three.evaluate([...dev, ...neutralDev]);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.75);
    expect(report.perClass.find((c) => c.label === 'neutral')!.recall).toBeGreaterThanOrEqual(0.5);
    for (const [text, label] of clearCases) expect(three.predict(text).label).toBe(label);
  });

  it.each([...clearCases.map(([t]) => t), neutralDev[0].text])(
    'explain(%j) is exact: bias + Σ = target logit − mean logit',
    (text) => {
      const e = three.explain(text);
      expect(e.target).toBe(e.label);
      expect(Math.abs(e.bias + sum(e.tokens.map((t) => t.contribution)) - e.score)).toBeLessThan(
        1e-9 * (1 + Math.abs(e.score)),
      );
      expect(Math.abs(e.score - centredLogitFromProbabilities(three, text, e.target))).toBeLessThan(
        1e-4 * (1 + Math.abs(e.score)),
      );
    },
  );
});

describe('training options', () => {
  // Imbalanced: every positive example, only a quarter of the negative ones.
  const imbalanced = trainSet.filter((e, i) => e.label === 'positive' || i % 4 === 0);

  it('classWeights "auto" runs, changes the model, and raises the minority class\'s probability', async () => {
    const options: TrainOptions = { seed: 5, epochs: 10 };
    const plain = await trainWithReport(imbalanced, options);
    const weighted = await trainWithReport(imbalanced, { ...options, classWeights: 'auto' });
    expect(plain.classCounts.negative * 3).toBeLessThan(plain.classCounts.positive);
    expect(sameBytes(weighted.model.toBytes(), plain.model.toBytes())).toBe(false);
    const meanNegative = (model: TextClassifier) =>
      sum(model.predictBatch(dev.map((e) => e.text)).map((p) => p.probabilities.negative)) / dev.length;
    expect(meanNegative(weighted.model)).toBeGreaterThan(meanNegative(plain.model));
  });

  it('an unknown label in validation is an error naming the label', async () => {
    const validation = [...dev.slice(0, 3), { text: 'so-so', label: 'meh' }];
    await expect(train(trainSet, { epochs: 1, validation })).rejects.toThrow(
      /validation example 4: label "meh" is not one of negative, positive/,
    );
  });

  it.each([
    ['only positive examples', trainSet.filter((e) => e.label === 'positive')],
    ['a single example', trainSet.slice(0, 1)],
  ])('fewer than two classes is an error: %s', async (_, examples) => {
    await expect(train(examples, { epochs: 1 })).rejects.toThrow(/need at least two classes, found only "positive"/);
  });

  it('no examples at all is an error', async () => {
    await expect(train([], { epochs: 1 })).rejects.toThrow(/no training examples/);
  });

  it('validation as a fraction holds out that share of the data and reports validation scores', async () => {
    const { epochs, classCounts } = await trainWithReport(trainSet, {
      seed: 6,
      epochs: 4,
      validation: 0.25,
      patience: 0,
    });
    expect(sum(Object.values(classCounts))).toBe(trainSet.length - Math.round(trainSet.length * 0.25));
    expect(epochs.map((e) => [e.member, e.epoch])).toEqual([
      [1, 1],
      [1, 2],
      [1, 3],
      [1, 4],
      [2, 1],
      [2, 2],
      [2, 3],
      [2, 4],
    ]);
    for (const e of epochs) {
      expect(e.validAccuracy).toBeGreaterThanOrEqual(0);
      expect(e.validAccuracy).toBeLessThanOrEqual(1);
      expect(Number.isFinite(e.validLoss)).toBe(true);
    }
  });

  it.each([0, 1, 1.5, -0.2])('validation fraction %s is refused', async (fraction) => {
    await expect(train(trainSet, { epochs: 1, validation: fraction })).rejects.toThrow(
      /validation fraction must be between 0 and 1/,
    );
  });

  it('without validation, epoch reports carry no validation scores', () => {
    for (const e of base.epochs) {
      expect(e.validLoss).toBeUndefined();
      expect(e.validAccuracy).toBeUndefined();
    }
  });

  it.each([1, 2, 3])(
    "patience %i stops early when validation gets worse, and keeps the best epoch's weights",
    async (patience) => {
      // Validation labels flipped: the better the model learns the training data, the worse it does here.
      const flipped: LabelledText[] = dev.map((e) => ({
        text: e.text,
        label: e.label === 'positive' ? 'negative' : 'positive',
      }));
      const asked = 30;
      const { model, epochs } = await trainWithReport(trainSet, {
        seed: 9,
        lr: 2,
        epochs: asked,
        validation: flipped,
        patience,
        calibrate: false,
        members: 1,
      });
      expect(epochs.length).toBeLessThan(asked);
      const losses = epochs.map((e) => e.validLoss!);
      const best = losses.indexOf(Math.min(...losses));
      expect(epochs.length).toBe(best + 1 + patience);
      // The returned weights are the best epoch's: their validation loss is the best one reported.
      expect(model.evaluate(flipped).logLoss).toBeCloseTo(losses[best], 4);
    },
  );

  it('patience 0 never stops early', async () => {
    const flipped: LabelledText[] = dev.map((e) => ({
      text: e.text,
      label: e.label === 'positive' ? 'negative' : 'positive',
    }));
    const { epochs } = await trainWithReport(trainSet, {
      seed: 9,
      lr: 2,
      epochs: 8,
      validation: flipped,
      patience: 0,
      members: 1,
    });
    expect(epochs).toHaveLength(8);
  });
});

describe('members', () => {
  it('a model of two members predicts the mean of the logits of the two models trained alone', async () => {
    const options: TrainOptions = { seed: 21, epochs: 3, dim: 16, calibrate: false };
    const both = await trainWithReport(trainSet, { ...options, dim: 32, members: 2 });
    const alone = await Promise.all(
      [0, 1].map((m) => train(trainSet, { ...options, seed: memberSeed(21, m), members: 1 })),
    );
    expect(both.model.config.dim).toBe(32);
    expect(both.epochs.map((e) => e.member)).toEqual([1, 1, 1, 2, 2, 2]);
    const f = both.model.featurizer;
    const bags = dev.map((e) => f.rows(f.tokenize(e.text), []));
    const merged = both.model.logits(bags);
    const [a, b] = alone.map((m) => m.logits(bags));
    for (let i = 0; i < merged.length; i++)
      expect(Math.abs(merged[i] - (a[i] + b[i]) / 2), `logit ${i}`).toBeLessThan(1e-5);
    // Each member's vectors sit side by side in the merged table.
    expect(Array.from(both.model.wordVector('great')!)).toEqual([
      ...alone[0].wordVector('great')!,
      ...alone[1].wordVector('great')!,
    ]);
  });

  it('auto: one member per 32 columns for bag, as many as divide dim; one for mlp or with pretrained vectors', () => {
    expect([16, 32, 64, 96, 100, 128].map((dim) => autoMembers('bag', dim, false))).toEqual([1, 1, 2, 3, 2, 4]);
    expect(autoMembers('mlp', 128, false)).toBe(1);
    expect(autoMembers('bag', 128, true)).toBe(1);
  });

  it.each([
    [{ arch: 'mlp', members: 2 }, /members > 1 needs the bag architecture/],
    [{ dim: 60, members: 7 }, /dim \(60\) must split evenly among 7 members/],
    [{ members: 0 }, /members must be a positive integer/],
    [
      { members: 2, pretrainedVectors: new Map([['great', new Float32Array(64)]]) },
      /pretrained vectors start one model/,
    ],
  ] as [TrainOptions, RegExp][])('refuses %j', async (options, message) => {
    await expect(train(trainSet, { epochs: 1, ...options })).rejects.toThrow(message);
  });
});

describe('dispose', () => {
  let model: TextClassifier;
  beforeAll(async () => {
    model = await train(trainSet, { seed: 10, epochs: 1 });
    model.dispose();
  });

  it.each([
    ['predict', (m: TextClassifier) => m.predict('great')],
    ['predictBatch', (m: TextClassifier) => m.predictBatch(['great', 'awful'])],
    ['explain', (m: TextClassifier) => m.explain('great')],
    ['evaluate', (m: TextClassifier) => m.evaluate(dev.slice(0, 2))],
    ['toBytes', (m: TextClassifier) => m.toBytes()],
    ['nearest', (m: TextClassifier) => m.nearest('great')],
    ['similarity', (m: TextClassifier) => m.similarity('great', 'excellent')],
    ['wordVector', (m: TextClassifier) => m.wordVector('great')],
  ])('%s after dispose() throws a clear error', (_, use) => {
    expect(() => use(model)).toThrow('this model has been disposed');
  });
});

describe('the training loop allocates nothing', () => {
  it.each(['sgd', 'adam'] as const)(
    '%s: allocator position and memory size are the same after every step and epoch',
    async (optimizer) => {
      // train() makes its runtime inside; catch it on the way out of Runtime.create.
      const create = Runtime.create.bind(Runtime);
      let runtime: Runtime | undefined;
      const spy = vi.spyOn(Runtime, 'create').mockImplementation(async (options) => (runtime = await create(options)));
      const seen: { where: string; allocated: number; byteLength: number; grows: number }[] = [];
      const record = (where: string) =>
        seen.push({ where, allocated: runtime!.allocated, byteLength: runtime!.byteLength, grows: runtime!.grows });
      try {
        await trainWithReport(trainSet, {
          seed: 11,
          epochs: 4,
          optimizer,
          lr: optimizer === 'adam' ? 0.01 : 1,
          validation: dev,
          patience: 0,
          members: 1,
          batchEvery: 1,
          onBatch: (info) => record(`step ${info.step}`),
          onEpoch: (report) => record(`end of epoch ${report.epoch}`),
        });
      } finally {
        spy.mockRestore();
      }
      expect(runtime).toBeDefined();
      const steps = Math.ceil(trainSet.length / 8) * 4;
      expect(seen).toHaveLength(steps + 4);
      const first = seen[0];
      for (const s of seen) {
        expect(s.allocated, `${s.where}: allocated`).toBe(first.allocated);
        expect(s.byteLength, `${s.where}: byteLength`).toBe(first.byteLength);
        expect(s.grows, `${s.where}: grows`).toBe(first.grows);
      }
    },
  );
});
