// An embedding bag: each example is a bag of table rows, represented by their mean. Backward
// adds the gradient back to the rows that were used, and only those rows are updated: the
// table's sparse rows (sparse-rows.ts) list the batch's distinct rows, WebAssembly accumulates
// into a compact [distinct × dim] buffer, and the optimiser (src/fit/optimizer.ts) updates
// those rows alone (fastText's sparse update, with the optimiser kept out of the loss).

import { DEFAULT_ALIGN, type Runtime } from '../runtime/runtime.js';
import { checkDims } from '../runtime/kernels.js';
import type { Random } from './random.js';
import { SparseRows, type SparseOptimizer } from './sparse-rows.js';

export type { SparseOptimizer } from './sparse-rows.js';

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
  /** [rows × dim] */
  readonly table: number;
  /** The rows a batch touched, their gradients and their update. */
  readonly sparseRows: SparseRows;
  private maxBatch: number;
  private maxIds: number;
  private ids = 0;
  private offsets = 0;
  private batch = 0;

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
    this.table = rt.allocF32(rows * dim, 'embedding.table');
    this.sparseRows = new SparseRows(rt, { table: this.table, rows, dim, label: 'embedding', name: 'embedding' });
    // Adam's moments are laid out with the table, right after it.
    if (options.optimizer === 'adam') this.sparseRows.layOutMoments();
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
    if (training) this.sparseRows.reserve(maxIds, maxIds);
  }

  get capacity(): { maxBatch: number; maxIds: number } {
    return { maxBatch: this.maxBatch, maxIds: this.maxIds };
  }

  /**
   * Loads a batch: `rows` holds every bag's row ids back to back, `offsets` (length batch+1)
   * where each bag starts. Also works out the distinct rows for backward and the update.
   */
  load(rows: ArrayLike<number>, offsets: Int32Array, batch: number, { training = true } = {}): void {
    const total = offsets[batch];
    const maxIds = training ? this.sparseRows.capacity : this.maxIds;
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
    if (training) this.sparseRows.assign(ids, total);
    else this.sparseRows.forget();
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

  // drows[U×D] = Σ over uses of each distinct row of dout[b]/|bag b|
  backward(dout: number): void {
    const sparse = this.sparseRows;
    if (!sparse.assigned)
      throw new Error(
        'EmbeddingBag: this batch was loaded for prediction; load it with { training: true } before backward',
      );
    sparse.zeroGradients();
    this.rt.kernels.embedding_bag_backward(
      sparse.gradientsPtr,
      dout,
      sparse.slotsPtr,
      this.offsets,
      this.batch,
      this.dim,
    );
  }
}
