// Small helpers shared by the kernel files, each written once here. Not re-exported by index.ts:
// they are inlined into the kernels, never called from the host.

/** The address of float (or int) i of the array at base: every kernel's pointer arithmetic. */
@inline export function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

/** The address of row `row` of a row-major array of `width` floats a row. */
@inline export function rowAt(base: usize, row: i32, width: i32): usize {
  return base + ((<usize>row * width) << 2);
}

/** The float at index i of the array at base. */
@inline export function f32at(base: usize, i: i32): f32 {
  return load<f32>(at(base, i));
}

/** Σ a[k]·b[k] over k < n, four lanes at a time (one running sum per lane, then lanes left to right, then the tail). */
@inline export function dot(a: usize, b: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= n; k += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(at(a, k)), v128.load(at(b, k))));
  let s: f32 = laneSum(acc);
  for (; k < n; k++) s += load<f32>(at(a, k)) * load<f32>(at(b, k));
  return s;
}

/** Scalar reference for dot: one running sum, k in order. */
@inline export function dotRef(a: usize, b: usize, n: i32): f32 {
  let s: f32 = 0;
  for (let k = 0; k < n; k++) s += load<f32>(at(a, k)) * load<f32>(at(b, k));
  return s;
}

/** y[k] += a·x[k] over k < n, four lanes at a time (each lane the scalar formula, so the same to the bit). */
@inline export function axpy(y: usize, a: f32, x: usize, n: i32): void {
  const va = f32x4.splat(a);
  let k = 0;
  for (; k + 4 <= n; k += 4) v128.store(at(y, k), f32x4.add(v128.load(at(y, k)), f32x4.mul(va, v128.load(at(x, k)))));
  for (; k < n; k++) store<f32>(at(y, k), load<f32>(at(y, k)) + a * load<f32>(at(x, k)));
}

/** Scalar reference for axpy. */
@inline export function axpyRef(y: usize, a: f32, x: usize, n: i32): void {
  for (let k = 0; k < n; k++) store<f32>(at(y, k), load<f32>(at(y, k)) + a * load<f32>(at(x, k)));
}

/** Σ x[k] over k < n, four lanes at a time (one running sum per lane, then lanes left to right, then the tail). */
@inline export function sum(x: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= n; k += 4) acc = f32x4.add(acc, v128.load(at(x, k)));
  let s: f32 = laneSum(acc);
  for (; k < n; k++) s += load<f32>(at(x, k));
  return s;
}

/** Scalar reference for sum: one running sum, k in order. */
@inline export function sumRef(x: usize, n: i32): f32 {
  let s: f32 = 0;
  for (let k = 0; k < n; k++) s += load<f32>(at(x, k));
  return s;
}

/** 1 / (1 + e^−x); two branches keep exp's argument non-positive, so neither overflows for large |x|. */
@inline export function sigmoid(x: f32): f32 {
  if (x >= 0) return 1 / (1 + Mathf.exp(-x));
  const e = Mathf.exp(x);
  return e / (1 + e);
}

/** The largest of the cols floats at row (cols ≥ 1). */
@inline export function rowMax(row: usize, cols: i32): f32 {
  let m = load<f32>(row);
  for (let c = 1; c < cols; c++) m = max<f32>(m, load<f32>(at(row, c)));
  return m;
}

/**
 * e^x in four lanes, as Cephes' expf: e^x = 2^n · e^r with n = round(x · log2 e) and
 * r = x − n · ln 2 (ln 2 in two parts, so r keeps its low bits), e^r by a degree-7 polynomial;
 * within 2 ulp of Mathf.exp on [−87.3, 88]. Below −87.3 (where e^x leaves float32's normal
 * range) it gives 0; NaN stays NaN. The attention softmax's exponentials, four at a time.
 */
@inline export function expf4(x: v128): v128 {
  const lowest = f32x4.splat(-87.33654);
  const xc = f32x4.min(f32x4.max(x, lowest), f32x4.splat(88));
  const n = f32x4.floor(f32x4.add(f32x4.mul(xc, f32x4.splat(1.44269504088896341)), f32x4.splat(0.5)));
  let r = f32x4.sub(xc, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(y, f32x4.mul(r, r)), r), f32x4.splat(1));
  const twoToN = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return v128.bitselect(f32x4.splat(0), f32x4.mul(y, twoToN), f32x4.lt(x, lowest));
}

/** The sum of a vector's four lanes, left to right (lane 0 + lane 1 + lane 2 + lane 3). */
@inline export function laneSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}
