import { at, rowAt, rowMax, sigmoid } from './math';

// Bias, activation functions and softmax, each forward next to its backward. Backward kernels
// accumulate (`dinp += …`), so the host zeroes gradient buffers once per step.

// ---------------------------------------------------------------------------------------------
// out[rows×cols] += bias[cols]
export function bias_forward(out: usize, bias: usize, rows: i32, cols: i32): void {
  const cols4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const row = rowAt(out, r, cols);
    let c = 0;
    for (; c < cols4; c += 4) v128.store(at(row, c), f32x4.add(v128.load(at(row, c)), v128.load(at(bias, c))));
    for (; c < cols; c++) store<f32>(at(row, c), load<f32>(at(row, c)) + load<f32>(at(bias, c)));
  }
}

/** Scalar reference for bias_forward. */
export function bias_forward_ref(out: usize, bias: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = rowAt(out, r, cols);
    for (let c = 0; c < cols; c++) store<f32>(at(row, c), load<f32>(at(row, c)) + load<f32>(at(bias, c)));
  }
}

// dbias[cols] += Σ_r dout[rows×cols]
export function bias_backward(dbias: usize, dout: usize, rows: i32, cols: i32): void {
  const cols4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const row = rowAt(dout, r, cols);
    let c = 0;
    for (; c < cols4; c += 4) v128.store(at(dbias, c), f32x4.add(v128.load(at(dbias, c)), v128.load(at(row, c))));
    for (; c < cols; c++) store<f32>(at(dbias, c), load<f32>(at(dbias, c)) + load<f32>(at(row, c)));
  }
}

/** Scalar reference for bias_backward. */
export function bias_backward_ref(dbias: usize, dout: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = rowAt(dout, r, cols);
    for (let c = 0; c < cols; c++) store<f32>(at(dbias, c), load<f32>(at(dbias, c)) + load<f32>(at(row, c)));
  }
}

// ---------------------------------------------------------------------------------------------
// out[n] = max(inp, 0)
export function relu_forward(out: usize, inp: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(out, i), f32x4.max(v128.load(at(inp, i)), zero));
  for (; i < n; i++) store<f32>(at(out, i), max<f32>(load<f32>(at(inp, i)), 0));
}

// dinp[n] += dout · [inp > 0]   (the subgradient at 0 is 0, as in PyTorch)
export function relu_backward(dinp: usize, dout: usize, inp: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const mask = f32x4.gt(v128.load(at(inp, i)), zero);
    v128.store(at(dinp, i), f32x4.add(v128.load(at(dinp, i)), v128.and(v128.load(at(dout, i)), mask)));
  }
  for (; i < n; i++) {
    if (load<f32>(at(inp, i)) > 0) store<f32>(at(dinp, i), load<f32>(at(dinp, i)) + load<f32>(at(dout, i)));
  }
}

/** Scalar reference for relu_forward. */
export function relu_forward_ref(out: usize, inp: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(at(out, i), max<f32>(load<f32>(at(inp, i)), 0));
}

/** Scalar reference for relu_backward. */
export function relu_backward_ref(dinp: usize, dout: usize, inp: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    if (load<f32>(at(inp, i)) > 0) store<f32>(at(dinp, i), load<f32>(at(dinp, i)) + load<f32>(at(dout, i)));
  }
}

// ---------------------------------------------------------------------------------------------
// out[n] = 1 / (1 + e^-inp)
export function sigmoid_forward(out: usize, inp: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(at(out, i), sigmoid(load<f32>(at(inp, i))));
}

// dinp[n] += dout · out · (1 − out)
export function sigmoid_backward(dinp: usize, dout: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const y = load<f32>(at(out, i));
    store<f32>(at(dinp, i), load<f32>(at(dinp, i)) + load<f32>(at(dout, i)) * y * (1 - y));
  }
}

// ---------------------------------------------------------------------------------------------
// out[n] = tanh(inp)
export function tanh_forward(out: usize, inp: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(at(out, i), <f32>Math.tanh(<f64>load<f32>(at(inp, i))));
}

// dinp[n] += dout · (1 − out²)
export function tanh_backward(dinp: usize, dout: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const y = load<f32>(at(out, i));
    store<f32>(at(dinp, i), load<f32>(at(dinp, i)) + load<f32>(at(dout, i)) * (1 - y * y));
  }
}

// ---------------------------------------------------------------------------------------------
// GELU, the exact form PyTorch uses by default: x · Φ(x) with Φ the standard normal CDF.

/** erf(x) with relative error below 1.2e-7 (the Chebyshev fit of Numerical Recipes' erfc); WebAssembly has no erf. */
@inline function erf(x: f64): f64 {
  const sign: f64 = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  // Evaluated in f64: the f32 outputs need no more accuracy than this fit gives.
  const t = 1 / (1 + 0.5 * ax);
  const y = 1 - t * Math.exp(-ax * ax - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return sign * y;
}

// out[n] = inp · Φ(inp)
export function gelu_forward(out: usize, inp: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const x = <f64>load<f32>(at(inp, i));
    store<f32>(at(out, i), <f32>(0.5 * x * (1 + erf(x * Math.SQRT1_2))));
  }
}

// dinp[n] += dout · (Φ(inp) + inp · φ(inp))
export function gelu_backward(dinp: usize, dout: usize, inp: usize, n: i32): void {
  const invSqrt2Pi: f64 = 0.3989422804014327;
  for (let i = 0; i < n; i++) {
    const x = <f64>load<f32>(at(inp, i));
    const cdf = 0.5 * (1 + erf(x * Math.SQRT1_2));
    const pdf = invSqrt2Pi * Math.exp(-0.5 * x * x);
    const g = <f32>(cdf + x * pdf);
    store<f32>(at(dinp, i), load<f32>(at(dinp, i)) + load<f32>(at(dout, i)) * g);
  }
}

// ---------------------------------------------------------------------------------------------
// out[rows×cols] = softmax over each row of inp (max subtracted first, so no overflow)
export function softmax_forward(out: usize, inp: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const x = rowAt(inp, r, cols);
    const y = rowAt(out, r, cols);
    const m = rowMax(x, cols);
    let sum: f32 = 0;
    for (let c = 0; c < cols; c++) {
      const e = Mathf.exp(load<f32>(at(x, c)) - m);
      store<f32>(at(y, c), e);
      sum += e;
    }
    const inv: f32 = 1 / sum;
    for (let c = 0; c < cols; c++) store<f32>(at(y, c), load<f32>(at(y, c)) * inv);
  }
}

// dinp[rows×cols] += out ⊙ (dout − Σ_c dout·out)   (the softmax Jacobian applied row by row)
export function softmax_backward(dinp: usize, dout: usize, out: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const base = (<usize>r * cols) << 2;
    let dot: f32 = 0;
    for (let c = 0; c < cols; c++) dot += load<f32>(at(dout + base, c)) * load<f32>(at(out + base, c));
    for (let c = 0; c < cols; c++) {
      const p = at(dinp + base, c);
      store<f32>(p, load<f32>(p) + load<f32>(at(out + base, c)) * (load<f32>(at(dout + base, c)) - dot));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Dropout with a counter-based generator: mask[i] depends only on (seed, i), so a step is
// reproducible without any generator state in WebAssembly.

@inline function hash32(x: u32): u32 {
  // "lowbias32" integer hash (Chris Wellons): cheap, well mixed.
  x ^= x >> 16; x *= 0x7feb352d; x ^= x >> 15; x *= 0x846ca68b; x ^= x >> 16;
  return x;
}

/** hash32 in each of four u32 lanes (i32x4.mul keeps the low 32 bits, as u32 * does). */
@inline function hash32x4(x: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, i32x4.splat(0x7feb352d));
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, i32x4.splat(<i32>0x846ca68b));
  return v128.xor(x, i32x4.shr_u(x, 16));
}

// mask[n] = keep ? 1/(1−p) : 0;  out[n] = inp · mask
// Four values at a time, each lane the scalar formula, so the masks are the same to the bit.
export function dropout_forward(out: usize, mask: usize, inp: usize, n: i32, p: f32, seed: u32): void {
  const scale: f32 = 1 / (1 - p);
  const threshold = <u32>(<f64>p * 4294967296.0);
  const vscale = f32x4.splat(scale);
  const vthreshold = i32x4.splat(<i32>threshold);
  const vseed = i32x4.splat(<i32>seed);
  const lanes = i32x4.add(i32x4(0, 1, 2, 3), i32x4.splat(<i32>0x9e3779b9));
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const keep = i32x4.ge_u(hash32x4(v128.xor(vseed, hash32x4(i32x4.add(lanes, i32x4.splat(i))))), vthreshold);
    const m = v128.and(keep, vscale);
    v128.store(at(mask, i), m);
    v128.store(at(out, i), f32x4.mul(v128.load(at(inp, i)), m));
  }
  for (; i < n; i++) {
    const keep = hash32(seed ^ hash32(<u32>i + 0x9e3779b9)) >= threshold;
    const m: f32 = keep ? scale : 0;
    store<f32>(at(mask, i), m);
    store<f32>(at(out, i), load<f32>(at(inp, i)) * m);
  }
}

/** Scalar reference for dropout_forward: one value at a time. */
export function dropout_forward_ref(out: usize, mask: usize, inp: usize, n: i32, p: f32, seed: u32): void {
  const scale: f32 = 1 / (1 - p);
  const threshold = <u32>(<f64>p * 4294967296.0);
  for (let i = 0; i < n; i++) {
    const keep = hash32(seed ^ hash32(<u32>i + 0x9e3779b9)) >= threshold;
    const m: f32 = keep ? scale : 0;
    store<f32>(at(mask, i), m);
    store<f32>(at(out, i), load<f32>(at(inp, i)) * m);
  }
}

// dinp[n] += dout · mask
export function dropout_backward(dinp: usize, dout: usize, mask: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(at(dinp, i), f32x4.add(v128.load(at(dinp, i)), f32x4.mul(v128.load(at(dout, i)), v128.load(at(mask, i)))));
  }
  for (; i < n; i++) {
    store<f32>(at(dinp, i), load<f32>(at(dinp, i)) + load<f32>(at(dout, i)) * load<f32>(at(mask, i)));
  }
}

/** Scalar reference for dropout_backward. */
export function dropout_backward_ref(dinp: usize, dout: usize, mask: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    store<f32>(at(dinp, i), load<f32>(at(dinp, i)) + load<f32>(at(dout, i)) * load<f32>(at(mask, i)));
  }
}
