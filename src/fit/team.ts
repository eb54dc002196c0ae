// What the epoch loop asks of threads that train with it. The loop (train-model.ts) trains alone,
// or hands each epoch to a team: threads over one shared memory, each with its own copy of the
// model (src/parallel/, which implements Team). The loop never imports the threads: train()
// gives it a way to start a team, and a run given none trains on one thread.

import type { ModelLayout, ModelShape, TextModel, WeightSnapshot } from '../models/text-model.js';
import type { RuntimeOptions } from '../runtime/runtime.js';
import type { Encoded } from './batches.js';
import type { PretrainedRows } from './optimizer.js';
import type { EpochReport, Resolved } from './options.js';
import type { ScheduleName } from './schedule.js';

/** The batches' settings a thread needs (the resolved options hold functions, which cannot cross). */
export interface ThreadTraining {
  batch: number;
  featureDropout: number;
  /** The seed of this thread's feature dropout. */
  seed: number;
  lr: number;
  schedule: ScheduleName;
  warmup: number;
  weightDecay: number;
  epochs: number;
  /** Steps in an epoch over all threads: the schedule runs over stepsPerEpoch · epochs steps. */
  stepsPerEpoch: number;
  /** How often (in this thread's steps) it reports progress. */
  every: number;
  /** The table rows pretrained vectors filled, when they step at another rate: each copy that updates needs them. */
  pretrainedRows?: PretrainedRows;
}

/** The settings a member's training reads (the resolved options without what cannot cross to a thread). */
export type MemberTraining = Pick<
  Resolved,
  | 'batch'
  | 'bestBy'
  | 'epochs'
  | 'featureDropout'
  | 'lr'
  | 'naiveBayesStart'
  | 'patience'
  | 'schedule'
  | 'warmup'
  | 'weightDecay'
  | 'seed'
>;

/** The member settings of resolved options. */
export function memberTraining(o: Resolved): MemberTraining {
  const { batch, bestBy, epochs, featureDropout, lr, naiveBayesStart, patience, schedule, warmup, weightDecay, seed } =
    o;
  return { batch, bestBy, epochs, featureDropout, lr, naiveBayesStart, patience, schedule, warmup, weightDecay, seed };
}

/** What an epoch on all threads adds up to. */
export interface TeamEpoch {
  lossSum: number;
  correct: number;
  words: number;
  steps: number;
  diverged: boolean;
  /** Whether the threads stopped before the epoch's end, asked to by the signal. */
  stopped: boolean;
}

/** A whole member of a bag model, trained alone on one thread as one thread trains it. */
export interface MemberJob {
  member: number;
  arch: string;
  shape: ModelShape;
  layout: ModelLayout;
  runtime: RuntimeOptions;
  training: MemberTraining;
  /** The state of the member's shuffling generator. */
  rng: Uint32Array;
  sets: { train: Encoded; valid?: Encoded };
  classWeight?: Float32Array;
  /** Steps of this member over all epochs, and how often (in steps) it reports progress. */
  totalSteps: number;
  every: number;
}

/** A member trained on a thread: its weights, its epochs' reports, its steps, and whether it was stopped. */
export interface MemberResult {
  weights: WeightSnapshot;
  reports: EpochReport[];
  steps: number;
  stopped: boolean;
}

/** Steps a thread reports as it goes. */
export interface TeamProgress {
  steps: number;
  loss: number;
  lr: number;
  epoch?: number;
  member?: number;
  tokensPerSecond?: number;
}

/** Started threads that train one model at a time with the loop (attach, then epochs), or members side by side. */
export interface Team {
  readonly threads: number;
  /**
   * Trains members 0 … count−1 of a bag model, each whole on one thread; returns each member's
   * result in member order, missing for members an aborted `signal` kept from starting.
   */
  members(
    count: number,
    job: (member: number) => MemberJob,
    onProgress: (progress: TeamProgress) => void,
    onReport: (report: EpochReport) => void,
    signal?: AbortSignal,
  ): Promise<(MemberResult | undefined)[]>;
  /**
   * Has each thread build its copy of `model` (laid out already, with its training step). With
   * `dataParallel`, the threads split every batch and merge their gradients; else each takes its
   * share of the epoch and updates the weights itself (Hogwild).
   */
  attach(
    model: TextModel,
    layout: ModelLayout,
    training: ThreadTraining,
    set: Encoded,
    classWeight: Float32Array | undefined,
    dataParallel: boolean,
  ): Promise<void>;
  /** One epoch over `order` on every thread; `onProgress` hears the threads' steps as they go. */
  epoch(
    epoch: number,
    order: Int32Array,
    batch: number,
    onProgress?: (steps: number, loss: number, lr: number) => void,
    signal?: AbortSignal,
  ): Promise<TeamEpoch>;
  close(): Promise<void>;
}

/** Starts a team of `threads` threads, or gives undefined where threads cannot start here. */
export type StartTeam = (threads: number) => Team | undefined;
