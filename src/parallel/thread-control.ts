// The control block of a team of training threads: a few i32 words in the shared memory, laid out
// by the host before the threads start, through which threads and host signal each other while
// an epoch runs without messages: the data-parallel threads' barrier and their records
// (data-parallel.ts), a thread's failure, and the host's request to stop (an AbortSignal).
//
// Waiting uses Atomics.wait, which workers may call; a browser's main thread may not, and only
// ever writes here (a stop request), never waits.

/** Threads that reached the barrier of the current round. */
const ARRIVED = 0;
/** Rounds of the barrier so far: waiters wait for it to change. */
const ROUND = 1;
/** Set by a thread that failed: the others stop waiting. */
const FAILED = 2;
/** Set by the host when the run's signal is aborted: the threads stop after their current step. */
const STOP = 3;
/** Where the threads' records start, and each record's words. */
const RECORDS = 4;
const RECORD_WORDS = 8;

/** The words of a thread's record (data-parallel.ts): where its gradients are (written once), and what its last slice left. */
export const RECORD = {
  dense: 0,
  denseFloats: 1,
  rowIds: 2,
  rowGrads: 3,
  rowCount: 4,
  /** Examples in the thread's slice of the current batch (0: it has no gradients to add). */
  examples: 5,
  /** 1 when the thread's loss on its slice was NaN or infinite. */
  diverged: 6,
  /** Thread 0's: 1 when the team stops after this step (it read the host's request before the others could disagree). */
  stopping: 7,
} as const;

/** Bytes of the control block of a team of `threads`. */
export function controlBytes(threads: number): number {
  return (RECORDS + RECORD_WORDS * threads) * 4;
}

/** Words of the control block of a team of `threads`. */
export function controlWords(threads: number): number {
  return controlBytes(threads) / 4;
}

/** Where thread t's record starts among the words. */
export function recordOf(t: number): number {
  return RECORDS + RECORD_WORDS * t;
}

/** The host asks the threads to stop after their current step. */
export function requestStop(words: Int32Array): void {
  Atomics.store(words, STOP, 1);
}

/** Whether the host asked the threads to stop. */
export function stopRequested(words: Int32Array): boolean {
  return Atomics.load(words, STOP) === 1;
}

/** Thrown in a thread whose partner failed: the partner's own error is the one the host reports. */
export class PartnerFailed extends Error {
  constructor() {
    super('sentiwasm: another training thread failed');
  }
}

/** How long a thread at the barrier spins before it sleeps. */
const SPIN_MS = 1;

/** A reusable barrier of `parties` threads over the control block's words. */
export class Barrier {
  constructor(
    private readonly words: Int32Array,
    private readonly parties: number,
  ) {}

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
    // A step's halves take about as long on each thread, so the partner is most often a fraction
    // of a millisecond behind: spinning that long catches it, where a thread put to sleep wakes
    // late and cold (W5 on 2 threads, one epoch of 30,000 texts: 2.7 s with a 20 µs spin, 2.1–2.3 s
    // with this one). Past SPIN_MS the thread sleeps, so that a stalled partner costs no core.
    const spinUntil = performance.now() + SPIN_MS;
    for (let spins = 0; Atomics.load(words, ROUND) === round; spins++) {
      if (Atomics.load(words, FAILED)) throw new PartnerFailed();
      if ((spins & 255) === 255 && performance.now() > spinUntil) Atomics.wait(words, ROUND, round, 50);
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
