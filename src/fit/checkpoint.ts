// Checkpoints of a training run: everything the epoch loop needs to carry on exactly where it
// stopped, so that a run killed at any point and resumed from its last checkpoint ends with the
// same model bytes as one that never stopped (same seed, data and options).
//
// What "everything" is, for one member of a bag model (or the single mlp model): its weights
// (embedding table and head), the sparse and dense optimisers' state, the shuffled order of the
// examples and both generators (shuffling, feature dropout) as they stand, the position (member,
// epoch, next batch, steps done), the running loss and accuracy of the epoch, the early-stopping
// bookkeeping (best validation loss and its weights) and the reports so far. With several
// members, the merged model built from the members already done is saved too.
//
// A checkpoint is a model-file container (src/format/model-file.ts: checksummed, versioned, refused
// when damaged) of another kind, so it is written atomically and checked the same way. It also
// records a fingerprint of the data and the options: resuming with other data or options would
// silently give another model, so it is refused, naming the first option that differs.
//
// Incremental checkpoints (checkpoint-patches.ts, given an `append`): a whole checkpoint is tens of
// megabytes for a bag model, while a step changes only the table rows its batch used. So a
// whole checkpoint is followed by patches appended after it, each a container of its own
// holding what changed since the one before: the position, the generators, the head, and of the
// table (and Adam's moments) only the rows touched since; the order, the best weights and the
// merged members only when they changed. Once the patches add up to the size of the whole
// checkpoint, the next checkpoint is whole again (written atomically over the old file), so
// writing costs at most twice what changed. Reading takes the whole checkpoint and applies each
// patch in turn. A patch cut off (the run killed while appending) or damaged at the very end is
// left out: the checkpoint before it is whole, and resuming from it gives the same bytes; a
// damaged patch with others after it is refused as damage is.

import {
  configJson,
  decodeModelFile,
  encodeModelFile,
  ModelFileError,
  type ModelFileContents,
} from '../format/model-file.js';
import {
  array,
  integer,
  nullable,
  number,
  object,
  optional,
  record,
  SchemaError,
  string,
  unknown,
  type Schema,
} from '../format/schema.js';
import { crc32 } from '../format/crc32.js';
import type { TextModel, WeightSnapshot } from '../models/text-model.js';
import type { CheckpointClock } from './checkpoint-interval.js';
import type { OptimizerSnapshot } from './optimizer.js';
import type { ResolvedFeatureOptions } from '../text/feature-options.js';
import type { EpochReport, Resolved, TrainOptions } from './options.js';

const CHECKPOINT_KIND = 'sentiwasm training checkpoint';
export const CHECKPOINT_VERSION = 1;
export const CHECKPOINT_PATCH_KIND = 'sentiwasm training checkpoint patch';

/** Where in the run a checkpoint was taken, and the bookkeeping that goes with the position. */
export interface CheckpointPosition {
  /** Member in progress, from 0. */
  member: number;
  /** Epoch in progress, from 1. */
  epoch: number;
  /** The next batch of the epoch, from 0 (the epoch's last batch done: its end is still to come). */
  batch: number;
  /** Steps done over all members. */
  step: number;
  lossSum: number;
  correct: number;
  wordsSeen: number;
  sinceBest: number;
  /** The best validation loss so far, or null before the first validation. */
  bestLoss: number | null;
}

/** The state of a run at a step boundary. */
export interface TrainingState {
  position: CheckpointPosition;
  /** Every epoch report so far, earlier members' included. */
  reports: EpochReport[];
  order: Int32Array;
  shuffleRng: Uint32Array;
  dropoutRng: Uint32Array;
  /** The model's tensors by name. */
  weights: WeightSnapshot;
  optimizer: OptimizerSnapshot;
  /** The weights of the best validation loss so far, when there is validation data. */
  best?: WeightSnapshot;
  /** With several members: the merged model of the members already trained. */
  merged?: WeightSnapshot;
}

/** What must match for a checkpoint to continue this run. */
export interface RunIdentity {
  /** Every option that changes the result, by name (JSON values). */
  options: Record<string, unknown>;
  /** A checksum of the training and validation examples, in order. */
  data: string;
}

/** The resolved options that change the trained model, in the order a checkpoint records them. */
const IDENTITY_OPTIONS = [
  'arch',
  'dim',
  'hidden',
  'members',
  'epochs',
  'lr',
  'batch',
  'optimizer',
  'schedule',
  'warmup',
  'seed',
  'patience',
  'featureDropout',
  'naiveBayesStart',
  'weightDecay',
] as const satisfies readonly (keyof Resolved)[];

/** Every option that changes the trained model, for telling whether a checkpoint belongs to a run. */
export function runIdentity(
  o: Resolved,
  features: ResolvedFeatureOptions,
  labels: string[],
  classWeight: Float32Array | undefined,
  train: readonly { text: string; label: string }[],
  valid: readonly { text: string; label: string }[],
  pretrained: Map<string, Float32Array> | undefined,
): RunIdentity {
  const options: Record<string, unknown> = {
    ...Object.fromEntries(IDENTITY_OPTIONS.map((name) => [name, o[name]])),
    features,
    labels,
    classWeights: classWeight ? Array.from(classWeight) : null,
    pretrainedVectors: pretrained
      ? dataFingerprint([...pretrained].map(([word, v]) => ({ text: word, label: Array.from(v).join(' ') })))
      : null,
    // Recorded only where it differs from 1, so that checkpoints made before the option existed
    // (every row at one rate) still resume.
    ...(o.vectorsLr !== 1 ? { vectorsLr: o.vectorsLr } : {}),
  };
  return { options, data: `${dataFingerprint(train)}/${dataFingerprint(valid)}` };
}

/**
 * A checksum of examples (label and text, in order, framed so that no two sequences run
 * together), with their count: enough to tell a resumed run that its data changed.
 * @example
 * ```ts
 * dataFingerprint([{ text: "good", label: "1" }]) // "1:9b1c…"
 * ```
 */
export function dataFingerprint(examples: readonly { text: string; label: string }[]): string {
  const encoder = new TextEncoder();
  // One buffer for every example: an array per example (tens of thousands of small ArrayBuffers)
  // would leave the collector work that lands in the training loop.
  let buffer = new Uint8Array(4096);
  let crc = 0;
  for (const e of examples) {
    const framed = `${e.label}\u0000${e.text}\u0001`;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (framed.length * 3 > buffer.length) buffer = new Uint8Array(framed.length * 3);
    const { written } = encoder.encodeInto(framed, buffer);
    crc = crc32(buffer.subarray(0, written), crc);
  }
  return `${examples.length}:${crc.toString(16).padStart(8, '0')}`;
}

/** The bytes of a checkpoint: each group of tensors under its prefix ("weights.", "optimizer.", "best.", "merged."). */
export function encodeCheckpoint(identity: RunIdentity, state: TrainingState): Uint8Array {
  const sections: Record<string, Float32Array | Int32Array | Uint8Array> = {
    order: state.order,
    shuffleRng: new Int32Array(state.shuffleRng.buffer, state.shuffleRng.byteOffset, 4),
    dropoutRng: new Int32Array(state.dropoutRng.buffer, state.dropoutRng.byteOffset, 4),
  };
  const add = (prefix: string, tensors: Record<string, Float32Array> | undefined) => {
    for (const [name, values] of Object.entries(tensors ?? {})) sections[`${prefix}.${name}`] = values;
  };
  add('weights', state.weights);
  add('optimizer', state.optimizer.buffers);
  add('best', state.best);
  add('merged', state.merged);
  return encodeModelFile({
    config: {
      kind: CHECKPOINT_KIND,
      version: CHECKPOINT_VERSION,
      identity,
      position: state.position,
      reports: state.reports,
      optimizerSteps: state.optimizer.steps,
    },
    sections,
  });
}

/**
 * Reads a checkpoint and checks that it belongs to this run; a damaged file, a file of another
 * kind or a run with other data or options is refused with a message naming `source`.
 */
export function decodeCheckpoint(bytes: Uint8Array, source: string, identity: RunIdentity): TrainingState {
  const [whole, ...patches] = containers(bytes);
  const state = decodeWhole(whole, source, identity);
  patches.forEach((patch, i) => {
    let contents: ModelFileContents;
    try {
      contents = decodeModelFile(patch, `${source} (patch ${i + 1})`);
    } catch (error) {
      // The last patch alone may be cut off or garbled by a kill or a power cut: the state before it is whole.
      if (i === patches.length - 1 && error instanceof ModelFileError) return;
      throw error;
    }
    applyPatch(state, contents, `${source} (patch ${i + 1})`);
  });
  return state;
}

/**
 * The containers a checkpoint's bytes hold, whole one first, each as long as its header says
 * (bytes 16–24, which keep that meaning in every version of the format); a cut-off tail is the
 * last, shorter than it says, and fails to decode as such.
 */
function containers(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  let at = 0;
  do {
    const length = at + 24 <= bytes.length ? Number(view.getBigUint64(at + 16, true)) : bytes.length - at;
    // The first container is decoded whatever it is, so that a damaged or foreign file gets its own message.
    const end = parts.length === 0 ? (length >= 24 && length < bytes.length ? length : bytes.length) : at + length;
    parts.push(bytes.subarray(at, Math.min(end, bytes.length)));
    at = end;
  } while (at < bytes.length);
  return parts;
}

/** Applies a patch (what changed since the checkpoint before) to a decoded state, in place. */
function applyPatch(state: TrainingState, { config, sections }: ModelFileContents, source: string): void {
  if (config.kind !== CHECKPOINT_PATCH_KIND || config.version !== CHECKPOINT_VERSION)
    refuse(source, `is not a patch of a ${CHECKPOINT_KIND} of version ${CHECKPOINT_VERSION}`);
  const { position, reports, optimizerSteps = {} } = read(PROGRESS, config, source);
  state.position = position;
  state.reports = reports;
  state.optimizer.steps = optimizerSteps;
  state.shuffleRng = new Uint32Array(int32Section(sections, 'shuffleRng', source, 4).buffer);
  state.dropoutRng = new Uint32Array(int32Section(sections, 'dropoutRng', source, 4).buffer);
  if (sections.order) state.order = int32Section(sections, 'order', source);
  readTensors(state, sections);
}

/**
 * Copies a container's tensors ("weights.<name>", "optimizer.<name>", "best.<name>",
 * "merged.<name>") into the state: whole, or a patch's rows of a tensor where it lists them
 * ("rowIds.<section>").
 */
function readTensors(state: TrainingState, sections: ModelFileContents['sections']): void {
  for (const [name, values] of Object.entries(sections)) {
    if (!(values instanceof Float32Array)) continue;
    const dot = name.indexOf('.');
    const [prefix, tensor] = [name.slice(0, dot), name.slice(dot + 1)];
    const group =
      prefix === 'weights'
        ? state.weights
        : prefix === 'optimizer'
          ? state.optimizer.buffers
          : prefix === 'best'
            ? (state.best ??= {})
            : prefix === 'merged'
              ? (state.merged ??= {})
              : undefined;
    if (!group) continue;
    const target = group[tensor];
    const rows = sections[`rowIds.${name}`];
    if (!target) group[tensor] = values.slice();
    else if (!(rows instanceof Int32Array)) target.set(values);
    else {
      const width = values.length / Math.max(1, rows.length);
      rows.forEach((row, k) => target.set(values.subarray(k * width, (k + 1) * width), row * width));
    }
  }
}

function decodeWhole(bytes: Uint8Array, source: string, identity: RunIdentity): TrainingState {
  const { config, sections } = decodeModelFile(bytes, source);
  if (config.kind !== CHECKPOINT_KIND)
    refuse(
      source,
      `holds a "${String(config.kind)}", not a ${CHECKPOINT_KIND}`,
      'give the folder or file that --checkpoint wrote',
    );
  if (config.version !== CHECKPOINT_VERSION)
    refuse(
      source,
      `is a checkpoint of version ${String(config.version)}; this sentiwasm reads version ${CHECKPOINT_VERSION}`,
    );
  const saved = read(IDENTITY, config.identity, source, 'config.identity');
  if (saved.data !== identity.data)
    refuse(
      source,
      'was made from other training or validation data',
      'resume with the same data files (and the same --dev), or start again without resuming',
    );
  for (const key of new Set([...Object.keys(saved.options), ...Object.keys(identity.options)])) {
    // As the container wrote them (keys sorted), so that key order alone is never a difference.
    const was = configJson(saved.options[key]);
    const now = configJson(identity.options[key]);
    if (was !== now)
      refuse(
        source,
        `was made with ${key} ${was ?? 'unset'}, and this run has ${key} ${now ?? 'unset'}`,
        'resume with the options the run started with',
      );
  }
  const { position, reports, optimizerSteps = {} } = read(PROGRESS, config, source);
  const state: TrainingState = {
    position,
    reports,
    weights: {},
    optimizer: { steps: optimizerSteps, buffers: {} },
    order: int32Section(sections, 'order', source),
    shuffleRng: new Uint32Array(int32Section(sections, 'shuffleRng', source, 4).buffer),
    dropoutRng: new Uint32Array(int32Section(sections, 'dropoutRng', source, 4).buffer),
  };
  readTensors(state, sections);
  if (Object.keys(state.weights).length === 0) refuse(source, 'it holds no weights');
  return state;
}

/** A checkpoint that cannot continue this run: a ModelFileError naming `source`. */
function refuse(source: string, problem: string, hint = 'start the run again without resuming'): never {
  throw new ModelFileError(source, problem, hint, 'invalid-contents');
}

/** What a checkpoint records of the run it belongs to. */
const IDENTITY = object({ options: record(unknown), data: string });

/** Where the run stands, in a whole checkpoint's config and in each patch's. */
const PROGRESS = object({
  position: object({
    member: integer(0),
    epoch: integer(0),
    batch: integer(0),
    step: integer(0),
    lossSum: number(),
    correct: number(),
    wordsSeen: number(),
    sinceBest: integer(0),
    bestLoss: nullable(number()),
  }),
  reports: array(
    object({
      member: optional(integer(1)),
      epoch: integer(1),
      trainLoss: number(),
      trainAccuracy: number(),
      validLoss: optional(number()),
      validAccuracy: optional(number()),
      seconds: number(),
      tokensPerSecond: number(),
    }),
  ),
  optimizerSteps: optional(record(integer(0))),
});

/** `value` (the config, or the part of it at `path`) read by `schema`, or refused naming the field. */
function read<T>(schema: Schema<T>, value: unknown, source: string, path = 'config'): T {
  try {
    return schema(value, path);
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    return refuse(source, error.message);
  }
}

/** A copy of the int32 section `name` (of `length` values, when given), or a refusal naming it. */
function int32Section(
  sections: ModelFileContents['sections'],
  name: string,
  source: string,
  length?: number,
): Int32Array {
  const section = sections[name];
  if (!(section instanceof Int32Array) || (length !== undefined && section.length !== length))
    return refuse(source, `section "${name}" is missing or malformed`);
  return section.slice();
}

/**
 * What the epoch loop asks of the writer of a run's checkpoints. Two write them: the one here,
 * every checkpoint whole, and the one in checkpoint-patches.ts, patches after a whole one when
 * the caller can append. Apart so that the browser's training worker, which cannot be given
 * `append` (a callback does not cross to a worker), leaves the patches' code out of its bundle.
 */
export interface CheckpointWriter {
  /** When the next checkpoint is due. */
  readonly clock: CheckpointClock;
  /** A model starts training (or resumes): its first checkpoint is whole. */
  startModel(model: TextModel): void;
  /** Whether touch() wants to hear of the table rows each step updated. */
  readonly tracksRows: boolean;
  /** The rows a step updated. */
  touch(rows: Int32Array): void;
  write(state: TrainingState): Promise<void>;
}

/** The `checkpoint` option as a writer takes it. */
export type CheckpointTarget = Pick<NonNullable<TrainOptions['checkpoint']>, 'save' | 'append'>;

/** Makes the writer of a run's checkpoints: the caller of the epoch loop chooses which writers its bundle carries. */
export type MakeCheckpointWriter = (
  identity: RunIdentity,
  clock: CheckpointClock,
  target: CheckpointTarget,
) => CheckpointWriter;

/** Writes every checkpoint whole, through `save`. */
export class WholeCheckpointWriter implements CheckpointWriter {
  readonly tracksRows: boolean = false;

  constructor(
    private readonly identity: RunIdentity,
    readonly clock: CheckpointClock,
    private readonly save: (bytes: Uint8Array) => void | Promise<void>,
  ) {}

  startModel(): void {}

  touch(): void {}

  async write(state: TrainingState): Promise<void> {
    await this.save(encodeCheckpoint(this.identity, state));
  }
}

/** Whole checkpoints only, `append` or not: what a caller that is never given `append` needs. */
export const wholeCheckpoints: MakeCheckpointWriter = (identity, clock, { save }) =>
  new WholeCheckpointWriter(identity, clock, save);
