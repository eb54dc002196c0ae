// A softmax over a sample of the vocabulary (sampled softmax, Jean et al. 2015): the output layer
// of the masked-word loss. Each of M output vectors h_i (a masked position's encoding) is scored
// against K candidate rows of the token table: the M true words first (row i of the candidates is
// h_i's own word), then S negatives shared by the whole batch (drawn by the caller, as word2vec
// draws them, from the unigram distribution to the power 0.75). Row i's loss is the cross-entropy
// of its true word among all K: the other positions' true words serve as further negatives at no
// cost. A candidate that is h_i's own word again (the same word masked twice, or drawn as a
// negative) is an accidental hit and scores −1e9, so it never counts against the truth.
//
//   scores[M,K] = H[M,C]·Wᵀ[C,K] / √C;   loss = mean_i CE(scores_i, i)
//   dH = dscores·W / √C;   dW = dscoresᵀ·H / √C   (W's rows scatter-add into the table's touched rows)
//
// Divided by √C as attention divides its scores: the table's rows start N(0, 1) (nn.Embedding's
// start) and H comes out of a layer norm, so their dot products start with a spread of about √C,
// and a softmax over such scores starts saturated (a loss of 15 where chance is 5).
//
// A full softmax over a vocabulary of 15,000 words would read every row of the table each step
// and write a gradient into every row; the sample touches M + S rows, which the sparse update
// (sparse-rows.ts) then updates alone. The output weights are the token table itself (tied, as
// BERT ties them): an input word and the same word predicted share one vector, so a word rare in
// masked positions still moves by its uses as input, and the table a classifier starts from is
// the one the loss shaped.

import type { Runtime } from '../runtime/runtime.js';

/** A score that no candidate's real score comes near: an accidental hit's, so its probability is 0. */
const EXCLUDED = -1e9;

export interface SampledSoftmaxShape {
  /** Width C of the vectors and the table's rows. */
  dim: number;
  /** Output vectors (masked positions) per call, at most. */
  maxTargets: number;
  /** Shared negatives per call, at most. */
  maxNegatives: number;
}

export class SampledSoftmax {
  readonly shape: SampledSoftmaxShape;
  private readonly rt: Runtime;
  // H [M, C] and its gradient; the candidates' rows W [K, C] and their gradient; the scores
  // [M, K] and their gradient; the targets (i32: row i's truth is candidate i).
  private readonly hidden: number;
  private readonly dhidden: number;
  private readonly rows: number;
  private readonly drows: number;
  private readonly scores: number;
  private readonly dscores: number;
  private readonly targets: number;
  /** Where each output vector came from (i32[M]): backward adds dH back into those rows of dx. */
  private readonly positions: number;
  /** The last forward's sizes. */
  private last = { M: 0, K: 0 };

  /** Lays out the buffers for `shape` (blocks named `${name}.…` in the memory plan). */
  constructor(rt: Runtime, shape: SampledSoftmaxShape, name: string) {
    const { dim: C, maxTargets: M, maxNegatives: S } = shape;
    this.rt = rt;
    this.shape = shape;
    const K = M + S;
    this.hidden = rt.allocF32(M * C, `${name}.hidden`);
    this.dhidden = rt.allocF32(M * C, `${name}.hidden.grad`);
    this.rows = rt.allocF32(K * C, `${name}.candidates`);
    this.drows = rt.allocF32(K * C, `${name}.candidates.grad`);
    this.scores = rt.allocF32(M * K, `${name}.scores`);
    this.dscores = rt.allocF32(M * K, `${name}.scores.grad`);
    this.targets = rt.alloc(M * 4, undefined, `${name}.targets`);
    this.positions = rt.alloc(M * 4, undefined, `${name}.positions`);
    const targets = rt.i32(this.targets, M);
    for (let i = 0; i < M; i++) targets[i] = i;
  }

  /**
   * The mean loss of the output vectors at `positions` (rows of x [N, C]) against `candidates`
   * (rows of `table` [V, C]: positions.length true words, then the negatives).
   */
  forward(x: number, table: number, positions: Int32Array, candidates: Int32Array): number {
    const { rt } = this;
    const k = rt.kernels;
    const C = this.shape.dim;
    const M = positions.length;
    const K = candidates.length;
    if (M > this.shape.maxTargets || K - M > this.shape.maxNegatives || K < M)
      throw new RangeError(
        `sampled softmax: ${M} targets and ${K - M} negatives; laid out for ${this.shape.maxTargets} and ${this.shape.maxNegatives}`,
      );
    const gather = (to: number, from: number, ids: Int32Array) => {
      for (let i = 0; i < ids.length; i++) rt.f32(to + i * C * 4, C).set(rt.f32(from + ids[i] * C * 4, C));
    };
    gather(this.hidden, x, positions);
    gather(this.rows, table, candidates);
    rt.i32(this.positions, M).set(positions);
    k.matmul_nt(this.scores, this.hidden, this.rows, M, C, K, 0, rt.matmulScratch);
    k.scale_f32(this.scores, M * K, 1 / Math.sqrt(C));
    const scores = rt.f32(this.scores, M * K);
    for (let i = 0; i < M; i++)
      for (let j = 0; j < K; j++) if (j !== i && candidates[j] === candidates[i]) scores[i * K + j] = EXCLUDED;
    this.last = { M, K };
    return M ? k.softmax_ce_forward(this.scores, this.targets, 0, M, K) : 0;
  }

  /**
   * From the last forward: dx[N, C] += ∂loss/∂x at the positions, and each candidate's
   * ∂loss/∂row is added into `rowGrads` at the slot `slots` (i32[K]) gives it.
   */
  backward(dx: number, rowGrads: number, slots: number): void {
    const { rt } = this;
    const k = rt.kernels;
    const C = this.shape.dim;
    const { M, K } = this.last;
    if (!M) return;
    const s = rt.matmulScratch;
    k.fill_f32(this.dscores, M * K, 0);
    k.softmax_ce_backward(this.dscores, this.scores, this.targets, 0, M, K, 1 / Math.sqrt(C));
    k.matmul_nn(this.dhidden, this.dscores, this.rows, M, K, C, 0, s);
    k.matmul_tn(this.drows, this.dscores, this.hidden, K, M, C, 0, s);
    k.add_rows(dx, this.dhidden, this.positions, M, C);
    k.add_rows(rowGrads, this.drows, slots, K, C);
  }
}
