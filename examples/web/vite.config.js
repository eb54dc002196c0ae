// Vite settings for the demo. 'sentiwasm' needs no alias: run from inside this repository, the
// package imports itself by name through its "exports" (the browser entry, dist/index.js), and
// vite emits the WebAssembly that dist/runtime/wasm-source.js points at with
// `new URL('../../build/sentiwasm.wasm', import.meta.url)` as an asset, and bundles the training
// worker that dist/worker/train.js starts with `new Worker(new URL('./train-worker.js', import.meta.url))`.
//
//   npm run build                                     # dist/ and build/sentiwasm.wasm
//   npx vite examples/web                             # dev server
//   npx vite build examples/web --outDir /tmp/web-dist && npx vite preview examples/web --outDir /tmp/web-dist

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
// A cross-origin isolated page may share memory with its workers, so training runs on threads
// (threads: 'auto', the default, takes the cores where that pays: not for the small built-in
// corpus). The server that hosts the built page must send the same two headers.
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative asset addresses, so the built page works from any folder of a web server.
  base: './',
  server: {
    // The dev server may read dist/ and build/ two levels up.
    fs: { allow: [repoRoot] },
    headers: crossOriginIsolation,
  },
  preview: { headers: crossOriginIsolation },
  build: {
    // The WebAssembly is always its own file (fetched and compiled once), never inlined.
    assetsInlineLimit: 0,
    target: 'es2022',
  },
});
