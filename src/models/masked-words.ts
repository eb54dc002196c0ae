// The attention model's encoder with a masked-word loss on top, for pretraining on unlabelled
// text (as BERT, on the task's own text, as Krishna et al. 2023 found nearly as good as a large
// corpus): some words of each text are hidden, the encoder reads the rest, and its output at each
// hidden position is asked which word stood there, by a softmax over a sample of the vocabulary
// (src/nn/sampled-softmax.ts) whose output weights are the token table itself. The step is the
// classifier's with the head swapped: load, encode, loss, encoder backward; the table's touched
// rows are the inputs' and the candidates' (one slot each, see assignCandidates), so the
// optimiser (src/fit/optimizer.ts) updates only those.

import { SampledSoftmax } from '../nn/sampled-softmax.js';
import type { Runtime } from '../runtime/runtime.js';
import { ORDERED_ID_OFFSET } from '../text/features.js';
import { AttentionModel } from './attention-model.js';
import type { ModelShape, ParameterGroups } from './text-model.js';

/** One batch of the masked-word loss. */
export interface MaskedBatch {
  /** The texts' ordered ids with the masked words replaced (each text at most maxLen, none empty), back to back. */
  ids: Int32Array;
  /** batch + 1 entries: where each text starts in `ids`. */
  offsets: Int32Array;
  batch: number;
  /** The masked positions, as indices into `ids`. */
  positions: Int32Array;
  /** The word that stood at each masked position, then the shared negatives: rows of the token table. */
  candidates: Int32Array;
}

/** How the masked-word model is laid out. */
export interface MaskedWordLayout {
  /** Texts per batch, at most. */
  maxBatch: number;
  /** Masked positions per batch, at most. */
  maxTargets: number;
  /** Shared negatives per batch, at most. */
  maxNegatives: number;
  seed: number;
  /** The encoder's dropout in training. */
  dropout: number;
}

export class MaskedWordModel {
  /** The encoder (an attention model whose classification head is left unused). */
  readonly encoder: AttentionModel;
  private readonly output: SampledSoftmax;
  private readonly dropout: number;
  private batch = 0;

  /**
   * Lays out the encoder for `shape` (`classes` is ignored: the encoder's head is not trained)
   * and the loss's buffers; the runtime is left unsealed for the optimiser's state.
   */
  constructor(rt: Runtime, shape: ModelShape, layout: MaskedWordLayout) {
    this.encoder = AttentionModel.create(
      rt,
      { ...shape, classes: 2 },
      {
        maxBatch: layout.maxBatch,
        maxIds: layout.maxBatch,
        optimizer: 'adam',
        seed: layout.seed,
        dropout: layout.dropout,
      },
    );
    this.dropout = layout.dropout;
    // The table's bookkeeping makes room for the candidates' rows after the tokens'.
    const positions = layout.maxBatch * this.encoder.config.maxLen + layout.maxTargets + layout.maxNegatives;
    this.encoder.sparseRows.reserve(positions, Math.min(shape.rows + ORDERED_ID_OFFSET, positions));
    this.output = new SampledSoftmax(
      rt,
      { dim: shape.dim, maxTargets: layout.maxTargets, maxNegatives: layout.maxNegatives },
      'maskedWords',
    );
  }

  /**
   * Forward of one batch: encodes the masked texts and returns the mean masked-word loss. `step`
   * (updates so far) seeds dropout; dropout 0 evaluates.
   */
  forward(b: MaskedBatch, step: number, dropout?: number): number {
    const { encoder } = this;
    const N = b.offsets[b.batch];
    for (let i = 0; i < b.batch; i++) {
      const length = b.offsets[i + 1] - b.offsets[i];
      if (length < 1 || length > encoder.config.maxLen)
        throw new RangeError(`text ${i} of the batch has ${length} ids; each needs 1 to ${encoder.config.maxLen}`);
    }
    for (const p of b.positions)
      if (!(p >= 0 && p < N)) throw new RangeError(`masked position ${p} is outside the batch's ${N} ids`);
    encoder.load(b.ids, b.offsets, b.batch);
    this.assignCandidates(b.candidates);
    this.batch = b.batch;
    const x = this.encode(b.batch, dropout ?? this.dropout, step);
    return this.output.forward(x, encoder.table, b.positions, b.candidates);
  }

  // x[N,C] = layers(embed(tokens)): the attention model's forward pass up to its pooling, each
  // layer's dropout seeded as AttentionModel.run seeds it.
  private encode(batch: number, dropout: number, step: number): number {
    const e = this.encoder;
    e.runtime.kernels.encoder_embed_forward(
      e.x0,
      e.tokens,
      e.offsets,
      e.table,
      e.parameters.params[0].ptr,
      batch,
      e.shape.dim,
    );
    let x = e.x0;
    e.layers.forEach((layer, l) => {
      const seed = (e.dropoutSeed ^ Math.imul(step + 1, 0x9e3779b1) ^ Math.imul(l + 1, 0x85ebca6b)) >>> 0;
      x = layer.forward(x, e.offsets, batch, e.N, dropout, seed);
    });
    return x;
  }

  /**
   * The table rows the batch touches are its tokens' and then its candidates': each candidate
   * takes a slot after the tokens' (first-use order keeps the tokens' slots as load() gave them),
   * so that backward adds their gradients where the optimiser updates them.
   */
  private assignCandidates(candidates: Int32Array): void {
    const { N, tokens, sparseRows: rows, runtime } = this.encoder;
    const V = this.encoder.shape.rows + ORDERED_ID_OFFSET;
    const all = new Int32Array(N + candidates.length);
    all.set(runtime.i32(tokens, N));
    for (let i = 0; i < candidates.length; i++) {
      const id = candidates[i];
      if (!(id >= 0 && id < V)) throw new RangeError(`candidate row ${id} is outside the embedding table's ${V} rows`);
      all[N + i] = id;
    }
    rows.assign(all, all.length);
  }

  /** Zeroes every gradient, then the loss read in reverse into the encoder and the touched rows. */
  backward(): void {
    const e = this.encoder;
    e.zeroGrad();
    const rows = e.sparseRows;
    const { layers } = e;
    // The candidates' slots follow the tokens' (assignCandidates). Then the encoder in reverse.
    this.output.backward(
      layers.length ? layers[layers.length - 1].outGrad : e.dx0,
      rows.gradientsPtr,
      rows.slotsPtr + e.N * 4,
    );
    for (let l = layers.length - 1; l >= 0; l--) layers[l].backward(l > 0 ? layers[l - 1].outGrad : e.dx0);
    e.runtime.kernels.encoder_embed_backward(
      rows.gradientsPtr,
      e.parameters.params[0].gradPtr,
      e.dx0,
      rows.slotsPtr,
      e.offsets,
      this.batch,
      e.shape.dim,
    );
  }

  /** What the optimiser updates: the encoder's parameter block and the token table's rows. */
  parameterGroups(): ParameterGroups {
    return this.encoder.parameterGroups();
  }
}
