// Training on several threads over one shared WebAssembly memory (the bag model, Hogwild as
// fastText trains it): every thread runs its own instance of the core over the host's memory,
// takes its share of each epoch's examples and updates the shared weights without locks.
//
// The host plans everything before a thread starts: it lays the model out as for one thread,
// then gives each thread a region of its own, as large as the model's private blocks (scratch,
// batch buffers, activations, gradients); a thread builds the very same model in its region,
// with the weight and optimiser blocks resolved to the host's (see Runtime.forThread). Nothing
// grows the memory while threads run: the host grows it, and only between phases.
//
// This module holds no platform code: how a thread is started (worker_threads in Node) is
// installed by the platform's entry point (setThreadStarter, src/runtime/cores.ts), and without one training uses one
// thread. Only one thread's run is byte-reproducible: with several, the order in which threads
// update a shared row changes from run to run.

import type { ModelLayout, ModelShape, TextModel } from '../models/text-model.js';
import {
  alignUp,
  DEFAULT_ALIGN,
  type MemoryBlock,
  type RuntimeOptions,
  type ThreadLayout,
} from '../runtime/runtime.js';
import type { WasmMemory, WasmModule } from '../runtime/wasm-source.js';
import { threadStarter } from '../runtime/cores.js';
import type { Channel } from '../runtime/channel.js';
import type { Encoded } from '../fit/batches.js';
import type { EpochReport } from '../fit/options.js';
import { TrainingDivergedError } from '../fit/errors.js';
import type { MemberJob, MemberResult, Team, TeamEpoch, TeamProgress, ThreadTraining } from '../fit/team.js';
import { controlBytes, controlWords, requestStop } from './thread-control.js';

// ---- what host and threads say to each other --------------------------------------------------

export type HostMessage =
  | {
      type: 'init';
      thread: number;
      threads: number;
      module: WasmModule;
      memory: WasmMemory;
      fma: boolean;
      layout: ThreadLayout;
      model: { arch: string; shape: ModelShape; layout: ModelLayout };
      training: ThreadTraining;
      set: Encoded;
      classWeight?: Float32Array;
      /** The team's control block (thread-control.ts). */
      control: number;
      /** Whether the team splits every batch and merges gradients (data-parallel.ts), or each thread updates alone (Hogwild). */
      dataParallel: boolean;
    }
  | { type: 'epoch'; epoch: number; order: Int32Array }
  /** A whole member of a bag model, trained alone in the thread's own memory as one thread trains it. */
  | ({ type: 'member' } & MemberJob)
  /** Stop the member being trained after its current step (the run's signal was aborted); it answers with its weights so far. */
  | { type: 'stop' }
  /** Prediction: each thread loads its own copy of the model from its file's bytes. */
  | { type: 'load'; bytes: Uint8Array; runtime: RuntimeOptions }
  | { type: 'probabilities'; texts: readonly string[] };

export type ThreadMessage =
  | { type: 'ready' }
  | ({ type: 'progress' } & TeamProgress)
  | { type: 'report'; report: EpochReport }
  | ({ type: 'member' } & MemberResult)
  | {
      type: 'epoch';
      steps: number;
      lossSum: number;
      correct: number;
      words: number;
      diverged: boolean;
      stopped: boolean;
    }
  | { type: 'probabilities'; values: Float32Array }
  | {
      type: 'error';
      message: string;
      stack?: string;
      diverged?: { step: number; epoch: number; lr: number; member?: number };
    };

// ---- the host's plan --------------------------------------------------------------------------

/**
 * Whether a block of a model's plan is one every thread uses in place: parameters and optimiser
 * state (and the bag model's per-row class scores, which prediction derives from them). Every
 * other block (scratch, batch buffers, activations, gradients) is each thread's own.
 */
export function isSharedBlock(name: string): boolean {
  return (
    name === 'embedding.table' ||
    name === 'attention.embedding' ||
    name === 'bag.rowScores' ||
    name.endsWith('.parameters') ||
    name.includes('.adam.') ||
    name.endsWith('.sgd.velocity')
  );
}

/**
 * Lays out one region per thread in `model`'s runtime, each as large as the model's private
 * blocks so far (a thread builds the same model, so asks for the same blocks), and returns each
 * thread's layout. Call it once the model and its step are laid out.
 */
export function planThreads(model: TextModel, threads: number): ThreadLayout[] {
  const rt = model.runtime;
  if (!rt.shared)
    throw new Error('sentiwasm: threads need a runtime over shared memory (Runtime.create({ shared: true }))');
  const plan = rt.plan();
  const shared = plan.filter((b) => isSharedBlock(b.name));
  const bytes = privateBytes(plan);
  return Array.from({ length: threads }, (_, t) => ({
    region: { offset: rt.alloc(bytes, DEFAULT_ALIGN, `thread${t + 1}`), bytes },
    shared,
  }));
}

/** Bytes a thread needs for the private blocks of `plan`, each aligned as the runtime aligns them. */
export function privateBytes(plan: readonly MemoryBlock[]): number {
  return plan.filter((b) => !isSharedBlock(b.name)).reduce((n, b) => n + alignUp(b.bytes, DEFAULT_ALIGN), 0);
}

/**
 * The share of an epoch's order thread t takes: whole batches, contiguous, as even as they come.
 * @example
 * ```ts
 * shareOf(order, 1, 2, 8) // the second half of the batches
 * ```
 */
export function shareOf(order: Int32Array, t: number, threads: number, batch: number): Int32Array {
  const batches = Math.ceil(order.length / batch);
  const from = Math.floor((batches * t) / threads) * batch;
  const to = Math.min(order.length, Math.floor((batches * (t + 1)) / threads) * batch);
  return order.slice(from, to);
}

/**
 * The step of the whole run that thread t's local step s of an epoch stands for: the threads run
 * side by side, so after s steps of each, about s·threads steps of the epoch are done.
 */
export function globalStep(epoch: number, s: number, t: number, threads: number, stepsPerEpoch: number): number {
  return (epoch - 1) * stepsPerEpoch + Math.min(stepsPerEpoch - 1, s * threads + t);
}

// ---- the host's side of a team of threads -----------------------------------------------------

/** A started thread, as the host sees it. */
export type ThreadChannel = Channel<HostMessage, ThreadMessage>;

/** A team of started threads; one model at a time trains on it (attach, then epochs), or prediction (load, then probabilities). */
export class ThreadTeam implements Team {
  private readonly channels: Channel<HostMessage, unknown>[];
  private readonly waiting: ({ resolve: (m: ThreadMessage) => void; reject: (e: Error) => void } | undefined)[];
  private failure: Error | undefined;
  private onProgress: ((message: Extract<ThreadMessage, { type: 'progress' }>) => void) | undefined;
  private onReport: ((report: EpochReport) => void) | undefined;
  /** How the attached model trains: data-parallel, or Hogwild (see attach). */
  private dataParallel = false;
  /** The attached model's control block (thread-control.ts). */
  private control: { runtime: TextModel['runtime']; ptr: number } | undefined;

  /** Starts `threads` threads; throws when no starter is installed. */
  constructor(readonly threads: number) {
    const s = threadStarter();
    if (!s) throw new Error('sentiwasm: no way to start threads here; train with threads: 1');
    this.channels = Array.from({ length: threads }, () => s.start());
    this.waiting = new Array(threads).fill(undefined);
    this.channels.forEach((channel, t) =>
      channel.listen(
        // Messages cross by structured clone: the thread's side (thread-worker.ts) sends only ThreadMessages.
        (m) => this.receive(t, m as ThreadMessage),
        (e) => this.fail(e),
      ),
    );
  }

  private receive(t: number, message: ThreadMessage): void {
    if (message.type === 'progress') {
      this.onProgress?.(message);
      return;
    }
    if (message.type === 'report') {
      this.onReport?.(message.report);
      return;
    }
    const waiter = this.waiting[t];
    this.waiting[t] = undefined;
    if (message.type === 'error') {
      const d = message.diverged;
      // A diverged run is told apart by its class, on every thread as on the calling one.
      const error = d ? new TrainingDivergedError(d.step, d.epoch, d.lr, d.member) : new Error(message.message);
      if (message.stack) error.stack = message.stack;
      this.fail(error);
    } else waiter?.resolve(message);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const [t, waiter] of this.waiting.entries()) {
      this.waiting[t] = undefined;
      waiter?.reject(error);
    }
  }

  /** Sends one message to thread t and waits for its answer. */
  private ask(t: number, message: HostMessage): Promise<ThreadMessage> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<ThreadMessage>((resolve, reject) => {
      this.waiting[t] = { resolve, reject };
      this.channels[t].post(message);
    });
  }

  /** Sends one message to every thread (message(t)) and waits for every answer. */
  private all(message: (t: number) => HostMessage): Promise<ThreadMessage[]> {
    return Promise.all(this.channels.map((_, t) => this.ask(t, message(t))));
  }

  /**
   * Trains members 0 … count−1 of a bag model, each whole on one thread (a thread takes the next
   * member when it is done with one); returns each member's weights and reports, in member order.
   * Progress and epoch reports are heard as they come. An aborted `signal` stops the members in
   * training after their current step (they answer with their weights so far) and starts no
   * more but member 0: the members never started are missing from the answer.
   */
  async members(
    count: number,
    job: (m: number) => MemberJob,
    onProgress: (progress: TeamProgress) => void,
    onReport: (report: EpochReport) => void,
    signal?: AbortSignal,
  ): Promise<(MemberResult | undefined)[]> {
    this.onProgress = onProgress;
    this.onReport = onReport;
    const stop = () => {
      for (const channel of this.channels) channel.post({ type: 'stop' });
    };
    signal?.addEventListener('abort', stop);
    try {
      const results: (MemberResult | undefined)[] = new Array(count).fill(undefined);
      let next = 0;
      await Promise.all(
        this.channels.map(async (_, t) => {
          // Member 0 starts whatever the signal says, so that there is a model to give back.
          while (next < count && !(signal?.aborted && next > 0)) {
            const m = next++;
            const answer = await this.ask(t, { type: 'member', ...job(m) });
            if (answer.type !== 'member')
              throw new Error(`sentiwasm: a thread answered "${answer.type}" to a member's training`);
            const { weights, reports, steps, stopped } = answer;
            results[m] = { weights, reports, steps, stopped };
          }
        }),
      );
      return results;
    } finally {
      signal?.removeEventListener('abort', stop);
      this.onProgress = undefined;
      this.onReport = undefined;
    }
  }

  /**
   * Lays out the threads' regions in `model`'s runtime and has each thread build its copy of
   * the model there. `model` and its training step must be laid out already. With
   * `dataParallel`, the threads split every batch and merge their gradients (data-parallel.ts);
   * else each takes its share of the epoch and updates the weights itself (Hogwild).
   */
  async attach(
    model: TextModel,
    layout: ModelLayout,
    training: ThreadTraining,
    set: Encoded,
    classWeight: Float32Array | undefined,
    dataParallel: boolean,
  ): Promise<void> {
    const rt = model.runtime;
    const layouts = planThreads(model, this.threads);
    const threads = this.threads;
    const control = rt.alloc(controlBytes(threads), DEFAULT_ALIGN, 'threads.control');
    rt.i32(control, controlWords(threads)).fill(0);
    this.control = { runtime: rt, ptr: control };
    this.dataParallel = dataParallel;
    // Each thread drops features (and, data-parallel, activations) with generators of its own.
    const seedOf = (seed: number, t: number) => (seed + Math.imul(t + 1, 0x632be5ab)) >>> 0;
    await this.all((t) => ({
      type: 'init',
      thread: t,
      threads,
      module: rt.module!,
      memory: rt.memory,
      fma: rt.fma,
      layout: layouts[t],
      model: {
        arch: model.arch,
        shape: model.shape,
        layout: { ...layout, seed: seedOf(layout.seed, t), initialise: false },
      },
      training: { ...training, seed: seedOf(training.seed, t) },
      set,
      classWeight,
      control,
      dataParallel,
    }));
  }

  /**
   * One epoch: Hogwild, thread t trains on its share of `order` (shareOf), all at once;
   * data-parallel, every thread is given the whole order and takes its slice of each batch.
   * `onProgress` hears the threads' steps as they go.
   */
  async epoch(
    epoch: number,
    order: Int32Array,
    batch: number,
    onProgress?: (steps: number, loss: number, lr: number) => void,
    signal?: AbortSignal,
  ): Promise<TeamEpoch> {
    this.onProgress = onProgress && ((m) => onProgress(m.steps, m.loss, m.lr));
    // An aborted signal reaches the threads through the control block: they stop after their current step.
    const stop = () => {
      const c = this.control!;
      requestStop(c.runtime.i32(c.ptr, controlWords(this.threads)));
    };
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop);
    try {
      const answers = await this.all((t) => ({
        type: 'epoch',
        epoch,
        order: this.dataParallel ? order : shareOf(order, t, this.threads, batch),
      }));
      const total: TeamEpoch = { lossSum: 0, correct: 0, words: 0, steps: 0, diverged: false, stopped: false };
      for (const a of answers) {
        if (a.type !== 'epoch') throw new Error(`sentiwasm: a thread answered "${a.type}" to an epoch`);
        total.lossSum += a.lossSum;
        total.correct += a.correct;
        total.words += a.words;
        total.steps += a.steps;
        total.diverged ||= a.diverged;
        total.stopped ||= a.stopped;
      }
      return total;
    } finally {
      signal?.removeEventListener('abort', stop);
      this.onProgress = undefined;
    }
  }

  /** Has every thread load its own copy of a model from the bytes of its file (prediction). */
  async load(bytes: Uint8Array, runtime: RuntimeOptions): Promise<void> {
    await this.all(() => ({ type: 'load', bytes, runtime }));
  }

  /** Calibrated probabilities of chunks[t]'s texts from thread t's copy of the model (see load). */
  async probabilities(chunks: readonly (readonly string[])[]): Promise<Float32Array[]> {
    const answers = await this.all((t) => ({ type: 'probabilities', texts: chunks[t] ?? [] }));
    return answers.map((a) => {
      if (a.type !== 'probabilities') throw new Error(`sentiwasm: a thread answered "${a.type}" to a prediction`);
      return a.values;
    });
  }

  /** Ends every thread. */
  async close(): Promise<void> {
    await Promise.all(this.channels.map((c) => c.terminate()));
  }
}
