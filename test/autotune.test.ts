// Autotune: a seeded search within a time budget whose result trains; `train --autotune`.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import '../src/index.node.js';
import { defaultCorpus } from '../src/data/corpus.js';
import { autotune, autotuneWithReport, toFlags } from '../src/tune/autotune.js';
import { train } from '../src/train/train.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const run = promisify(execFile);

describe('autotune', () => {
  const examples = defaultCorpus();

  it('a 5 s budget on the built-in corpus ends within ~8 s, and what it returns trains', async () => {
    const t0 = performance.now();
    const tuned = await autotune(examples, { budgetSeconds: 5 });
    expect((performance.now() - t0) / 1000).toBeLessThan(8);
    const model = await train(examples, tuned);
    expect(model.evaluate(examples).accuracy).toBeGreaterThan(0.8);
    model.dispose();
  }, 30_000);

  it('tries the options as given first, and chooses nothing worse by its own measure', async () => {
    const { options, score, trials } = await autotuneWithReport(examples, {
      budgetSeconds: 3,
      epochs: 5,
      metric: 'macroF1',
    });
    expect(trials[0].index).toBe(0);
    expect(trials[0].options).toMatchObject({ lr: 2, epochs: 5, dim: 64, members: 2, wordNgrams: 2 });
    if (trials[0].complete)
      expect(score).toBeGreaterThanOrEqual(trials[0].score + (options === trials[0].options ? 0 : 0.002));
    expect(options.dim! % (options.members as number)).toBe(0);
  }, 30_000);

  it('with dev data scores each candidate on it (one "fold")', async () => {
    const dev = examples.filter((_, i) => i % 5 === 0);
    const { trials } = await autotuneWithReport(
      examples.filter((_, i) => i % 5 !== 0),
      { budgetSeconds: 2, dev },
    );
    for (const t of trials) expect(t.folds).toBeLessThanOrEqual(1);
  }, 30_000);

  it('refuses a budget that is not a positive number and an unknown metric', async () => {
    await expect(autotune(examples, { budgetSeconds: 0 })).rejects.toThrow(/budgetSeconds/);
    await expect(autotune(examples, { metric: 'f2' as 'accuracy' })).rejects.toThrow(/metric/);
  });
});

describe('toFlags', () => {
  const cases: [Parameters<typeof toFlags>[0], string][] = [
    [{ lr: 1.5, epochs: 10 }, '--lr 1.5 --epochs 10'],
    [
      { subwords: [3, 6], uniqueFeatures: true, tokenizer: { negation: false } },
      '--subwords 3-6 --unique-features --no-negation',
    ],
    [{ subwords: [0, 0], uniqueFeatures: false, tokenizer: { negation: true } }, ''],
    [
      {
        dim: 96,
        members: 3,
        wordNgrams: 3,
        buckets: 1_000_000,
        featureDropout: 0.3,
        batch: 16,
        schedule: 'cosine',
        minCount: 2,
      },
      '--dim 96 --members 3 --ngrams 3 --buckets 1000000 --feature-dropout 0.3 --batch 16 --schedule cosine --min-count 2',
    ],
  ];
  for (const [options, flags] of cases)
    it(`${JSON.stringify(options)} → "${flags}"`, () => expect(toFlags(options)).toBe(flags));
});

describe('sentiwasm train --autotune', () => {
  it('searches within the budget, trains the final model and prints the settings as flags', async () => {
    if (!existsSync(CLI)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
    const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-autotune-'));
    const file = join(dir, 'corpus.csv');
    writeFileSync(
      file,
      `label,text\n${defaultCorpus()
        .map((e) => `${e.label},"${e.text.replace(/"/g, '""')}"`)
        .join('\n')}\n`,
    );
    const t0 = performance.now();
    const { stdout, stderr } = await run(
      process.execPath,
      [CLI, 'train', file, '--out', join(dir, 'm.bin'), '--autotune', '--budget', '3s', '--no-progress', '--json'],
      { maxBuffer: 64 << 20 },
    );
    expect((performance.now() - t0) / 1000).toBeLessThan(15);
    expect(stderr).toMatch(/^autotune: trial 1 /m);
    const summary = JSON.parse(stdout);
    expect(summary.autotuned).toMatch(/^--lr [\d.]+ --epochs \d+ --dim \d+ --members \d+ --ngrams \d/);
    expect(existsSync(join(dir, 'm.bin'))).toBe(true);
  }, 30_000);

  it('refuses a budget it cannot read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-autotune-'));
    const file = join(dir, 'c.csv');
    writeFileSync(file, 'label,text\npos,good\nneg,bad\n');
    const result = await run(process.execPath, [
      CLI,
      'train',
      file,
      '--out',
      join(dir, 'm.bin'),
      '--autotune',
      '--budget',
      'soon',
    ]).catch((e) => e);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--budget takes a duration such as 60s/);
  });
});
