// train() and trainWithReport(), as the library's user calls them, in browsers and in Node alike:
// examples from an array, a stream, a data file's path or (in Node) a data set's name; trained
// here, or with `worker: true` in a worker. What differs between platforms (how a path or a name
// is read, how a worker starts) is installed by the platform's entry point, as the file reader
// and the thread starter are (src/io/platform.node.ts); a browser has the defaults below.

import { TextClassifier, type Label } from '../classifier/classifier.js';
import type { DatasetOptions } from '../data/datasets/options.js';
import { readExamples } from '../data/examples.js';
import type { LabelledText, TrainingData, TrainOptions } from '../fit/options.js';
import type { TrainResult } from '../fit/train-model.js';
import { readFileBytes } from '../runtime/wasm-source.js';
import { trainInWorker, type WorkerChannel } from '../worker/train-in-worker.js';
import { startWebWorker } from '../worker/web-worker.js';

export { autoEpochs, MAX_TRAINING_FEATURES, sortLabels, TRAIN_DEFAULTS } from '../fit/options.js';
export type { BatchInfo, EpochReport, LabelledText, TrainingData, TrainOptions } from '../fit/options.js';
export { autoMembers, memberSeed } from '../fit/members.js';
export type { TrainResult } from '../fit/train-model.js';

/** What train() needs of its platform: how to read data it is given by path or name, and how to start its worker. */
export interface TrainingPlatform {
  /**
   * The examples of a data file's path or URL (in Node also of a data set by name), streamed;
   * unset, a path or URL is fetched.
   */
  readData?(source: string | URL, datasets: DatasetOptions | undefined): Promise<AsyncIterable<LabelledText>>;
  /** Starts a worker that trains for `train(…, { worker: true })`. */
  startWorker(): WorkerChannel;
  /** Whether that worker reads a path or a name itself (a browser's has no files to read). */
  workerReadsFiles: boolean;
}

/** A browser's: paths and URLs are fetched, the worker is a module Web Worker. */
let platform: TrainingPlatform = { startWorker: startWebWorker, workerReadsFiles: false };

/**
 * Installs how train() reads paths and names and starts its worker (the Node entry point installs its own).
 * @example
 * ```ts
 * setTrainingPlatform({ ...myPlatform, workerReadsFiles: true });
 * ```
 */
export function setTrainingPlatform(p: TrainingPlatform): void {
  platform = p;
}

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
  const named = typeof examples === 'string' || examples instanceof URL;
  if (options.worker) {
    if (named && !platform.workerReadsFiles) {
      throw new TypeError(
        `train(…, { worker: true }) takes labelled examples here (an array or a stream), not the path ${JSON.stringify(String(examples))}: a browser has no files to read; read the file's bytes with readExamples first`,
      );
    }
    return trainInWorker(platform.startWorker, examples, options);
  }
  const { datasets, validation, ...rest } = options;
  const read = platform.readData ?? fetchData;
  // A path is read here, so that a missing or bad file gets the readers' message (file: problem. what to do).
  // A file's labels are strings, whatever L the caller named.
  const data = named ? ((await read(examples, datasets)) as TrainingData<L>) : examples;
  const valid = typeof validation === 'string' ? await collect(await read(validation, datasets)) : validation;
  const { trainModel, patchedCheckpoints, startTeam } = await import('./local-training.js');
  const { model, config, featurizer, ...report } = await trainModel(
    data,
    { ...rest, validation: valid },
    { checkpoints: patchedCheckpoints, startTeam },
  );
  return { model: new TextClassifier<L>(model, config, featurizer), ...report };
}

/** Without a platform's reader: a path or URL is fetched (a browser's), or read by the installed file reader. */
async function fetchData(source: string | URL): Promise<AsyncIterable<LabelledText>> {
  return readExamples(await readFileBytes(source), { fileName: String(source) });
}

/** Every example of a data file, as { text, label }. */
async function collect(data: AsyncIterable<LabelledText>): Promise<LabelledText[]> {
  const all: LabelledText[] = [];
  for await (const { text, label } of data) all.push({ text, label });
  return all;
}
