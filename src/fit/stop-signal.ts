// Stopping a training run early through an AbortSignal. The epoch loop is synchronous work, so a
// signal aborted by a message (a stop button on the page, the main thread telling a worker)
// could never be seen: the message waits for the loop to give the event loop a turn. With a
// signal, the loop gives it one every YIELD_EVERY_MS of work and then looks at the signal. Without
// one, the loop never yields (the same speed as before).

import { nextTurn } from './next-turn.js';

/** How much work runs between two turns of the event loop: short enough to stop promptly, long enough that the turns cost nothing measurable. */
const YIELD_EVERY_MS = 25;

export class StopCheck {
  private last = performance.now();

  constructor(private readonly signal: AbortSignal | undefined) {}

  /** Whether the signal has been aborted; every YIELD_EVERY_MS, first lets queued messages and timers run. */
  async stopped(): Promise<boolean> {
    if (!this.signal) return false;
    const now = performance.now();
    if (now - this.last >= YIELD_EVERY_MS) {
      await nextTurn();
      this.last = performance.now();
    }
    return this.signal.aborted;
  }

  /** Refuses to start when the signal was aborted before there was anything to keep. */
  throwIfAborted(): void {
    this.signal?.throwIfAborted();
  }
}
