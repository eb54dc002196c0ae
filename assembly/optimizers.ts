import { at } from './math';
import { adamDelta, adamDelta4, adamSqrtBc2, adamStepSize } from './adam';

// Optimiser updates: each is one flat loop over a parameter block and its gradient block, as the
// host lays every parameter of a model out contiguously. The formulas are PyTorch's.

// SGD with momentum, dampening, weight decay and Nesterov (torch.optim.SGD):
//   g = grad + wd·p;  buf = first ? g : μ·buf + (1−dampening)·g;  g = nesterov ? g + μ·buf : buf;
//   p −= lr·g.       `velocity` may be 0 when momentum is 0.
export function sgd_step(param: usize, grad: usize, velocity: usize, n: i32, lr: f32, momentum: f32,
  dampening: f32, weightDecay: f32, nesterov: i32, first: i32): void {
  if (momentum == 0) {
    const vlr = f32x4.splat(lr);
    const vwd = f32x4.splat(weightDecay);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const p = v128.load(at(param, i));
      const g = f32x4.add(v128.load(at(grad, i)), f32x4.mul(vwd, p));
      v128.store(at(param, i), f32x4.sub(p, f32x4.mul(vlr, g)));
    }
    for (; i < n; i++) {
      const p = load<f32>(at(param, i));
      store<f32>(at(param, i), p - lr * (load<f32>(at(grad, i)) + weightDecay * p));
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const p = load<f32>(at(param, i));
    let g = load<f32>(at(grad, i)) + weightDecay * p;
    const buf: f32 = first ? g : momentum * load<f32>(at(velocity, i)) + (1 - dampening) * g;
    store<f32>(at(velocity, i), buf);
    g = nesterov ? g + momentum * buf : buf;
    store<f32>(at(param, i), p - lr * g);
  }
}

/** Scalar reference for sgd_step: one parameter at a time. */
export function sgd_step_ref(param: usize, grad: usize, velocity: usize, n: i32, lr: f32, momentum: f32,
  dampening: f32, weightDecay: f32, nesterov: i32, first: i32): void {
  for (let i = 0; i < n; i++) {
    const p = load<f32>(at(param, i));
    let g = load<f32>(at(grad, i)) + weightDecay * p;
    if (momentum != 0) {
      const buf: f32 = first ? g : momentum * load<f32>(at(velocity, i)) + (1 - dampening) * g;
      store<f32>(at(velocity, i), buf);
      g = nesterov ? g + momentum * buf : buf;
    }
    store<f32>(at(param, i), p - lr * g);
  }
}

// Adam (decoupled = 0, torch.optim.Adam: weight decay added to the gradient) and AdamW
// (decoupled = 1: p −= lr·wd·p before the step). `step` counts from 1 for bias correction.
export function adam_step(param: usize, grad: usize, m: usize, v: usize, n: i32, lr: f32, beta1: f32,
  beta2: f32, eps: f32, weightDecay: f32, decoupled: i32, step: i32): void {
  const stepSize = adamStepSize(lr, beta1, step);
  const sqrtBc2 = adamSqrtBc2(beta2, step);
  const decay: f32 = decoupled ? 1 - lr * weightDecay : 1;
  const l2: f32 = decoupled ? 0 : weightDecay;
  const vdecay = f32x4.splat(decay);
  const vl2 = f32x4.splat(l2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = f32x4.mul(v128.load(at(param, i)), vdecay);
    const g = f32x4.add(v128.load(at(grad, i)), f32x4.mul(vl2, p));
    v128.store(at(param, i), f32x4.sub(p, adamDelta4(at(m, i), at(v, i), g, beta1, beta2, eps, stepSize, sqrtBc2)));
  }
  for (; i < n; i++) {
    const p = load<f32>(at(param, i)) * decay;
    store<f32>(at(param, i), p - adamDelta(at(m, i), at(v, i), load<f32>(at(grad, i)) + l2 * p, beta1, beta2, eps, stepSize, sqrtBc2));
  }
}

/** Scalar reference for adam_step: one parameter at a time. */
export function adam_step_ref(param: usize, grad: usize, m: usize, v: usize, n: i32, lr: f32, beta1: f32,
  beta2: f32, eps: f32, weightDecay: f32, decoupled: i32, step: i32): void {
  const stepSize = adamStepSize(lr, beta1, step);
  const sqrtBc2 = adamSqrtBc2(beta2, step);
  const decay: f32 = decoupled ? 1 - lr * weightDecay : 1;
  const l2: f32 = decoupled ? 0 : weightDecay;
  for (let i = 0; i < n; i++) {
    const p = load<f32>(at(param, i)) * decay;
    store<f32>(at(param, i), p - adamDelta(at(m, i), at(v, i), load<f32>(at(grad, i)) + l2 * p, beta1, beta2, eps, stepSize, sqrtBc2));
  }
}

