// sentiwasm: train and run sentiment classifiers in JavaScript on a WebAssembly core.
// This entry serves browsers and bundlers; Node uses index.node.ts, which adds file access.

export * from './runtime/index.js';
export * from './nn/index.js';
export * from './text/index.js';
export * from './data/index.js';
export * from './io/index.js';
export * from './train/index.js';
// How nearest, wordVector and export-vectors spell a word after a negation ("not:worth"). It
// belongs with src/train/index.ts's exports, which another change is editing; it moves there next.
export { NEGATED_WORD_PREFIX } from './train/classifier.js';
