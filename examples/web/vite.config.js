// Vite settings for the web app. 'sentiwasm' is the package two folders up (this folder's
// package.json names the app, not the library, so the library cannot be found by its own name
// from here): the alias points at its browser entry, what its "exports" give a bundler
// (dist/index.js; a folder's "main" would be the Node entry). Vite emits the WebAssembly that dist/runtime/wasm-source.js points
// at with `new URL('../../build/sentiwasm.wasm', import.meta.url)` as an asset, and bundles the
// training worker that dist/worker/web-worker.js starts with
// `new Worker(new URL('./train-worker.js', import.meta.url))`. Vite itself is the repository's
// (node_modules two folders up): nothing is installed here.
//
//   npm run build                 # at the repository's root: dist/ and build/*.wasm
//   cd examples/web
//   npm run dev                   # dev server
//   npm run build                 # the page into examples/web/dist; npm run preview serves it

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
  resolve: { alias: { sentiwasm: fileURLToPath(new URL('../../dist/index.js', import.meta.url)) } },
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
