// The worker's side: waits for one 'train' message, trains with the library's trainWithReport,
// tells the caller about progress as it goes, and answers with the model's bytes or the error.
// A 'stop' message aborts the run through an AbortSignal, which the epoch loop looks at between
// steps (it gives the event loop a turn every few milliseconds so that the message is seen).

import { decodeModelFile } from '../format/model-file.js';
import type { LabelledText, TrainOptions } from '../fit/options.js';
import type { TrainResult } from '../fit/train-model.js';
import type { FromWorker, ToWorker } from './protocol.js';

/** The two ends of a message port, as Web Workers and worker_threads each spell them. */
export interface WorkerPort {
  post(message: FromWorker, transfer?: ArrayBuffer[]): void;
  listen(handler: (message: ToWorker) => void): void;
}

/** The trained model, as far as the worker needs it: the bytes of its model file. */
interface SavableModel {
  toBytes(): Uint8Array;
  dispose?(): void;
}

/** The library's trainWithReport (the Node entry's reads a path or a data set's name too), or one whose model only saves. */
type Train = (
  examples: readonly LabelledText<string | number>[] | string,
  options: TrainOptions,
) => Promise<Omit<TrainResult<string | number>, 'model'> & { model: SavableModel }>;

/** Answers the 'train' and 'stop' messages arriving on `port` by training with `train`. */
export function serveTraining(port: WorkerPort, train: Train): void {
  const controller = new AbortController();
  port.listen((message) => {
    if (message.type === 'stop') return controller.abort();
    if (message.type === 'train') void run(port, train, message, controller.signal);
  });
}

async function run(
  port: WorkerPort,
  train: Train,
  message: ToWorker & { type: 'train' },
  signal: AbortSignal,
): Promise<void> {
  const { listen, checkpoint, ...options } = message.options;
  try {
    const result = await train(message.examples, {
      ...options,
      signal,
      onBatch: listen.batch ? (info) => port.post({ type: 'batch', info }) : undefined,
      onEpoch: listen.epoch ? (report) => port.post({ type: 'epoch', report }) : undefined,
      onWarning: listen.warning ? (warning) => port.post({ type: 'warning', message: warning }) : undefined,
      checkpoint: checkpoint
        ? {
            every: checkpoint.every,
            save: (bytes) =>
              port.post(
                { type: 'checkpoint', bytes },
                [bytes.buffer].filter((b) => b instanceof ArrayBuffer),
              ),
          }
        : undefined,
    });
    const model = decodeModelFile(result.model.toBytes(), 'the trained model');
    result.model.dispose?.();
    // The sections are views of the file's bytes (or copies where one was misaligned): each buffer is moved once.
    const buffers = [...new Set(Object.values(model.sections).map((s) => s.buffer))].filter(
      (b) => b instanceof ArrayBuffer,
    );
    port.post(
      {
        type: 'done',
        model,
        epochs: result.epochs,
        classCounts: result.classCounts,
        trainSeconds: result.trainSeconds,
        warnings: result.warnings,
        stopped: result.stopped ?? false,
        threads: result.threads,
      },
      buffers,
    );
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    port.post({ type: 'error', name: e.name, message: e.message, stack: e.stack });
  }
}
