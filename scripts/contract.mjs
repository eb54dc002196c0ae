#!/usr/bin/env node
// Writes src/runtime/contract.ts, the host's copy of assembly/contract.ts (the constants and
// record layouts the core and the host share). Run by `npm run asbuild`; `--check` exits 1 when
// the copy is out of date instead of writing it (test/contracts.test.ts does the same check).

import { readFileSync, writeFileSync } from 'node:fs';

const source = new URL('../assembly/contract.ts', import.meta.url);
const target = new URL('../src/runtime/contract.ts', import.meta.url);

export function generate() {
  const text = readFileSync(source, 'utf8');
  return `// GENERATED from assembly/contract.ts by scripts/contract.mjs: edit that file, then run \`npm run asbuild\`.\n\n${text}`;
}

if (process.argv[1] && new URL(`file://${process.argv[1]}`).href === import.meta.url) {
  const want = generate();
  if (process.argv.includes('--check')) {
    const have = readFileSync(target, 'utf8');
    if (have !== want) {
      console.error('src/runtime/contract.ts is out of date: run `npm run asbuild`');
      process.exit(1);
    }
  } else if (readFileSync(target, 'utf8') !== want) writeFileSync(target, want);
}
