// Losses over a batch of model outputs. `forward` returns the (weighted) mean loss; `backward`
// adds ∂loss/∂output into the model's output gradient. Targets are float32 (one per output) for
// the binary and regression losses and int32 class indices for cross-entropy.

import type { Runtime } from '../runtime/runtime.js';

/** The buffers a loss reads in one call; pointers are byte offsets into the runtime's memory. */
export interface LossBuffers {
  /** Examples in this call. */
  readonly batch: number;
  /** Outputs per example. */
  readonly width: number;
  /** [batch × width] model output. */
  readonly pred: number;
  /** [batch × width] float32 targets, or [batch] int32 class indices for cross-entropy. */
  readonly target: number;
  /** [batch] float32 example weights, or 0 for equal weights. */
  readonly weights: number;
}

/** A loss function over a batch of model outputs: its value, and its gradient with respect to the outputs. */
export interface Loss {
  /** The loss's name, as in PyTorch ("BCELoss", "CrossEntropyLoss", …). */
  readonly kind: string;
  /** How targets are stored: one float per output, or one class index per example. */
  readonly targets: 'float' | 'class';
  /** The (weighted) mean loss over the batch. */
  forward(rt: Runtime, b: LossBuffers): number;
  /** Adds ∂loss/∂pred to the buffer at `dpred` [batch × width]. */
  backward(rt: Runtime, dpred: number, b: LossBuffers): void;
}

/**
 * Binary cross-entropy on probabilities (after a Sigmoid), as nn.BCELoss.
 * @example
 * ```ts
 * new Trainer(net, { loss: new BCELoss(), optimizer: new SGD({ lr: 0.01 }) })
 * ```
 */
export class BCELoss implements Loss {
  /** The loss's name. */
  readonly kind = 'BCELoss';
  readonly targets = 'float';
  forward(rt: Runtime, b: LossBuffers): number {
    return rt.kernels.bce_forward(b.pred, b.target, b.weights, b.batch * b.width);
  }
  backward(rt: Runtime, dpred: number, b: LossBuffers): void {
    rt.kernels.bce_backward(dpred, b.pred, b.target, b.weights, b.batch * b.width, 1);
  }
}

/**
 * Binary cross-entropy on logits, numerically stable, as nn.BCEWithLogitsLoss.
 * @example
 * ```ts
 * new Trainer(netWithoutSigmoid, { loss: new BCEWithLogitsLoss(), optimizer: new SGD({ lr: 0.01 }) })
 * ```
 */
export class BCEWithLogitsLoss implements Loss {
  /** The loss's name. */
  readonly kind = 'BCEWithLogitsLoss';
  readonly targets = 'float';
  forward(rt: Runtime, b: LossBuffers): number {
    return rt.kernels.bce_logits_forward(b.pred, b.target, b.weights, b.batch * b.width);
  }
  backward(rt: Runtime, dpred: number, b: LossBuffers): void {
    rt.kernels.bce_logits_backward(dpred, b.pred, b.target, b.weights, b.batch * b.width, 1);
  }
}

/**
 * Softmax cross-entropy on logits with class-index targets, as nn.CrossEntropyLoss.
 * @example
 * ```ts
 * trainer = new Trainer(net, { loss: new CrossEntropyLoss(), optimizer: new Adam() });
 * trainer.step(inputs, Int32Array.of(2, 0, 1), 3) // targets: one class index per example
 * ```
 */
export class CrossEntropyLoss implements Loss {
  /** The loss's name. */
  readonly kind = 'CrossEntropyLoss';
  readonly targets = 'class';
  forward(rt: Runtime, b: LossBuffers): number {
    return rt.kernels.softmax_ce_forward(b.pred, b.target, b.weights, b.batch, b.width);
  }
  /** `scale` multiplies the gradient: a slice of a batch passes its share of the batch's weight, so that the slices' gradients sum to the batch's. */
  backward(rt: Runtime, dpred: number, b: LossBuffers, scale = 1): void {
    rt.kernels.softmax_ce_backward(dpred, b.pred, b.target, b.weights, b.batch, b.width, scale);
  }
}

/**
 * Mean squared error, as nn.MSELoss.
 * @example
 * ```ts
 * new Trainer(net, { loss: new MSELoss(), optimizer: new SGD({ lr: 0.01 }) })
 * ```
 */
export class MSELoss implements Loss {
  /** The loss's name. */
  readonly kind = 'MSELoss';
  readonly targets = 'float';
  forward(rt: Runtime, b: LossBuffers): number {
    return rt.kernels.mse_forward(b.pred, b.target, b.weights, b.batch * b.width);
  }
  backward(rt: Runtime, dpred: number, b: LossBuffers): void {
    rt.kernels.mse_backward(dpred, b.pred, b.target, b.weights, b.batch * b.width, 1);
  }
}
