// train() and trainWithReport() for the browser entry: the library's, and with `worker: true`
// the same training in a module Web Worker, so that the page stays responsive. They shadow the
// library's in src/index.ts.

import type { Label, TextClassifier } from '../classifier/classifier.js';
import type { TrainingData, TrainOptions, TrainResult } from '../train/train.js';
import { trainInWorker, type WorkerHandle, type WorkerOption } from './train-in-worker.js';
import type { FromWorker, ToWorker } from './protocol.js';

export type { WorkerOption } from './train-in-worker.js';

/** The parts of the DOM's Worker used here (the published types do not need the DOM library). */
interface WebWorker {
  postMessage(message: ToWorker): void;
  addEventListener(type: 'message', handler: (event: { data: FromWorker }) => void): void;
  addEventListener(type: 'error', handler: (event: { message?: string }) => void): void;
  addEventListener(type: 'messageerror', handler: () => void): void;
  terminate(): void;
}
declare const Worker: new (url: URL, options: { type: 'module' }) => WebWorker;

/** A module Web Worker running train-worker.js; the URL is spelled out so that bundlers find and bundle it. */
function startWebWorker(): WorkerHandle {
  if (typeof Worker === 'undefined')
    throw new Error(
      'train(…, { worker: true }) needs Web Workers, which this environment lacks; leave `worker` out to train here',
    );
  const worker = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
  return {
    post: (message) => worker.postMessage(message),
    listen(onMessage, onFailure) {
      worker.addEventListener('message', (event) => onMessage(event.data));
      // A script that fails to load or to evaluate reports no more than this event.
      worker.addEventListener('error', (event) =>
        onFailure(
          new Error(
            `the training worker failed: ${event.message || 'its script could not be loaded or run (check that the bundler emitted train-worker.js next to the library)'}`,
          ),
        ),
      );
      worker.addEventListener('messageerror', () =>
        onFailure(new Error('the training worker sent a message that could not be read')),
      );
    },
    terminate: () => worker.terminate(),
  };
}

/**
 * Trains a classifier on labelled texts; with `worker: true`, in a Web Worker.
 * @example
 * ```ts
 * const model = await train(examples, { worker: true, onEpoch: (r) => console.log(r.trainLoss) });
 * ```
 */
export async function train<L extends Label = string>(
  examples: TrainingData<L>,
  options: TrainOptions & WorkerOption = {},
): Promise<TextClassifier<L>> {
  return (await trainWithReport(examples, options)).model;
}

/**
 * train(), also returning the per-epoch reports and timings.
 * @example
 * ```ts
 * const { model, epochs, stopped } = await trainWithReport(examples, { worker: true, signal: controller.signal });
 * ```
 */
export async function trainWithReport<L extends Label = string>(
  examples: TrainingData<L>,
  options: TrainOptions & WorkerOption = {},
): Promise<TrainResult<L>> {
  const { worker, ...rest } = options;
  if (worker) {
    // The worker reads no files (a browser has none to read by path): it takes the examples themselves.
    if (typeof examples === 'string' || examples instanceof URL) {
      throw new TypeError(
        `train(…, { worker: true }) takes labelled examples here (an array or a stream), not the path ${JSON.stringify(String(examples))}: a browser has no files to read; read the file's bytes with readExamples first`,
      );
    }
    return trainInWorker(startWebWorker, examples, rest);
  }
  // Imported when first used: a page that trains only in the worker leaves the training code out of its own bundle.
  const { trainWithReport: trainHere } = await import('../train/train.js');
  return trainHere(examples, rest);
}
