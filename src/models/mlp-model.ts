// The mlp model: the mean of a text's feature vectors, then hidden layers (Linear → ReLU) and a
// linear layer to the class logits. Not linear in the features, so explanations are by occlusion.

import { ReLU } from '../nn/activations.js';
import { Linear } from '../nn/linear.js';
import type { Layer } from '../nn/layer.js';
import type { Runtime } from '../runtime/runtime.js';
import { BagFrontModel, bagFrontScoreBound, bagFrontTensorShapes } from './bag-front-model.js';
import type { ModelLayout, ModelShape, TextModelClass } from './text-model.js';

export class MlpModel extends BagFrontModel {
  static readonly arch = 'mlp';
  static readonly averagesMembers = false;
  static readonly linearHead = false;
  /** The hidden layers learn far better with Adam. */
  static readonly defaults = { optimizer: 'adam', lr: { sgd: 0.2, adam: 0.003 } } as const;
  readonly arch = MlpModel.arch;

  static readonly tensorShapes = bagFrontTensorShapes;

  static extraFloats(): number {
    return 0;
  }
  static readonly scoreBound = bagFrontScoreBound;

  static create(rt: Runtime, shape: ModelShape, layout: ModelLayout): MlpModel {
    return new MlpModel(rt, shape, layout);
  }

  static checkShape(): string | undefined {
    return undefined;
  }

  private constructor(rt: Runtime, shape: ModelShape, layout: ModelLayout) {
    const layers: Layer[] = [];
    let width = shape.dim;
    for (const h of shape.hidden) {
      layers.push(new Linear(width, h), new ReLU());
      width = h;
    }
    layers.push(new Linear(width, shape.classes));
    super(rt, shape, layout, layers);
  }
}

MlpModel satisfies TextModelClass;
