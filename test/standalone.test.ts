// The repository stands alone: a user's clone has nothing beside it, so the tests, benchmarks,
// examples and scripts read corpora by data-set name (test/corpora.ts, bench/corpora.ts) and
// fixtures from test/fixtures, never a path outside the repository.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** A path that leaves the repository for the folder beside it, or names that folder's contents. */
const OUTSIDE = /\.\.\/(\.\.\/)*shared\/|shared\/(data|reference)\//;

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter(
      (d) => d.isFile() && /\.(ts|mts|js|mjs|py|sh|json|html)$/.test(d.name) && !/node_modules|dist/.test(d.parentPath),
    )
    .map((d) => relative(ROOT, join(d.parentPath, d.name)));
}

describe('the repository stands alone', () => {
  it('no test, benchmark, example or script names a path outside the repository', () => {
    const offenders = ['test', 'bench', 'examples', 'scripts'].flatMap(files).flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, i) => (OUTSIDE.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });

  it('the W1 reference has the layout test/fixtures/w1-reference.py writes', () => {
    const reference = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/w1-reference.json'), 'utf8'));
    expect(Object.keys(reference)).toEqual(['dtype', 'init', 'losses', 'grads_epoch0', 'final_predictions', 'final']);
    const parameters = ['0.weight', '0.bias', '2.weight', '2.bias'];
    for (const key of ['init', 'grads_epoch0', 'final']) expect(Object.keys(reference[key])).toEqual(parameters);
    expect(reference.losses).toHaveLength(100);
    expect(reference.final_predictions).toHaveLength(2);
  });
});
