// Where the time of a V8 CPU profile (bench/profile.ts, or `node --cpu-prof`) went: self time per function, the
// largest first, with the share of all samples; WebAssembly functions by their names in the
// module, JavaScript ones with their file. `npx tsx bench/profile-summary.ts FILE.cpuprofile... [N]`.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const top = /^\d+$/.test(args.at(-1) ?? '') ? Number(args.pop()) : 15;
if (args.length === 0) {
  process.stderr.write('usage: npx tsx bench/profile-summary.ts FILE.cpuprofile... [N]\n');
  process.exit(2);
}
// V8 names the core's functions by index ("wasm-function[8]"); the release build's text form
// (build/sentiwasm.wat, written beside the .wasm) lists them in index order, imports first.
const wasmNames = functionNames(readFileSync(new URL('../build/sentiwasm.wat', import.meta.url), 'utf8'));
// tsx's loader runs in a thread of its own, which writes a mostly idle profile too: left out.
for (const file of args) summarise(file);

/** Function index → name ("assembly/matmul/gemmAN") from the module's text form. */
function functionNames(wat: string): Map<number, string> {
  const names = new Map<number, string>();
  let index = 0;
  for (const line of wat.split('\n')) {
    const imported = /^ \(import "[^"]*" "([^"]*)" \(func /.exec(line);
    const defined = /^ \(func \$(\S+)/.exec(line);
    if (imported) names.set(index++, imported[1]);
    else if (defined) names.set(index++, defined[1].replace(/^assembly\//, ''));
  }
  return names;
}

function summarise(file: string): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Each sample's time is the delta to the next one: sum them per node.
  const selfMicros = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i + 1] ?? 0;
    selfMicros.set(profile.samples[i], (selfMicros.get(profile.samples[i]) ?? 0) + delta);
  }
  const byName = new Map<string, number>();
  // The same time by where the code lives: the core (WebAssembly), a source folder, or V8 itself.
  const byPlace = new Map<string, number>();
  let total = 0;
  for (const [id, micros] of selfMicros) {
    const { functionName: raw, url, lineNumber } = byId.get(id)!.callFrame;
    const wasmIndex = /^wasm-function\[(\d+)\]$/.exec(raw)?.[1];
    const functionName = wasmIndex === undefined ? raw : `core ${wasmNames.get(Number(wasmIndex)) ?? raw}`;
    const where = url && !url.startsWith('wasm') ? ` (${basename(url)}:${lineNumber + 1})` : '';
    const name = `${functionName || '(anonymous)'}${where}`;
    byName.set(name, (byName.get(name) ?? 0) + micros);
    const folder = /\/(src|bench)\/([^/]+)\//.exec(url);
    const place =
      wasmIndex !== undefined
        ? 'core (WebAssembly)'
        : folder
          ? `${folder[1]}/${folder[2]}`
          : raw.startsWith('(')
            ? raw
            : url.includes('node_modules')
              ? 'dependencies'
              : 'node';
    byPlace.set(place, (byPlace.get(place) ?? 0) + micros);
    total += micros;
  }
  if ((byName.get('(idle)') ?? 0) > 0.8 * total) return;
  process.stdout.write(`${basename(file)}: ${(total / 1e6).toFixed(2)} s sampled\n`);
  const share = (micros: number) => `${((100 * micros) / total).toFixed(1).padStart(5)}%`;
  process.stdout.write(
    `  by place: ${[...byPlace]
      .sort((a, b) => b[1] - a[1])
      .filter(([, m]) => m >= 0.01 * total)
      .map(([place, m]) => `${place} ${share(m).trim()}`)
      .join(', ')}\n`,
  );
  for (const [name, micros] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, top))
    process.stdout.write(`${share(micros)}  ${name}\n`);
}
