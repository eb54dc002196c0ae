// What a user gets from npm: `sentiwasm --version`, a licence, a tarball holding what runs and
// nothing else (no source maps, sources or debug WebAssembly), no script that runs when it is
// installed, and a build of the WebAssembly that prints nothing.

import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(REPO, 'dist/cli/main.js');
const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  version: string;
  license: string;
  scripts: Record<string, string>;
};

/** The scripts npm runs when a package is installed, which npm asks every user to approve. */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];

describe('sentiwasm --version', () => {
  it.each(['--version', '-V'])('%s prints the version in package.json', async (flag) => {
    if (!existsSync(CLI)) throw new Error('dist/cli/main.js is missing: run `npm run tsbuild` first');
    const { stdout } = await run(process.execPath, [CLI, flag]);
    expect(stdout).toBe(`${pkg.version}\n`);
  });
});

describe('the licence', () => {
  it('LICENSE is the MIT licence of the sentiwasm authors, as package.json says', () => {
    const text = readFileSync(join(REPO, 'LICENSE'), 'utf8');
    expect(text.startsWith('MIT License\n')).toBe(true);
    expect(text).toContain('Copyright (c) 2026 the sentiwasm authors');
    expect(text).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
    expect(pkg.license).toBe('MIT');
  });
});

describe('the tarball (npm pack --dry-run)', () => {
  let files: string[] = [];

  beforeAll(async () => {
    // --ignore-scripts: packing would otherwise run `prepack`, a whole build.
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: REPO,
      maxBuffer: 64 << 20,
    });
    files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
  }, 60_000);

  it.each([
    'LICENSE',
    'README.md',
    'package.json',
    'build/sentiwasm.wasm',
    'build/sentiwasm-fma.wasm',
    'build/sentiwasm-threads.wasm',
    'build/sentiwasm-fma-threads.wasm',
    'dist/index.js',
    'dist/index.d.ts',
    'dist/index.node.js',
    'dist/index.node.d.ts',
    'dist/cli/main.js',
  ])('ships %s', (path) => {
    expect(files).toContain(path);
  });

  it.each([
    ['source maps', /\.map$/],
    ['the debug WebAssembly', /debug\.wasm$/],
    ['the test builds (the kernels with their scalar references)', /\.test\.wasm$/],
    ['TypeScript sources', /^src\//],
    ['AssemblyScript sources', /^assembly\//],
    ['tests', /^test\//],
  ])('ships no %s', (_, pattern) => {
    expect(files.filter((f) => pattern.test(f))).toEqual([]);
  });

  it('its JavaScript points at no source map (none is shipped)', () => {
    const pointing = files.filter(
      (f) => f.endsWith('.js') && readFileSync(join(REPO, f), 'utf8').includes('//# sourceMappingURL='),
    );
    expect(pointing).toEqual([]);
  });
});

describe('installing the package', () => {
  it('runs no script of the package (the build runs before start, test, bench and pack instead)', () => {
    expect(INSTALL_SCRIPTS.filter((name) => name in pkg.scripts)).toEqual([]);
    for (const script of ['prestart', 'pretest', 'prebench'])
      expect(pkg.scripts[script]).toBe('node scripts/build-if-stale.mjs');
    expect(pkg.scripts.prepack).toBe('npm run build');
  });
});

describe('building the WebAssembly (before npm start, test and bench, when its sources changed)', () => {
  it.each(['release', 'fma', 'threads', 'fma-threads'])(
    'the %s target compiles without a word on standard error',
    async (target) => {
      // Converging used to end on a larger binary than the round before and say "Last converge was suboptimal.".
      const { stdout, stderr } = await run(
        process.execPath,
        [join(REPO, 'node_modules/assemblyscript/bin/asc.js'), 'assembly/index.ts', '--target', target, '--noEmit'],
        { cwd: REPO },
      );
      expect(stderr).toBe('');
      expect(stdout).toBe('');
    },
    120_000,
  );
});
