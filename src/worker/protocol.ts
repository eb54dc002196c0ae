// The messages between a caller and the worker that trains for it. Everything in them survives
// structured cloning: examples and options without their callbacks go in; progress, checkpoints,
// and in the end the model or the error's name and message come back. The model comes as its
// model file taken apart (config and sections, their bytes transferred, not copied): the worker
// has already checked the file's envelope, so the caller's thread skips that step.

import type { ModelFileContents } from '../format/model-file.js';
import type { CheckpointInterval } from '../fit/checkpoint-interval.js';
import type { BatchInfo, EpochReport, LabelledText, TrainOptions } from '../fit/options.js';
import type { RuntimeOptions } from '../runtime/runtime.js';

/** Options as they cross to the worker: the callbacks stay with the caller, who is told through messages. */
export type WorkerSafeOptions = Omit<
  TrainOptions,
  'onBatch' | 'onEpoch' | 'onWarning' | 'checkpoint' | 'signal' | 'runtime' | 'worker'
> & {
  runtime?: RuntimeOptions;
  /** Checkpoint at this interval (steps or time; unset, the default): the bytes come back in a 'checkpoint' message. */
  checkpoint?: { every?: CheckpointInterval };
  /** Whether the caller listens to each kind of progress (no message is sent for nobody). */
  listen: { batch: boolean; epoch: boolean; warning: boolean };
};

/** To the worker. A path or URL is read there (Node), examples arrive as an array. */
export type ToWorker =
  | { type: 'train'; examples: readonly LabelledText<string | number>[] | string; options: WorkerSafeOptions }
  | { type: 'stop' };

/** From the worker. */
export type FromWorker =
  | { type: 'batch'; info: BatchInfo }
  | { type: 'epoch'; report: EpochReport }
  | { type: 'warning'; message: string }
  | { type: 'checkpoint'; bytes: Uint8Array }
  | {
      type: 'done';
      model: ModelFileContents;
      epochs: EpochReport[];
      classCounts: Record<string, number>;
      trainSeconds: number;
      warnings: string[];
      stopped: boolean;
      threads: number;
    }
  | { type: 'error'; name: string; message: string; stack?: string };
