// The contract with the WebAssembly core: the host's copy of the shared constants is current,
// and the module's real exports are the ones src/runtime/exports.ts declares, with as many
// parameters each, so a kernel added, removed or changed on one side alone fails here; the test
// build's are those and the scalar references.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script, with no type declarations
import { generate } from '../scripts/contract.mjs';
import { TEST_WASM_PATH, WASM_PATH } from './helpers.js';

describe('the contract with the core', () => {
  it('src/runtime/contract.ts is assembly/contract.ts as scripts/contract.mjs writes it', () => {
    expect(readFileSync(new URL('../src/runtime/contract.ts', import.meta.url), 'utf8')).toBe(generate());
  });

  /** The methods an interface of exports.ts declares, each with its number of parameters. */
  function declared(name: string): Map<string, number> {
    const source = readFileSync(new URL('../src/runtime/exports.ts', import.meta.url), 'utf8');
    const start = source.indexOf(`export interface ${name} {`);
    const body = source.slice(start, source.indexOf('\n}\n', start));
    const methods = new Map<string, number>();
    for (const [, method, params] of body.matchAll(/^ {2}(\w+)\(([^)]*)\): \w+;$/gm)) {
      // A list written over several lines ends with a comma, which starts no parameter.
      methods.set(method, params.split(',').filter((param) => param.trim() !== '').length);
    }
    return methods;
  }

  /** The functions a build exports, each with its number of parameters. */
  async function exported(path: URL): Promise<Map<string, number>> {
    // The raw instance (the loader wraps each export in a function of its own, whose length is 0).
    const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536 });
    const { instance } = await WebAssembly.instantiate(readFileSync(path), {
      env: { memory, abort: () => undefined },
    });
    const actual = new Map<string, number>();
    for (const [name, value] of Object.entries(instance.exports))
      if (typeof value === 'function') actual.set(name, value.length);
    return actual;
  }

  const sorted = (map: Map<string, number>) => Object.fromEntries([...map].sort());

  it('the module exports exactly the functions exports.ts declares, each with its number of parameters', async () => {
    const kernels = declared('KernelExports');
    expect(kernels.size).toBeGreaterThan(40);
    expect(sorted(await exported(WASM_PATH))).toEqual(sorted(kernels));
  });

  it('the test build exports those and the scalar references exports.ts declares, each with its number of parameters', async () => {
    const references = declared('KernelReferences');
    expect(references.size).toBeGreaterThan(20);
    expect(sorted(await exported(TEST_WASM_PATH))).toEqual(
      sorted(new Map([...declared('KernelExports'), ...references])),
    );
  });
});
