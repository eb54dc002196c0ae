// An embedding bag: each example is a bag of table rows, represented by their mean. Backward
// adds the gradient back to the rows that were used, and only those rows are updated: per batch
// the host lists the distinct rows (the "slots"), WebAssembly accumulates into a compact
// [slots × dim] buffer, and the update touches those rows alone (fastText's sparse update,
// with the optimiser kept out of the loss).

import { DEFAULT_ALIGN, type Runtime } from '../runtime/runtime.js';
import { checkDims } from '../runtime/kernels.js';
import type { Random } from './random.js';

/**
 * The update the embedding table's sparse rows get: plain SGD, or Adam on the rows a batch used.
 * @inline
 */
export type SparseOptimizer = 'sgd' | 'adam';

export interface EmbeddingBagOptions {
  /** Examples per batch. */
  maxBatch: number;
  /** Row ids per batch (all bags together). */
  maxIds: number;
  optimizer: SparseOptimizer;
  /** Lay out backward's buffers too (default true); a model loaded only to predict needs none. */
  training?: boolean;
}

export class EmbeddingBag {
  readonly rows: number;
  readonly dim: number;
  readonly optimizer: SparseOptimizer;
  /** [rows × dim] */
  readonly table: number;
  private readonly m: number;
  private readonly v: number;
  private maxBatch: number;
  private maxIds: number;
  /** Ids per batch that backward has room for (slots, distinct rows, their gradients). */
  private maxTrainingIds = 0;
  private ids = 0;
  private slots = 0;
  private offsets = 0;
  private uniqueRows = 0;
  private dslots = 0;
  /** Where each row of another copy's gradients lands among this batch's slots (addRows). */
  private mergeTargets = 0;
  private batch = 0;
  private unique = 0;
  private steps = 0;
  /**
   * [stamp, slot] per row: the row's slot in the current batch, valid where its stamp equals the
   * batch's. Side by side, so the random access per id touches one cache line, not two.
   */
  private readonly slotStamps: Int32Array;
  private currentStamp = 0;

  /**
   * @example
   * ```ts
   * new EmbeddingBag(rt, 20000, 64, { maxBatch: 32, maxIds: 4096, optimizer: 'sgd' })
   * ```
   */
  constructor(
    readonly rt: Runtime,
    rows: number,
    dim: number,
    options: EmbeddingBagOptions,
  ) {
    checkDims('EmbeddingBag', rows, dim, options.maxBatch, options.maxIds);
    this.rows = rows;
    this.dim = dim;
    this.optimizer = options.optimizer;
    this.table = rt.allocF32(rows * dim, 'embedding.table');
    this.m = options.optimizer === 'adam' ? rt.allocF32(rows * dim, 'embedding.adam.m') : 0;
    this.v = options.optimizer === 'adam' ? rt.allocF32(rows * dim, 'embedding.adam.v') : 0;
    this.slotStamps = new Int32Array(2 * rows);
    this.maxBatch = 0;
    this.maxIds = 0;
    this.reserve(options.maxBatch, options.maxIds, { training: options.training ?? true });
  }

  /** Uniform in [−1/dim, 1/dim], fastText's initialisation of word vectors. */
  initialise(rng: Random): void {
    const t = this.rt.f32(this.table, this.rows * this.dim);
    const bound = 1 / this.dim;
    for (let i = 0; i < t.length; i++) t[i] = rng.uniform(-bound, bound);
  }

  /** A fresh view of the whole table. */
  values(): Float32Array {
    return this.rt.f32(this.table, this.rows * this.dim);
  }

  /**
   * Makes room for bigger batches; never called inside a training step (it may grow memory).
   * Prediction (`training: false`) needs only the id and offset buffers, so a long text to
   * predict costs 4 bytes per id, not the dim floats per id that backward's buffer takes.
   */
  reserve(maxBatch: number, maxIds: number, { training = true } = {}): void {
    const rt = this.rt;
    if (maxBatch > this.maxBatch) {
      this.maxBatch = maxBatch;
      this.offsets = rt.alloc((maxBatch + 1) * 4, DEFAULT_ALIGN, 'embedding.offsets');
    }
    if (maxIds > this.maxIds) {
      this.maxIds = maxIds;
      this.ids = rt.alloc(maxIds * 4, DEFAULT_ALIGN, 'embedding.ids');
    }
    if (training && maxIds > this.maxTrainingIds) {
      this.maxTrainingIds = maxIds;
      this.slots = rt.alloc(maxIds * 4, DEFAULT_ALIGN, 'embedding.slots');
      this.uniqueRows = rt.alloc(maxIds * 4, DEFAULT_ALIGN, 'embedding.distinctRows');
      this.dslots = rt.allocF32(maxIds * this.dim, 'embedding.rowGradients');
      this.mergeTargets = rt.alloc(maxIds * 4, DEFAULT_ALIGN, 'embedding.mergeTargets');
    }
  }

  get capacity(): { maxBatch: number; maxIds: number } {
    return { maxBatch: this.maxBatch, maxIds: this.maxIds };
  }

  /** The sparse optimiser's state (Adam's step count and moments), copied out: for checkpoints. */
  saveState(): { steps: number; m?: Float32Array; v?: Float32Array } {
    const n = this.rows * this.dim;
    if (this.optimizer === 'sgd') return { steps: this.steps };
    return { steps: this.steps, m: this.rt.f32(this.m, n).slice(), v: this.rt.f32(this.v, n).slice() };
  }

  /** Puts back what saveState() gave. */
  loadState(state: { steps: number; m?: Float32Array; v?: Float32Array }): void {
    this.steps = state.steps;
    if (this.optimizer === 'sgd') return;
    const n = this.rows * this.dim;
    if (state.m?.length !== n || state.v?.length !== n)
      throw new RangeError(`EmbeddingBag: Adam moments of ${state.m?.length ?? 0} values, the table has ${n}`);
    this.rt.f32(this.m, n).set(state.m);
    this.rt.f32(this.v, n).set(state.v);
  }

  /**
   * Loads a batch: `rows` holds every bag's row ids back to back, `offsets` (length batch+1)
   * where each bag starts. Also works out the distinct rows for backward and the update.
   */
  load(rows: ArrayLike<number>, offsets: Int32Array, batch: number, { training = true } = {}): void {
    const total = offsets[batch];
    const maxIds = training ? this.maxTrainingIds : this.maxIds;
    if (batch > this.maxBatch || total > maxIds) {
      throw new RangeError(
        `EmbeddingBag: batch of ${batch} bags / ${total} ids exceeds the reserved ${this.maxBatch} / ${maxIds}`,
      );
    }
    const rt = this.rt;
    const ids = rt.i32(this.ids, total);
    for (let t = 0; t < total; t++) {
      const row = rows[t];
      if (!(row >= 0 && row < this.rows)) throw new RangeError(`EmbeddingBag: row ${row} outside 0..${this.rows - 1}`);
      ids[t] = row;
    }
    rt.i32(this.offsets, batch + 1).set(offsets.subarray(0, batch + 1));
    this.batch = batch;
    // Prediction needs no backward: only training works out the distinct rows and their slots.
    this.unique = training ? this.assignSlots(ids, total) : -1;
  }

  /** Gives each distinct row of the batch a slot; returns how many there are. */
  private assignSlots(ids: Int32Array, total: number): number {
    const slots = this.rt.i32(this.slots, total);
    const unique = this.rt.i32(this.uniqueRows, total);
    const stamp = ++this.currentStamp;
    const slotStamps = this.slotStamps;
    let u = 0;
    for (let t = 0; t < total; t++) {
      const row = ids[t];
      if (slotStamps[2 * row] !== stamp) {
        slotStamps[2 * row] = stamp;
        slotStamps[2 * row + 1] = u;
        unique[u++] = row;
      }
      slots[t] = slotStamps[2 * row + 1];
    }
    return u;
  }

  // out[B×D] = mean of each bag's rows
  forward(out: number): void {
    this.rt.kernels.embedding_bag_forward(out, this.table, this.ids, this.offsets, this.batch, this.dim);
  }

  // out[B×width] = mean of each bag's rows of another table [rows × width] indexed like this one
  // (a classifier's per-row class scores, say)
  forwardFrom(table: number, width: number, out: number): void {
    checkDims('EmbeddingBag.forwardFrom', width);
    this.rt.kernels.embedding_bag_forward(out, table, this.ids, this.offsets, this.batch, width);
  }

  // dslots[U×D] = Σ over uses of each distinct row of dout[b]/|bag b|
  backward(dout: number): void {
    if (this.unique < 0)
      throw new Error(
        'EmbeddingBag: this batch was loaded for prediction; load it with { training: true } before backward',
      );
    const k = this.rt.kernels;
    k.fill_f32(this.dslots, this.unique * this.dim, 0);
    k.embedding_bag_backward(this.dslots, dout, this.slots, this.offsets, this.batch, this.dim);
  }

  /** The batch's distinct rows and their gradients, where backward left them. */
  gradientRows(): { rowIds: number; rowGrads: number; rowCount: number } {
    return { rowIds: this.uniqueRows, rowGrads: this.dslots, rowCount: Math.max(0, this.unique) };
  }

  /**
   * Adds another copy's row gradients (`count` rows: i32 ids at `rowIds`, gradients at
   * `rowGrads`) to this batch's: a row both used sums, one only the other used takes a new slot
   * after this batch's own, in the other's order. Data-parallel training merges its threads' rows so.
   */
  addRows(rowIds: number, rowGrads: number, count: number): void {
    if (this.unique < 0)
      throw new Error('EmbeddingBag: this batch was loaded for prediction; there are no row gradients to add to');
    const rt = this.rt;
    const ids = rt.i32(rowIds, count);
    const own = rt.i32(this.uniqueRows, this.maxTrainingIds);
    const targets = rt.i32(this.mergeTargets, count);
    const stamp = ++this.currentStamp;
    const slotStamps = this.slotStamps;
    for (let u = 0; u < this.unique; u++) {
      slotStamps[2 * own[u]] = stamp;
      slotStamps[2 * own[u] + 1] = u;
    }
    const before = this.unique;
    for (let u = 0; u < count; u++) {
      const row = ids[u];
      if (slotStamps[2 * row] !== stamp) {
        if (this.unique >= this.maxTrainingIds)
          throw new RangeError(
            `EmbeddingBag: the merged batch uses more than the reserved ${this.maxTrainingIds} rows`,
          );
        slotStamps[2 * row] = stamp;
        slotStamps[2 * row + 1] = this.unique;
        own[this.unique++] = row;
      }
      targets[u] = slotStamps[2 * row + 1];
    }
    const k = rt.kernels;
    k.fill_f32(this.dslots + before * this.dim * 4, (this.unique - before) * this.dim, 0);
    k.add_rows(this.dslots, rowGrads, this.mergeTargets, count, this.dim);
  }

  /** Updates the rows the batch used (weight decay applies to SGD only). */
  step(lr: number, { weightDecay = 0, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 } = {}): void {
    const k = this.rt.kernels;
    this.steps++;
    if (this.optimizer === 'sgd')
      k.sgd_rows(this.table, this.dslots, this.uniqueRows, this.unique, this.dim, lr, weightDecay);
    else
      k.adam_rows(
        this.table,
        this.m,
        this.v,
        this.dslots,
        this.uniqueRows,
        this.unique,
        this.dim,
        lr,
        beta1,
        beta2,
        eps,
        this.steps,
      );
  }
}
