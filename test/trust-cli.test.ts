// What a user running `sentiwasm train` for hours on files they did not write must be able to
// trust, end to end through the built CLI (dist/cli/main.js) in child processes: a diverged run
// saves nothing and keeps the old model; the output path is checked before training; every
// failure is one message, never a stack trace; one enormous row does not blow up memory; a run
// killed with SIGKILL (mid-step or mid-save) resumes to the same bytes as one never killed.

import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinSplit } from '../src/index.node.js';
import { corpus } from './corpora.js';
import { cli, seededRandom } from './helpers.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const NODE_ENTRY = fileURLToPath(new URL('../dist/index.node.js', import.meta.url));
const SST2_TRAIN = corpus('sst2');
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-trust-'));

/** The first `rows` examples of SST-2's training file, as a TSV of their own. */
function sst2Head(rows: number, name: string): string {
  const lines = readFileSync(SST2_TRAIN!, 'utf8')
    .split('\n')
    .slice(0, rows + 1);
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

let small: string;
let goodModel: string;
let goodBytes: Buffer;

// A model trained on SST-2's first rows, for the tests that need one (skipped without SST-2).
beforeAll(async () => {
  if (!SST2_TRAIN) return;
  small = sst2Head(2000, 'small.tsv');
  goodModel = join(dir, 'good.bin');
  const { code } = await cli(['train', small, '--out', goodModel, '--epochs', '2', '--no-progress']);
  expect(code).toBe(0);
  goodBytes = readFileSync(goodModel);
});

describe.skipIf(!SST2_TRAIN)('a run that goes wrong never replaces a good model', () => {
  it('a diverged run (lr 50) exits non-zero naming the step, saves nothing and leaves the old model as it was', async () => {
    const { code, stderr, stdout } = await cli(['train', small, '--out', goodModel, '--lr', '50', '--no-progress']);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(
      /training diverged at .*step \d+: the loss became NaN or infinite at learning rate 50; nothing was saved\. Train again with a lower learning rate/,
    );
    expect(stdout).not.toMatch(/saved/);
    expect(Buffer.compare(readFileSync(goodModel), goodBytes)).toBe(0);
    const predicted = await cli(['predict', goodModel, 'a fine film']);
    expect(predicted.stdout).not.toMatch(/NaN/);
  });

  it.each([
    [
      'a folder that does not exist',
      () => join(dir, 'no-such-folder', 'm.bin'),
      /no-such-folder[/\\]m\.bin: cannot save the model there \(ENOENT\)\. check that the folder .*no-such-folder exists/,
    ],
    ['a folder', () => dir, /cannot save the model there \(it is a folder\)/],
  ])('--out into %s fails before training, in one message', async (_, out, message) => {
    const { code, stderr, stdout } = await cli(['train', SST2_TRAIN!, '--out', out(), '--epochs', '50']);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(message);
    // Nothing was trained: no progress line, no epoch report.
    expect(stdout + stderr).not.toMatch(/epoch|training/);
  });
});

describe('every CLI failure is one message, never a stack trace', () => {
  // A data file and a model of their own: these failures need no SST-2, only something to train on.
  let data: string;
  let modelBytes: Buffer;
  beforeAll(async () => {
    data = join(dir, 'builtin.tsv');
    writeFileSync(
      data,
      `label\ttext\n${builtinSplit()
        .train.map((e) => `${e.label}\t${e.text}`)
        .join('\n')}\n`,
    );
    const out = join(dir, 'builtin.bin');
    const { code } = await cli(['train', data, '--out', out, '--epochs', '2', '--no-progress']);
    expect(code).toBe(0);
    modelBytes = readFileSync(out);
  });
  const badModel = () => {
    const file = join(dir, 'damaged.bin');
    const bytes = Buffer.from(modelBytes);
    bytes[100] ^= 0xff;
    writeFileSync(file, bytes);
    return file;
  };
  const manyLabels = () => {
    const file = join(dir, 'many-labels.tsv');
    writeFileSync(
      file,
      `label\ttext\n${Array.from({ length: 3000 }, (_, i) => `id${i}\tsome text ${i % 7}`).join('\n')}\n`,
    );
    return file;
  };
  const cases: [string, () => string[], RegExp][] = [
    [
      'a missing data file',
      () => ['train', join(dir, 'nope.tsv'), '--out', join(dir, 'x.bin')],
      /nope\.tsv:.*there is no such file/,
    ],
    [
      'an unknown column',
      () => ['train', data, '--out', join(dir, 'x.bin'), '--text-column', 'body'],
      /there is no column "body"/,
    ],
    ['a damaged model file', () => ['predict', badModel(), 'good'], /damaged\.bin/],
    [
      'a model too big for WebAssembly memory (--dim 100000)',
      () => ['train', data, '--out', join(dir, 'x.bin'), '--dim', '100000'],
      /more than the 4 GB one can hold\. Lower dim/,
    ],
    [
      'about as many labels as rows',
      () => ['train', manyLabels(), '--out', join(dir, 'x.bin')],
      /3000 different labels among 3000 examples.*--label-column/,
    ],
    [
      '--threads 2 with checkpoints, which need one thread',
      () => ['train', data, '--out', join(dir, 'x.bin'), '--threads', '2', '--checkpoint', join(dir, 'checkpoints')],
      /checkpoints need threads 1/,
    ],
    [
      '--threads that is neither a count nor auto',
      () => ['train', data, '--out', join(dir, 'x.bin'), '--threads', 'many'],
      /--threads.*expected a positive integer or auto/,
    ],
    [
      '--resume from a folder with no checkpoint',
      () => ['train', data, '--out', join(dir, 'x.bin'), '--resume', join(dir, 'empty-checkpoints')],
      /checkpoint\.bin: cannot read the model file: there is no such file/,
    ],
    [
      'an unknown option',
      () => ['train', data, '--out', join(dir, 'x.bin'), '--learning-rate', '1'],
      /unknown option '--learning-rate'/,
    ],
  ];
  it.each(cases)('%s', async (_, args, message) => {
    const { code, stderr } = await cli(args());
    expect(code).not.toBe(0);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/^ {4}at /m);
    expect(stderr).not.toMatch(/sentiwasm: sentiwasm:/);
  });
});

describe('memory does not grow with the longest text', () => {
  it('training on a file with a 5 MB row stays under 1 GB of RSS', async () => {
    const rand = seededRandom(7);
    const words = Array.from({ length: 400 }, (_, i) => `w${i}`).concat(['good', 'bad', 'great', 'awful']);
    const parts: string[] = [];
    let length = 0;
    while (length < 5_000_000) {
      const w = words[Math.floor(rand() * words.length)];
      parts.push(w);
      length += w.length + 1;
    }
    const file = join(dir, 'long-row.tsv');
    writeFileSync(
      file,
      `label\ttext\n1\tgreat fun film\n0\tawful boring plot\n1\t${parts.join(' ')}\n0\ta dull mess\n`,
    );
    expect(statSync(file).size).toBeGreaterThan(5_000_000);
    // The library in a child of its own, so the figure is that process's peak alone.
    const script = `const { train } = await import(${JSON.stringify(NODE_ENTRY)});
      const model = await train(${JSON.stringify(file)}, { epochs: 2 });
      const p = model.predict('great fun');
      console.log(JSON.stringify({ rss: process.resourceUsage().maxRSS * 1024, label: p.label }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { maxBuffer: 1 << 20 });
    const { rss, label } = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(label).toBe('1');
    expect(rss).toBeLessThan(1024 ** 3);
  });
});

describe.skipIf(!SST2_TRAIN)('kill -9 and --resume', () => {
  let data: string;
  let whole: Buffer;
  const options = ['--epochs', '6', '--seed', '5', '--no-progress', '--json'];

  beforeAll(async () => {
    data = sst2Head(6000, 'resume.tsv');
    const out = join(dir, 'whole.bin');
    const { code } = await cli(['train', data, '--out', out, ...options]);
    expect(code).toBe(0);
    whole = readFileSync(out);
  });

  /** Starts a training run with checkpoints and kills it with SIGKILL once `when` holds. */
  function trainAndKill(args: string[], checkpoints: string, when: (saves: number) => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { stdio: 'ignore' });
      let saves = 0;
      let last = 0;
      const poll = setInterval(() => {
        const file = join(checkpoints, 'checkpoint.bin');
        if (existsSync(file)) {
          const mtime = statSync(file).mtimeMs;
          if (mtime !== last) [last, saves] = [mtime, saves + 1];
        }
        if (when(saves)) child.kill('SIGKILL');
      }, 5);
      child.on('exit', (code, signal) => {
        clearInterval(poll);
        if (signal === 'SIGKILL') resolve();
        else reject(new Error(`the run ended by itself (code ${code}) before it could be killed: make it longer`));
      });
    });
  }

  it('a run killed after some checkpoints resumes to the same model bytes as the run never killed', async () => {
    const checkpoints = join(dir, 'ckpt-once');
    const out = join(dir, 'resumed-once.bin');
    await trainAndKill(
      ['train', data, '--out', out, ...options, '--checkpoint', checkpoints, '--checkpoint-every', '500'],
      checkpoints,
      (saves) => saves >= 2,
    );
    expect(existsSync(out)).toBe(false);
    const { code, stderr } = await cli([
      'train',
      data,
      '--out',
      out,
      ...options,
      '--resume',
      checkpoints,
      '--checkpoint-every',
      '500',
    ]);
    expect(code, stderr).toBe(0);
    expect(Buffer.compare(readFileSync(out), whole), 'resumed model differs from the uninterrupted one').toBe(0);
  });

  it('killed again and again at random moments (inside saves too), each time resumed: the same bytes in the end', async () => {
    const checkpoints = join(dir, 'ckpt-many');
    const out = join(dir, 'resumed-many.bin');
    // Frequent checkpoints keep a save in flight much of the time, so some kills land inside one.
    const args = ['train', data, '--out', out, ...options, '--checkpoint-every', '300'];
    const rand = seededRandom(3);
    await trainAndKill([...args, '--checkpoint', checkpoints], checkpoints, (saves) => saves >= 3);
    for (let k = 0; k < 3; k++) {
      const wait = 300 + rand() * 300;
      const started = performance.now();
      await trainAndKill([...args, '--resume', checkpoints], checkpoints, () => performance.now() - started > wait);
    }
    // A save cut off by a kill leaves only a temporary file beside the last whole checkpoint; make one for sure.
    writeFileSync(
      join(checkpoints, 'checkpoint.bin.tmp-1-abcdef'),
      readFileSync(join(checkpoints, 'checkpoint.bin')).subarray(0, 1000),
    );
    const { code, stderr } = await cli([...args, '--resume', checkpoints]);
    expect(code, stderr).toBe(0);
    expect(Buffer.compare(readFileSync(out), whole), 'resumed model differs from the uninterrupted one').toBe(0);
    expect(readdirSync(checkpoints).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('resuming with other options is refused, naming the option', async () => {
    const checkpoints = join(dir, 'ckpt-other');
    mkdirSync(checkpoints, { recursive: true });
    await trainAndKill(
      [
        'train',
        data,
        '--out',
        join(dir, 'o.bin'),
        ...options,
        '--checkpoint',
        checkpoints,
        '--checkpoint-every',
        '200',
      ],
      checkpoints,
      (saves) => saves >= 1,
    );
    const { code, stderr } = await cli([
      'train',
      data,
      '--out',
      join(dir, 'o.bin'),
      '--epochs',
      '6',
      '--seed',
      '6',
      '--resume',
      checkpoints,
    ]);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(
      /was made with seed 5, and this run has seed 6\. resume with the options the run started with/,
    );
  });
});
