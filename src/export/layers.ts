// The layers every exported model is made of, as small compositions of standard ONNX operators
// (opset 17): a linear layer, layer normalisation, and the masked mean that both the embedding
// bag and the encoder's mean pooling take. Each mirrors the sentiwasm kernel it stands for.

import { float, int, transposed, type GraphBuilder } from './graph.js';

/** y[…, out] = x[…, in]·Wᵀ + b for x of any rank; W is [out × in] row-major, as sentiwasm (and PyTorch) store it. */
export function linear(
  g: GraphBuilder,
  x: string,
  weight: Float32Array,
  bias: Float32Array,
  inF: number,
  outF: number,
  name: string,
): string {
  const w = g.weight(`${name}.weight_t`, [inF, outF], transposed(weight, outF, inF));
  const b = g.weight(`${name}.bias`, [outF], bias);
  return g.node('Add', [g.node('MatMul', [x, w], `${name}.matmul`), b], name);
}

/** logits[B, out] = x[B, in]·Wᵀ + b as one Gemm (a 2-D input). */
export function gemm(
  g: GraphBuilder,
  x: string,
  weight: Float32Array,
  bias: Float32Array,
  inF: number,
  outF: number,
  name: string,
): string {
  const w = g.weight(`${name}.weight`, [outF, inF], weight);
  const b = g.weight(`${name}.bias`, [outF], bias);
  return g.node('Gemm', [x, w, b], name, { transB: int(1) });
}

/** LayerNormalization over the last axis, as sentiwasm's layernorm_forward (ε inside the square root). */
export function layerNorm(
  g: GraphBuilder,
  x: string,
  gamma: Float32Array,
  beta: Float32Array,
  eps: number,
  name: string,
): string {
  const scale = g.weight(`${name}.weight`, [gamma.length], gamma);
  const bias = g.weight(`${name}.bias`, [beta.length], beta);
  return g.node('LayerNormalization', [x, scale, bias], name, { axis: int(-1), epsilon: float(eps) });
}

/**
 * out[B, D] = Σ_t mask[b,t]·x[b,t,:] / max(1, Σ_t mask[b,t]): the mean of each row's real
 * positions (sentiwasm's embedding_bag_forward and mean_pool_forward). A row without any gives
 * zeros, as an empty bag does in sentiwasm.
 */
export function maskedMean(g: GraphBuilder, x: string, mask: string, name: string): string {
  const weights = g.node('Unsqueeze', [mask, g.int64([2])], `${name}.mask3`);
  const sum = g.node('ReduceSum', [g.node('Mul', [x, weights], `${name}.masked`), g.int64([1])], `${name}.sum`, {
    keepdims: int(0),
  });
  const count = g.node('ReduceSum', [mask, g.int64([1])], `${name}.count`, { keepdims: int(1) });
  const atLeastOne = g.node('Max', [count, g.scalar(`${name}.one`, 1)], `${name}.denominator`);
  return g.node('Div', [sum, atLeastOne], name);
}
