// The rows of an embedding table a batch touched, and their update. A table of 100,000 rows
// costs a step only the rows its batch used (fastText's sparse update, with the optimiser kept
// out of the loss): when a batch is loaded the host lists its distinct rows in first-use order
// and gives each position the slot of its row; backward adds into one gradient row per slot
// ([distinct × dim]); the update touches those rows alone (plain SGD, or lazy Adam as
// torch.optim.SparseAdam). Data-parallel training adds another copy's rows to these (merge) before
// the one update. The embedding bag (embedding-bag.ts) and the attention model's token table
// each keep their rows so.

import { DEFAULT_ALIGN, type Runtime } from '../runtime/runtime.js';

/**
 * The update a table's rows get: plain SGD, or Adam on the rows a batch used.
 * @inline
 */
export type SparseOptimizer = 'sgd' | 'adam';

/** One update of the touched rows, with the optimiser's settings (its dense part's, so both agree). */
export type SparseUpdate =
  | { kind: 'sgd'; lr: number; weightDecay: number }
  | {
      kind: 'adam';
      lr: number;
      beta1: number;
      beta2: number;
      eps: number;
      /** Adam's bias correction: updates so far, this one included. */ step: number;
    };

/**
 * Rows of a table whose update is scaled (pretrained vectors kept frozen, or tuned slowly):
 * `marked[row]` is 1 for them; they step at `scale` times the learning rate.
 */
export interface ScaledRows {
  /** One byte per row of the table: 1 where the row's step is scaled. */
  marked: Uint8Array;
  /** Their rate as a multiple of the others' (0: frozen). */
  scale: number;
}

/** Where one copy's touched rows are, as pointers into the shared memory: `rowCount` i32 ids at `rowIds`, their gradients [rowCount × dim] at `rowGrads`. */
export interface RowGradients {
  rowIds: number;
  rowGrads: number;
  rowCount: number;
}

export interface SparseRowsOptions {
  /** The table [rows × dim], laid out by its owner. */
  table: number;
  rows: number;
  dim: number;
  /** Names the blocks in the memory plan: `${label}.slots`, `${label}.adam.m`, … */
  label: string;
  /** Names the optimiser's state of the table in checkpoints (`${name}.m`, steps under `name`). */
  name: string;
}

export class SparseRows {
  readonly table: number;
  readonly rows: number;
  readonly dim: number;
  readonly label: string;
  readonly name: string;
  /** Adam's moments [rows × dim] (0 until laid out). */
  private m = 0;
  private v = 0;
  // Each position's slot (i32[positions]), the distinct rows (i32[positions]), their gradients
  // [distinct × dim], and where each row of another copy's lands among them (i32[positions]).
  private slots = 0;
  private distinctRows = 0;
  private rowGradients = 0;
  private mergeTargets = 0;
  private maxPositions = 0;
  private maxDistinct = 0;
  /** Distinct rows of the loaded batch; −1 when it was loaded for prediction (no backward). */
  private count = -1;
  /**
   * [stamp, slot] per row: the row's slot in the current batch, valid where its stamp is the
   * current one. Side by side, so the random access per id touches one cache line, not two.
   */
  private readonly slotStamps: Int32Array;
  private currentStamp = 0;

  constructor(
    readonly rt: Runtime,
    options: SparseRowsOptions,
  ) {
    this.table = options.table;
    this.rows = options.rows;
    this.dim = options.dim;
    this.label = options.label;
    this.name = options.name;
    this.slotStamps = new Int32Array(2 * options.rows);
  }

  /**
   * Lays out the bookkeeping of batches of up to `positions` ids and `distinct` distinct rows
   * (more than laid out before; never inside a training step, as it may grow memory).
   */
  reserve(positions: number, distinct: number): void {
    if (positions <= this.maxPositions) return;
    const rt = this.rt;
    this.maxPositions = positions;
    this.maxDistinct = distinct;
    this.slots = rt.alloc(positions * 4, DEFAULT_ALIGN, `${this.label}.slots`);
    this.distinctRows = rt.alloc(positions * 4, DEFAULT_ALIGN, `${this.label}.distinctRows`);
    this.rowGradients = rt.allocF32(distinct * this.dim, `${this.label}.rowGradients`);
    this.mergeTargets = rt.alloc(positions * 4, DEFAULT_ALIGN, `${this.label}.mergeTargets`);
  }

  /** Lays out Adam's moments (once; a second call changes nothing). */
  layOutMoments(): void {
    if (this.m) return;
    this.m = this.rt.allocF32(this.rows * this.dim, `${this.label}.adam.m`);
    this.v = this.rt.allocF32(this.rows * this.dim, `${this.label}.adam.v`);
  }

  /** Ids per batch the bookkeeping has room for. */
  get capacity(): number {
    return this.maxPositions;
  }

  /** Each position's slot (i32), where assign() wrote them: what backward's kernel reads. */
  get slotsPtr(): number {
    return this.slots;
  }

  /** The touched rows' gradients [distinct × dim]: where backward adds. */
  get gradientsPtr(): number {
    return this.rowGradients;
  }

  /** Whether the loaded batch was loaded for training (its rows assigned), so backward may run. */
  get assigned(): boolean {
    return this.count >= 0;
  }

  /**
   * The batch's `n` ids (rows, each checked by the caller): lists the distinct ones in first-use
   * order and writes each position's slot among them; returns how many there are.
   */
  assign(ids: Int32Array, n: number): number {
    if (n > this.maxPositions)
      throw new RangeError(`${this.label}: a batch of ${n} ids; the bookkeeping was laid out for ${this.maxPositions}`);
    const slots = this.rt.i32(this.slots, n);
    const unique = this.rt.i32(this.distinctRows, n);
    const stamp = ++this.currentStamp;
    const slotStamps = this.slotStamps;
    let u = 0;
    for (let t = 0; t < n; t++) {
      const row = ids[t];
      if (slotStamps[2 * row] !== stamp) {
        slotStamps[2 * row] = stamp;
        slotStamps[2 * row + 1] = u;
        unique[u++] = row;
      }
      slots[t] = slotStamps[2 * row + 1];
    }
    this.count = u;
    return u;
  }

  /** The loaded batch is a prediction batch: no rows touched, no backward. */
  forget(): void {
    this.count = -1;
  }

  /** Zeroes the touched rows' gradients (before backward adds to them). */
  zeroGradients(): void {
    if (this.count > 0) this.rt.kernels.fill_f32(this.rowGradients, this.count * this.dim, 0);
  }

  /** Where this copy's touched rows and their gradients are (what another copy merges). */
  gradients(): RowGradients {
    return { rowIds: this.distinctRows, rowGrads: this.rowGradients, rowCount: Math.max(0, this.count) };
  }

  /** A fresh view of the touched rows' ids. */
  touchedRows(): Int32Array {
    return this.rt.i32(this.distinctRows, Math.max(0, this.count));
  }

  /**
   * Adds another copy's row gradients to this batch's: a row both used sums, one only the other
   * used takes a new slot after this batch's own, in the other's order. Data-parallel training
   * merges its threads' rows so, in thread order, before the one update.
   */
  merge(other: RowGradients): void {
    if (this.count < 0)
      throw new Error(`${this.label}: this batch was loaded for prediction; there are no row gradients to add to`);
    const rt = this.rt;
    const ids = rt.i32(other.rowIds, other.rowCount);
    const own = rt.i32(this.distinctRows, this.maxPositions);
    const targets = rt.i32(this.mergeTargets, other.rowCount);
    const stamp = ++this.currentStamp;
    const slotStamps = this.slotStamps;
    for (let u = 0; u < this.count; u++) {
      slotStamps[2 * own[u]] = stamp;
      slotStamps[2 * own[u] + 1] = u;
    }
    const before = this.count;
    for (let u = 0; u < other.rowCount; u++) {
      const row = ids[u];
      if (slotStamps[2 * row] !== stamp) {
        if (this.count >= this.maxDistinct)
          throw new RangeError(`${this.label}: the merged batch uses more than the ${this.maxDistinct} rows laid out`);
        slotStamps[2 * row] = stamp;
        slotStamps[2 * row + 1] = this.count;
        own[this.count++] = row;
      }
      targets[u] = slotStamps[2 * row + 1];
    }
    const k = rt.kernels;
    k.fill_f32(this.rowGradients + before * this.dim * 4, (this.count - before) * this.dim, 0);
    k.add_rows(this.rowGradients, other.rowGrads, this.mergeTargets, other.rowCount, this.dim);
  }

  /** Σ of the touched rows' squared gradients: their part of a global norm (clipping). */
  sumOfSquares(): number {
    return this.rt.kernels.sum_squares_f32(this.rowGradients, Math.max(0, this.count) * this.dim);
  }

  /** Zeroes the gradients of the touched rows `marked` marks. */
  zeroMarkedGradients(marked: Uint8Array): void {
    const n = Math.max(0, this.count);
    const ids = this.rt.i32(this.distinctRows, n);
    const grads = this.rt.f32(this.rowGradients, n * this.dim);
    for (let u = 0; u < n; u++) if (marked[ids[u]]) grads.fill(0, u * this.dim, (u + 1) * this.dim);
  }

  /** Scales the touched rows' gradients (clipping). */
  scaleGradients(factor: number): void {
    this.rt.kernels.scale_f32(this.rowGradients, Math.max(0, this.count) * this.dim, factor);
  }

  /**
   * Updates the touched rows from their gradients (weight decay applies to SGD only). With
   * `scaled`, the rows it marks step at `scale` times the rate (0: not at all, their Adam moments
   * untouched too): each run of consecutive rows alike is one call of the kernel, which updates
   * every row on its own, so a run's bytes are those one call over all the rows would give.
   */
  update(u: SparseUpdate, scaled?: ScaledRows): void {
    const n = Math.max(0, this.count);
    if (!scaled) {
      this.updateRange(u, 0, n, u.lr);
      return;
    }
    const ids = this.rt.i32(this.distinctRows, n);
    const { marked, scale } = scaled;
    for (let start = 0; start < n;) {
      const mark = marked[ids[start]];
      let end = start + 1;
      while (end < n && marked[ids[end]] === mark) end++;
      const lr = mark ? u.lr * scale : u.lr;
      if (lr !== 0) this.updateRange(u, start, end - start, lr);
      start = end;
    }
  }

  /** The update of `count` touched rows from slot `first` on, at rate `lr`. */
  private updateRange(u: SparseUpdate, first: number, count: number, lr: number): void {
    const k = this.rt.kernels;
    const rows = this.distinctRows + first * 4;
    const grads = this.rowGradients + first * this.dim * 4;
    if (u.kind === 'sgd') {
      k.sgd_rows(this.table, grads, rows, count, this.dim, lr, u.weightDecay);
      return;
    }
    if (!this.m) throw new Error(`${this.label}: lay out Adam's moments before an Adam update`);
    k.adam_rows(this.table, this.m, this.v, grads, rows, count, this.dim, lr, u.beta1, u.beta2, u.eps, u.step);
  }

  /** Adam's moments, copied out (none before they are laid out): for checkpoints. */
  saveMoments(): { m: Float32Array; v: Float32Array } | undefined {
    const n = this.rows * this.dim;
    return this.m ? { m: this.rt.f32(this.m, n).slice(), v: this.rt.f32(this.v, n).slice() } : undefined;
  }

  /** Puts back what saveMoments() gave (nothing to do before the moments are laid out). */
  loadMoments(m: Float32Array | undefined, v: Float32Array | undefined): void {
    if (!this.m) return;
    const n = this.rows * this.dim;
    for (const [which, values] of [
      ['m', m],
      ['v', v],
    ] as const)
      if (!(values instanceof Float32Array) || values.length !== n)
        throw new RangeError(
          `optimiser state "${this.name}.${which}" has ${values?.length ?? 'no'} values, the table ${n}`,
        );
    this.rt.f32(this.m, n).set(m!);
    this.rt.f32(this.v, n).set(v!);
  }
}
