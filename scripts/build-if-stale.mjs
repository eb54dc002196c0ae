#!/usr/bin/env node
// Builds what is missing or older than its sources, as make would: the WebAssembly core
// (build/*.wasm, from assembly/) and the JavaScript (dist/, from src/). `npm start`, `npm test`
// and `npm run bench` run it first, so a fresh clone needs only `npm ci` before them, and the
// package has no install-time script (which npm asks every user of the package to approve).
// It says on standard error what it builds and roughly how long that takes; when everything is
// up to date it says nothing.

import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The newest modification time among files (folders are walked), or -Infinity for none.
 * @param {string[]} paths relative to the repository
 */
function newest(paths) {
  let time = -Infinity;
  for (const path of paths) {
    const full = join(ROOT, path);
    let info;
    try {
      info = statSync(full);
    } catch {
      continue;
    }
    if (info.isDirectory()) time = Math.max(time, newest(readdirSync(full).map((name) => join(path, name))));
    else time = Math.max(time, info.mtimeMs);
  }
  return time;
}

/**
 * The oldest modification time among files, or -Infinity when one is missing.
 * @param {string[]} paths relative to the repository
 */
function oldest(paths) {
  let time = Infinity;
  for (const path of paths) {
    try {
      time = Math.min(time, statSync(join(ROOT, path)).mtimeMs);
    } catch {
      return -Infinity;
    }
  }
  return time;
}

const WASM_INPUTS = ['assembly', 'asconfig.json', 'scripts/contract.mjs', 'scripts/leave-out-references.mjs'];
const WASM_OUTPUTS = [
  ...['release', 'fma', 'threads', 'fma-threads'].map((target) =>
    target === 'release' ? 'build/sentiwasm.wasm' : `build/sentiwasm-${target}.wasm`,
  ),
  // The test builds: the default and fma builds with the kernels' scalar references.
  'build/sentiwasm.test.wasm',
  'build/sentiwasm-fma.test.wasm',
];
const JS_INPUTS = ['src', 'tsconfig.build.json', 'tsconfig.json'];
const JS_OUTPUTS = ['dist/index.js', 'dist/index.node.js', 'dist/cli/main.js'];

/**
 * Runs an npm script, saying what it builds and how long that took; a failure ends this process.
 * @param {string} script
 * @param {string} what
 */
function run(script, what) {
  process.stderr.write(`sentiwasm: building ${what}…\n`);
  const started = Date.now();
  const result = spawnSync('npm', ['run', '--silent', script], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  process.stderr.write(`sentiwasm: built ${what} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

if (newest(WASM_INPUTS) > oldest(WASM_OUTPUTS)) {
  run('asbuild', 'the WebAssembly core (seven targets; about a minute on two cores, once)');
}
if (newest(JS_INPUTS) > oldest(JS_OUTPUTS)) run('tsbuild', 'the JavaScript (dist/)');
