// train() and trainWithReport() for the Node entry: those that take a data set's name or a file
// (io/train-by-name.node.ts), and with `worker: true` the same training in a worker_threads
// worker. They shadow the library's in src/index.node.ts.

import { Worker } from 'node:worker_threads';
import { trainWithReport as trainHere, type NodeTrainOptions } from '../io/train-by-name.node.js';
import type { Label, TextClassifier } from '../classifier/classifier.js';
import type { TrainingData, TrainOptions, TrainResult } from '../train/train.js';
import { trainInWorker, type WorkerHandle, type WorkerOption } from './train-in-worker.js';
import type { FromWorker } from './protocol.js';

/**
 * A worker_threads worker running train-worker.node.js. Run from the TypeScript sources (tests,
 * tsx), the worker has no loader for them, so it registers tsx's before importing the script.
 */
function startThread(): WorkerHandle {
  const fromSources = import.meta.url.endsWith('.ts');
  const script = new URL(fromSources ? './train-worker.node.ts' : './train-worker.node.js', import.meta.url);
  const worker = fromSources
    ? new Worker(
        `import('tsx/esm/api').then((tsx) => tsx.register()).then(() => import(${JSON.stringify(script.href)}))`,
        { eval: true },
      )
    : new Worker(script);
  return {
    post: (message) => worker.postMessage(message),
    listen(onMessage, onFailure) {
      worker.on('message', (message: FromWorker) => onMessage(message));
      worker.on('error', (error) => onFailure(error));
      worker.on('exit', (code) =>
        onFailure(new Error(`the training worker stopped (exit code ${code}) before it answered`)),
      );
    },
    terminate: () => void worker.terminate(),
  };
}

/**
 * train() that also takes a data set's name or a file; with `worker: true`, in a worker thread.
 * @example
 * ```ts
 * const model = await train("sst2", { worker: true, epochs: 5 });
 * ```
 */
export async function train<L extends Label = string>(
  examples: TrainingData<L>,
  options: NodeTrainOptions & WorkerOption = {},
): Promise<TextClassifier<L>> {
  return (await trainWithReport(examples, options)).model;
}

/**
 * trainWithReport() that also takes a data set's name or a file; with `worker: true`, in a worker thread.
 * @example
 * ```ts
 * const { model, epochs } = await trainWithReport("sst2", { worker: true, validation: "sst2:dev" });
 * ```
 */
export async function trainWithReport<L extends Label = string>(
  examples: TrainingData<L>,
  options: NodeTrainOptions & WorkerOption = {},
): Promise<TrainResult<L>> {
  const { worker, ...rest } = options;
  return worker ? trainInWorker(startThread, examples, rest as TrainOptions) : trainHere(examples, rest);
}
