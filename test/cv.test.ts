// Cross-validation: stratified seeded folds, crossValidate/compareOptions, and `sentiwasm cv`.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import '../src/index.node.js';
import { defaultCorpus } from '../src/data/corpus.js';
import { compareOptions, crossValidate, meanSd, pairedDifference, stratifiedFolds } from '../src/tune/cv.js';
import { pairCompare } from '../src/cli/cv.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const run = promisify(execFile);

async function cli(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  if (!existsSync(CLI)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { maxBuffer: 64 << 20 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

/** The built-in corpus as a CSV file. */
function corpusFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sentiwasm-cv-')), 'corpus.csv');
  writeFileSync(
    file,
    `label,text\n${defaultCorpus()
      .map((e) => `${e.label},"${e.text.replace(/"/g, '""')}"`)
      .join('\n')}\n`,
  );
  return file;
}

const repeat = (label: string, n: number) => Array.from({ length: n }, () => label);

describe('stratifiedFolds', () => {
  const cases: { name: string; labels: string[]; k: number }[] = [
    { name: 'balanced, 5 folds', labels: [...repeat('pos', 50), ...repeat('neg', 50)], k: 5 },
    { name: 'imbalanced 9:1, 5 folds', labels: [...repeat('a', 90), ...repeat('b', 10)], k: 5 },
    {
      name: 'three classes, uneven sizes, 4 folds',
      labels: [...repeat('x', 37), ...repeat('y', 22), ...repeat('z', 9)],
      k: 4,
    },
    {
      name: 'interleaved labels, 3 folds, sizes not divisible',
      labels: Array.from({ length: 101 }, (_, i) => (i % 3 === 0 ? 'p' : 'n')),
      k: 3,
    },
  ];
  for (const { name, labels, k } of cases) {
    it(`every fold holds each class in proportion (±1) and the folds partition the data: ${name}`, () => {
      const fold = stratifiedFolds(labels, k, 7);
      expect(fold.length).toBe(labels.length);
      for (const f of fold) expect(f >= 0 && f < k).toBe(true);
      const sizes = Array.from({ length: k }, (_, f) => fold.filter((x) => x === f).length);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(labels.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      for (const label of new Set(labels)) {
        const total = labels.filter((l) => l === label).length;
        for (let f = 0; f < k; f++) {
          const inFold = labels.filter((l, i) => l === label && fold[i] === f).length;
          expect(Math.abs(inFold - total / k)).toBeLessThan(1);
        }
      }
    });
  }

  it('the same seed gives the same folds, another seed others', () => {
    const labels = [...repeat('pos', 40), ...repeat('neg', 40)];
    expect(stratifiedFolds(labels, 5, 3)).toEqual(stratifiedFolds(labels, 5, 3));
    expect(stratifiedFolds(labels, 5, 3)).not.toEqual(stratifiedFolds(labels, 5, 4));
  });

  it('refuses fewer than 2 folds and more folds than examples', () => {
    expect(() => stratifiedFolds(['a', 'b'], 1, 0)).toThrow(/at least 2 folds/);
    expect(() => stratifiedFolds(['a', 'b'], 3, 0)).toThrow(/cannot make 3 folds/);
  });
});

describe('meanSd and pairedDifference', () => {
  const cases: { a: number[]; b: number[]; mean: number; se: number }[] = [
    { a: [0.8, 0.9], b: [0.8, 0.9], mean: 0, se: 0 },
    { a: [0.5, 0.5, 0.5], b: [0.6, 0.6, 0.6], mean: 0.1, se: 0 },
    { a: [0, 0, 0, 0], b: [1, -1, 1, -1], mean: 0, se: Math.sqrt(4 / 3) / 2 },
  ];
  for (const { a, b, mean, se } of cases) {
    it(`b − a of [${a}] and [${b}] is ${mean} ± ${se.toFixed(3)}`, () => {
      const d = pairedDifference(a, b);
      expect(d.mean).toBeCloseTo(mean, 12);
      expect(d.se).toBeCloseTo(se, 12);
    });
  }
  it('the sd of one value is 0', () => expect(meanSd([0.7])).toEqual({ mean: 0.7, sd: 0 }));
});

describe('crossValidate and compareOptions on the built-in corpus', () => {
  const examples = defaultCorpus();

  it('scores every fold of every seed, each fold once', async () => {
    const result = await crossValidate(examples, { folds: 3, seeds: 2 });
    expect(result.folds.map((r) => `${r.seed}:${r.fold}`)).toEqual(['0:0', '0:1', '0:2', '1:0', '1:1', '1:2']);
    expect(result.folds.reduce((s, r) => s + r.n, 0)).toBe(examples.length * 2);
    expect(result.accuracy.mean).toBeGreaterThan(0.6);
    expect(result.accuracy.sd).toBeGreaterThanOrEqual(0);
    expect(result.macroF1.mean).toBeGreaterThan(0.6);
  });

  it('comparing an option set with itself gives a difference of 0 ± 0', async () => {
    const { a, b, difference } = await compareOptions(examples, { lr: 1 }, { lr: 1 }, { folds: 3, epochs: 5 });
    expect(b.folds.map((r) => r.accuracy)).toEqual(a.folds.map((r) => r.accuracy));
    expect(difference.accuracy).toEqual({ mean: 0, se: 0 });
    expect(difference.macroF1).toEqual({ mean: 0, se: 0 });
  });
});

describe('sentiwasm cv', () => {
  const file = corpusFile();

  it('prints accuracy and macro-F1 as mean ± sd', async () => {
    const { stdout, code } = await cli(['cv', file, '--folds', '3', '--epochs', '5']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^3-fold cross-validation of .* \(504 examples\), seed 0$/m);
    expect(stdout).toMatch(/^accuracy 0\.\d{4} ± 0\.\d{4}, macro-F1 0\.\d{4} ± 0\.\d{4} \(mean ± sd over 3 folds\)$/m);
  });

  it('--json gives every fold', async () => {
    const { stdout, code } = await cli([
      'cv',
      file,
      '--folds',
      '3',
      '--seeds',
      '2',
      '--seed',
      '5',
      '--epochs',
      '5',
      '--json',
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ k: 3, seeds: [5, 6], examples: 504 });
    expect(result.folds).toHaveLength(6);
    for (const f of result.folds)
      expect(Object.keys(f).sort()).toEqual(['accuracy', 'fold', 'macroF1', 'n', 'seed', 'trainSeconds']);
    expect(Object.keys(result.accuracy).sort()).toEqual(['mean', 'sd']);
    expect(Object.keys(result.macroF1).sort()).toEqual(['mean', 'sd']);
  });

  it('--compare of a set with itself reports B − A = 0 ± 0', async () => {
    const { stdout, code } = await cli([
      'cv',
      file,
      '--folds',
      '3',
      '--epochs',
      '5',
      '--compare',
      '--lr 1 --no-negation',
      '--lr 1 --no-negation',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^B − A, paired over 3 folds: accuracy \+0\.0000 ± 0\.0000, macro-F1 \+0\.0000 ± 0\.0000/m);
  });

  it('--compare --json gives both sets and the difference', async () => {
    const { stdout, code } = await cli([
      'cv',
      file,
      '--folds',
      '3',
      '--epochs',
      '5',
      '--json',
      '--compare',
      '',
      '--no-negation',
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.a.options).toBe('');
    expect(result.b.options).toBe('--no-negation');
    expect(result.a.folds).toHaveLength(3);
    expect(result.difference.accuracy.mean).toBeCloseTo(result.b.accuracy.mean - result.a.accuracy.mean, 12);
    expect(result.difference.accuracy.se).toBeGreaterThanOrEqual(0);
  });

  it('refuses an option set it cannot read, naming it', async () => {
    const { stderr, code } = await cli(['cv', file, '--compare', '--lr 1', '--bogus 3']);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/--compare "--bogus 3": unknown option/);
  });

  it('reads --compare A B as two option sets even when B is a lone flag', () => {
    expect(pairCompare(['--compare', '--lr 1', '--no-negation', '--folds', '3'])).toEqual([
      '--compare',
      '--lr 1',
      '--compare',
      '--no-negation',
      '--folds',
      '3',
    ]);
    expect(pairCompare(['--compare', 'A', '--compare', 'B'])).toEqual(['--compare', 'A', '--compare', 'B']);
  });
});
