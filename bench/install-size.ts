// What installing a package puts on disk: the bytes of its folder in node_modules and of every
// package its `dependencies` (and `optionalDependencies` present) pull in, each counted once,
// found as Node finds them (a nested node_modules first, then the folders above). Apparent file
// sizes, as `du -sb` gives them. sentiwasm itself is measured as published: the files `npm pack`
// would put in its tarball, plus its dependencies.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Bytes of the files under `dir`, links not followed. */
function folderBytes(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) bytes += folderBytes(path);
    else if (entry.isFile()) bytes += statSync(path).size;
  }
  return bytes;
}

/** The folder Node would load `name` from, for a package living in `from`. */
function packageFolder(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** The folders of the packages `manifest` depends on, found from `from`, added to `seen` with theirs. */
function dependencyFolders(manifest: Manifest, from: string, seen: Set<string>): void {
  for (const name of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
    const folder = packageFolder(name, from);
    if (!folder || seen.has(folder)) continue;
    seen.add(folder);
    dependencyFolders(JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as Manifest, folder, seen);
  }
}

/**
 * Bytes an install of `name` (from this repository's node_modules) puts on disk, its dependencies included.
 * @example installBytes('sentiment') // 300,000 or so
 */
export function installBytes(name: string): number {
  const folder = packageFolder(name, ROOT);
  if (!folder) throw new Error(`${name} is not installed in node_modules`);
  const folders = new Set([folder]);
  dependencyFolders(JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as Manifest, folder, folders);
  // A dependency nested in the package's own node_modules is inside its folder already.
  return [...folders]
    .filter((f) => f === folder || !f.startsWith(`${folder}/`))
    .reduce((n, f) => n + folderBytes(f), 0);
}

/** sentiwasm as published (`npm pack --dry-run`'s unpacked size) with its dependencies. */
export function sentiwasmInstallBytes(): number {
  const [pack] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }),
  ) as { unpackedSize: number }[];
  const folders = new Set<string>();
  dependencyFolders(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest, ROOT, folders);
  return pack.unpackedSize + [...folders].reduce((n, f) => n + folderBytes(f), 0);
}
