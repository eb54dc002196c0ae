// When a training run saves a checkpoint: every so many steps, or every so much time. The
// epoch loop asks a CheckpointClock after each step; the CLI and the API read intervals the
// same way ("1000" is steps, "60s" is time).

/**
 * How often a run saves a checkpoint: a number of steps (1000, or "1000"), or a time ("60s",
 * "5m", "1h", or { seconds: 60 }). Time is the default: what a checkpoint costs is about the
 * model's size written to disk, so a number of steps that suits a small model makes a large one
 * spend most of its time saving, where a minute of work is a minute at most lost to a kill.
 */
export type CheckpointInterval = number | string | IntervalInSeconds | IntervalInSteps;

/** A checkpoint interval in time. */
export interface IntervalInSeconds {
  /** Seconds from the end of one checkpoint to the next. */
  seconds: number;
}

/** A checkpoint interval in training steps. */
export interface IntervalInSteps {
  /** Steps between checkpoints, counted over all members. */
  steps: number;
}

/** The default interval: a minute of training at most is lost to a kill, and a run shorter than that saves nothing. */
export const DEFAULT_CHECKPOINT_INTERVAL = '60s';

const TIME_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/**
 * An interval as steps or seconds, checked: a plain number is steps, a number with a unit is time.
 * @example
 * ```ts
 * parseCheckpointInterval(200) // { steps: 200 }
 * parseCheckpointInterval("5m") // { seconds: 300 }
 * ```
 */
export function parseCheckpointInterval(every: CheckpointInterval): IntervalInSteps | IntervalInSeconds {
  const refuse = (): never => {
    throw new RangeError(
      `checkpoint.every must be a number of steps (e.g. 1000) or a time such as "60s", "5m" or { seconds: 60 }, got ${JSON.stringify(every)}`,
    );
  };
  if (typeof every === 'number') return Number.isInteger(every) && every > 0 ? { steps: every } : refuse();
  if (typeof every === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(every);
    if (!m) return refuse();
    if (m[2] === undefined) return parseCheckpointInterval(Number(m[1]));
    const seconds = Number(m[1]) * TIME_UNITS[m[2]];
    return seconds > 0 ? { seconds } : refuse();
  }
  if (every !== null && typeof every === 'object') {
    if ('seconds' in every)
      return typeof every.seconds === 'number' && every.seconds > 0 && Number.isFinite(every.seconds)
        ? { seconds: every.seconds }
        : refuse();
    if ('steps' in every) return parseCheckpointInterval(every.steps);
  }
  return refuse();
}

/** Tells the epoch loop when a checkpoint is due: every so many steps, or once so much time has passed since the last one ended. */
export class CheckpointClock {
  private readonly steps: number;
  private readonly ms: number;
  private last: number;

  /** `now` is performance.now unless a test gives its own. */
  constructor(
    every: CheckpointInterval,
    private readonly now: () => number = () => performance.now(),
  ) {
    const parsed = parseCheckpointInterval(every);
    this.steps = 'steps' in parsed ? parsed.steps : 0;
    this.ms = 'seconds' in parsed ? parsed.seconds * 1000 : 0;
    this.last = now();
  }

  /** Whether a checkpoint is due after `step` (steps done over the whole run). */
  due(step: number): boolean {
    return this.steps ? step % this.steps === 0 : this.now() - this.last >= this.ms;
  }

  /** A checkpoint was just saved: time counts from now, so that slow saves never follow each other back to back. */
  saved(): void {
    this.last = this.now();
  }
}
