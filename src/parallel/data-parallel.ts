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
// The threads meet twice a step at a barrier in the team's control block (thread-control.ts).

import type { ParameterGroups, TextModel } from '../models/text-model.js';
import type { RowGradients } from '../nn/sparse-rows.js';
import type { Encoded, BatchBuilder } from '../fit/batches.js';
import { MAX_TRAINING_FEATURES } from '../fit/options.js';
import { learningRate } from '../fit/schedule.js';
import type { TrainingStep } from '../fit/step.js';
import type { ThreadTraining } from '../fit/team.js';
import type { ThreadMessage } from './threads.js';
import { Barrier, PartnerFailed, recordOf, RECORD, stopRequested } from './thread-control.js';

// ---- slicing a batch --------------------------------------------------------------------------

/**
 * Where each thread's slice of the batch order[start … start+count) begins: bounds[t] … bounds[t+1]
 * is thread t's, contiguous, cut where the tokens (each example's features, at most `cap`) split
 * most evenly; every thread gets an example while there are enough, thread 0 always one. Written
 * into `bounds` (threads + 1 entries) when given, so that a training step allocates nothing.
 * @example
 * ```ts
 * sliceBounds(order, 0, 4, set, 64, 2) // Int32Array [0, 2, 4] for four equal examples
 * ```
 */
export function sliceBounds(
  order: Int32Array,
  start: number,
  count: number,
  set: Encoded,
  cap: number,
  threads: number,
  bounds: Int32Array = new Int32Array(threads + 1),
): Int32Array {
  const cost = (b: number) => {
    const i = order[start + b];
    return Math.max(1, Math.min(cap, set.offsets[i + 1] - set.offsets[i]));
  };
  let total = 0;
  for (let b = 0; b < count; b++) total += cost(b);
  bounds[0] = 0;
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
function lossShare(
  order: Int32Array,
  start: number,
  count: number,
  from: number,
  to: number,
  set: Encoded,
  classWeight: Float32Array | undefined,
): number {
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

// ---- gradients between copies ---------------------------------------------------------------

/**
 * Where one copy of a model keeps what backward leaves, as pointers into the shared memory: what
 * the thread that merges a step reads of every other thread's copy. The dense gradients are
 * `denseFloats` floats at `dense`, laid out alike in every copy; the table's are its touched rows.
 */
export interface GradientBlocks extends RowGradients {
  dense: number;
  denseFloats: number;
}

/** The one dense block and the one table a data-parallel team merges (every model it trains has just those). */
function mergedGroups(groups: ParameterGroups) {
  if (groups.dense.length !== 1 || groups.sparse.length !== 1)
    throw new Error(
      `data-parallel training merges one dense block and one table; this model has ${groups.dense.length} and ${groups.sparse.length}`,
    );
  return { block: groups.dense[0], table: groups.sparse[0] };
}

/** Where this copy's last backward left its gradients. */
export function gradientBlocks(groups: ParameterGroups): GradientBlocks {
  const { block, table } = mergedGroups(groups);
  return { dense: block.gradPtr, denseFloats: block.size, ...table.gradients() };
}

/**
 * Adds another copy's gradients (in the same memory) to this one's: the dense block value by
 * value, the table's rows by id (a row this batch did not use is appended), so that the update
 * then follows the gradients of both batches.
 */
export function addGradients(groups: ParameterGroups, other: GradientBlocks): void {
  const { block, table } = mergedGroups(groups);
  if (other.denseFloats !== block.size)
    throw new RangeError(`gradients of ${other.denseFloats} parameters added to a block of ${block.size}`);
  block.rt.kernels.add_f32(block.gradPtr, other.dense, block.size);
  table.merge(other);
}

// ---- a thread's side --------------------------------------------------------------------------

/** One thread of a data-parallel team, with its copy of the model. */
export class DataParallelThread {
  private readonly barrier: Barrier;
  private readonly cap: number;
  /** Each step's slices (sliceBounds), reused. */
  private readonly bounds: Int32Array;
  private readonly groups: ParameterGroups;

  /** `words` is the team's control block (thread-control.ts). */
  constructor(
    private readonly thread: number,
    private readonly threads: number,
    model: TextModel,
    private readonly step: TrainingStep,
    private readonly batches: BatchBuilder,
    private readonly set: Encoded,
    private readonly training: ThreadTraining,
    private readonly words: Int32Array,
    private readonly classWeight?: Float32Array,
  ) {
    this.barrier = new Barrier(words, threads);
    this.cap = model.sequenceLength ?? MAX_TRAINING_FEATURES;
    this.bounds = new Int32Array(threads + 1);
    this.groups = model.parameterGroups();
    // Where this copy's gradients live never changes: the others read it from here.
    const g = gradientBlocks(this.groups);
    const r = recordOf(thread);
    words[r + RECORD.dense] = g.dense;
    words[r + RECORD.denseFloats] = g.denseFloats;
    words[r + RECORD.rowIds] = g.rowIds;
    words[r + RECORD.rowGrads] = g.rowGrads;
  }

  /** Thread t's gradients, as its record gives them. */
  private gradientsOf(t: number): GradientBlocks {
    const { words } = this;
    const r = recordOf(t);
    return {
      dense: words[r + RECORD.dense],
      denseFloats: words[r + RECORD.denseFloats],
      rowIds: words[r + RECORD.rowIds],
      rowGrads: words[r + RECORD.rowGrads],
      rowCount: words[r + RECORD.rowCount],
    };
  }

  /**
   * One epoch over `order` (every thread is given the whole order and takes its slice of each
   * batch); thread 0 reports progress every so many steps. Returns what this thread's slices add
   * up to; only thread 0 counts steps, as one step of the team is one step of the run. Stops
   * early, every thread after the same step, when the host asks (the answer says `stopped`).
   */
  epoch(
    epoch: number,
    order: Int32Array,
    post: (message: ThreadMessage) => void,
  ): Extract<ThreadMessage, { type: 'epoch' }> {
    const { thread, threads, step, batches, set, training: o, words, barrier } = this;
    const n = order.length;
    const total = o.stepsPerEpoch * o.epochs;
    const wordsBefore = batches.wordsSeen;
    const leader = thread === 0;
    const r = recordOf(thread);
    let lossSum = 0;
    let correct = 0;
    let steps = 0;
    let reported = 0;
    const answer = (diverged: boolean, stopped: boolean): Extract<ThreadMessage, { type: 'epoch' }> => ({
      type: 'epoch',
      steps: leader ? steps - reported : 0,
      lossSum,
      correct,
      words: batches.wordsSeen - wordsBefore,
      diverged,
      stopped,
    });
    try {
      for (let s = 0, start = 0; start < n; start += o.batch, s++) {
        const count = Math.min(o.batch, n - start);
        const bounds = sliceBounds(order, start, count, set, this.cap, threads, this.bounds);
        const from = bounds[thread];
        const to = bounds[thread + 1];
        let loss = 0;
        if (to > from) {
          batches.fill(order, start + from, to - from);
          const result = step.gradients(
            batches,
            to - from,
            lossShare(order, start, count, from, to, set, this.classWeight),
          );
          loss = result.loss;
          lossSum += result.loss * (to - from);
          correct += result.correct;
        }
        words[r + RECORD.examples] = to - from;
        words[r + RECORD.rowCount] = to > from ? gradientBlocks(this.groups).rowCount : 0;
        words[r + RECORD.diverged] = Number.isFinite(loss) ? 0 : 1;
        barrier.wait();
        steps++;
        let diverged = false;
        for (let t = 0; t < threads; t++) diverged ||= words[recordOf(t) + RECORD.diverged] === 1;
        // Every thread saw every flag: they all stop here, before the update.
        if (diverged) return answer(true, false);
        const lr = learningRate(o.lr, (epoch - 1) * o.stepsPerEpoch + s, total, {
          schedule: o.schedule,
          warmup: o.warmup,
        });
        if (leader) {
          for (let t = 1; t < threads; t++)
            if (words[recordOf(t) + RECORD.examples] > 0) addGradients(this.groups, this.gradientsOf(t));
          step.update(lr);
          words[r + RECORD.stopping] = stopRequested(words) ? 1 : 0;
        } else {
          // Dropout's masks follow the step count: a copy that does not update moves it on all the same.
          step.optimizer.countStep();
        }
        barrier.wait();
        if (leader && steps - reported >= o.every) {
          post({ type: 'progress', steps: steps - reported, loss, lr });
          reported = steps;
        }
        if (words[recordOf(0) + RECORD.stopping] === 1) return answer(false, true);
      }
    } catch (e) {
      if (!(e instanceof PartnerFailed)) barrier.fail();
      throw e;
    }
    return answer(false, false);
  }
}
