import { at, rowAt, rowMax, sigmoid } from './math';

// Losses: each `*_forward` returns the (weighted) mean loss in f64, each `*_backward` adds
// `scale · ∂loss/∂input` into its gradient buffer. `weights` is an optional per-example weight
// (0 = none); weighted means divide by the sum of the weights, as PyTorch does for class weights.

@inline function weightAt(weights: usize, i: i32): f64 {
  return weights ? <f64>load<f32>(at(weights, i)) : 1.0;
}

@inline function weightSum(weights: usize, n: i32): f64 {
  if (!weights) return <f64>n;
  let s: f64 = 0;
  for (let i = 0; i < n; i++) s += <f64>load<f32>(at(weights, i));
  return s;
}

// ---------------------------------------------------------------------------------------------
// Binary cross-entropy on probabilities, as the tutorial writes it (nn.BCELoss):
// −mean(y·log p + (1−y)·log(1−p)), each log clamped at −100 as PyTorch does.
export function bce_forward(prob: usize, target: usize, weights: usize, n: i32): f64 {
  let total: f64 = 0;
  for (let i = 0; i < n; i++) {
    const p = <f64>load<f32>(at(prob, i));
    const y = <f64>load<f32>(at(target, i));
    const logP = max<f64>(Math.log(p), -100);
    const log1mP = max<f64>(Math.log(1 - p), -100);
    total -= weightAt(weights, i) * (y * logP + (1 - y) * log1mP);
  }
  return total / weightSum(weights, n);
}

// dprob[n] += scale · w · (p − y) / max(p·(1−p), 1e-12) / Σw
export function bce_backward(dprob: usize, prob: usize, target: usize, weights: usize, n: i32, scale: f32): void {
  const norm: f32 = scale / <f32>weightSum(weights, n);
  for (let i = 0; i < n; i++) {
    const p = load<f32>(at(prob, i));
    const y = load<f32>(at(target, i));
    const g = (p - y) / max<f32>((1 - p) * p, 1e-12);
    store<f32>(at(dprob, i), load<f32>(at(dprob, i)) + norm * <f32>weightAt(weights, i) * g);
  }
}

// ---------------------------------------------------------------------------------------------
// Binary cross-entropy on logits (nn.BCEWithLogitsLoss): max(x,0) − x·y + log(1 + e^−|x|),
// stable for any x because exp's argument is never positive.
export function bce_logits_forward(logit: usize, target: usize, weights: usize, n: i32): f64 {
  let total: f64 = 0;
  for (let i = 0; i < n; i++) {
    const x = <f64>load<f32>(at(logit, i));
    const y = <f64>load<f32>(at(target, i));
    total += weightAt(weights, i) * (max<f64>(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x))));
  }
  return total / weightSum(weights, n);
}

// dlogit[n] += scale · w · (σ(x) − y) / Σw
export function bce_logits_backward(dlogit: usize, logit: usize, target: usize, weights: usize, n: i32, scale: f32): void {
  const norm: f32 = scale / <f32>weightSum(weights, n);
  for (let i = 0; i < n; i++) {
    const x = load<f32>(at(logit, i));
    const g = sigmoid(x) - load<f32>(at(target, i));
    store<f32>(at(dlogit, i), load<f32>(at(dlogit, i)) + norm * <f32>weightAt(weights, i) * g);
  }
}

// ---------------------------------------------------------------------------------------------
// Softmax cross-entropy (nn.CrossEntropyLoss) over logits[rows×cols] with integer targets
// (i32[rows]): mean of logsumexp(x) − x[target].
export function softmax_ce_forward(logits: usize, targets: usize, weights: usize, rows: i32, cols: i32): f64 {
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const x = rowAt(logits, r, cols);
    const m = rowMax(x, cols);
    let sum: f64 = 0;
    for (let c = 0; c < cols; c++) sum += Math.exp(<f64>(load<f32>(at(x, c)) - m));
    const t = load<i32>(at(targets, r));
    total += weightAt(weights, r) * (Math.log(sum) + <f64>m - <f64>load<f32>(at(x, t)));
  }
  return total / weightSum(weights, rows);
}

// dlogits[rows×cols] += scale · w · (softmax(x) − onehot(target)) / Σw
export function softmax_ce_backward(dlogits: usize, logits: usize, targets: usize, weights: usize, rows: i32, cols: i32, scale: f32): void {
  const norm: f32 = scale / <f32>weightSum(weights, rows);
  for (let r = 0; r < rows; r++) {
    const x = rowAt(logits, r, cols);
    const d = rowAt(dlogits, r, cols);
    const m = rowMax(x, cols);
    let sum: f32 = 0;
    for (let c = 0; c < cols; c++) sum += Mathf.exp(load<f32>(at(x, c)) - m);
    const t = load<i32>(at(targets, r));
    const wr = norm * <f32>weightAt(weights, r);
    const inv: f32 = 1 / sum;
    for (let c = 0; c < cols; c++) {
      const p = Mathf.exp(load<f32>(at(x, c)) - m) * inv;
      const g = c == t ? p - 1 : p;
      store<f32>(at(d, c), load<f32>(at(d, c)) + wr * g);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Mean squared error (nn.MSELoss): mean((pred − target)²)
export function mse_forward(pred: usize, target: usize, weights: usize, n: i32): f64 {
  let total: f64 = 0;
  for (let i = 0; i < n; i++) {
    const d = <f64>load<f32>(at(pred, i)) - <f64>load<f32>(at(target, i));
    total += weightAt(weights, i) * d * d;
  }
  return total / weightSum(weights, n);
}

// dpred[n] += scale · w · 2(pred − target) / Σw
export function mse_backward(dpred: usize, pred: usize, target: usize, weights: usize, n: i32, scale: f32): void {
  const norm: f32 = 2 * scale / <f32>weightSum(weights, n);
  for (let i = 0; i < n; i++) {
    const g = load<f32>(at(pred, i)) - load<f32>(at(target, i));
    store<f32>(at(dpred, i), load<f32>(at(dpred, i)) + norm * <f32>weightAt(weights, i) * g);
  }
}
