// The kernels that assembly/ exports, as TypeScript sees them. Pointers are byte offsets into
// the runtime's memory; flags are 0/1 integers.

type Ptr = number;

export interface KernelExports {
  heap_base(): number;
  fill_f32(x: Ptr, n: number, value: number): void;
  copy_f32(dst: Ptr, src: Ptr, n: number): void;
  sum_squares_f32(x: Ptr, n: number): number;
  sum_squares_f32_ref(x: Ptr, n: number): number;
  scale_f32(x: Ptr, n: number, s: number): void;
  add_f32(dst: Ptr, src: Ptr, n: number): void;
  count_nonfinite_f32(x: Ptr, n: number): number;

  /** Bytes of the scratch block the three products below take as their last argument. */
  matmul_scratch_bytes(): number;
  matmul_nn(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: number, scratch: Ptr): void;
  matmul_nt(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: number, scratch: Ptr): void;
  matmul_tn(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: number, scratch: Ptr): void;
  matmul_nn_ref(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: number): void;
  matmul_nt_ref(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: number): void;
  matmul_tn_ref(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: number): void;

  bias_forward(out: Ptr, bias: Ptr, rows: number, cols: number): void;
  bias_backward(dbias: Ptr, dout: Ptr, rows: number, cols: number): void;
  relu_forward(out: Ptr, inp: Ptr, n: number): void;
  relu_backward(dinp: Ptr, dout: Ptr, inp: Ptr, n: number): void;
  relu_forward_ref(out: Ptr, inp: Ptr, n: number): void;
  relu_backward_ref(dinp: Ptr, dout: Ptr, inp: Ptr, n: number): void;
  sigmoid_forward(out: Ptr, inp: Ptr, n: number): void;
  sigmoid_backward(dinp: Ptr, dout: Ptr, out: Ptr, n: number): void;
  tanh_forward(out: Ptr, inp: Ptr, n: number): void;
  tanh_backward(dinp: Ptr, dout: Ptr, out: Ptr, n: number): void;
  gelu_forward(out: Ptr, inp: Ptr, n: number): void;
  gelu_backward(dinp: Ptr, dout: Ptr, inp: Ptr, n: number): void;
  softmax_forward(out: Ptr, inp: Ptr, rows: number, cols: number): void;
  softmax_backward(dinp: Ptr, dout: Ptr, out: Ptr, rows: number, cols: number): void;
  dropout_forward(out: Ptr, mask: Ptr, inp: Ptr, n: number, p: number, seed: number): void;
  dropout_backward(dinp: Ptr, dout: Ptr, mask: Ptr, n: number): void;

  bce_loss(prob: Ptr, target: Ptr, weights: Ptr, n: number): number;
  bce_backward(dprob: Ptr, prob: Ptr, target: Ptr, weights: Ptr, n: number, scale: number): void;
  bce_logits_loss(logit: Ptr, target: Ptr, weights: Ptr, n: number): number;
  bce_logits_backward(dlogit: Ptr, logit: Ptr, target: Ptr, weights: Ptr, n: number, scale: number): void;
  softmax_ce_loss(logits: Ptr, targets: Ptr, weights: Ptr, rows: number, cols: number): number;
  softmax_ce_backward(
    dlogits: Ptr,
    logits: Ptr,
    targets: Ptr,
    weights: Ptr,
    rows: number,
    cols: number,
    scale: number,
  ): void;
  mse_loss(pred: Ptr, target: Ptr, weights: Ptr, n: number): number;
  mse_backward(dpred: Ptr, pred: Ptr, target: Ptr, weights: Ptr, n: number, scale: number): void;

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

  embedding_bag_forward(out: Ptr, table: Ptr, ids: Ptr, offsets: Ptr, B: number, D: number): void;
  embedding_bag_backward(dslots: Ptr, dout: Ptr, slots: Ptr, offsets: Ptr, B: number, D: number): void;
  add_rows(dslots: Ptr, src: Ptr, targets: Ptr, U: number, D: number): void;
  sgd_rows(table: Ptr, dslots: Ptr, rows: Ptr, U: number, D: number, lr: number, weightDecay: number): void;
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

  featurize_ascii(cfg: Ptr, text: Ptr, n: number, out: Ptr, maxOut: number): number;

  encoder_embed_forward(out: Ptr, tokens: Ptr, offsets: Ptr, wte: Ptr, wpe: Ptr, B: number, C: number): void;
  encoder_embed_backward(dwte: Ptr, dwpe: Ptr, dout: Ptr, tokens: Ptr, offsets: Ptr, B: number, C: number): void;
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
  attention_forward_ref(out: Ptr, att: Ptr, qkv: Ptr, offsets: Ptr, B: number, C: number, NH: number): void;
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
  residual_forward(out: Ptr, a: Ptr, b: Ptr, n: number): void;
  residual_backward(da: Ptr, db: Ptr, dout: Ptr, n: number): void;
  mean_pool_forward(out: Ptr, inp: Ptr, offsets: Ptr, B: number, C: number): void;
  mean_pool_backward(dinp: Ptr, dout: Ptr, offsets: Ptr, B: number, C: number): void;
  first_pool_forward(out: Ptr, inp: Ptr, offsets: Ptr, B: number, C: number): void;
  first_pool_backward(dinp: Ptr, dout: Ptr, offsets: Ptr, B: number, C: number): void;
}
