// sentiwasm: train and run sentiment classifiers in JavaScript on a WebAssembly core.
// This entry serves browsers and bundlers; Node uses index.node.ts, which adds file reading.

export * from './runtime/index.js';
export * from './nn/index.js';
export { runSeedExample, SEED_INPUTS, SEED_LABELS, type SeedExampleOptions, type SeedExampleResult } from './train/seed-example.js';
