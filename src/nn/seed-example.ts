// The tutorial network (workload W1): X = [[0.45,−0.23,0.78],[−0.67,0.12,−0.56]], y = [1,0];
// Linear(3,5) → ReLU → Linear(5,1) → Sigmoid; binary cross-entropy; SGD lr 0.01; 100 epochs of
// full batch. Given PyTorch's initial weights it reproduces PyTorch's numbers.

import type { Runtime } from '../runtime/runtime.js';
import { ReLU, Sigmoid } from './activations.js';
import { fit } from './fit.js';
import { Linear } from './linear.js';
import { BCELoss } from './losses.js';
import { SGD } from './optimizers.js';
import type { ParameterValues } from './parameters.js';
import { Sequential } from './sequential.js';

/** The tutorial network's two inputs. */
export const SEED_INPUTS = [
  [0.45, -0.23, 0.78],
  [-0.67, 0.12, -0.56],
];
/** The tutorial network's two labels. */
export const SEED_LABELS = [1, 0];

/** Options for runSeedExample. */
export interface SeedExampleOptions {
  /** Initial weights keyed "0.weight", "0.bias", "2.weight", "2.bias"; default: seeded Kaiming-uniform. */
  init?: ParameterValues;
  /** Where the initial weights came from, for error messages. */
  initSource?: string;
  /** Epochs of full-batch training (default 100). */
  epochs?: number;
  /** SGD's learning rate (default 0.01). */
  lr?: number;
  /** Seeds the initial weights when `init` is not given (default 0). */
  seed?: number;
  /** Called after each epoch with its 1-based number and loss. */
  onEpoch?: (epoch: number, loss: number) => void;
}

/** What runSeedExample returns, in the shapes PyTorch prints. */
export interface SeedExampleResult {
  /** The loss at each epoch, computed before that epoch's update. */
  losses: number[];
  /** The model's outputs for the two inputs after training. */
  predictions: number[];
  /** Gradients of the first epoch, keyed as PyTorch names the parameters. */
  gradients: Record<string, number[] | number[][]>;
  /** Weights after training. */
  final: Record<string, number[] | number[][]>;
}

/**
 * Trains the tutorial network and reports what the tutorial prints.
 * @example
 * ```ts
 * const { losses, predictions } = runSeedExample(await defaultRuntime());
 * ```
 */
export function runSeedExample(rt: Runtime, options: SeedExampleOptions = {}): SeedExampleResult {
  const { epochs = 100, lr = 0.01, seed = 0 } = options;
  const model = new Sequential([new Linear(3, 5), new ReLU(), new Linear(5, 1), new Sigmoid()]);
  model.build(rt, { inFeatures: 3, maxBatch: SEED_INPUTS.length, seed });
  if (options.init) model.setParameters(options.init, { complete: true, source: options.initSource ?? 'init' });
  let gradients: SeedExampleResult['gradients'] = {};
  const { losses } = fit(model, SEED_INPUTS, SEED_LABELS, {
    loss: new BCELoss(),
    optimizer: new SGD({ lr }),
    epochs,
    onGradients: (epoch) => {
      if (epoch === 1) gradients = model.parameters.toJSON('grads');
    },
    onEpoch: ({ epoch, loss }) => options.onEpoch?.(epoch, loss),
  });
  const predictions = Array.from(model.predict(SEED_INPUTS));
  return { losses, predictions, gradients, final: model.parameters.toJSON('values') };
}
