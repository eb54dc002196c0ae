// The caller's side of training in a worker: sends the examples and the options without their
// callbacks, calls the callbacks as progress messages come back, turns an AbortSignal into a
// 'stop' message, and builds the model from the model file the worker answers with. The worker itself
// is started by the platform's starter: a module Web Worker in browsers (web-worker.ts), worker_threads in
// Node (src/io/worker-thread.node.ts).

import { TextClassifier, type Label } from '../classifier/classifier.js';
import { classifierFromContents } from '../model-file/classifier-file.js';
import { nextTurn } from '../fit/next-turn.js';
import type { LabelledText, TrainingData, TrainOptions } from '../fit/options.js';
import type { TrainResult } from '../fit/train-model.js';
import type { Channel } from '../runtime/channel.js';
import type { FromWorker, ToWorker, WorkerSafeOptions } from './protocol.js';
import { messageOf } from '../format/schema.js';

/** A started training worker. */
export type WorkerChannel = Channel<ToWorker, FromWorker>;

/**
 * Trains in the worker that `start` makes and resolves to the result, its model loaded on this
 * thread. Rejects with the worker's error (same name and message), or when the worker cannot start.
 */
export async function trainInWorker<L extends Label>(
  start: () => WorkerChannel,
  examples: TrainingData<L>,
  options: TrainOptions,
): Promise<TrainResult<L>> {
  options.signal?.throwIfAborted();
  const message: ToWorker = {
    type: 'train',
    examples: await examplesToSend(examples),
    options: optionsToSend(options),
  };
  options.signal?.throwIfAborted();
  const worker = start();
  const stop = () => worker.post({ type: 'stop' });
  try {
    const done = await new Promise<FromWorker & { type: 'done' }>((resolve, reject) => {
      let saving: Promise<void> = Promise.resolve();
      const fail = (error: unknown) => {
        void worker.terminate();
        reject(error);
      };
      // A callback that throws ends training with its error, as it does on the calling thread.
      const call = (f: () => void) => {
        try {
          f();
        } catch (error) {
          fail(error);
        }
      };
      worker.listen((m) => {
        if (m.type === 'batch') call(() => options.onBatch?.(m.info));
        else if (m.type === 'epoch') call(() => options.onEpoch?.(m.report));
        else if (m.type === 'warning') call(() => options.onWarning?.(m.message));
        else if (m.type === 'checkpoint') saving = saving.then(() => options.checkpoint?.save(m.bytes)).catch(fail);
        else if (m.type === 'error')
          fail(m.name === 'AbortError' && options.signal?.aborted ? options.signal.reason : rebuildError(m));
        else if (m.type === 'done') void saving.then(() => resolve(m), fail);
      }, fail);
      options.signal?.addEventListener('abort', stop, { once: true });
      try {
        worker.post(message);
      } catch (error) {
        fail(
          new TypeError(
            `train(…, { worker: true }) could not send the examples and options to the worker: ${messageOf(error)}`,
          ),
        );
      }
    });
    // Loaded in steps with a turn of the event loop between them: a large model takes a few
    // hundred milliseconds to load, which in one piece would freeze a page.
    const {
      config,
      featurizer,
      model: trained,
    } = await classifierFromContents(done.model, 'the model trained in the worker', options.runtime, nextTurn);
    const model = new TextClassifier<L>(trained, config, featurizer);
    const { epochs, classCounts, trainSeconds, warnings, stopped, threads } = done;
    // As on the calling thread: the run ended, its checkpoint has nothing left to resume.
    if (options.checkpoint && !stopped && !options.keepCheckpoint) await options.checkpoint.remove?.();
    return { model, epochs, classCounts, trainSeconds, warnings, stopped, threads };
  } finally {
    options.signal?.removeEventListener('abort', stop);
    void worker.terminate();
  }
}

/** The examples as an array (a stream is read here), or a path to read in the worker. */
async function examplesToSend(examples: TrainingData<Label>): Promise<readonly LabelledText<Label>[] | string> {
  if (typeof examples === 'string') return examples;
  if (examples instanceof URL) return examples.href;
  if (Array.isArray(examples)) return examples;
  if (
    examples !== null &&
    typeof examples === 'object' &&
    (Symbol.iterator in examples || Symbol.asyncIterator in examples)
  ) {
    const all: LabelledText<Label>[] = [];
    for await (const e of examples) all.push(e);
    return all;
  }
  // The worker's train() refuses it with its own message.
  return examples;
}

/** The options without what cannot cross to a worker; the callbacks stay here and are told through messages. */
function optionsToSend(options: TrainOptions): WorkerSafeOptions {
  const { onBatch, onEpoch, onWarning, checkpoint, signal, runtime, worker, ...rest } = options;
  void signal;
  void worker;
  const wasm = runtime?.wasm;
  if (typeof Response !== 'undefined' && wasm instanceof Response) {
    throw new TypeError(
      'runtime.wasm is a Response, which cannot go to a worker: pass its URL, its bytes or a compiled WebAssembly.Module',
    );
  }
  return {
    ...rest,
    ...(runtime ? { runtime: { ...runtime, wasm: wasm instanceof URL ? wasm.href : wasm } } : {}),
    // The interval only (the worker fills in the default), so that this side needs none of checkpoint-interval.ts.
    ...(checkpoint ? { checkpoint: { every: checkpoint.every } } : {}),
    listen: { batch: onBatch !== undefined, epoch: onEpoch !== undefined, warning: onWarning !== undefined },
  };
}

/** The worker's error on this side: the same class when it is a built-in one, else an Error with the same name. */
function rebuildError(m: FromWorker & { type: 'error' }): Error {
  const builtIn: Record<string, ErrorConstructor> = { RangeError, TypeError, SyntaxError };
  const Class = builtIn[m.name] ?? Error;
  const error = new Class(m.message);
  if (error.name !== m.name) error.name = m.name;
  if (m.stack)
    error.stack = `${error.name}: ${m.message}\n    (in the training worker)\n${m.stack.split('\n').slice(1).join('\n')}`;
  return error;
}
