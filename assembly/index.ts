// The numeric core of sentiwasm. Every export is a pure kernel over linear memory: it takes
// byte offsets and sizes, writes its result in place, and never allocates. TypeScript owns the
// memory plan (src/runtime/memory.ts) and calls these through typed wrappers (src/runtime/kernels.ts).

export * from './memory';
export * from './matmul';
export * from './activations';
export * from './losses';
export * from './optimizers';
export * from './embedding';
export * from './featurize';
export * from './attention';
