// A model whose architecture averages members (the bag model) trains as independent members
// side by side: member m gets its own seed and its own shuffling, and the trained members are
// averaged into one model of the full width (BagModel.addMember).

import { modelClass } from '../models/registry.js';
import type { BagModel } from '../models/bag-model.js';
import type { TextModel } from '../models/text-model.js';

/**
 * `model` as the bag model it is: the options allow several members and a naive-Bayes start for
 * the bag model only (the only one that averages members).
 */
export function bagModel(model: TextModel): BagModel {
  if (!isBagModel(model)) throw new TypeError('not a bag model');
  return model;
}

function isBagModel(model: TextModel): model is BagModel {
  return 'addMember' in model;
}

/** The seed member m trains with: the run's own for member 0, then far-apart others. */
export function memberSeed(seed: number, m: number): number {
  return m === 0 ? seed : (seed + Math.imul(m, 0x9e3779b9)) >>> 0;
}

/**
 * Members of at least 32 columns each, as many as divide dim evenly: on held-out parts of the
 * SST-2 training file two 32-wide bag members beat one 64-wide model by about half a point, and
 * three 32-wide ones by more. With pretrained vectors, or an architecture that cannot average
 * members (mlp): one.
 */
export function autoMembers(arch: string, dim: number, pretrained: boolean): number {
  if (!modelClass(arch).averagesMembers || pretrained) return 1;
  for (let k = Math.floor(dim / 32); k > 1; k--) if (dim % k === 0) return k;
  return 1;
}
