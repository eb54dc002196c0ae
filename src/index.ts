/**
 * sentiwasm: train and run sentiment classifiers in JavaScript on a WebAssembly core.
 * This entry serves browsers and bundlers (`import { train } from 'sentiwasm'` resolves here
 * outside Node); Node uses index.node.ts, which adds file access.
 * @example
 * ```ts
 * const model = await train([{ text: 'loved it', label: 'pos' }, { text: 'awful', label: 'neg' }]);
 * model.predict('what a lovely film').label;
 * ```
 * @module browser
 */

export * from './runtime/index.js';
export * from './nn/index.js';
export * from './text/index.js';
export * from './data/index.js';
export * from './io/index.js';
export * from './train/index.js';
export * from './export/index.js';
// train() and trainWithReport() with the `worker` option (a module Web Worker); they shadow the library's.
export { train, trainWithReport, type WorkerOption } from './worker/train.js';
