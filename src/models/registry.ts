// Architectures by name: what `--arch NAME`, train({ arch }) and a model file's "arch" field
// resolve to. A new model is one class implementing TextModel and one line here.

import { AttentionModel } from './attention-model.js';
import { BagModel } from './bag-model.js';
import { MlpModel } from './mlp-model.js';
import type { TextModelClass } from './text-model.js';

/** Each architecture's model class, by the name that selects it. */
const MODELS = {
  bag: BagModel,
  mlp: MlpModel,
  attention: AttentionModel,
} satisfies Record<string, TextModelClass>;

/** The name of an architecture sentiwasm has: `'bag'`, `'mlp'` or `'attention'`. */
export type Architecture = keyof typeof MODELS;

/**
 * Every architecture's name. (The library exports load-class.ts's, which names them without
 * importing their code; this one serves the code that holds the classes already, and imports
 * nothing that loads a class on demand, which a worker's bundle would have to inline.)
 * @example
 * ```ts
 * architectures() // ['bag', 'mlp', 'attention']
 * ```
 */
export function architectures(): Architecture[] {
  return Object.keys(MODELS).filter(isArchitecture);
}

/**
 * Whether `name` names an architecture.
 * @example
 * ```ts
 * isArchitecture('bag') // true
 * ```
 */
export function isArchitecture(name: unknown): name is Architecture {
  return typeof name === 'string' && Object.hasOwn(MODELS, name);
}

/**
 * The class of an architecture, or a RangeError listing the ones there are.
 * @example
 * ```ts
 * modelClass('mlp').create(rt, shape, layout)
 * ```
 */
export function modelClass(name: string): TextModelClass {
  if (!isArchitecture(name))
    throw new RangeError(`unknown architecture ${JSON.stringify(name)}; sentiwasm has ${architectures().join(', ')}`);
  return MODELS[name];
}
