// Incremental checkpoints: a whole checkpoint, then patches of what changed appended after it
// (the format and why are at the top of checkpoint.ts, which also reads them back). Only a
// caller that can append writes them: the library's train() and the CLI. The browser's training
// worker, which is never given `append`, writes whole checkpoints only and so never loads this
// module (see wholeCheckpoints in checkpoint.ts).

import { encodeModelFile } from '../format/model-file.js';
import { BagFrontModel } from '../models/bag-front-model.js';
import type { TextModel, WeightSnapshot } from '../models/text-model.js';
import {
  CHECKPOINT_PATCH_KIND,
  CHECKPOINT_VERSION,
  encodeCheckpoint,
  WholeCheckpointWriter,
  type CheckpointWriter,
  type MakeCheckpointWriter,
  type RunIdentity,
  type TrainingState,
} from './checkpoint.js';
import type { CheckpointClock } from './checkpoint-interval.js';

/** The tensors of a checkpoint that a step changes only in the rows its batch used, and how many rows they have. */
export interface RowTracking {
  rows: number;
  /** Section names ("weights.embedding.weight", "optimizer.embedding.m", …), each [rows × width]. */
  names: string[];
}

/**
 * Patches after a whole checkpoint when the caller gives `append`; whole checkpoints only when it
 * does not. What the library's train() writes with.
 */
export const patchedCheckpoints: MakeCheckpointWriter = (identity, clock, { save, append }) =>
  append
    ? new PatchingCheckpointWriter(identity, clock, save, append)
    : new WholeCheckpointWriter(identity, clock, save);

/**
 * Writes the checkpoints of a run: whole ones through `save`, patches after the last whole one
 * through `append`. The epoch loop tells it when a model starts (`startModel`) and which table
 * rows each step updated (`touch`).
 */
export class PatchingCheckpointWriter implements CheckpointWriter {
  /** Bytes of the last whole checkpoint (0: none yet for this model), and of the patches after it. */
  private wholeBytes = 0;
  private appendedBytes = 0;
  private tracking: RowTracking | undefined;
  /** Rows touched since the last checkpoint: a flag per row and the list of those flagged. */
  private flags = new Uint8Array(0);
  private touched: number[] = [];
  private lastEpoch = 0;
  private lastBest: WeightSnapshot | undefined;

  constructor(
    private readonly identity: RunIdentity,
    readonly clock: CheckpointClock,
    private readonly save: (bytes: Uint8Array) => void | Promise<void>,
    private readonly append: (bytes: Uint8Array) => void | Promise<void>,
  ) {}

  /** A model starts training (or resumes): its first checkpoint is whole. */
  startModel(model: TextModel): void {
    this.wholeBytes = 0;
    // A bag model's step changes only the table rows (and their Adam moments) its batch used: patches carry only those.
    this.tracking =
      model instanceof BagFrontModel
        ? {
            rows: Math.max(1, model.shape.rows),
            names: ['weights.embedding.weight', 'optimizer.embedding.m', 'optimizer.embedding.v'],
          }
        : undefined;
    this.flags = new Uint8Array(this.tracking?.rows ?? 0);
    this.touched = [];
    this.tracksRows = false;
  }

  /**
   * Whether touch() wants to hear of each step's rows: only once a whole checkpoint of this model
   * is written (the first one is whole anyway), so that a run that never reaches its first
   * checkpoint pays nothing per step.
   */
  tracksRows = false;

  /** The rows a step updated. */
  touch(rows: Int32Array): void {
    const { flags, touched } = this;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (flags[row] === 0) {
        flags[row] = 1;
        touched.push(row);
      }
    }
  }

  async write(state: TrainingState): Promise<void> {
    const whole = this.wholeBytes === 0 || this.appendedBytes >= this.wholeBytes;
    if (whole) {
      const bytes = encodeCheckpoint(this.identity, state);
      await this.save(bytes);
      this.wholeBytes = bytes.length;
      this.appendedBytes = 0;
    } else {
      const bytes = this.encodePatch(state);
      await this.append(bytes);
      this.appendedBytes += bytes.length;
    }
    for (const row of this.touched) this.flags[row] = 0;
    this.touched.length = 0;
    this.lastEpoch = state.position.epoch;
    this.lastBest = state.best;
    this.tracksRows = this.tracking !== undefined;
  }

  /** What changed since the last checkpoint: rows touched of the tracked tensors, the rest of them whole when small or changed. */
  private encodePatch(state: TrainingState): Uint8Array {
    const sections: Record<string, Float32Array | Int32Array> = {
      shuffleRng: new Int32Array(state.shuffleRng.buffer, state.shuffleRng.byteOffset, 4),
      dropoutRng: new Int32Array(state.dropoutRng.buffer, state.dropoutRng.byteOffset, 4),
    };
    // The order changes only when an epoch starts (it is shuffled then).
    if (state.position.epoch !== this.lastEpoch) sections.order = state.order;
    const rowIds = Int32Array.from(this.touched).sort();
    const tracked = new Set(this.tracking?.names);
    const add = (prefix: string, tensors: Record<string, Float32Array> | undefined) => {
      for (const [name, values] of Object.entries(tensors ?? {})) {
        const key = `${prefix}.${name}`;
        if (!tracked.has(key)) {
          sections[key] = values;
          continue;
        }
        const width = values.length / this.tracking!.rows;
        const rows = new Float32Array(rowIds.length * width);
        rowIds.forEach((row, k) => rows.set(values.subarray(row * width, (row + 1) * width), k * width));
        sections[key] = rows;
        sections[`rowIds.${key}`] = rowIds;
      }
    };
    add('weights', state.weights);
    add('optimizer', state.optimizer.buffers);
    if (state.best !== this.lastBest) add('best', state.best);
    return encodeModelFile({
      config: {
        kind: CHECKPOINT_PATCH_KIND,
        version: CHECKPOINT_VERSION,
        position: state.position,
        reports: state.reports,
        optimizerSteps: state.optimizer.steps,
      },
      sections,
    });
  }
}
