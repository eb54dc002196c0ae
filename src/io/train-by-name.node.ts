// train() and trainWithReport() for the Node entry: they take a data-set name (or a data file)
// where the library's take examples or a path, and `validation` may name a split ("sst2:dev").
// They shadow the library's in src/index.node.ts.

import { readExamplesFromFile } from '../data/files.node.js';
import { resolveDataPath, type DatasetOptions } from '../data/datasets.node.js';
import {
  train as trainExamples,
  trainWithReport as trainExamplesWithReport,
  type LabelledText,
  type TrainOptions,
  type TrainResult,
  type TrainingData,
} from '../train/train.js';
import type { Label, TextClassifier } from '../classifier/classifier.js';

/** train()'s options in Node: the training data and `validation` may also name a data set. */
export interface NodeTrainOptions extends Omit<TrainOptions, 'validation'> {
  /** Held-out examples, a fraction of the training data, or a data-set name or data file ("sst2:dev"). */
  validation?: TrainOptions['validation'] | string;
  /** How data-set names are fetched (cache folder, offline, progress, …). */
  datasets?: DatasetOptions;
}

async function resolveTrainArgs<L extends Label>(
  examples: TrainingData<L>,
  options: NodeTrainOptions,
): Promise<[TrainingData<L>, TrainOptions]> {
  const { datasets, validation, ...rest } = options;
  // A path is read here, so that a missing or bad file gets the readers' message (file: problem. what to do).
  const data =
    typeof examples === 'string'
      ? (readExamplesFromFile(await resolveDataPath(examples, datasets)) as TrainingData<L>)
      : examples;
  let valid: TrainOptions['validation'];
  if (typeof validation === 'string') {
    const { examples: read } = await readExamplesFromFile(await resolveDataPath(validation, datasets)).collect();
    valid = read.map(({ text, label }): LabelledText => ({ text, label }));
  } else {
    valid = validation;
  }
  return [data, { ...rest, validation: valid }];
}

/**
 * train() that also takes a data-set name where it takes a file path.
 * @example
 * ```ts
 * const model = await train("sst2", { validation: "sst2:dev", epochs: 5 });
 * ```
 */
export async function train<L extends Label = string>(
  examples: TrainingData<L>,
  options: NodeTrainOptions = {},
): Promise<TextClassifier<L>> {
  const [data, resolved] = await resolveTrainArgs(examples, options);
  return trainExamples<L>(data, resolved);
}

/**
 * trainWithReport() that also takes a data-set name where it takes a file path.
 * @example
 * ```ts
 * const { model, epochs } = await trainWithReport("chnsenticorp", { validation: "chnsenticorp:dev" });
 * ```
 */
export async function trainWithReport<L extends Label = string>(
  examples: TrainingData<L>,
  options: NodeTrainOptions = {},
): Promise<TrainResult<L>> {
  const [data, resolved] = await resolveTrainArgs(examples, options);
  return trainExamplesWithReport<L>(data, resolved);
}
