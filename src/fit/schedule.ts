// Learning-rate schedules: the rate for each step, from the base rate, the step and the total.

/**
 * How the learning rate changes over a run: 'constant', 'linear' (down to 0 at the last step, as fastText) or 'cosine'
 * (half a cosine down to 0).
 */
export type ScheduleName = 'constant' | 'linear' | 'cosine';

/** The schedule and its warm-up. */
export interface ScheduleOptions {
  /** The schedule (default 'linear'). */
  schedule?: ScheduleName;
  /** Steps (≥ 1) or a fraction of all steps (< 1) over which the rate rises linearly from 0. */
  warmup?: number;
}

/**
 * The learning rate at `step` (0-based) of `total`.
 * @example
 * ```ts
 * learningRate(0.1, 50, 100, { schedule: 'linear' }) // 0.05
 * ```
 */
export function learningRate(base: number, step: number, total: number, options: ScheduleOptions = {}): number {
  const warmupSteps = warmupLength(options.warmup ?? 0, total);
  if (step < warmupSteps) return (base * (step + 1)) / warmupSteps;
  const progress = total > warmupSteps ? (step - warmupSteps) / (total - warmupSteps) : 1;
  switch (options.schedule ?? 'linear') {
    case 'constant':
      return base;
    // fastText's schedule: straight down to zero at the last step.
    case 'linear':
      return base * Math.max(0, 1 - progress);
    case 'cosine':
      return base * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
    default:
      throw new RangeError(`unknown learning-rate schedule "${options.schedule}"; use constant, linear or cosine`);
  }
}

function warmupLength(warmup: number, total: number): number {
  if (!(warmup >= 0)) throw new RangeError(`warmup must be ≥ 0, got ${warmup}`);
  return warmup < 1 ? Math.round(warmup * total) : Math.min(total, Math.round(warmup));
}
