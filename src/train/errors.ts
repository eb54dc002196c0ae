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
  ) {
    const where = `${member === undefined ? '' : `member ${member}, `}epoch ${epoch}, step ${step}`;
    super(
      `training diverged at ${where}: the loss became NaN or infinite at learning rate ${formatRate(lr)}; ` +
        `nothing was saved. Train again with a lower learning rate (e.g. lr ${formatRate(lr / 10)}), or with the adam optimizer`,
    );
    this.name = 'TrainingDivergedError';
  }
}

function formatRate(lr: number): string {
  return Number(lr.toPrecision(3)).toString();
}
