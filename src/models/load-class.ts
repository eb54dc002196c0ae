// Architectures by name, each class's code imported when a model of it is read. Reading a model
// file goes through here rather than through the registry, which imports every class: bundlers
// put each class imported this way in a chunk of its own, so a page that loads a bag model (or
// receives one from its training worker) never downloads the attention model's code.

import type { Architecture } from './registry.js';
import type { TextModelClass } from './text-model.js';

/** Each architecture's class, imported when first asked for; the type asks for every name the registry has. */
const LOADERS: Record<Architecture, () => Promise<TextModelClass>> = {
  bag: async () => (await import('./bag-model.js')).BagModel,
  mlp: async () => (await import('./mlp-model.js')).MlpModel,
  attention: async () => (await import('./attention-model.js')).AttentionModel,
};

/**
 * The class of an architecture, once its code is loaded; undefined when `name` names none (the
 * caller says what is wrong with it).
 * @example
 * ```ts
 * const Model = await loadModelClass('bag');
 * ```
 */
export function loadModelClass(name: unknown): Promise<TextModelClass> | undefined {
  return isLoadable(name) ? LOADERS[name]() : undefined;
}

/**
 * Every architecture's name, in the registry's order. It imports no model's code, so a page
 * that lists the architectures loads each one only when it is used.
 * @example
 * ```ts
 * architectures() // ['bag', 'mlp', 'attention']
 * ```
 */
export function architectures(): Architecture[] {
  return Object.keys(LOADERS).filter(isLoadable);
}

function isLoadable(name: unknown): name is Architecture {
  return typeof name === 'string' && Object.hasOwn(LOADERS, name);
}
