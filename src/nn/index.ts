export { Dropout, GELU, ReLU, Sigmoid, Tanh } from './activations.js';
export {
  fit,
  Trainer,
  type EpochInfo,
  type FitOptions,
  type FitResult,
  type StepHooks,
  type TrainerOptions,
} from './fit.js';
export type { Layer, LayerBuffers } from './layer.js';
export { Linear, type LinearOptions } from './linear.js';
export { BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, type Loss, type LossBuffers } from './losses.js';
export { Adam, AdamW, clipGradNorm, SGD, type AdamOptions, type Optimizer, type SGDOptions } from './optimizers.js';
export { ParameterBlock, shapeSize, type Parameter, type ParameterSpec, type ParameterValues } from './parameters.js';
export { Random } from './random.js';
export { Sequential, toRows, type BuildOptions } from './sequential.js';
