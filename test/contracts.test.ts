// The contract with the WebAssembly core: the host's copy of the shared constants is current,
// and the module's real exports are the ones src/runtime/exports.ts declares, with as many
// parameters each, so a kernel added, removed or changed on one side alone fails here.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script, with no type declarations
import { generate } from '../scripts/contract.mjs';
import { WASM_PATH } from './helpers.js';

describe('the contract with the core', () => {
  it('src/runtime/contract.ts is assembly/contract.ts as scripts/contract.mjs writes it', () => {
    expect(readFileSync(new URL('../src/runtime/contract.ts', import.meta.url), 'utf8')).toBe(generate());
  });

  it('the module exports exactly the functions exports.ts declares, each with its number of parameters', async () => {
    // The raw instance (the loader wraps each export in a function of its own, whose length is 0).
    const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536 });
    const { instance } = await WebAssembly.instantiate(readFileSync(WASM_PATH), {
      env: { memory, abort: () => undefined },
    });
    const declared = new Map<string, number>();
    const source = readFileSync(new URL('../src/runtime/exports.ts', import.meta.url), 'utf8');
    for (const [, name, params] of source.matchAll(/^ {2}(\w+)\(([^)]*)\): \w+;$/gm)) {
      // A list written over several lines ends with a comma, which starts no parameter.
      declared.set(name, params.split(',').filter((param) => param.trim() !== '').length);
    }
    const actual = new Map<string, number>();
    for (const [name, value] of Object.entries(instance.exports))
      if (typeof value === 'function') actual.set(name, value.length);
    expect(declared.size).toBeGreaterThan(40);
    expect(Object.fromEntries([...actual].sort())).toEqual(Object.fromEntries([...declared].sort()));
  });
});
