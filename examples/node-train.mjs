// Train on the built-in corpus, predict, explain, and save the model file atomically.
//   npm run build && node examples/node-train.mjs [model.bin]
// Inside this repository 'sentiwasm' resolves to the package itself (its Node entry).

import { builtinSplit, loadModel, saveModelFileAtomic, trainWithReport } from 'sentiwasm';

const out = process.argv[2] ?? 'sentiment.bin';
const { train, dev } = builtinSplit();

const { model, epochs, trainSeconds } = await trainWithReport(train, {
  validation: dev,
  // Every epoch: the loss sits on a plateau for the first few, where early stopping would quit.
  patience: 0,
  // validAccuracy is there whenever validation data is given, as here.
  onEpoch: (r) =>
    console.log(
      `epoch ${String(r.epoch).padStart(2)}  loss ${r.trainLoss.toFixed(4)}  held-out accuracy ${(100 * (r.validAccuracy ?? NaN)).toFixed(1)} %`,
    ),
});
console.log(
  `${epochs.length} epochs in ${trainSeconds.toFixed(2)} s; held-out accuracy ${(100 * model.evaluate(dev).accuracy).toFixed(1)} %`,
);

for (const text of [
  'I loved this movie, it was wonderful!',
  'The food was cold and the staff were rude.',
  '酒店很干净，服务很好',
]) {
  const { label, probabilities } = model.predict(text);
  const words = model
    .explain(text)
    .tokens.map(
      (t) => `${t.negated ? 'not:' : ''}${t.token}(${t.contribution >= 0 ? '+' : ''}${t.contribution.toFixed(2)})`,
    );
  console.log(`${label.padEnd(8)} ${probabilities[label].toFixed(3)}  ${text}\n         ${words.join(' ')}`);
}
console.log(
  'nearest to "great":',
  model
    .nearest('great', 5)
    .map((n) => n.word)
    .join(', '),
);

await saveModelFileAtomic(out, model.toBytes());
const again = await loadModel(out);
console.log(`saved ${out}; reloaded, it says "${again.predict('What a wonderful film').label}"`);
