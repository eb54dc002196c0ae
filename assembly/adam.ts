// The pieces of Adam's update shared by the dense (optimizers.ts) and the row-wise
// (embedding.ts) kernels. Not re-exported by index.ts: these are inlined, never called from the host.

/** lr / (1 − β1^t): the step size with the first moment's bias correction folded in. */
@inline export function adamStepSize(lr: f32, beta1: f32, step: i32): f32 {
  return <f32>(<f64>lr / (1 - Math.pow(<f64>beta1, <f64>step)));
}

/** √(1 − β2^t), the second moment's bias correction. */
@inline export function adamSqrtBc2(beta2: f32, step: i32): f32 {
  return <f32>Math.sqrt(1 - Math.pow(<f64>beta2, <f64>step));
}

/** Updates the moments at m and v with gradient g; returns what to subtract from the parameter. */
@inline export function adamDelta(m: usize, v: usize, g: f32, beta1: f32, beta2: f32, eps: f32, stepSize: f32, sqrtBc2: f32): f32 {
  const mi = beta1 * load<f32>(m) + (1 - beta1) * g;
  const vi = beta2 * load<f32>(v) + (1 - beta2) * g * g;
  store<f32>(m, mi);
  store<f32>(v, vi);
  return stepSize * mi / (Mathf.sqrt(vi) / sqrtBc2 + eps);
}

/**
 * adamDelta for four values at once: the same operations in the same order, each correctly
 * rounded (f32x4.sqrt and f32x4.div are IEEE's, as Mathf.sqrt and / are), so the update is the
 * scalar one to the bit, four lanes a time.
 */
@inline export function adamDelta4(m: usize, v: usize, g: v128, beta1: f32, beta2: f32, eps: f32, stepSize: f32, sqrtBc2: f32): v128 {
  const mi = f32x4.add(f32x4.mul(f32x4.splat(beta1), v128.load(m)), f32x4.mul(f32x4.splat(1 - beta1), g));
  const vi = f32x4.add(f32x4.mul(f32x4.splat(beta2), v128.load(v)), f32x4.mul(f32x4.mul(f32x4.splat(1 - beta2), g), g));
  v128.store(m, mi);
  v128.store(v, vi);
  const denominator = f32x4.add(f32x4.div(f32x4.sqrt(vi), f32x4.splat(sqrtBc2)), f32x4.splat(eps));
  return f32x4.div(f32x4.mul(f32x4.splat(stepSize), mi), denominator);
}
