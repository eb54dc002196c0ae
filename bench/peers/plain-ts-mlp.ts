// W3 in plain TypeScript: the same MLP step (512 → 256 ReLU → 256 ReLU → 1 sigmoid, batch 128,
// binary cross-entropy, plain SGD) over Float32Arrays, no WebAssembly. It is what a careful
// JavaScript author writes without a numeric library: row-major weights, the i-k-j loop order
// (the inner loop runs along contiguous memory), buffers allocated once. W3 sets it beside
// sentiwasm to show what the WebAssembly core buys.

/** One dense layer's weights [out × in] and bias [out], with their gradients. */
interface Dense {
  inputs: number;
  outputs: number;
  w: Float32Array;
  b: Float32Array;
  dw: Float32Array;
  db: Float32Array;
}

function dense(inputs: number, outputs: number, uniform: (low: number, high: number) => number): Dense {
  const bound = 1 / Math.sqrt(inputs);
  const w = Float32Array.from({ length: outputs * inputs }, () => uniform(-bound, bound));
  const b = Float32Array.from({ length: outputs }, () => uniform(-bound, bound));
  return { inputs, outputs, w, b, dw: new Float32Array(w.length), db: new Float32Array(b.length) };
}

// y[B × out] = x[B × in] · Wᵀ + b
function forward(layer: Dense, x: Float32Array, y: Float32Array, batch: number): void {
  const { inputs: K, outputs: N, w, b } = layer;
  for (let i = 0; i < batch; i++) {
    const xi = i * K;
    for (let n = 0; n < N; n++) {
      const wn = n * K;
      let sum = b[n];
      for (let k = 0; k < K; k++) sum += x[xi + k] * w[wn + k];
      y[i * N + n] = sum;
    }
  }
}

// dW[out × in] = dyᵀ · x, db = Σ dy, dx[B × in] = dy · W (dx skipped for the first layer)
function backward(layer: Dense, x: Float32Array, dy: Float32Array, dx: Float32Array | undefined, batch: number): void {
  const { inputs: K, outputs: N, w, dw, db } = layer;
  dw.fill(0);
  db.fill(0);
  if (dx) dx.fill(0, 0, batch * K);
  for (let i = 0; i < batch; i++) {
    const xi = i * K;
    for (let n = 0; n < N; n++) {
      const g = dy[i * N + n];
      if (g === 0) continue;
      db[n] += g;
      const wn = n * K;
      for (let k = 0; k < K; k++) dw[wn + k] += g * x[xi + k];
      if (dx) for (let k = 0; k < K; k++) dx[xi + k] += g * w[wn + k];
    }
  }
}

function sgd(layer: Dense, lr: number): void {
  for (let i = 0; i < layer.w.length; i++) layer.w[i] -= lr * layer.dw[i];
  for (let i = 0; i < layer.b.length; i++) layer.b[i] -= lr * layer.db[i];
}

/** The W3 network in plain TypeScript; `step` trains one batch and returns its mean loss. */
export function plainMlp(
  sizes: { inputs: number; hidden: number; batch: number },
  uniform: (low: number, high: number) => number,
) {
  const { inputs, hidden, batch } = sizes;
  const layers = [dense(inputs, hidden, uniform), dense(hidden, hidden, uniform), dense(hidden, 1, uniform)];
  const h1 = new Float32Array(batch * hidden);
  const h2 = new Float32Array(batch * hidden);
  const p = new Float32Array(batch);
  const dh1 = new Float32Array(batch * hidden);
  const dh2 = new Float32Array(batch * hidden);
  const dp = new Float32Array(batch);
  const relu = (a: Float32Array) => {
    for (let i = 0; i < a.length; i++) if (a[i] < 0) a[i] = 0;
  };
  // The ReLU's backward: no gradient where its output was 0.
  const reluBack = (grad: Float32Array, out: Float32Array) => {
    for (let i = 0; i < grad.length; i++) if (out[i] <= 0) grad[i] = 0;
  };
  const forwardAll = (x: Float32Array) => {
    forward(layers[0], x, h1, batch);
    relu(h1);
    forward(layers[1], h1, h2, batch);
    relu(h2);
    forward(layers[2], h2, p, batch);
  };
  return {
    /** The mean binary cross-entropy of the batch before the update. */
    step(x: Float32Array, y: Float32Array, lr: number): number {
      forwardAll(x);
      let loss = 0;
      for (let i = 0; i < batch; i++) {
        // Sigmoid and cross-entropy together: ∂loss/∂logit = (σ(z) − y) / B.
        const z = p[i];
        loss += Math.max(z, 0) - z * y[i] + Math.log1p(Math.exp(-Math.abs(z)));
        dp[i] = (1 / (1 + Math.exp(-z)) - y[i]) / batch;
      }
      backward(layers[2], h2, dp, dh2, batch);
      reluBack(dh2, h2);
      backward(layers[1], h1, dh2, dh1, batch);
      reluBack(dh1, h1);
      backward(layers[0], x, dh1, undefined, batch);
      for (const layer of layers) sgd(layer, lr);
      return loss / batch;
    },
  };
}
