// Masked-word pretraining (pretrain()) and fine-tuning from it (train({ init })): the loss falls
// on a small corpus, the same seed gives the same bytes, a classifier starts from the file's
// vocabulary and weights, and what cannot start one (another architecture, other sizes, a
// damaged file, a classifier's file) or cannot predict (an encoder's file) is refused.

import { describe, expect, it } from 'vitest';
import { loadModel, pretrain, train, trainWithReport } from '../src/index.node.js';
import { decodeModelFile, ModelFileError } from '../src/format/model-file.js';
import { decodeEncoder } from '../src/model-file/encoder-file.js';
import { seededRandom } from './helpers.js';

// Texts from a small grammar: which word fills a slot follows from the words around it (an
// adjective agrees with the verb's sentiment), so hidden words can be learned from context.
const GOOD = ['good', 'great', 'fine', 'lovely'];
const BAD = ['bad', 'awful', 'dull', 'poor'];
const THINGS = ['movie', 'film', 'plot', 'cast'];
function corpus(n: number, seed: number): { text: string; label: string }[] {
  const rand = seededRandom(seed);
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)];
  return Array.from({ length: n }, () => {
    const positive = rand() < 0.5;
    const words = positive ? GOOD : BAD;
    const text = `the ${pick(THINGS)} was ${pick(words)} and i ${positive ? 'loved' : 'hated'} it , so ${pick(words)}`;
    return { text, label: positive ? 'pos' : 'neg' };
  });
}

const SIZES = { dim: 16, heads: 2, ff: 32, layers: 1, maxLen: 16 };
const SMALL = { ...SIZES, batch: 16, negatives: 16 };
const texts = corpus(400, 1).map((e) => e.text);

describe('pretrain', () => {
  it('lowers the masked-word loss on a small corpus, epoch after epoch', async () => {
    const { epochs, words } = await pretrain(texts, { ...SMALL, epochs: 8, lr: 3e-3 });
    expect(words).toBe(21);
    const losses = epochs.map((e) => e.loss);
    expect(losses[losses.length - 1]).toBeLessThan(0.7 * losses[0]);
    expect(losses[losses.length - 1]).toBeLessThan(losses[1]);
  });

  it('gives the same bytes from the same texts, options and seed', async () => {
    const a = await pretrain(texts, { ...SMALL, epochs: 1, seed: 3 });
    const b = await pretrain(texts, { ...SMALL, epochs: 1, seed: 3 });
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
  });

  it('refuses options that cannot work', async () => {
    await expect(pretrain(texts, { ...SMALL, dim: 15 })).rejects.toThrow(/split evenly among 2 heads/);
    await expect(pretrain(texts, { ...SMALL, maskRate: 1 })).rejects.toThrow(/maskRate/);
    await expect(pretrain([' ', ''], SMALL)).rejects.toThrow(/no.*words|words in it/);
  });
});

describe('train({ init })', async () => {
  const { bytes } = await pretrain(texts, { ...SMALL, epochs: 2 });
  const labelled = corpus(200, 2);

  it.each([1, 2])(
    "starts from the file's vocabulary and weights: every encoder tensor as the file holds it, the head fresh (%i threads)",
    async (threads) => {
      // A learning rate of 1e-12 moves no weight measurably: what the model holds is where it started.
      const model = await train(labelled, { arch: 'attention', init: bytes, epochs: 1, lr: 1e-12, threads });
      const encoder = decodeEncoder(bytes, 'encoder');
      const { config, sections } = decodeModelFile(model.toBytes());
      expect(config.dim).toBe(SIZES.dim);
      const vocabulary = encoder.featurizer.vocabulary;
      expect(model.words().sort()).toEqual(
        Array.from({ length: vocabulary.size }, (_, i) => vocabulary.token(i)).sort(),
      );
      expect(Object.keys(encoder.tensors).length).toBeGreaterThan(10);
      for (const [name, values] of Object.entries(encoder.tensors)) {
        const loaded = sections[name] as Float32Array;
        expect(loaded.length, name).toBe(values.length);
        let largest = 0;
        for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(loaded[i] - values[i]));
        expect(largest, name).toBeLessThan(1e-6);
      }
      expect(sections['head.weight']).toBeInstanceOf(Float32Array);
      model.dispose();
    },
  );

  it("threads fine-tune from the same start: their first epoch is the one thread's, up to the order of sums", async () => {
    const loss = async (threads: number, init?: Uint8Array) =>
      (await trainWithReport(labelled, { arch: 'attention', ...SIZES, init, epochs: 1, threads })).epochs[0].trainLoss;
    const [one, two, fresh] = [await loss(1, bytes), await loss(2, bytes), await loss(2)];
    expect(Math.abs(one - two)).toBeLessThan(1e-3);
    expect(Math.abs(one - fresh)).toBeGreaterThan(1e-3);
  });

  it('fine-tunes into a classifier that predicts', async () => {
    const model = await train(labelled, { arch: 'attention', init: bytes, epochs: 15, threads: 1 });
    expect(model.evaluate(corpus(100, 3)).accuracy).toBeGreaterThan(0.9);
    model.dispose();
  });

  it.each([
    ['another architecture', { arch: 'bag' as const }, /init starts an attention model.*arch is "bag"/],
    ['another width', { dim: 32 }, /has dim 16, the options ask for 32/],
    ['other heads', { heads: 4 }, /has heads 2, the options ask for 4/],
    ['other layers', { layers: 2 }, /has layers 1, the options ask for 2/],
  ])('refuses %s', async (_, options, message) => {
    await expect(train(labelled, { init: bytes, epochs: 1, ...options })).rejects.toThrow(message);
  });

  it('refuses a damaged file, and a classifier given as an encoder', async () => {
    const damaged = bytes.slice();
    damaged[Math.floor(damaged.length / 2)] ^= 0xff;
    const error = await train(labelled, { arch: 'attention', init: damaged, epochs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect(String(error)).toMatch(/pretrained encoder \(init\)/);
    const classifier = await train(labelled, { arch: 'attention', init: bytes, epochs: 1, threads: 1 });
    await expect(train(labelled, { arch: 'attention', init: classifier.toBytes(), epochs: 1 })).rejects.toThrow(
      /holds a trained classifier, not a pretrained encoder/,
    );
    classifier.dispose();
  });

  it('a pretrained encoder cannot predict: loading it as a model says what it holds', async () => {
    await expect(loadModel(bytes)).rejects.toThrow(
      /holds a "sentiwasm pretrained encoder", not a sentiwasm text classifier/,
    );
  });
});
