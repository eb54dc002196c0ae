// docs/benchmarks.md's table is generated from bench/results/ (scripts/benchmarks-table.ts): a
// result added, changed or removed without `npm run bench:table` fails here, and so does a result
// file that is not in the benchmark script's record format.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  benchmarksTable,
  formatParams,
  formatValue,
  PAGE,
  parseResultFile,
  readResults,
  withTable,
} from '../scripts/benchmarks-table.js';

const valid = {
  date: '2026-12-01',
  commit: '238842a',
  command: 'npm run bench -- --only W4',
  notes: 'one run',
  records: [{ workload: 'W4', system: 'sentiwasm', threads: 1, metric: 'seconds', value: 1.61 }],
};

describe('bench/results and docs/benchmarks.md', () => {
  it('docs/benchmarks.md holds the table generated from bench/results (else: npm run bench:table)', () => {
    const page = readFileSync(PAGE, 'utf8');
    expect(page, 'docs/benchmarks.md is out of date with bench/results/: run `npm run bench:table`').toBe(
      withTable(page, benchmarksTable(readResults())),
    );
  });

  it('every result file is one dated run of records in the benchmark format', () => {
    const files = readResults();
    expect(files.length).toBeGreaterThan(0);
    for (const run of files) expect(run.file.startsWith(run.date)).toBe(true);
  });

  it.each([
    ['a date that is not YYYY-MM-DD', { date: '1 December' }, /"date" must be YYYY-MM-DD/],
    ['a file named after another date', { date: '2026-11-30' }, /must start with its date/],
    ['no commit', { commit: 'HEAD' }, /"commit" must be a commit hash/],
    ['no records', { records: [] }, /"records" must be a non-empty array/],
    ['an unknown metric', { records: [{ ...valid.records[0], metric: 'ms' }] }, /record 1: "metric" must be one of/],
    ['a value that is not a number', { records: [{ ...valid.records[0], value: '1.6' }] }, /"value" must be a number/],
    ['no threads', { records: [{ ...valid.records[0], threads: 0 }] }, /"threads" must be a whole number/],
  ])('a result file with %s is refused, naming the file', (_, change, message) => {
    const text = JSON.stringify({ ...valid, ...change });
    expect(() => parseResultFile('2026-12-01-w4.json', text)).toThrow(message);
    expect(() => parseResultFile('2026-12-01-w4.json', text)).toThrow(/^bench\/results\/2026-12-01-w4\.json: /);
  });

  it.each([
    [117867, '117,867'],
    [1960000, '1,960,000'],
    [0.8257, '0.8257'],
    [0.0066, '0.0066'],
    [5.451, '5.451'],
    [1234.5, '1,235'],
  ])('formatValue(%s) is %s', (value, shown) => {
    expect(formatValue(value)).toBe(shown);
  });

  it('a table row gives the params as key-value pairs and escapes pipes', () => {
    expect(formatParams({ n: 256, build: 'fma' })).toBe('n 256, build fma');
    const table = benchmarksTable([
      parseResultFile(
        '2026-12-01-w4.json',
        JSON.stringify({ ...valid, records: [{ ...valid.records[0], params: { scope: 'a|b' } }] }),
      ),
    ]);
    expect(table).toContain('| W4 | sentiwasm | 1 | scope a\\|b | seconds | 1.61 |');
  });
});
