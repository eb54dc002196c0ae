// Errors of a training run that the caller can act on.

/**
 * The loss or the weights stopped being finite numbers: the run is stopped where it happened,
 * and no model comes out of it (a broken model must never replace a good one on disk).
 * @example
 * ```ts
 * try {
 *   await train(examples, { lr: 50 });
 * } catch (e) {
 *   if (e instanceof TrainingDivergedError) console.log(`diverged at step ${e.step}: try a learning rate below ${e.lr}`);
 * }
 * ```
 */
export class TrainingDivergedError extends Error {
  constructor(
    /** Steps done over the whole run when it happened, from 1. */
    readonly step: number,
    /** The epoch it happened in, from 1. */
    readonly epoch: number,
    /** The learning rate of that step. */
    readonly lr: number,
    /** With several members: which one, from 1. */
    readonly member?: number,
    /** A rate known to train this model well (its default), which the rate suggested never exceeds. */
    knownGood = LARGEST_DEFAULT_LR,
  ) {
    const where = `${member === undefined ? '' : `member ${member}, `}epoch ${epoch}, step ${step}`;
    super(
      `training diverged at ${where}: the loss became NaN or infinite at learning rate ${formatRate(lr)}; ` +
        `nothing was saved. Train again with a lower learning rate (e.g. lr ${formatRate(suggestedRate(lr, knownGood))}), or with the adam optimizer`,
    );
    this.name = 'TrainingDivergedError';
  }
}

/** The largest default learning rate of any model (the bag model's, with SGD). */
const LARGEST_DEFAULT_LR = 2;

/**
 * The rate to suggest after `lr` diverged: a tenth of it, and never more than a rate known to
 * work (a tenth of 1e9 would diverge as surely).
 * @example suggestedRate(1e9, 2) // 2
 * @example suggestedRate(0.5, 2) // 0.05
 */
export function suggestedRate(lr: number, knownGood = LARGEST_DEFAULT_LR): number {
  return Math.min(lr / 10, knownGood);
}

/** Three significant digits, as a person writes a rate: 0.05, 2, 1e9 (not 1000000000), 1e-7. */
export function formatRate(lr: number): string {
  const n = Number(lr.toPrecision(3));
  return n >= 1e4 || (n > 0 && n < 1e-4) ? n.toExponential().replace('e+', 'e') : String(n);
}
