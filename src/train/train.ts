// Training a text classifier, as the library's user calls it: examples from an array, a stream
// or a file, and a TextClassifier back. The epoch loop is train-model.ts, which gives the model
// as its parts; this module reads a file it is given by path and wraps the parts in a classifier.

import { readExamples } from '../data/examples.js';
import { readFileBytes } from '../runtime/wasm-source.js';
import { TextClassifier, type Label } from '../classifier/classifier.js';
import { patchedCheckpoints } from '../fit/checkpoint-patches.js';
import type { TrainingData, TrainOptions } from '../fit/options.js';
import { trainModel, type TrainResult } from '../fit/train-model.js';
import { startTeam } from '../parallel/start-team.js';

export { autoEpochs, MAX_TRAINING_FEATURES, sortLabels, TRAIN_DEFAULTS } from '../fit/options.js';
export type { BatchInfo, EpochReport, LabelledText, TrainingData, TrainOptions } from '../fit/options.js';
export { autoMembers, memberSeed } from '../fit/members.js';
export type { TrainResult } from '../fit/train-model.js';

/**
 * Trains a classifier on labelled texts.
 * @example
 * ```ts
 * const model = await train([{ text: "loved it", label: "pos" }, { text: "awful", label: "neg" }], { epochs: 10 });
 * ```
 */
export async function train<L extends Label = string>(
  examples: TrainingData<L>,
  options: TrainOptions = {},
): Promise<TextClassifier<L>> {
  return (await trainWithReport(examples, options)).model;
}

/**
 * train(), also returning the per-epoch reports and timings.
 * @example
 * ```ts
 * const { model, epochs } = await trainWithReport(examples, { epochs: 5 });
 * ```
 */
export async function trainWithReport<L extends Label = string>(
  examples: TrainingData<L>,
  options: TrainOptions = {},
): Promise<TrainResult<L>> {
  const source =
    typeof examples === 'string' || examples instanceof URL
      ? readExamples(await readFileBytes(examples), { fileName: String(examples) })
      : examples;
  const { model, config, featurizer, ...report } = await trainModel(source, options, {
    checkpoints: patchedCheckpoints,
    startTeam,
  });
  return { model: new TextClassifier<L>(model, config, featurizer), ...report };
}
