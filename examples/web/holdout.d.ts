// Types of holdout.js, for the tests that check it (test/web-holdout.test.ts) and for holdout.js
// itself, whose functions take their signatures from here.

export const HELD_OUT_SHARE: number;
export const HOLD_OUT_SEED: number;
export function holdOut<E extends { label: string | number }>(
  examples: readonly E[],
  share?: number,
  seed?: number,
): { train: E[]; heldOut: E[] };
