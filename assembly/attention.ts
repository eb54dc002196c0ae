import { at, axpy, axpyRef, dot, dotRef, expf4, laneSum, sum, sumRef } from './math';

// The Transformer encoder's kernels, each forward next to its backward (llm.c's train_gpt2.c is
// the model). Shape letters, declared once:
//
//   B  sequences in the batch          L_b the length of sequence b (its tokens)
//   C  model width (dim)               NH heads, each of width hs = C / NH
//   N  rows = Σ_b L_b                  V  rows of the token table
//
// Sequences are packed back to back, without padding: sequence b is rows
// [offsets[b], offsets[b+1]) of every [N, C] activation (offsets: i32[B+1], offsets[0] = 0).
// That is PyTorch's key padding mask made exact and free: a position attends only to the
// positions of its own sequence, pooling averages only them, and no row is spent on padding (a
// batch of 32 SST-2 phrases padded to its longest is about 70% padding). The attention
// probabilities of sequence b are an [NH, L_b, L_b] block, the blocks back to back
// (Σ_b NH·L_b² floats). Every backward accumulates (`+=`): the host zeroes gradient buffers once
// per step. No kernel allocates or keeps state; the one that needs scratch takes it by pointer
// from the host's memory plan, as the matrix products do. The projections (Q, K, V, the output
// projection, the feed-forward block) are matrix products and run the kernels of matmul.ts; the
// activation and dropout kernels of activations.ts serve the feed-forward block.
//
// SIMD: the attention kernels' inner loops are dot products and axpys over one head's hs values;
// every SIMD kernel has a scalar reference (`*_ref`) beside it, which the tests compare it with.

// ---------------------------------------------------------------------------------------------
// Token and position embeddings.
// out[N,C]: row r of sequence b (position t = r − offsets[b]) = wte[tokens[r]] + wpe[t]
/** Called once per forward pass: the encoder's input. tokens: i32[N] rows of wte [V,C]; wpe [max length, C]. */
export function encoder_embed_forward(out: usize, tokens: usize, offsets: usize, wte: usize, wpe: usize, B: i32, C: i32): void {
  for (let b = 0; b < B; b++) {
    const from = load<i32>(at(offsets, b));
    const to = load<i32>(at(offsets, b + 1));
    for (let r = from; r < to; r++) {
      const o = at(out, r * C);
      const w = at(wte, load<i32>(at(tokens, r)) * C);
      const p = at(wpe, (r - from) * C);
      let c = 0;
      for (; c + 4 <= C; c += 4) v128.store(at(o, c), f32x4.add(v128.load(at(w, c)), v128.load(at(p, c))));
      for (; c < C; c++) store<f32>(at(o, c), load<f32>(at(w, c)) + load<f32>(at(p, c)));
    }
  }
}

/** Scalar reference for encoder_embed_forward. */
export function encoder_embed_forward_ref(out: usize, tokens: usize, offsets: usize, wte: usize, wpe: usize, B: i32, C: i32): void {
  for (let b = 0; b < B; b++) {
    const from = load<i32>(at(offsets, b));
    const to = load<i32>(at(offsets, b + 1));
    for (let r = from; r < to; r++) {
      const o = at(out, r * C);
      const w = at(wte, load<i32>(at(tokens, r)) * C);
      const p = at(wpe, (r - from) * C);
      for (let c = 0; c < C; c++) store<f32>(at(o, c), load<f32>(at(w, c)) + load<f32>(at(p, c)));
    }
  }
}

// dwte[tokens[r]] += dout[r];  dwpe[r − offsets[b]] += dout[r]   (the rows used, and only those)
/** Called once per backward pass. `tokens` may index a table of the batch's own rows (the model's unique-row slots). */
export function encoder_embed_backward(dwte: usize, dwpe: usize, dout: usize, tokens: usize, offsets: usize, B: i32, C: i32): void {
  for (let b = 0; b < B; b++) {
    const from = load<i32>(at(offsets, b));
    const to = load<i32>(at(offsets, b + 1));
    for (let r = from; r < to; r++) {
      // The row's gradient goes to its token's row and to its position's row alike.
      addToBoth(at(dwte, load<i32>(at(tokens, r)) * C), at(dwpe, (r - from) * C), at(dout, r * C), C);
    }
  }
}

/** Scalar reference for encoder_embed_backward. */
export function encoder_embed_backward_ref(dwte: usize, dwpe: usize, dout: usize, tokens: usize, offsets: usize, B: i32, C: i32): void {
  for (let b = 0; b < B; b++) {
    const from = load<i32>(at(offsets, b));
    const to = load<i32>(at(offsets, b + 1));
    for (let r = from; r < to; r++) {
      addToBothRef(at(dwte, load<i32>(at(tokens, r)) * C), at(dwpe, (r - from) * C), at(dout, r * C), C);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Layer normalisation over the last axis, as nn.LayerNorm(C, eps).
// out[N,C] = (inp − mean) · rstd · weight + bias;  mean[N], rstd[N] kept for backward.
/** Called twice per encoder layer per pass. */
export function layernorm_forward(out: usize, mean: usize, rstd: usize, inp: usize, weight: usize, bias: usize, N: i32, C: i32, eps: f32): void {
  for (let n = 0; n < N; n++) {
    const x = at(inp, n * C);
    const m = sum(x, C) / <f32>C;
    // Two passes (the mean, then the squared deviations), as PyTorch: one pass of Σx² − (Σx)²/C
    // loses the variance of rows far from zero to cancellation.
    const vm = f32x4.splat(m);
    let acc = f32x4.splat(0);
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const d = f32x4.sub(v128.load(at(x, c)), vm);
      acc = f32x4.add(acc, f32x4.mul(d, d));
    }
    let v: f32 = laneSum(acc);
    for (; c < C; c++) {
      const d = load<f32>(at(x, c)) - m;
      v += d * d;
    }
    v /= <f32>C;
    const s: f32 = 1 / Mathf.sqrt(v + eps);
    const o = at(out, n * C);
    const vs = f32x4.splat(s);
    c = 0;
    for (; c + 4 <= C; c += 4) {
      const xh = f32x4.mul(f32x4.sub(v128.load(at(x, c)), vm), vs);
      v128.store(at(o, c), f32x4.add(f32x4.mul(xh, v128.load(at(weight, c))), v128.load(at(bias, c))));
    }
    for (; c < C; c++) store<f32>(at(o, c), (load<f32>(at(x, c)) - m) * s * load<f32>(at(weight, c)) + load<f32>(at(bias, c)));
    store<f32>(at(mean, n), m);
    store<f32>(at(rstd, n), s);
  }
}

/** Scalar reference for layernorm_forward: the sums run in order, one value at a time. */
export function layernorm_forward_ref(out: usize, mean: usize, rstd: usize, inp: usize, weight: usize, bias: usize, N: i32, C: i32, eps: f32): void {
  for (let n = 0; n < N; n++) {
    const x = at(inp, n * C);
    const m = sumRef(x, C) / <f32>C;
    let v: f32 = 0;
    for (let c = 0; c < C; c++) {
      const d = load<f32>(at(x, c)) - m;
      v += d * d;
    }
    v /= <f32>C;
    const s: f32 = 1 / Mathf.sqrt(v + eps);
    const o = at(out, n * C);
    for (let c = 0; c < C; c++) store<f32>(at(o, c), (load<f32>(at(x, c)) - m) * s * load<f32>(at(weight, c)) + load<f32>(at(bias, c)));
    store<f32>(at(mean, n), m);
    store<f32>(at(rstd, n), s);
  }
}

// With x̂ = (inp − mean)·rstd and g = dout·weight:
//   dbias += Σ_n dout;  dweight += Σ_n dout·x̂;  dinp += rstd · (g − mean_c(g) − x̂ · mean_c(g·x̂))
/** Called twice per encoder layer per backward pass. */
export function layernorm_backward(dinp: usize, dweight: usize, dbias: usize, dout: usize, inp: usize, weight: usize, mean: usize, rstd: usize, N: i32, C: i32): void {
  for (let n = 0; n < N; n++) {
    const x = at(inp, n * C);
    const d = at(dout, n * C);
    const m = load<f32>(at(mean, n));
    const s = load<f32>(at(rstd, n));
    let gMean: f32 = 0;
    let gxMean: f32 = 0;
    for (let c = 0; c < C; c++) {
      const xh = (load<f32>(at(x, c)) - m) * s;
      const g = load<f32>(at(d, c)) * load<f32>(at(weight, c));
      gMean += g;
      gxMean += g * xh;
    }
    gMean /= <f32>C;
    gxMean /= <f32>C;
    const di = at(dinp, n * C);
    for (let c = 0; c < C; c++) {
      const xh = (load<f32>(at(x, c)) - m) * s;
      const dc = load<f32>(at(d, c));
      store<f32>(at(dbias, c), load<f32>(at(dbias, c)) + dc);
      store<f32>(at(dweight, c), load<f32>(at(dweight, c)) + dc * xh);
      const g = dc * load<f32>(at(weight, c));
      store<f32>(at(di, c), load<f32>(at(di, c)) + s * (g - gMean - xh * gxMean));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Multi-head scaled dot-product self-attention, every (sequence, head) in one call.
// qkv[N,3C] holds q, k, v side by side per row (PyTorch's in_proj output); head h uses columns
// [h·hs, (h+1)·hs) of each. Within sequence b, for queries i and keys j (both < L_b):
//   att_b[h,i,j] = softmax_j(q_i·k_j / √hs);   out[i, h·hs:(h+1)·hs] = Σ_j att_b[h,i,j] · v_j
// att holds the blocks [NH, L_b, L_b] back to back: what backward needs.

/** Called once per encoder layer per forward pass. */
export function attention_forward(out: usize, att: usize, qkv: usize, offsets: usize, B: i32, C: i32, NH: i32): void {
  // Heads whose width is a multiple of four take the blocked path; others (rare) the per-key
  // SIMD dot in the scalar reference's loop structure.
  if ((C / NH) % 4 == 0) attentionForwardBlocked(out, att, qkv, offsets, B, C, NH);
  else attentionForward(out, att, qkv, offsets, B, C, NH, true);
}

/** Scalar reference for attention_forward. */
export function attention_forward_ref(out: usize, att: usize, qkv: usize, offsets: usize, B: i32, C: i32, NH: i32): void {
  attentionForward(out, att, qkv, offsets, B, C, NH, false);
}

// The forward pass that prediction spends its time in. Per query row: scores for four keys at
// once (four dot products over the head, summed across lanes by one 4×4 transpose instead of
// four horizontal sums), a vectorised exp (expf4), and P·V accumulated from the unnormalised
// weights, scaled once at the end. Requires hs % 4 == 0.
function attentionForwardBlocked(out: usize, att: usize, qkv: usize, offsets: usize, B: i32, C: i32, NH: i32): void {
  const hs = C / NH;
  const C3 = 3 * C;
  const rowStride = <usize>C3 << 2;
  const scale = f32x4.splat(1 / Mathf.sqrt(<f32>hs));
  let block = att;
  for (let b = 0; b < B; b++) {
    const from = load<i32>(at(offsets, b));
    const L = load<i32>(at(offsets, b + 1)) - from;
    for (let h = 0; h < NH; h++) {
      const keys = at(qkv, from * C3 + C + h * hs);
      const values = at(qkv, from * C3 + 2 * C + h * hs);
      for (let i = 0; i < L; i++) {
        const q = at(qkv, (from + i) * C3 + h * hs);
        const row = at(block, (h * L + i) * L);
        let mx = f32x4.splat(-Infinity);
        let j = 0;
        for (; j + 4 <= L; j += 4) {
          const k0 = keys + <usize>j * rowStride;
          const k1 = k0 + rowStride;
          const k2 = k1 + rowStride;
          const k3 = k2 + rowStride;
          let a0 = f32x4.splat(0);
          let a1 = f32x4.splat(0);
          let a2 = f32x4.splat(0);
          let a3 = f32x4.splat(0);
          for (let k = 0; k < hs; k += 4) {
            const qv = v128.load(at(q, k));
            a0 = f32x4.add(a0, f32x4.mul(qv, v128.load(at(k0, k))));
            a1 = f32x4.add(a1, f32x4.mul(qv, v128.load(at(k1, k))));
            a2 = f32x4.add(a2, f32x4.mul(qv, v128.load(at(k2, k))));
            a3 = f32x4.add(a3, f32x4.mul(qv, v128.load(at(k3, k))));
          }
          const s = f32x4.mul(sumLanes4(a0, a1, a2, a3), scale);
          v128.store(at(row, j), s);
          mx = f32x4.max(mx, s);
        }
        let m = max<f32>(max<f32>(f32x4.extract_lane(mx, 0), f32x4.extract_lane(mx, 1)), max<f32>(f32x4.extract_lane(mx, 2), f32x4.extract_lane(mx, 3)));
        for (; j < L; j++) {
          const s = dot(q, keys + <usize>j * rowStride, hs) * f32x4.extract_lane(scale, 0);
          store<f32>(at(row, j), s);
          m = max<f32>(m, s);
        }
        // Weights e^(s − max) in place, and their sum.
        const vm = f32x4.splat(m);
        let vsum = f32x4.splat(0);
        j = 0;
        for (; j + 4 <= L; j += 4) {
          const e = expf4(f32x4.sub(v128.load(at(row, j)), vm));
          v128.store(at(row, j), e);
          vsum = f32x4.add(vsum, e);
        }
        let total: f32 = laneSum(vsum);
        for (; j < L; j++) {
          const e = f32x4.extract_lane(expf4(f32x4.splat(load<f32>(at(row, j)) - m)), 0);
          store<f32>(at(row, j), e);
          total += e;
        }
        // out_i = (Σ_j e_j · v_j) / Σ e, and the row normalised to the probabilities backward reads.
        const o = at(out, (from + i) * C + h * hs);
        const inv = f32x4.splat(1 / total);
        weightedSum(o, row, values, rowStride, L, hs, inv);
        j = 0;
        for (; j + 4 <= L; j += 4) v128.store(at(row, j), f32x4.mul(v128.load(at(row, j)), inv));
        for (; j < L; j++) store<f32>(at(row, j), load<f32>(at(row, j)) * f32x4.extract_lane(inv, 0));
      }
    }
    block = at(block, NH * L * L);
  }
}

/**
 * o[k] = scale · Σ_j w[j] · v_j[k] for k < n (n % 4 == 0), v_j at v + j·stride: sixteen columns
 * at a time held in registers across all j, so o is written once, not once per j.
 */
@inline function weightedSum(o: usize, w: usize, v: usize, stride: usize, L: i32, n: i32, scale: v128): void {
  let k = 0;
  for (; k + 16 <= n; k += 16) {
    let o0 = f32x4.splat(0);
    let o1 = f32x4.splat(0);
    let o2 = f32x4.splat(0);
    let o3 = f32x4.splat(0);
    let vj = at(v, k);
    for (let j = 0; j < L; j++) {
      const p = f32x4.splat(load<f32>(at(w, j)));
      o0 = f32x4.add(o0, f32x4.mul(p, v128.load(vj)));
      o1 = f32x4.add(o1, f32x4.mul(p, v128.load(vj, 16)));
      o2 = f32x4.add(o2, f32x4.mul(p, v128.load(vj, 32)));
      o3 = f32x4.add(o3, f32x4.mul(p, v128.load(vj, 48)));
      vj += stride;
    }
    v128.store(at(o, k), f32x4.mul(o0, scale));
    v128.store(at(o, k + 4), f32x4.mul(o1, scale));
    v128.store(at(o, k + 8), f32x4.mul(o2, scale));
    v128.store(at(o, k + 12), f32x4.mul(o3, scale));
  }
  for (; k < n; k += 4) {
    let acc = f32x4.splat(0);
    let vj = at(v, k);
    for (let j = 0; j < L; j++) {
      acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(at(w, j))), v128.load(vj)));
      vj += stride;
    }
    v128.store(at(o, k), f32x4.mul(acc, scale));
  }
}

/** [Σ a, Σ b, Σ c, Σ d] over each vector's four lanes: a 4×4 transpose folded into the adds. */
@inline function sumLanes4(a: v128, b: v128, c: v128, d: v128): v128 {
  // [a0+a2, b0+b2, a1+a3, b1+b3] and the same for c, d; then add the halves across.
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 4, 1, 5), v128.shuffle<f32>(a, b, 2, 6, 3, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 4, 1, 5), v128.shuffle<f32>(c, d, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 1, 4, 5), v128.shuffle<f32>(ab, cd, 2, 3, 6, 7));
}

@inline function attentionForward(out: usize, att: usize, qkv: usize, offsets: usize, B: i32, C: i32, NH: i32, simd: bool): void {
  const hs = C / NH;
  const C3 = 3 * C;
  const scale: f32 = 1 / Mathf.sqrt(<f32>hs);
  let block = att;
  for (let b = 0; b < B; b++) {
    const from = load<i32>(at(offsets, b));
    const L = load<i32>(at(offsets, b + 1)) - from;
    for (let h = 0; h < NH; h++) {
      for (let i = 0; i < L; i++) {
        const q = at(qkv, (from + i) * C3 + h * hs);
        const row = at(block, (h * L + i) * L);
        let mx: f32 = -Infinity;
        for (let j = 0; j < L; j++) {
          const k = at(qkv, (from + j) * C3 + C + h * hs);
          const s = (simd ? dot(q, k, hs) : dotRef(q, k, hs)) * scale;
          store<f32>(at(row, j), s);
          if (s > mx) mx = s;
        }
        let sum: f32 = 0;
        for (let j = 0; j < L; j++) {
          const e = Mathf.exp(load<f32>(at(row, j)) - mx);
          store<f32>(at(row, j), e);
          sum += e;
        }
        const inv: f32 = 1 / sum;
        const o = at(out, (from + i) * C + h * hs);
        memory.fill(o, 0, <usize>hs << 2);
        for (let j = 0; j < L; j++) {
          const p = load<f32>(at(row, j)) * inv;
          store<f32>(at(row, j), p);
          const v = at(qkv, (from + j) * C3 + 2 * C + h * hs);
          if (simd) axpy(o, p, v, hs);
          else axpyRef(o, p, v, hs);
        }
      }
    }
    block = at(block, NH * L * L);
  }
}

// With p = att_b[h,i,:] and do_i = dout[i, head h]:
//   dv_j += p_j · do_i;  dp_j = do_i·v_j;  ds_j = p_j · (dp_j − Σ_j' p_j'·dp_j') / √hs;
//   dq_i += Σ_j ds_j · k_j;  dk_j += ds_j · q_i
// dqkv[N,3C] accumulates; scratch holds one row of dp (the longest L_b floats).
/** Called once per encoder layer per backward pass. */
export function attention_backward(dqkv: usize, dout: usize, qkv: usize, att: usize, offsets: usize, B: i32, C: i32, NH: i32, scratch: usize): void {
  attentionBackward(dqkv, dout, qkv, att, offsets, B, C, NH, scratch, true);
}

/** Scalar reference for attention_backward. */
export function attention_backward_ref(dqkv: usize, dout: usize, qkv: usize, att: usize, offsets: usize, B: i32, C: i32, NH: i32, scratch: usize): void {
  attentionBackward(dqkv, dout, qkv, att, offsets, B, C, NH, scratch, false);
}

@inline function attentionBackward(dqkv: usize, dout: usize, qkv: usize, att: usize, offsets: usize, B: i32, C: i32, NH: i32, scratch: usize, simd: bool): void {
  const hs = C / NH;
  const C3 = 3 * C;
  const scale: f32 = 1 / Mathf.sqrt(<f32>hs);
  let block = att;
  for (let b = 0; b < B; b++) {
    const from = load<i32>(at(offsets, b));
    const L = load<i32>(at(offsets, b + 1)) - from;
    for (let h = 0; h < NH; h++) {
      for (let i = 0; i < L; i++) {
        const row = at(block, (h * L + i) * L);
        const d = at(dout, (from + i) * C + h * hs);
        let sum: f32 = 0;
        for (let j = 0; j < L; j++) {
          const off = (from + j) * C3 + 2 * C + h * hs;
          const p = load<f32>(at(row, j));
          const dp = simd ? dot(d, at(qkv, off), hs) : dotRef(d, at(qkv, off), hs);
          if (simd) axpy(at(dqkv, off), p, d, hs);
          else axpyRef(at(dqkv, off), p, d, hs);
          store<f32>(at(scratch, j), dp);
          sum += p * dp;
        }
        const qo = (from + i) * C3 + h * hs;
        for (let j = 0; j < L; j++) {
          const ds = load<f32>(at(row, j)) * (load<f32>(at(scratch, j)) - sum) * scale;
          const ko = (from + j) * C3 + C + h * hs;
          if (simd) {
            axpy(at(dqkv, qo), ds, at(qkv, ko), hs);
            axpy(at(dqkv, ko), ds, at(qkv, qo), hs);
          } else {
            axpyRef(at(dqkv, qo), ds, at(qkv, ko), hs);
            axpyRef(at(dqkv, ko), ds, at(qkv, qo), hs);
          }
        }
      }
    }
    block = at(block, NH * L * L);
  }
}

// ---------------------------------------------------------------------------------------------
// Residual connections: out[n] = a + b;  backward da += dout, db += dout.
/** Called twice per encoder layer per pass. */
export function residual_forward(out: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(out, i), f32x4.add(v128.load(at(a, i)), v128.load(at(b, i))));
  for (; i < n; i++) store<f32>(at(out, i), load<f32>(at(a, i)) + load<f32>(at(b, i)));
}

/** Scalar reference for residual_forward. */
export function residual_forward_ref(out: usize, a: usize, b: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(at(out, i), load<f32>(at(a, i)) + load<f32>(at(b, i)));
}

/** Called twice per encoder layer per backward pass. */
export function residual_backward(da: usize, db: usize, dout: usize, n: i32): void {
  addToBoth(da, db, dout, n);
}

/** Scalar reference for residual_backward. */
export function residual_backward_ref(da: usize, db: usize, dout: usize, n: i32): void {
  addToBothRef(da, db, dout, n);
}

/** da[n] += dout, db[n] += dout: a gradient that flows unchanged into two places. */
@inline function addToBoth(da: usize, db: usize, dout: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const g = v128.load(at(dout, i));
    v128.store(at(da, i), f32x4.add(v128.load(at(da, i)), g));
    v128.store(at(db, i), f32x4.add(v128.load(at(db, i)), g));
  }
  for (; i < n; i++) {
    const g = load<f32>(at(dout, i));
    store<f32>(at(da, i), load<f32>(at(da, i)) + g);
    store<f32>(at(db, i), load<f32>(at(db, i)) + g);
  }
}

/** Scalar reference for addToBoth. */
@inline function addToBothRef(da: usize, db: usize, dout: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const g = load<f32>(at(dout, i));
    store<f32>(at(da, i), load<f32>(at(da, i)) + g);
    store<f32>(at(db, i), load<f32>(at(db, i)) + g);
  }
}

// ---------------------------------------------------------------------------------------------
// Pooling a sequence into one vector.
// Mean: out[B,C] = (1/L_b) Σ_{r in b} inp[r];  backward dinp[r] += dout[b] / L_b.
/** Called once per pass, after the last encoder layer. */
export function mean_pool_forward(out: usize, inp: usize, offsets: usize, B: i32, C: i32): void {
  for (let b = 0; b < B; b++) {
    const from = load<i32>(at(offsets, b));
    const to = load<i32>(at(offsets, b + 1));
    const o = at(out, b * C);
    memory.fill(o, 0, <usize>C << 2);
    for (let r = from; r < to; r++) axpy(o, 1, at(inp, r * C), C);
    const inv: f32 = 1 / <f32>max(1, to - from);
    for (let c = 0; c < C; c++) store<f32>(at(o, c), load<f32>(at(o, c)) * inv);
  }
}

/** Scalar reference for mean_pool_forward. */
export function mean_pool_forward_ref(out: usize, inp: usize, offsets: usize, B: i32, C: i32): void {
  for (let b = 0; b < B; b++) {
    const from = load<i32>(at(offsets, b));
    const to = load<i32>(at(offsets, b + 1));
    const o = at(out, b * C);
    for (let c = 0; c < C; c++) store<f32>(at(o, c), 0);
    for (let r = from; r < to; r++) axpyRef(o, 1, at(inp, r * C), C);
    const inv: f32 = 1 / <f32>max(1, to - from);
    for (let c = 0; c < C; c++) store<f32>(at(o, c), load<f32>(at(o, c)) * inv);
  }
}

/** Called once per backward pass. */
export function mean_pool_backward(dinp: usize, dout: usize, offsets: usize, B: i32, C: i32): void {
  for (let b = 0; b < B; b++) {
    const from = load<i32>(at(offsets, b));
    const to = load<i32>(at(offsets, b + 1));
    const inv: f32 = 1 / <f32>max(1, to - from);
    for (let r = from; r < to; r++) axpy(at(dinp, r * C), inv, at(dout, b * C), C);
  }
}

/** Scalar reference for mean_pool_backward. */
export function mean_pool_backward_ref(dinp: usize, dout: usize, offsets: usize, B: i32, C: i32): void {
  for (let b = 0; b < B; b++) {
    const from = load<i32>(at(offsets, b));
    const to = load<i32>(at(offsets, b + 1));
    const inv: f32 = 1 / <f32>max(1, to - from);
    for (let r = from; r < to; r++) axpyRef(at(dinp, r * C), inv, at(dout, b * C), C);
  }
}

// First token: out[B,C] = inp[offsets[b]];  backward dinp[offsets[b]] += dout[b].
/** Called once per pass when the model pools the first position. */
export function first_pool_forward(out: usize, inp: usize, offsets: usize, B: i32, C: i32): void {
  for (let b = 0; b < B; b++) memory.copy(at(out, b * C), at(inp, load<i32>(at(offsets, b)) * C), <usize>C << 2);
}

/** Called once per backward pass when the model pools the first position. */
export function first_pool_backward(dinp: usize, dout: usize, offsets: usize, B: i32, C: i32): void {
  for (let b = 0; b < B; b++) axpy(at(dinp, load<i32>(at(offsets, b)) * C), 1, at(dout, b * C), C);
}

/** Scalar reference for first_pool_backward. */
export function first_pool_backward_ref(dinp: usize, dout: usize, offsets: usize, B: i32, C: i32): void {
  for (let b = 0; b < B; b++) axpyRef(at(dinp, load<i32>(at(offsets, b)) * C), 1, at(dout, b * C), C);
}
