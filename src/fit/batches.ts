// Training data as the step consumes it: every example's feature rows back to back, and batches
// gathered from them (with feature dropout and the sampling of very long texts) into buffers
// laid out once.

import { Random } from '../nn/random.js';
import type { Featurizer } from '../text/features.js';
import { MAX_TRAINING_FEATURES, type Resolved } from './options.js';

/** Flat encoded examples: rows of every example back to back. */
export interface Encoded {
  rows: Int32Array;
  offsets: Int32Array;
  labels: Int32Array;
  words: Int32Array;
  maxLength: number;
}

/** Examples as flat row lists; with `grow`, n-grams met for the first time get rows. */
export function encodeExamples(
  items: readonly { text: string; label: string }[],
  lists: string[][],
  featurizer: Featurizer,
  labels: string[],
  grow: boolean,
  what: string,
): Encoded {
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const offsets = new Int32Array(items.length + 1);
  const flat: number[] = [];
  const labelIds = new Int32Array(items.length);
  const words = new Int32Array(items.length);
  let maxLength = 0;
  items.forEach((e, i) => {
    const c = labelIndex.get(e.label);
    if (c === undefined)
      throw new RangeError(`${what} example ${i + 1}: label "${e.label}" is not one of ${labels.join(', ')}`);
    labelIds[i] = c;
    offsets[i] = flat.length;
    featurizer.rows(lists[i], flat, grow);
    maxLength = Math.max(maxLength, flat.length - offsets[i]);
    // Tokens as the tokeniser cut them: whitespace would count a Chinese sentence as one word.
    words[i] = lists[i].length;
  });
  offsets[items.length] = flat.length;
  return { rows: Int32Array.from(flat), offsets, labels: labelIds, words, maxLength };
}

/** Gathers a batch's rows (with feature dropout), targets and weights into reused buffers. */
export class BatchBuilder {
  readonly rows: Int32Array;
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
  readonly weights: Float32Array;
  /** Tokens (as the tokeniser cuts them) of every example gathered so far. */
  wordsSeen = 0;
  /** Feature dropout's and long texts' sampling generator. */
  readonly dropRng: Random;

  constructor(
    private readonly set: Encoded,
    private readonly o: Pick<Resolved, 'batch' | 'featureDropout' | 'seed'>,
    private readonly classWeight?: Float32Array,
  ) {
    this.rows = new Int32Array(o.batch * Math.max(1, Math.min(set.maxLength, MAX_TRAINING_FEATURES)));
    this.offsets = new Int32Array(o.batch + 1);
    this.targets = new Int32Array(o.batch);
    this.weights = new Float32Array(o.batch);
    this.dropRng = new Random(o.seed ^ 0x2545f491);
  }

  /** Fills the buffers with examples order[start … start+batch); returns batch. */
  fill(order: Int32Array, start: number, batch: number): number {
    const { set, rows, dropRng } = this;
    // Keep a feature when a uniform uint32 reaches p·2^32: the same test as next() >= p, without a division.
    const keepFrom = Math.ceil(this.o.featureDropout * 4294967296);
    const p = this.o.featureDropout;
    let t = 0;
    for (let b = 0; b < batch; b++) {
      const i = order[start + b];
      this.offsets[b] = t;
      const from = set.offsets[i];
      const to = set.offsets[i + 1];
      if (to - from > MAX_TRAINING_FEATURES) t = this.sampleLongText(from, to, t, keepFrom);
      else if (p > 0) {
        const kept = t;
        for (let f = from; f < to; f++) if (dropRng.nextU32() >= keepFrom) rows[t++] = set.rows[f];
        // A bag never goes empty: keep one feature if dropout took them all.
        if (t === kept && to > from) rows[t++] = set.rows[from + dropRng.int(to - from)];
      } else {
        rows.set(set.rows.subarray(from, to), t);
        t += to - from;
      }
      this.targets[b] = set.labels[i];
      if (this.classWeight) this.weights[b] = this.classWeight[set.labels[i]];
      this.wordsSeen += set.words[i];
    }
    this.offsets[batch] = t;
    return batch;
  }

  /**
   * A text with more features than MAX_TRAINING_FEATURES: a systematic sample of them (every
   * (n/cap)-th from a random start, so each feature is equally likely to be in it), then feature
   * dropout as for any text. Appends at `t`; returns the new end.
   */
  private sampleLongText(from: number, to: number, t: number, keepFrom: number): number {
    const { set, rows, dropRng } = this;
    const length = to - from;
    const stride = length / MAX_TRAINING_FEATURES;
    const offset = dropRng.next();
    const kept = t;
    for (let k = 0; k < MAX_TRAINING_FEATURES; k++) {
      const f = from + Math.floor((k + offset) * stride);
      if (keepFrom === 0 || dropRng.nextU32() >= keepFrom) rows[t++] = set.rows[f];
    }
    if (t === kept) rows[t++] = set.rows[from + dropRng.int(length)];
    return t;
  }
}

export function bagsOf(set: Encoded): number[][] {
  return Array.from(set.labels, (_, i) => Array.from(set.rows.subarray(set.offsets[i], set.offsets[i + 1])));
}
