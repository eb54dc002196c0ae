// Data-parallel training on several threads, for the models whose updates must not race (the
// mlp and attention models: a dense layer read while another thread writes it would see half an
// update). Every step's batch is cut into one contiguous slice per thread, about equal in tokens;
// each thread runs forward and backward on its slice into gradients of its own, scaled by the
// slice's share of the batch; then thread 0 adds the others' gradients to its own in thread
// order (dense blocks value by value, the tables' rows by id), makes the one update of the shared
// weights, and every thread goes on to the next step. So a step is the step of the whole batch,
// up to the order of float sums, and a run on a given number of threads gives the same bytes
// every time.
//
// The threads meet twice a step at a barrier in a block of the shared memory that the host lays
// out (the control block); they wait with Atomics.wait, which workers may use (a browser's main
// thread may not, and never runs this loop). A thread that fails raises a flag there, so that the
// others stop waiting and fail too instead of hanging.

import type { GradientBlocks, TextModel } from '../models/text-model.js';
import type { Encoded, BatchBuilder } from './batches.js';
import { MAX_TRAINING_FEATURES } from './options.js';
import { learningRate } from './schedule.js';
import type { TrainingStep } from './step.js';
import type { ThreadMessage, ThreadTraining } from './threads.js';

// ---- the control block: i32 words ------------------------------------------------------------

/** Threads that reached the barrier of the current round. */
const ARRIVED = 0;
/** Rounds of the barrier so far: waiters wait for it to change. */
const ROUND = 1;
/** Set by a thread that failed: the others stop waiting. */
const FAILED = 2;
/** Where the threads' records start, and each record's words. */
const RECORDS = 4;
const RECORD_WORDS = 8;
// A thread's record: where its gradients are (written once), and what its last slice left.
const DENSE = 0;
const DENSE_FLOATS = 1;
const ROW_IDS = 2;
const ROW_GRADS = 3;
const ROW_COUNT = 4;
/** Examples in the thread's slice of the current batch (0: it has no gradients to add). */
const EXAMPLES = 5;
/** 1 when the thread's loss on its slice was NaN or infinite. */
const DIVERGED = 6;

/** Bytes of the control block of a team of `threads`. */
export function controlBytes(threads: number): number {
  return (RECORDS + RECORD_WORDS * threads) * 4;
}

/** Thrown in a thread whose partner failed: the partner's own error is the one the host reports. */
export class PartnerFailed extends Error {
  constructor() {
    super('sentiwasm: another training thread failed');
  }
}

/** A reusable barrier of `parties` threads over the control block's words. */
export class Barrier {
  constructor(private readonly words: Int32Array, private readonly parties: number) {}

  /** Returns once every party has called wait() for this round. */
  wait(): void {
    const { words } = this;
    const round = Atomics.load(words, ROUND);
    if (Atomics.add(words, ARRIVED, 1) === this.parties - 1) {
      Atomics.store(words, ARRIVED, 0);
      Atomics.add(words, ROUND, 1);
      Atomics.notify(words, ROUND);
      return;
    }
    // A step's halves take about as long on each thread: a short spin catches most arrivals
    // without the cost of sleeping and being woken.
    for (let spins = 0; Atomics.load(words, ROUND) === round; spins++) {
      if (Atomics.load(words, FAILED)) throw new PartnerFailed();
      if (spins >= 2000) Atomics.wait(words, ROUND, round, 50);
    }
    // fail() moves the round on too, to wake the waiters.
    if (Atomics.load(words, FAILED)) throw new PartnerFailed();
  }

  /** Tells the other threads this one failed, and wakes them. */
  fail(): void {
    Atomics.store(this.words, FAILED, 1);
    Atomics.add(this.words, ROUND, 1);
    Atomics.notify(this.words, ROUND);
  }
}

// ---- slicing a batch --------------------------------------------------------------------------

/**
 * Where each thread's slice of the batch order[start … start+count) begins: bounds[t] … bounds[t+1]
 * is thread t's, contiguous, cut where the tokens (each example's features, at most `cap`) split
 * most evenly; every thread gets an example while there are enough, thread 0 always one.
 * @example sliceBounds(order, 0, 4, set, 64, 2) // Int32Array [0, 2, 4] for four equal examples
 */
export function sliceBounds(order: Int32Array, start: number, count: number, set: Encoded, cap: number, threads: number): Int32Array {
  const cost = (b: number) => {
    const i = order[start + b];
    return Math.max(1, Math.min(cap, set.offsets[i + 1] - set.offsets[i]));
  };
  let total = 0;
  for (let b = 0; b < count; b++) total += cost(b);
  const bounds = new Int32Array(threads + 1);
  bounds[threads] = count;
  let b = 0;
  let before = 0;
  for (let t = 1; t < threads; t++) {
    const target = (total * t) / threads;
    // Take the next example while its middle falls short of the target: the cut nearest it.
    while (b < count && before + cost(b) / 2 < target) before += cost(b++);
    const cut = Math.min(count, Math.max(b, bounds[t - 1] + 1));
    while (b < cut) before += cost(b++);
    bounds[t] = cut;
  }
  return bounds;
}

/** The part of a batch's loss weight that examples from … to of it carry (their count over the batch's, or their class weights'). */
function shareOf(order: Int32Array, start: number, count: number, from: number, to: number, set: Encoded, classWeight: Float32Array | undefined): number {
  if (!classWeight) return (to - from) / count;
  let part = 0;
  let whole = 0;
  for (let b = 0; b < count; b++) {
    const w = classWeight[set.labels[order[start + b]]];
    whole += w;
    if (b >= from && b < to) part += w;
  }
  return part / whole;
}

// ---- a thread's side --------------------------------------------------------------------------

/** One thread of a data-parallel team, with its copy of the model. */
export class DataParallelThread {
  private readonly words: Int32Array;
  private readonly barrier: Barrier;
  private readonly cap: number;

  constructor(
    private readonly thread: number,
    private readonly threads: number,
    private readonly model: TextModel,
    private readonly step: TrainingStep,
    private readonly batches: BatchBuilder,
    private readonly set: Encoded,
    private readonly training: ThreadTraining,
    control: number,
    private readonly classWeight?: Float32Array,
  ) {
    this.words = model.runtime.i32(control, controlBytes(threads) / 4);
    this.barrier = new Barrier(this.words, threads);
    this.cap = model.sequenceLength ?? MAX_TRAINING_FEATURES;
    // Where this copy's gradients live never changes: the others read it from here.
    const g = model.gradientBlocks();
    const r = this.record(thread);
    this.words[r + DENSE] = g.dense;
    this.words[r + DENSE_FLOATS] = g.denseFloats;
    this.words[r + ROW_IDS] = g.rowIds;
    this.words[r + ROW_GRADS] = g.rowGrads;
  }

  private record(t: number): number {
    return RECORDS + RECORD_WORDS * t;
  }

  /** Thread t's gradients, as its record gives them. */
  private gradientsOf(t: number): GradientBlocks {
    const { words } = this;
    const r = this.record(t);
    return { dense: words[r + DENSE], denseFloats: words[r + DENSE_FLOATS], rowIds: words[r + ROW_IDS], rowGrads: words[r + ROW_GRADS], rowCount: words[r + ROW_COUNT] };
  }

  /**
   * One epoch over `order` (every thread is given the whole order and takes its slice of each
   * batch); thread 0 reports progress every so many steps. Returns what this thread's slices add
   * up to; only thread 0 counts steps, as one step of the team is one step of the run.
   */
  epoch(epoch: number, order: Int32Array, post: (message: ThreadMessage) => void): Extract<ThreadMessage, { type: 'epoch' }> {
    const { thread, threads, model, step, batches, set, training: o, words, barrier } = this;
    const n = order.length;
    const total = o.stepsPerEpoch * o.epochs;
    const wordsBefore = batches.wordsSeen;
    const leader = thread === 0;
    const r = this.record(thread);
    let lossSum = 0;
    let correct = 0;
    let steps = 0;
    let reported = 0;
    try {
      for (let s = 0, start = 0; start < n; start += o.batch, s++) {
        const count = Math.min(o.batch, n - start);
        const bounds = sliceBounds(order, start, count, set, this.cap, threads);
        const from = bounds[thread];
        const to = bounds[thread + 1];
        let loss = 0;
        if (to > from) {
          batches.fill(order, start + from, to - from);
          const result = step.gradients(batches, to - from, shareOf(order, start, count, from, to, set, this.classWeight));
          loss = result.loss;
          lossSum += result.loss * (to - from);
          correct += result.correct;
        }
        words[r + EXAMPLES] = to - from;
        words[r + ROW_COUNT] = to > from ? model.gradientBlocks().rowCount : 0;
        words[r + DIVERGED] = Number.isFinite(loss) ? 0 : 1;
        barrier.wait();
        let diverged = false;
        for (let t = 0; t < threads; t++) diverged ||= words[this.record(t) + DIVERGED] === 1;
        steps++;
        if (diverged) {
          // Every thread saw every flag: they all stop here, before the update.
          return { type: 'epoch', steps: leader ? steps - reported : 0, lossSum, correct, words: batches.wordsSeen - wordsBefore, diverged: true };
        }
        const lr = learningRate(o.lr, (epoch - 1) * o.stepsPerEpoch + s, total, { schedule: o.schedule, warmup: o.warmup });
        if (leader) {
          for (let t = 1; t < threads; t++) if (words[this.record(t) + EXAMPLES] > 0) model.addGradients(this.gradientsOf(t));
          model.step(lr);
        } else {
          model.countStep();
        }
        barrier.wait();
        if (leader && steps - reported >= o.every) {
          post({ type: 'progress', steps: steps - reported, loss, lr });
          reported = steps;
        }
      }
    } catch (e) {
      if (!(e instanceof PartnerFailed)) barrier.fail();
      throw e;
    }
    return { type: 'epoch', steps: leader ? steps - reported : 0, lossSum, correct, words: batches.wordsSeen - wordsBefore, diverged: false };
  }
}
