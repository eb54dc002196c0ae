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
