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
