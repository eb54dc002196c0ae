// The command line after the first run: mistakes a user makes (a misspelt command, a bad value,
// labels that nearly match, a featurizer left with nothing) each get one line that says what
// happened and what to do, and the numbers printed mean what they say. The built CLI
// (dist/cli/main.js) in child processes, on small files written here.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayWidth } from '../src/cli/columns.js';
import { cli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-second-hour-'));
const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/w1-reference.json', import.meta.url), 'utf8'));

/** Writes `content` as dir/name and returns its path. */
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const POSITIVE = ['great fun', 'a lovely film', 'warm and wonderful', 'funny and smart', 'a delight', 'superb acting'];
const NEGATIVE = [
  'dull mess',
  'an awful film',
  'boring and long',
  'a waste of time',
  'bland and ugly',
  'terrible plot',
];

/** A TSV of `times` copies of the twelve sentences, labelled by `pos` and `neg`. */
function tsv(times: number, pos = '1', neg = '0'): string {
  const lines = ['label\tsentence'];
  for (let r = 0; r < times; r++)
    POSITIVE.forEach((p, i) => lines.push(`${pos}\t${p} ${r}`, `${neg}\t${NEGATIVE[i]} ${r}`));
  return `${lines.join('\n')}\n`;
}

describe('a usage error is one line naming the problem and the help to read', () => {
  it.each([
    [
      'a value an option refuses',
      ['train', 'x.tsv', '--out', 'x.bin', '--dim', '0'],
      /--dim.*expected a positive integer; see `sentiwasm train --help`$/,
    ],
    [
      'an unknown option',
      ['-v'],
      /^sentiwasm: unknown option '-v' \(did you mean -V, the version\?\); see `sentiwasm --help`$/,
    ],
    [
      'a misspelt command',
      ['trian', 'x.tsv'],
      /^sentiwasm: unknown command 'trian' \(did you mean train\?\); see `sentiwasm --help`$/,
    ],
    [
      'a misspelt subcommand',
      ['demo', 'sed'],
      /unknown command 'sed' \(did you mean seed\?\); see `sentiwasm demo --help`$/,
    ],
  ])('%s', async (_, args, message) => {
    const { stderr, stdout, code } = await cli(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr.trimEnd()).toMatch(message);
  });

  it('--help and --version still succeed', async () => {
    expect((await cli(['train', '--help'])).code).toBe(0);
    expect((await cli(['--version'])).code).toBe(0);
  });
});

describe('sentiwasm demo seed with no arguments', () => {
  it('starts from the PyTorch weights it ships, and prints PyTorch’s losses', async () => {
    const { stdout, code } = await cli(['demo', 'seed', '--json']);
    expect(code).toBe(0);
    const { losses } = JSON.parse(stdout);
    expect(losses).toHaveLength(100);
    losses.forEach((l: number, i: number) => expect(Math.abs(l - FIXTURE.losses[i]), `epoch ${i}`).toBeLessThan(1e-6));
    const text = await cli(['demo', 'seed']);
    expect(text.stdout).toMatch(/^Epoch \[100\/100\], Loss: 0\.6692$/m);
  });

  it('--init FILE still reads a file, and --seed draws other weights', async () => {
    const init = file('init.json', JSON.stringify({ init: FIXTURE.init }));
    const fromFile = JSON.parse((await cli(['demo', 'seed', '--init', init, '--json'])).stdout);
    expect(fromFile.losses[0]).toBeCloseTo(FIXTURE.losses[0], 6);
    const seeded = JSON.parse((await cli(['demo', 'seed', '--seed', '3', '--json'])).stdout);
    expect(Math.abs(seeded.losses[0] - FIXTURE.losses[0])).toBeGreaterThan(1e-4);
  });

  it('the help names no file outside the package', async () => {
    expect((await cli(['demo', 'seed', '--help'])).stdout).not.toContain('shared/reference');
  });
});

/** Trains on `data` with `flags` (one epoch unless given), the model into dir/name.bin. */
function train(data: string, name: string, flags: string[] = []) {
  const out = join(dir, `${name}.bin`);
  const epochs = flags.includes('--epochs') ? [] : ['--epochs', '1'];
  return cli(['train', data, '--out', out, '--no-progress', ...epochs, ...flags]).then((r) => ({ ...r, out }));
}

describe('warnings for likely mistakes: one line each, in --json, errors with --strict', () => {
  const spelled = () => {
    const lines = ['label\tsentence'];
    POSITIVE.forEach((p, i) => lines.push(`Positive\t${p}`, `positive\t${p} too`, `negative\t${NEGATIVE[i]}`));
    return file('spelled.tsv', `${lines.join('\n')}\n`);
  };

  it('labels spelled two ways are named on one line of standard error and in --json', async () => {
    const { code, stderr, stdout } = await train(spelled(), 'spelled', ['--json']);
    expect(code).toBe(0);
    const lines = stderr.split('\n').filter((l) => l.startsWith('warning: labels'));
    expect(lines).toEqual([
      'warning: labels that look like one spelled differently: "Positive", "positive". Each is a class of its own: if they mean the same, write them alike in the data',
    ]);
    expect(JSON.parse(stdout).warnings).toEqual([lines[0].slice('warning: '.length)]);
  });

  it('--strict makes the warning an error, and nothing is saved', async () => {
    const { code, stderr, out } = await train(spelled(), 'strict', ['--strict']);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^sentiwasm: labels that look like one spelled differently: .*--strict makes it an error\)$/m,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('a run without likely mistakes has an empty "warnings"', async () => {
    const { code, stdout } = await train(file('clean.tsv', tsv(3)), 'clean', ['--json', '--strict']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).warnings).toEqual([]);
  });

  it('a --min-count that leaves no feature at all is an error, saving nothing', async () => {
    const { code, stderr, out } = await train(file('mc.tsv', tsv(3)), 'mc', ['--min-count', '100000', '--ngrams', '1']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/no training text has a feature left: minCount 100000 keeps none of the \d+ distinct words/);
    expect(stderr).toMatch(/the most frequent is seen 12 times\).*Lower minCount \(--min-count\) to at most 12$/m);
    expect(existsSync(out)).toBe(false);
  });

  it('a class with very few examples next to a large one is named', async () => {
    const lines = [tsv(10).trimEnd(), 'neutral\tit was a film', 'neutral\tsome film'];
    const { code, stderr } = await train(file('rare.tsv', `${lines.join('\n')}\n`), 'rare');
    expect(code).toBe(0);
    expect(stderr).toMatch(/^warning: labels with very few examples next to the largest \(60\): "neutral" \(2\)\./m);
  });

  it('more than a quarter of the rows skipped or held out is a warning that counts both', async () => {
    const lines = [tsv(1).trimEnd(), ...Array.from({ length: 4 }, () => '1\t'), ''];
    const { code, stderr } = await train(file('lossy.tsv', lines.join('\n')), 'lossy', [
      '--skip-bad',
      '--validation-split',
      '0.25',
    ]);
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /^warning: training uses 9 of the 16 rows \(3 held out for validation, 4 skipped as unusable\)\./m,
    );
    expect(stderr.match(/warning: training uses/g)).toHaveLength(1);
  });
});

describe('--threads is at most the cores there are', () => {
  it('a count above them is cut to them, with a one-line note', async () => {
    const cores = availableParallelism();
    const { code, stderr, stdout } = await train(file('threads.tsv', tsv(3)), 'threads', [
      '--threads',
      String(cores + 5),
      '--arch',
      'mlp',
      '--json',
    ]);
    expect(code).toBe(0);
    expect(stderr).toContain(`note: --threads ${cores + 5}: there are ${cores} cores here; using ${cores}\n`);
    expect(JSON.parse(stdout).threads).toBeLessThanOrEqual(cores);
  });
});

describe('--validation-split', () => {
  it('reports the examples trained on, not those read, and evaluates on those held out', async () => {
    const { code, stdout } = await train(file('split.tsv', tsv(10)), 'split', ['--validation-split', '0.2']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^trained on 96 examples \(24 more held out for validation\) \(0, 1\)/m);
    expect(stdout).toMatch(/^on the 24 examples held out:$/m);
    expect(stdout).toMatch(/^examples\s+24$/m);
    expect(stdout).toMatch(/^accuracy\s+\d\.\d+$/m);
    const json = JSON.parse(
      (await train(join(dir, 'split.tsv'), 'split-json', ['--validation-split', '0.2', '--json'])).stdout,
    );
    expect([json.examples, json.heldOut, json.dev.n]).toEqual([96, 24, 24]);
  });
});

describe('messages that point the right way', () => {
  it('a tab-separated file named .csv is told to use --format tsv', async () => {
    const { code, stderr } = await train(file('tabs.csv', tsv(1)), 'tabs');
    expect(code).toBe(1);
    expect(stderr).toMatch(/tabs\.csv:1: the header row is one column holding tabs .*pass --format tsv/);
  });

  it('a learning rate that diverges gets a sensible smaller one suggested, written readably', async () => {
    const { code, stderr } = await train(file('lr.tsv', tsv(3)), 'lr', ['--lr', '1e9']);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /at learning rate 1e9; nothing was saved\. Train again with a lower learning rate \(e\.g\. lr 2\)/,
    );
  });

  it('a checkpoint is called a checkpoint', async () => {
    const empty = join(dir, 'no-checkpoint');
    const { code, stderr } = await train(file('ck.tsv', tsv(1)), 'ck', ['--resume', empty]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/checkpoint\.bin: cannot read the checkpoint: there is no such file/);
  });

  it('an attention model is "an attention model"', async () => {
    const { code, out } = await train(file('att.tsv', tsv(2)), 'att', [
      '--arch',
      'attention',
      '--dim',
      '8',
      '--heads',
      '2',
      '--ff',
      '8',
    ]);
    expect(code).toBe(0);
    expect((await cli(['inspect', out])).stdout).toMatch(/: an attention model /);
  });

  it('--autotune with a budget too short to compare anything says so', async () => {
    const { code, stderr, stdout } = await train(file('tune.tsv', tsv(3)), 'tune', [
      '--autotune',
      '--budget',
      '0.01s',
      '--json',
    ]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^warning: --budget 0\.01s was too short to search: .*Give --budget \d+s or more$/m);
    expect(JSON.parse(stdout).warnings.some((w: string) => w.startsWith('--budget 0.01s was too short'))).toBe(true);
  });

  it('cv --help does not offer --quantize, which means nothing there', async () => {
    const { stdout } = await cli(['cv', '--help']);
    expect(stdout).toContain('--folds');
    expect(stdout).not.toContain('--quantize');
  });
});

describe('similar and start rank words by centred cosine', () => {
  it('similar: words only, centred unless --raw, and one line saying what the numbers are', async () => {
    const lines = ['label\tsentence'];
    for (let r = 0; r < 6; r++)
      POSITIVE.forEach((p, i) => lines.push(`1\t${p} ! great ${r}`, `0\t${NEGATIVE[i]} , awful ${r}`));
    const { out } = await train(file('similar.tsv', `${lines.join('\n')}\n`), 'similar', ['--epochs', '5']);
    const centred = await cli(['similar', out, 'great', '-k', '200']);
    expect(centred.stderr.trim()).toMatch(
      /^cosine similarity of the word vectors once the mean vector of all words is taken out: 1 the same direction, 0 unrelated, −1 opposite/,
    );
    const words = centred.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t')[1]);
    expect(words.length).toBeGreaterThan(20);
    expect(words.filter((w) => !/[\p{L}\p{N}]/u.test(w))).toEqual([]);
    const raw = await cli(['nearest', out, 'great', '-k', '200', '--raw', '--json']);
    const rawList: { word: string; similarity: number }[] = JSON.parse(raw.stdout);
    const centredList: { word: string; similarity: number }[] = JSON.parse(
      (await cli(['similar', out, 'great', '-k', '200', '--json'])).stdout,
    );
    expect(rawList.map((n) => n.word).sort()).toEqual(centredList.map((n) => n.word).sort());
    expect(rawList.map((n) => n.similarity)).not.toEqual(centredList.map((n) => n.similarity));
  });

  it('start says what its neighbour numbers mean, and lists no particles or punctuation', async () => {
    const { code, stdout } = await cli(['start']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\(cosine similarity of the word vectors once the mean vector of all words is taken out/m);
    for (const line of stdout.split('\n').filter((l) => l.startsWith('nearest to')))
      for (const item of line.replace(/^nearest to "[^"]+": /, '').split(', '))
        expect(item).toMatch(/^[\p{L}\p{N}][^ ]* -?\d\.\d{3}$/u);
  });
});

describe('a damaged checkpoint', () => {
  it('is called a checkpoint, and the hint does not tell to save "the model" again', async () => {
    const { out } = await train(file('damaged-ck.tsv', tsv(2)), 'damaged-ck-source');
    const folder = join(dir, 'damaged-ck');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'checkpoint.bin'), readFileSync(out).subarray(0, 300));
    const { code, stderr } = await train(join(dir, 'damaged-ck.tsv'), 'damaged-ck', ['--resume', folder]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^sentiwasm: the checkpoint: truncated .*save it again, or copy/m);
    expect(stderr).not.toMatch(/the model/);
  });
});

describe('explain lines its columns up by screen width', () => {
  it('every contribution ends in the same column, for English and Chinese tokens, positive and negative', async () => {
    const lines = ['label\tsentence'];
    for (let r = 0; r < 6; r++)
      POSITIVE.forEach((p, i) => lines.push(`1\t${p} 很好 ${r}`, `0\t${NEGATIVE[i]} 糟糕透顶 ${r}`));
    const { out } = await train(file('explain.tsv', `${lines.join('\n')}\n`), 'explain', ['--epochs', '5']);
    const { stdout, code } = await cli(['explain', out, 'a lovely film 很好 but 糟糕透顶 and dull']);
    expect(code).toBe(0);
    const rows = stdout.split('\n').slice(1).filter(Boolean);
    const contributions = rows.map((row) => /-?\d+\.\d{3}/.exec(row)!);
    expect(contributions.some((m) => m[0].startsWith('-'))).toBe(true);
    expect(contributions.some((m) => !m[0].startsWith('-'))).toBe(true);
    expect(rows.some((row) => /[很糟]/.test(row))).toBe(true);
    const ends = rows.map((row, i) => displayWidth(row.slice(0, contributions[i].index + contributions[i][0].length)));
    expect(new Set(ends).size).toBe(1);
  });
});
