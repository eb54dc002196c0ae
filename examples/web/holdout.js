// A held-out part for data that comes without one (pasted lines, a dropped file): a tenth of each
// label's examples, drawn by a seeded shuffle, so that the charts show accuracy on sentences the
// model never trained on, the page can keep the best epoch, and the same data always splits the
// same way. Drawn label by label, so that every label keeps nine tenths of its examples to train on.

/** @typedef {typeof import('./holdout.js')} Api */

/** The share of each label's examples held out. */
export const HELD_OUT_SHARE = 0.1;
/** The seed of the shuffle: a fixed one, so that a file splits the same way every time. */
export const HOLD_OUT_SEED = 1;

/**
 * Splits labelled examples into { train, heldOut }: round(share × count) of each label's examples
 * held out (none from a label of fewer than five), chosen by a shuffle seeded with `seed`. Both
 * parts keep the examples' order in the input.
 * @example holdOut(examples).heldOut.length; // about a tenth of examples.length
 * @type {Api['holdOut']}
 */
export function holdOut(examples, share = HELD_OUT_SHARE, seed = HOLD_OUT_SEED) {
  const random = mulberry32(seed);
  /** The indices of each label's examples. @type {Map<string, number[]>} */
  const byLabel = new Map();
  examples.forEach((e, i) => {
    const key = String(e.label);
    const indices = byLabel.get(key);
    if (indices) indices.push(i);
    else byLabel.set(key, [i]);
  });
  /** @type {Set<number>} */
  const held = new Set();
  for (const indices of byLabel.values()) {
    // Fisher–Yates over this label's indices; the first `count` are held out.
    for (let i = indices.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [indices[i], indices[j]] = [indices[j], indices[i]];
    }
    const count = Math.min(Math.round(share * indices.length), indices.length - 1);
    for (const i of indices.slice(0, count)) held.add(i);
  }
  return {
    train: examples.filter((_, i) => !held.has(i)),
    heldOut: examples.filter((_, i) => held.has(i)),
  };
}

/**
 * A small seeded generator of numbers in [0, 1) (mulberry32): enough to shuffle a file the same way every time.
 * @param {number} seed
 */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
