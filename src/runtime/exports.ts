// The kernels that assembly/ exports, as TypeScript sees them. Pointers are byte offsets into
// the runtime's memory; flags are 0/1 integers.

type Ptr = number;

/**
 * The functions the WebAssembly core exports, as the runtime calls them (Runtime.kernels). Pointers are byte offsets
 * into the runtime's memory, sizes count floats, flags are 0/1 integers; each kernel writes its result in place and
 * allocates nothing.
 */
export interface KernelExports {
  /** The first byte the host may use for its own memory plan; called once at start-up. */
  heap_base(): number;
  /** x[0..n) = value: zeroes a whole gradient block in one call. */
  fill_f32(x: Ptr, n: number, value: number): void;
  /** Copies n floats from src to dst; the regions may overlap. */
  copy_f32(dst: Ptr, src: Ptr, n: number): void;
  /** The sum of squares of x[0..n), accumulated in f64 (the global gradient norm). */
  sum_squares_f32(x: Ptr, n: number): number;
  /** x[0..n) *= s (gradient clipping). */
  scale_f32(x: Ptr, n: number, s: number): void;
  /** dst[0..n) += src[0..n): one thread's gradients added into another's. */
  add_f32(dst: Ptr, src: Ptr, n: number): void;
  /** How many of x[0..n) are NaN or infinite. */
  count_nonfinite_f32(x: Ptr, n: number): number;

  /** Bytes of the scratch block the three products below take as their last argument. */
  matmul_scratch_bytes(): number;
  /** C[M×N] (+)= A[M×K]·B[K×N] (linear backward, input gradient); `accumulate` 1 adds to C. */
  matmul_nn(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: number, scratch: Ptr): void;
  /** C[M×N] (+)= A[M×K]·B[N×K]ᵀ (linear forward, Y = X·Wᵀ); `accumulate` 1 adds to C. */
  matmul_nt(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: number, scratch: Ptr): void;
  /** C[M×N] (+)= A[K×M]ᵀ·B[K×N] (linear backward, weight gradient dW += dYᵀ·X). */
  matmul_tn(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: number, scratch: Ptr): void;

  /** out[rows×cols] += bias[cols]. */
  bias_forward(out: Ptr, bias: Ptr, rows: number, cols: number): void;
  /** dbias[cols] += Σ_r dout[rows×cols]. */
  bias_backward(dbias: Ptr, dout: Ptr, rows: number, cols: number): void;
  /** out[n] = max(inp, 0). */
  relu_forward(out: Ptr, inp: Ptr, n: number): void;
  /** dinp[n] += dout · [inp > 0]. */
  relu_backward(dinp: Ptr, dout: Ptr, inp: Ptr, n: number): void;
  /** out[n] = 1 / (1 + e^−inp). */
  sigmoid_forward(out: Ptr, inp: Ptr, n: number): void;
  /** dinp[n] += dout · out · (1 − out). */
  sigmoid_backward(dinp: Ptr, dout: Ptr, out: Ptr, n: number): void;
  /** out[n] = tanh(inp). */
  tanh_forward(out: Ptr, inp: Ptr, n: number): void;
  /** dinp[n] += dout · (1 − out²). */
  tanh_backward(dinp: Ptr, dout: Ptr, out: Ptr, n: number): void;
  /** out[n] = inp · Φ(inp), the exact (erf) GELU. */
  gelu_forward(out: Ptr, inp: Ptr, n: number): void;
  /** dinp[n] += dout · (Φ(inp) + inp · φ(inp)). */
  gelu_backward(dinp: Ptr, dout: Ptr, inp: Ptr, n: number): void;
  /** out[rows×cols] = the softmax of each row of inp. */
  softmax_forward(out: Ptr, inp: Ptr, rows: number, cols: number): void;
  /** dinp[rows×cols] += out ⊙ (dout − Σ_c dout·out), row by row. */
  softmax_backward(dinp: Ptr, dout: Ptr, out: Ptr, rows: number, cols: number): void;
  /** mask[n] = keep ? 1/(1−p) : 0 drawn from `seed`; out[n] = inp · mask. */
  dropout_forward(out: Ptr, mask: Ptr, inp: Ptr, n: number, p: number, seed: number): void;
  /** dinp[n] += dout · mask. */
  dropout_backward(dinp: Ptr, dout: Ptr, mask: Ptr, n: number): void;

  /** Binary cross-entropy on probabilities (nn.BCELoss), weighted by `weights` (0 for none); returns the loss. */
  bce_forward(prob: Ptr, target: Ptr, weights: Ptr, n: number): number;
  /** dprob[n] += scale · w · (p − y) / max(p·(1−p), 1e-12) / Σw. */
  bce_backward(dprob: Ptr, prob: Ptr, target: Ptr, weights: Ptr, n: number, scale: number): void;
  /** Binary cross-entropy on logits (nn.BCEWithLogitsLoss), stable for any logit; returns the loss. */
  bce_logits_forward(logit: Ptr, target: Ptr, weights: Ptr, n: number): number;
  /** dlogit[n] += scale · w · (σ(x) − y) / Σw. */
  bce_logits_backward(dlogit: Ptr, logit: Ptr, target: Ptr, weights: Ptr, n: number, scale: number): void;
  /** Softmax cross-entropy (nn.CrossEntropyLoss) of logits[rows×cols] with i32 targets[rows]; returns the loss. */
  softmax_ce_forward(logits: Ptr, targets: Ptr, weights: Ptr, rows: number, cols: number): number;
  /** dlogits[rows×cols] += scale · w · (softmax(x) − onehot(target)) / Σw. */
  softmax_ce_backward(
    dlogits: Ptr,
    logits: Ptr,
    targets: Ptr,
    weights: Ptr,
    rows: number,
    cols: number,
    scale: number,
  ): void;
  /** Mean squared error (nn.MSELoss); returns the loss. */
  mse_forward(pred: Ptr, target: Ptr, weights: Ptr, n: number): number;
  /** dpred[n] += scale · w · 2(pred − target) / Σw. */
  mse_backward(dpred: Ptr, pred: Ptr, target: Ptr, weights: Ptr, n: number, scale: number): void;

  /** One SGD step over n parameters with momentum, dampening, weight decay and Nesterov, as torch.optim.SGD. */
  sgd_step(
    param: Ptr,
    grad: Ptr,
    velocity: Ptr,
    n: number,
    lr: number,
    momentum: number,
    dampening: number,
    weightDecay: number,
    nesterov: number,
    first: number,
  ): void;
  /** One Adam step over n parameters (`decoupled` 1: AdamW); `step` counts from 1 for the bias correction. */
  adam_step(
    param: Ptr,
    grad: Ptr,
    m: Ptr,
    v: Ptr,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    decoupled: number,
    step: number,
  ): void;

  /** out[B×D] = the mean of each bag's rows of `table`, bag b being ids[offsets[b]..offsets[b+1]). */
  embedding_bag_forward(out: Ptr, table: Ptr, ids: Ptr, offsets: Ptr, B: number, D: number): void;
  /** dslots[slots[t], :] += dout[b, :] / |bag b| for every id t of every bag b. */
  embedding_bag_backward(dslots: Ptr, dout: Ptr, slots: Ptr, offsets: Ptr, B: number, D: number): void;
  /** dslots[targets[u], :] += src[u, :] for u < U: another thread's row gradients merged into this one's. */
  add_rows(dslots: Ptr, src: Ptr, targets: Ptr, U: number, D: number): void;
  /** SGD with weight decay on the U table rows a batch used (rows[u]), from their gradients in dslots. */
  sgd_rows(table: Ptr, dslots: Ptr, rows: Ptr, U: number, D: number, lr: number, weightDecay: number): void;
  /** Lazy Adam on the U table rows a batch used, as torch.optim.SparseAdam; `step` is the global step, from 1. */
  adam_rows(
    table: Ptr,
    m: Ptr,
    v: Ptr,
    dslots: Ptr,
    rows: Ptr,
    U: number,
    D: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    step: number,
  ): void;

  /**
   * The row ids of a lowercase ASCII text, as textRows (src/text/text-rows.ts) gives them, written to out (at
   * most maxOut); returns how many, or a negative code (FEATURIZE_BAIL, FEATURIZE_UNKNOWN) that
   * hands the text or one of its tokens back to the TypeScript side.
   */
  featurize_ascii(cfg: Ptr, text: Ptr, n: number, out: Ptr, maxOut: number): number;

  /** out[r] = wte[tokens[r]] + wpe[r − offsets[b]]: token and position embeddings of sequences packed back to back. */
  encoder_embed_forward(out: Ptr, tokens: Ptr, offsets: Ptr, wte: Ptr, wpe: Ptr, B: number, C: number): void;
  /** dwte[tokens[r]] += dout[r] and dwpe[r − offsets[b]] += dout[r], for the rows used only. */
  encoder_embed_backward(dwte: Ptr, dwpe: Ptr, dout: Ptr, tokens: Ptr, offsets: Ptr, B: number, C: number): void;
  /** Layer normalisation over the last axis, as nn.LayerNorm(C, eps); keeps mean[N] and rstd[N] for backward. */
  layernorm_forward(
    out: Ptr,
    mean: Ptr,
    rstd: Ptr,
    inp: Ptr,
    weight: Ptr,
    bias: Ptr,
    N: number,
    C: number,
    eps: number,
  ): void;
  /** The gradients of layernorm_forward with respect to its input, weight and bias (added with +=). */
  layernorm_backward(
    dinp: Ptr,
    dweight: Ptr,
    dbias: Ptr,
    dout: Ptr,
    inp: Ptr,
    weight: Ptr,
    mean: Ptr,
    rstd: Ptr,
    N: number,
    C: number,
  ): void;
  /** Sequences packed back to back: sequence b is rows [offsets[b], offsets[b+1]). att: Σ_b NH·L_b² floats. */
  attention_forward(out: Ptr, att: Ptr, qkv: Ptr, offsets: Ptr, B: number, C: number, NH: number): void;
  /** scratch: as many floats as the longest sequence. */
  attention_backward(
    dqkv: Ptr,
    dout: Ptr,
    qkv: Ptr,
    att: Ptr,
    offsets: Ptr,
    B: number,
    C: number,
    NH: number,
    scratch: Ptr,
  ): void;
  /** out[n] = a + b: a residual connection. */
  residual_forward(out: Ptr, a: Ptr, b: Ptr, n: number): void;
  /** da[n] += dout and db[n] += dout. */
  residual_backward(da: Ptr, db: Ptr, dout: Ptr, n: number): void;
  /** out[B,C] = the mean of each sequence's rows. */
  mean_pool_forward(out: Ptr, inp: Ptr, offsets: Ptr, B: number, C: number): void;
  /** dinp[r] += dout[b] / L_b for every row r of sequence b. */
  mean_pool_backward(dinp: Ptr, dout: Ptr, offsets: Ptr, B: number, C: number): void;
  /** out[B,C] = each sequence's first row. */
  first_pool_forward(out: Ptr, inp: Ptr, offsets: Ptr, B: number, C: number): void;
  /** dinp[offsets[b]] += dout[b]. */
  first_pool_backward(dinp: Ptr, dout: Ptr, offsets: Ptr, B: number, C: number): void;
}

/**
 * The scalar references of the SIMD kernels, as the test builds export them (build/sentiwasm.test.wasm and
 * build/sentiwasm-fma.test.wasm; the shipped builds leave them out, scripts/leave-out-references.mjs): each computes
 * what the kernel of its name without `_ref` computes, one value at a time in the obvious order, and takes the same
 * arguments (the matrix products without their scratch). Tests compare each kernel with its reference.
 */
export interface KernelReferences {
  fill_f32_ref(x: Ptr, n: number, value: number): void;
  sum_squares_f32_ref(x: Ptr, n: number): number;
  add_f32_ref(dst: Ptr, src: Ptr, n: number): void;
  scale_f32_ref(x: Ptr, n: number, s: number): void;

  matmul_nn_ref(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: number): void;
  matmul_nt_ref(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: number): void;
  matmul_tn_ref(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: number): void;

  bias_forward_ref(out: Ptr, bias: Ptr, rows: number, cols: number): void;
  bias_backward_ref(dbias: Ptr, dout: Ptr, rows: number, cols: number): void;
  relu_forward_ref(out: Ptr, inp: Ptr, n: number): void;
  relu_backward_ref(dinp: Ptr, dout: Ptr, inp: Ptr, n: number): void;
  dropout_forward_ref(out: Ptr, mask: Ptr, inp: Ptr, n: number, p: number, seed: number): void;
  dropout_backward_ref(dinp: Ptr, dout: Ptr, mask: Ptr, n: number): void;

  sgd_step_ref(
    param: Ptr,
    grad: Ptr,
    velocity: Ptr,
    n: number,
    lr: number,
    momentum: number,
    dampening: number,
    weightDecay: number,
    nesterov: number,
    first: number,
  ): void;
  adam_step_ref(
    param: Ptr,
    grad: Ptr,
    m: Ptr,
    v: Ptr,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    decoupled: number,
    step: number,
  ): void;

  embedding_bag_forward_ref(out: Ptr, table: Ptr, ids: Ptr, offsets: Ptr, B: number, D: number): void;
  embedding_bag_backward_ref(dslots: Ptr, dout: Ptr, slots: Ptr, offsets: Ptr, B: number, D: number): void;
  add_rows_ref(dslots: Ptr, src: Ptr, targets: Ptr, U: number, D: number): void;
  sgd_rows_ref(table: Ptr, dslots: Ptr, rows: Ptr, U: number, D: number, lr: number, weightDecay: number): void;
  adam_rows_ref(
    table: Ptr,
    m: Ptr,
    v: Ptr,
    dslots: Ptr,
    rows: Ptr,
    U: number,
    D: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    step: number,
  ): void;

  encoder_embed_forward_ref(out: Ptr, tokens: Ptr, offsets: Ptr, wte: Ptr, wpe: Ptr, B: number, C: number): void;
  encoder_embed_backward_ref(dwte: Ptr, dwpe: Ptr, dout: Ptr, tokens: Ptr, offsets: Ptr, B: number, C: number): void;
  layernorm_forward_ref(
    out: Ptr,
    mean: Ptr,
    rstd: Ptr,
    inp: Ptr,
    weight: Ptr,
    bias: Ptr,
    N: number,
    C: number,
    eps: number,
  ): void;
  attention_forward_ref(out: Ptr, att: Ptr, qkv: Ptr, offsets: Ptr, B: number, C: number, NH: number): void;
  attention_backward_ref(
    dqkv: Ptr,
    dout: Ptr,
    qkv: Ptr,
    att: Ptr,
    offsets: Ptr,
    B: number,
    C: number,
    NH: number,
    scratch: Ptr,
  ): void;
  residual_forward_ref(out: Ptr, a: Ptr, b: Ptr, n: number): void;
  residual_backward_ref(da: Ptr, db: Ptr, dout: Ptr, n: number): void;
  mean_pool_forward_ref(out: Ptr, inp: Ptr, offsets: Ptr, B: number, C: number): void;
  mean_pool_backward_ref(dinp: Ptr, dout: Ptr, offsets: Ptr, B: number, C: number): void;
  first_pool_backward_ref(dinp: Ptr, dout: Ptr, offsets: Ptr, B: number, C: number): void;
}
