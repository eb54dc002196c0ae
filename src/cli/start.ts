// `sentiwasm start` (npm start): the main job. Trains on the built-in corpus (English and
// Chinese, no download), then shows what the model learned: predictions, the words each rests
// on, and the nearest neighbours of "love" and "terrible" by centred cosine similarity.

import { builtinSplit } from '../data/corpus.js';
import { trainWithReport } from '../train/train.js';
import { similarityMeaning, tokenLabel } from './use-model.js';

const SAMPLES = [
  'I absolutely loved this film, the acting was wonderful!',
  'The service was slow and the food was terrible. Never again :(',
  'The staff were friendly and the breakfast was delicious :)',
  'What a waste of money, so disappointing.',
  'Not worth the price, the room was not clean.',
  '这家酒店的服务很好，房间也很干净。',
  '太吵了，床也不舒服，非常失望。',
];

export async function startCommand(options: { seed?: number }, out: (line: string) => void): Promise<void> {
  const { train, dev } = builtinSplit();
  out(
    `Training a bag-of-n-grams classifier on the built-in corpus: ${train.length} sentences (English and Chinese), ${dev.length} held out.`,
  );
  const { model, epochs, trainSeconds } = await trainWithReport(train, {
    seed: options.seed,
    validation: dev,
    patience: 0,
  });
  // With several members, the loss is the last member's, from its first epoch to its last.
  const last = epochs[epochs.length - 1];
  const members = last.member ?? 1;
  const own = epochs.filter((e) => (e.member ?? 1) === members);
  const runs = members > 1 ? `${members} members × ${own.length} epochs` : `${own.length} epochs`;
  out(
    `${runs} in ${trainSeconds.toFixed(2)} s; training loss ${own[0].trainLoss.toFixed(3)} → ${last.trainLoss.toFixed(3)}; held-out accuracy ${model.evaluate(dev).accuracy.toFixed(3)}`,
  );
  out('');
  for (const text of SAMPLES) {
    const p = model.predict(text);
    const e = model.explain(text);
    const top = e.tokens
      .map((_, i) => i)
      .sort((a, b) => Math.abs(e.tokens[b].contribution) - Math.abs(e.tokens[a].contribution))
      .slice(0, 3);
    const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
    out(`${p.label.padEnd(8)} ${(p.probabilities[p.label] * 100).toFixed(1).padStart(5)}%  ${text}`);
    out(`         because of: ${top.map((i) => tokenLabel(e.tokens, i, signed(e.tokens[i].contribution))).join(', ')}`);
  }
  out('');
  for (const word of ['love', 'terrible']) {
    const near = model
      .nearest(word, 6, { centred: true, wordsOnly: true })
      .map((n) => `${n.word} ${n.similarity.toFixed(3)}`);
    out(`nearest to "${word}": ${near.join(', ')}`);
  }
  out(`(${similarityMeaning(false).replace(' (--raw: plain cosine)', '')})`);
  model.dispose();
}
