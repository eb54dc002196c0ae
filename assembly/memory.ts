import { at } from './math';

// Memory helpers: where the host may start its plan, fills and reductions over flat blocks.

/** Called once by the runtime at start-up: the first byte the host may use for its own plan. */
export function heap_base(): usize {
  return __heap_base;
}

/** Called once per step to zero a whole gradient block: x[0..n) = value. */
export function fill_f32(x: usize, n: i32, value: f32): void {
  if (value == 0) {
    memory.fill(x, 0, <usize>n << 2);
    return;
  }
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(x, i), v);
  for (; i < n; i++) store<f32>(at(x, i), value);
}

/** Scalar reference for fill_f32. */
export function fill_f32_ref(x: usize, n: i32, value: f32): void {
  for (let i = 0; i < n; i++) store<f32>(at(x, i), value);
}

/** Copies n floats; regions may overlap. */
export function copy_f32(dst: usize, src: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 2);
}

/** Sum of squares of x[0..n) in f64, for the global gradient norm. */
export function sum_squares_f32(x: usize, n: i32): f64 {
  // Squares are summed 8 at a time in f32 lanes and folded into an f64 total per block, so the
  // norm of millions of values keeps f64 accuracy while the inner work stays SIMD.
  let total: f64 = 0;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const a = v128.load(at(x, i));
    const b = v128.load(at(x, i), 16);
    const s = f32x4.add(f32x4.mul(a, a), f32x4.mul(b, b));
    total += <f64>f32x4.extract_lane(s, 0) + <f64>f32x4.extract_lane(s, 1) +
      <f64>f32x4.extract_lane(s, 2) + <f64>f32x4.extract_lane(s, 3);
  }
  for (; i < n; i++) {
    const v = <f64>load<f32>(at(x, i));
    total += v * v;
  }
  return total;
}

/** Scalar reference for sum_squares_f32. */
export function sum_squares_f32_ref(x: usize, n: i32): f64 {
  let total: f64 = 0;
  for (let i = 0; i < n; i++) {
    const v = <f64>load<f32>(at(x, i));
    total += v * v;
  }
  return total;
}

/** dst[0..n) += src[0..n): one thread's gradients added into another's (data-parallel training). */
export function add_f32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = at(dst, i);
    v128.store(p, f32x4.add(v128.load(p), v128.load(at(src, i))));
  }
  for (; i < n; i++) {
    const p = at(dst, i);
    store<f32>(p, load<f32>(p) + load<f32>(at(src, i)));
  }
}

/** Scalar reference for add_f32. */
export function add_f32_ref(dst: usize, src: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(at(dst, i), load<f32>(at(dst, i)) + load<f32>(at(src, i)));
}

/** x[0..n) *= s, used by gradient clipping. */
export function scale_f32(x: usize, n: i32, s: f32): void {
  const vs = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = at(x, i);
    v128.store(p, f32x4.mul(v128.load(p), vs));
  }
  for (; i < n; i++) {
    const p = at(x, i);
    store<f32>(p, load<f32>(p) * s);
  }
}

/** Scalar reference for scale_f32. */
export function scale_f32_ref(x: usize, n: i32, s: f32): void {
  for (let i = 0; i < n; i++) store<f32>(at(x, i), load<f32>(at(x, i)) * s);
}

/** Counts non-finite values in x[0..n): the host refuses NaN/Inf inputs before they spread. */
export function count_nonfinite_f32(x: usize, n: i32): i32 {
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const v = load<f32>(at(x, i));
    if (!isFinite<f32>(v)) bad++;
  }
  return bad;
}
