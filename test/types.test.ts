// The published declarations (dist/*.d.ts) as TypeScript users meet them: two small consumer
// projects, each with its own tsconfig and `skipLibCheck: false`, import sentiwasm through
// node_modules/sentiwasm (a link to this repository) and are checked by this repository's tsc.
// A Node project without the DOM library must not trip over WebAssembly or BufferSource, and a
// browser project without @types/node must not trip over Node's types.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');
const run = promisify(execFile);

interface Consumer {
  compilerOptions: Record<string, unknown>;
  /** node_modules/@types packages of the repository to link in. */
  types: string[];
  code: string;
}

const CONSUMERS: Record<string, Consumer> = {
  'Node: lib ES2022 with @types/node, no DOM': {
    compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: ['node'] },
    types: ['node'],
    code: `
      import { readFileSync } from 'node:fs';
      import { loadModel, readExamples, Runtime, train, type TokenContribution, type WasmSource } from 'sentiwasm';

      const wasm: WasmSource = readFileSync('sentiwasm.wasm');
      const rt = await Runtime.create({ wasm });
      const bytes: number = rt.memory.buffer.byteLength;
      const model = await train([{ text: 'great', label: 'positive' }, { text: 'awful', label: 'negative' }], { epochs: 1 });
      const tokens: TokenContribution[] = model.explain('not worth it').tokens;
      const negated: boolean[] = tokens.map((t) => t.negated);
      const again = await loadModel(readFileSync('model.bin'));
      const words: string[] = again.words({ includeNegated: true });
      for await (const example of readExamples(readFileSync('data.csv'), { fileName: 'data.csv' })) console.log(example.text);
      // @ts-expect-error a number is no WebAssembly source: proves the declarations are really checked
      await Runtime.create({ wasm: 42 });
      console.log(bytes, negated, words);
    `,
  },
  'browser: lib ES2022 and DOM, no @types/node': {
    compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM'], types: [] },
    types: [],
    code: `
      import { loadModel, readExamples, Runtime, type TokenContribution, type WasmSource } from 'sentiwasm';

      const module: WasmSource = await WebAssembly.compileStreaming(fetch('/sentiwasm.wasm'));
      const rt = await Runtime.create({ wasm: module });
      const memory: WebAssembly.Memory = new WebAssembly.Memory({ initial: 1 });
      const views = [new Uint8Array(rt.memory.buffer), memory.buffer];
      await Runtime.create({ wasm: await fetch('/sentiwasm.wasm') });
      await Runtime.create({ wasm: new URL('/sentiwasm.wasm', location.href) });
      const model = await loadModel(new Blob([new Uint8Array(8)]));
      await loadModel(await fetch('/model.bin'));
      const tokens: TokenContribution[] = model.explain('not worth it').tokens;
      for await (const example of readExamples(new Blob(['text,label\\ngood,positive\\n']).stream())) console.log(example.label);
      // @ts-expect-error a number is no WebAssembly source: proves the declarations are really checked
      await Runtime.create({ wasm: 42 });
      console.log(views, tokens.map((t) => t.negated));
    `,
  },
};

describe('the published declarations type-check in consumer projects', () => {
  it.each(Object.keys(CONSUMERS))(
    '%s',
    async (name) => {
      if (!existsSync(join(REPO, 'dist/index.d.ts'))) throw new Error('dist/ is missing: run `npm run tsbuild` first');
      const consumer = CONSUMERS[name];
      const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-types-'));
      mkdirSync(join(dir, 'node_modules/@types'), { recursive: true });
      // As after `npm install sentiwasm`: the package in node_modules, resolved through its "exports".
      symlinkSync(REPO, join(dir, 'node_modules/sentiwasm'), 'dir');
      for (const t of consumer.types)
        symlinkSync(join(REPO, 'node_modules/@types', t), join(dir, 'node_modules/@types', t), 'dir');
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
      writeFileSync(join(dir, 'consumer.ts'), consumer.code);
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            ...consumer.compilerOptions,
          },
          files: ['consumer.ts'],
        }),
      );
      const result = await run(process.execPath, [TSC, '-p', dir, '--pretty', 'false']).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
      );
      expect(result.stdout).toBe('');
      expect(result.code).toBe(0);
    },
    60_000,
  );
});
