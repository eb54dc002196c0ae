// Small scalar helpers shared by several kernel files. Not re-exported by index.ts: they are
// inlined into the kernels, never called from the host.

/** 1 / (1 + e^−x); two branches keep exp's argument non-positive, so neither overflows for large |x|. */
@inline export function sigmoid(x: f32): f32 {
  if (x >= 0) return 1 / (1 + Mathf.exp(-x));
  const e = Mathf.exp(x);
  return e / (1 + e);
}

/** The largest of the cols floats at row (cols ≥ 1). */
@inline export function rowMax(row: usize, cols: i32): f32 {
  let m = load<f32>(row);
  for (let c = 1; c < cols; c++) m = max<f32>(m, load<f32>(row + (<usize>c << 2)));
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
