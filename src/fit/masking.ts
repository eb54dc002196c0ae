// The data side of masked-word pretraining: which words of a batch to hide and what to show in
// their place (BERT's recipe), and the negatives the sampled softmax scores them against
// (word2vec's: words drawn by their count to the power 0.75, which gives rare words more draws
// than their count would and frequent ones fewer).

import type { MaskedBatch } from '../models/masked-words.js';
import type { Random } from '../nn/random.js';
import { ORDERED_ID_OFFSET, UNK_ID } from '../text/features.js';

/** How words are hidden. */
export interface MaskingOptions {
  /** The share of a text's known words hidden (BERT's 0.15). */
  rate: number;
  /** Masked positions per batch, at most (the loss is laid out for this many). */
  maxTargets: number;
  /** Words in the vocabulary: a hidden word shown as another is drawn among them. */
  words: number;
}

/**
 * Draws table rows by a weight per row (its count to a power); 0-weight rows are never drawn.
 * @example
 * ```ts
 * new UnigramSampler(Float64Array.of(0, 0, 9, 1)).draw(rng) // row 2 about 84% of the time
 * ```
 */
export class UnigramSampler {
  /** Cumulative weights, normalised to end at 1. */
  private readonly cumulative: Float64Array;

  constructor(counts: ArrayLike<number>, power = 0.75) {
    this.cumulative = new Float64Array(counts.length);
    let sum = 0;
    for (let i = 0; i < counts.length; i++) {
      sum += counts[i] > 0 ? Math.pow(counts[i], power) : 0;
      this.cumulative[i] = sum;
    }
    if (!(sum > 0)) throw new RangeError('no word to sample: every count is 0');
    for (let i = 0; i < counts.length; i++) this.cumulative[i] /= sum;
  }

  /** One row. */
  draw(rng: Random): number {
    const u = rng.next();
    const c = this.cumulative;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    // Never a 0-weight row: the first row with the cumulative weight it reached.
    while (lo > 0 && c[lo - 1] === c[lo]) lo--;
    return lo;
  }
}

/**
 * A batch of the masked-word loss from texts' ordered ids (each at most maxLen, none empty):
 * each known word is hidden with probability `rate` (and one at least in a text of two or more
 * words that drew none), as BERT hides them: 80% shown as UNK, 10% as a random word, 10% as
 * itself, the loss asked for the word in all three cases. `negatives` follow the targets among
 * the candidates.
 */
export function maskBatch(
  texts: readonly Int32Array[],
  negatives: Int32Array,
  rng: Random,
  o: MaskingOptions,
): MaskedBatch {
  const batch = texts.length;
  const offsets = new Int32Array(batch + 1);
  for (let b = 0; b < batch; b++) offsets[b + 1] = offsets[b] + texts[b].length;
  const ids = new Int32Array(offsets[batch]);
  const positions: number[] = [];
  const targets: number[] = [];
  const hide = (at: number) => {
    positions.push(at);
    targets.push(ids[at]);
    const r = rng.next();
    if (r < 0.8) ids[at] = UNK_ID;
    else if (r < 0.9) ids[at] = ORDERED_ID_OFFSET + rng.int(o.words);
  };
  texts.forEach((text, b) => {
    const from = offsets[b];
    ids.set(text, from);
    let hidden = 0;
    let known = 0;
    for (let t = 0; t < text.length; t++) {
      if (text[t] < ORDERED_ID_OFFSET) continue;
      known++;
      if (positions.length < o.maxTargets && rng.next() < o.rate) {
        hide(from + t);
        hidden++;
      }
    }
    if (hidden === 0 && known > 0 && text.length > 1 && positions.length < o.maxTargets) {
      let pick = rng.int(known);
      for (let t = 0; t < text.length; t++) if (text[t] >= ORDERED_ID_OFFSET && pick-- === 0) hide(from + t);
    }
  });
  const candidates = new Int32Array(targets.length + negatives.length);
  candidates.set(targets);
  candidates.set(negatives, targets.length);
  return { ids, offsets, batch, positions: Int32Array.from(positions), candidates };
}
