// One Transformer encoder layer, as PyTorch's nn.TransformerEncoderLayer(batch_first=True) with
// ReLU: self-attention and a feed-forward block, each with dropout and a residual connection,
// layer normalisation after each (norm_first false, PyTorch's default) or before each (true).
// Its tensors are named as that module's state_dict names them, so weights move between the two
// unchanged (test/attention-reference.test.ts checks forward and every gradient against it).
//
//   norm after:  r1 = x + drop(SA(x));       n1 = LN1(r1);  r2 = n1 + drop(FF(n1)); out = LN2(r2)
//   norm first:  n1 = LN1(x); r1 = x + drop(SA(n1)); n2 = LN2(r1); out = r2 = r1 + drop(FF(n2))
//   SA(h) = attention(h·Wqkvᵀ + bqkv)·Woᵀ + bo;   FF(h) = drop(relu(h·W1ᵀ + b1))·W2ᵀ + b2
//
// Activations are [N, C]: the batch's sequences packed back to back, sequence b being rows
// [offsets[b], offsets[b+1]) (see assembly/attention.ts; there is no padding, so PyTorch's key
// padding mask is exact by construction). Forward keeps every activation backward needs in a named
// buffer laid out once for the largest batch; backward is forward read in reverse and adds its
// gradients (+=) into the parameter block and into dinp. The attention probabilities are not
// dropped (PyTorch drops them too, with the same p): the three other dropouts are.

import type { Runtime } from '../runtime/runtime.js';
import type { Parameter, ParameterSpec } from './parameters.js';
import type { Random } from './random.js';

export interface EncoderLayerShape {
  /** Model width C. */
  dim: number;
  heads: number;
  /** Feed-forward width F. */
  ff: number;
  /** Layer normalisation before each block (true) or after each residual sum (false, PyTorch's default). */
  normFirst: boolean;
}

/** nn.LayerNorm's default. */
export const LAYER_NORM_EPS = 1e-5;

const uniform = (bound: number) => (values: Float32Array, rng: Random) => {
  for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-bound, bound);
};
const constant = (value: number) => (values: Float32Array) => values.fill(value);

/**
 * The layer's parameters, named and initialised as PyTorch's: in_proj xavier-uniform, the
 * linear layers U(±1/√in), the attention's biases 0, the norms 1 and 0.
 */
export function encoderLayerParameters({ dim: C, ff: F }: EncoderLayerShape, prefix = ''): ParameterSpec[] {
  return [
    { name: `${prefix}self_attn.in_proj_weight`, shape: [3 * C, C], init: uniform(Math.sqrt(6 / (C + 3 * C))) },
    { name: `${prefix}self_attn.in_proj_bias`, shape: [3 * C], init: constant(0) },
    { name: `${prefix}self_attn.out_proj.weight`, shape: [C, C], init: uniform(1 / Math.sqrt(C)) },
    { name: `${prefix}self_attn.out_proj.bias`, shape: [C], init: constant(0) },
    { name: `${prefix}linear1.weight`, shape: [F, C], init: uniform(1 / Math.sqrt(C)) },
    { name: `${prefix}linear1.bias`, shape: [F], init: uniform(1 / Math.sqrt(C)) },
    { name: `${prefix}linear2.weight`, shape: [C, F], init: uniform(1 / Math.sqrt(F)) },
    { name: `${prefix}linear2.bias`, shape: [C], init: uniform(1 / Math.sqrt(F)) },
    { name: `${prefix}norm1.weight`, shape: [C], init: constant(1) },
    { name: `${prefix}norm1.bias`, shape: [C], init: constant(0) },
    { name: `${prefix}norm2.weight`, shape: [C], init: constant(1) },
    { name: `${prefix}norm2.bias`, shape: [C], init: constant(0) },
  ];
}

/** The largest batch the layer is laid out for. */
export interface EncoderCapacity {
  /** Sequences per batch. */
  batch: number;
  /** Positions per sequence, at most. */
  length: number;
  /** Sequences per batch backward may see (0: no backward buffers; 1 is enough for explanations). */
  gradBatch: number;
  /** Lay out dropout's masks. */
  dropout: boolean;
}

/** A buffer of each activation and, where backward needs it, of its gradient. */
interface Slot {
  /** Floats per position (row). */
  width: number;
  ptr: number;
  grad: number;
}

export class EncoderLayer {
  readonly shape: EncoderLayerShape;
  private readonly rt: Runtime;
  private readonly p: Parameter[];
  // Activations (see the header for what each is) and their gradients, [rows × width] each.
  private readonly n1: Slot;
  private readonly qkv: Slot;
  private readonly atty: Slot;
  private readonly sa: Slot;
  private readonly sad: Slot;
  private readonly r1: Slot;
  private readonly n2: Slot;
  private readonly f1: Slot;
  private readonly a1: Slot;
  private readonly a1d: Slot;
  private readonly f2: Slot;
  private readonly f2d: Slot;
  private readonly r2: Slot;
  private readonly slots: Slot[];
  /** Dropout masks of sa, a1 and f2. */
  private readonly masks: [number, number, number];
  /** LayerNorm statistics: mean1, rstd1, mean2, rstd2 [rows]. */
  private readonly stats: [number, number, number, number];
  /** Attention probabilities (an [NH, L_b, L_b] block per sequence), and one row of backward's scratch. */
  readonly att: number;
  private readonly attScratch: number;
  private readonly capacity: EncoderCapacity;
  /** What the last forward pass did: its batch shape, input and whether it dropped. */
  private last = { B: 0, N: 0, inp: 0, offsets: 0, dropped: false };

  /**
   * Lays out the activations for `capacity` (blocks named `${name}.…` in the memory plan);
   * `params` are the layer's parameters in encoderLayerParameters' order.
   */
  constructor(
    rt: Runtime,
    shape: EncoderLayerShape,
    params: readonly Parameter[],
    capacity: EncoderCapacity,
    name: string,
  ) {
    const { dim: C, heads, ff: F } = shape;
    if (!Number.isInteger(C / heads)) throw new RangeError(`dim (${C}) must split evenly among ${heads} heads`);
    this.rt = rt;
    this.shape = shape;
    this.p = [...params];
    this.capacity = capacity;
    const rows = capacity.batch * capacity.length;
    const gradRows = capacity.gradBatch * capacity.length;
    const slot = (what: string, width: number): Slot => ({
      width,
      ptr: rt.allocF32(rows * width, `${name}.${what}`),
      grad: gradRows ? rt.allocF32(gradRows * width, `${name}.${what}.grad`) : 0,
    });
    this.n1 = slot('n1', C);
    this.qkv = slot('qkv', 3 * C);
    this.atty = slot('atty', C);
    this.sa = slot('sa', C);
    this.sad = slot('sad', C);
    this.r1 = slot('r1', C);
    this.n2 = slot('n2', C);
    this.f1 = slot('f1', F);
    this.a1 = slot('a1', F);
    this.a1d = slot('a1d', F);
    this.f2 = slot('f2', C);
    this.f2d = slot('f2d', C);
    this.r2 = slot('r2', C);
    this.slots = [
      this.n1,
      this.qkv,
      this.atty,
      this.sa,
      this.sad,
      this.r1,
      this.n2,
      this.f1,
      this.a1,
      this.a1d,
      this.f2,
      this.f2d,
      this.r2,
    ];
    const maskRows = capacity.dropout ? rows : 0;
    this.masks = [
      rt.allocF32(maskRows * C, `${name}.dropoutMasks`),
      rt.allocF32(maskRows * F),
      rt.allocF32(maskRows * C),
    ];
    this.stats = [rt.allocF32(rows, `${name}.normStats`), rt.allocF32(rows), rt.allocF32(rows), rt.allocF32(rows)];
    this.att = rt.allocF32(capacity.batch * heads * capacity.length * capacity.length, `${name}.attention`);
    this.attScratch = rt.allocF32(capacity.length, `${name}.attentionScratch`);
  }

  /** The output of the last forward pass [N, C]. */
  get out(): number {
    return this.shape.normFirst ? this.r2.ptr : this.n2.ptr;
  }

  /** Where the next stage adds ∂loss/∂out before backward. */
  get outGrad(): number {
    return this.shape.normFirst ? this.r2.grad : this.n2.grad;
  }

  /** Zeroes the activation gradients of a batch of `rows` positions. */
  zeroGrad(rows: number): void {
    const k = this.rt.kernels;
    for (const s of this.slots) if (s.grad) k.fill_f32(s.grad, rows * s.width, 0);
  }

  // out[N,C] = layer(inp[N,C]) for B sequences at offsets (i32[B+1], N = offsets[B]); with
  // `dropout` > 0 (training), seeds seed..seed+2 draw the masks.
  forward(inp: number, offsets: number, B: number, N: number, dropout: number, seed: number): number {
    const { rt, p } = this;
    const k = rt.kernels;
    const { dim: C, heads: NH, ff: F, normFirst } = this.shape;
    if (B > this.capacity.batch || N > this.capacity.batch * this.capacity.length)
      throw new RangeError(
        `encoder layer: a batch of ${B} sequences, ${N} positions, exceeds the ${this.capacity.batch} × ${this.capacity.length} laid out`,
      );
    const dropped = dropout > 0;
    if (dropped && !this.capacity.dropout)
      throw new Error('encoder layer: dropout needs the masks a training layout lays out');
    const s = rt.matmulScratch;
    const [mean1, rstd1, mean2, rstd2] = this.stats;
    const drop = (out: Slot, inp: Slot, mask: number, salt: number): number => {
      if (!dropped) return inp.ptr;
      k.dropout_forward(out.ptr, mask, inp.ptr, N * out.width, dropout, (seed + salt) >>> 0);
      return out.ptr;
    };
    const linear = (out: number, x: number, w: Parameter, b: Parameter, inF: number, outF: number) => {
      k.matmul_nt(out, x, w.ptr, N, inF, outF, 0, s);
      k.bias_forward(out, b.ptr, N, outF);
    };
    // Self-attention block.
    let h = inp;
    if (normFirst) {
      k.layernorm_forward(this.n1.ptr, mean1, rstd1, inp, p[8].ptr, p[9].ptr, N, C, LAYER_NORM_EPS);
      h = this.n1.ptr;
    }
    linear(this.qkv.ptr, h, p[0], p[1], C, 3 * C);
    k.attention_forward(this.atty.ptr, this.att, this.qkv.ptr, offsets, B, C, NH);
    linear(this.sa.ptr, this.atty.ptr, p[2], p[3], C, C);
    const sad = drop(this.sad, this.sa, this.masks[0], 0);
    k.residual_forward(this.r1.ptr, inp, sad, N * C);
    // Feed-forward block.
    if (normFirst) {
      k.layernorm_forward(this.n2.ptr, mean2, rstd2, this.r1.ptr, p[10].ptr, p[11].ptr, N, C, LAYER_NORM_EPS);
      h = this.n2.ptr;
    } else {
      k.layernorm_forward(this.n1.ptr, mean1, rstd1, this.r1.ptr, p[8].ptr, p[9].ptr, N, C, LAYER_NORM_EPS);
      h = this.n1.ptr;
    }
    linear(this.f1.ptr, h, p[4], p[5], C, F);
    k.relu_forward(this.a1.ptr, this.f1.ptr, N * F);
    const a1d = drop(this.a1d, this.a1, this.masks[1], 1);
    linear(this.f2.ptr, a1d, p[6], p[7], F, C);
    const f2d = drop(this.f2d, this.f2, this.masks[2], 2);
    if (normFirst) k.residual_forward(this.r2.ptr, this.r1.ptr, f2d, N * C);
    else {
      k.residual_forward(this.r2.ptr, this.n1.ptr, f2d, N * C);
      k.layernorm_forward(this.n2.ptr, mean2, rstd2, this.r2.ptr, p[10].ptr, p[11].ptr, N, C, LAYER_NORM_EPS);
    }
    this.last = { B, N, inp, offsets, dropped };
    return this.out;
  }

  // From ∂loss/∂out (in outGrad): parameter gradients += …, dinp[N,C] += ….
  backward(dinp: number): void {
    const { rt, p } = this;
    const k = rt.kernels;
    const { dim: C, heads: NH, ff: F, normFirst } = this.shape;
    const { B, N, inp, offsets, dropped } = this.last;
    if (B > this.capacity.gradBatch)
      throw new RangeError(
        `encoder layer: backward of a batch of ${B} needs gradient buffers for it (laid out for ${this.capacity.gradBatch})`,
      );
    const s = rt.matmulScratch;
    const [mean1, rstd1, mean2, rstd2] = this.stats;
    // The gradient of a dropout's output: its own buffer when it dropped, else its input's.
    const dropGrad = (out: Slot, inp: Slot) => (dropped ? out.grad : inp.grad);
    const dropBack = (out: Slot, inp: Slot, mask: number) => {
      if (dropped) k.dropout_backward(inp.grad, out.grad, mask, N * out.width);
    };
    // dW += doutᵀ·x; db += Σ dout; dx += dout·W
    const linearBack = (dout: number, x: number, dx: number, w: Parameter, b: Parameter, inF: number, outF: number) => {
      k.matmul_tn(w.gradPtr, dout, x, outF, N, inF, 1, s);
      k.bias_backward(b.gradPtr, dout, N, outF);
      if (dx) k.matmul_nn(dx, dout, w.ptr, N, outF, inF, 1, s);
    };
    // Feed-forward block, in reverse.
    let h: Slot;
    if (normFirst) {
      k.residual_backward(this.r1.grad, dropGrad(this.f2d, this.f2), this.r2.grad, N * C);
      h = this.n2;
    } else {
      k.layernorm_backward(
        this.r2.grad,
        p[10].gradPtr,
        p[11].gradPtr,
        this.n2.grad,
        this.r2.ptr,
        p[10].ptr,
        mean2,
        rstd2,
        N,
        C,
      );
      k.residual_backward(this.n1.grad, dropGrad(this.f2d, this.f2), this.r2.grad, N * C);
      h = this.n1;
    }
    dropBack(this.f2d, this.f2, this.masks[2]);
    linearBack(this.f2.grad, dropped ? this.a1d.ptr : this.a1.ptr, dropGrad(this.a1d, this.a1), p[6], p[7], F, C);
    dropBack(this.a1d, this.a1, this.masks[1]);
    k.relu_backward(this.f1.grad, this.a1.grad, this.f1.ptr, N * F);
    linearBack(this.f1.grad, h.ptr, h.grad, p[4], p[5], C, F);
    if (normFirst)
      k.layernorm_backward(
        this.r1.grad,
        p[10].gradPtr,
        p[11].gradPtr,
        this.n2.grad,
        this.r1.ptr,
        p[10].ptr,
        mean2,
        rstd2,
        N,
        C,
      );
    else
      k.layernorm_backward(
        this.r1.grad,
        p[8].gradPtr,
        p[9].gradPtr,
        this.n1.grad,
        this.r1.ptr,
        p[8].ptr,
        mean1,
        rstd1,
        N,
        C,
      );
    // Self-attention block, in reverse. The residual's other branch goes straight to dinp.
    k.residual_backward(dinp, dropGrad(this.sad, this.sa), this.r1.grad, N * C);
    dropBack(this.sad, this.sa, this.masks[0]);
    linearBack(this.sa.grad, this.atty.ptr, this.atty.grad, p[2], p[3], C, C);
    k.attention_backward(this.qkv.grad, this.atty.grad, this.qkv.ptr, this.att, offsets, B, C, NH, this.attScratch);
    if (normFirst) {
      linearBack(this.qkv.grad, this.n1.ptr, this.n1.grad, p[0], p[1], C, 3 * C);
      k.layernorm_backward(dinp, p[8].gradPtr, p[9].gradPtr, this.n1.grad, inp, p[8].ptr, mean1, rstd1, N, C);
    } else {
      linearBack(this.qkv.grad, inp, dinp, p[0], p[1], C, 3 * C);
    }
  }
}
