// `sentiwasm train` with checkpoints and Ctrl-C, end to end through the built CLI
// (dist/cli/main.js) in child processes: the interval by time or steps, the checkpoint removed
// once the model is saved (or kept), and Ctrl-C that stops at the next step and saves the best
// model so far, or quits at once when pressed twice.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinSplit } from '../src/data/corpus.js';
import { decodeModelFile } from '../src/format/model-file.js';
import { cli } from './helpers.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-checkpoint-cli-'));
let trainFile: string;
let devFile: string;

function writeTsv(name: string, rows: { text: string; label: string }[]): string {
  const file = join(dir, name);
  writeFileSync(file, `label\ttext\n${rows.map((r) => `${r.label}\t${r.text.replace(/\s+/g, ' ')}`).join('\n')}\n`);
  return file;
}

beforeAll(() => {
  const { train, dev } = builtinSplit();
  trainFile = writeTsv('train.tsv', train);
  devFile = writeTsv('dev.tsv', dev);
});

describe('--checkpoint-every', () => {
  it('--help gives the default (60s), the two forms and the cost', async () => {
    const { stdout } = await cli(['train', '--help']);
    const help = stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--checkpoint-every <time\|steps> time \(30s, 5m\) or steps \(a plain number\)/);
    expect(help).toMatch(
      /Cost: the first checkpoint, .* writes about the model file's size .* the others only what changed/,
    );
    expect(help).toMatch(/\(default: "60s"\)/);
    expect(help).toMatch(/--keep-checkpoint/);
  });

  it.each([['abc'], ['0'], ['5x'], ['-3']])('%s is refused, saying what is expected', async (every) => {
    const { code, stderr } = await cli([
      'train',
      trainFile,
      '--out',
      join(dir, 'never.bin'),
      '--checkpoint',
      join(dir, 'never'),
      `--checkpoint-every=${every}`,
    ]);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/expected a number of steps \(e\.g\. 1000\) or a time such as 60s, 5m or 1h/);
  });
});

describe('the checkpoint once the model is saved', () => {
  const args = (out: string, checkpoints: string, ...more: string[]) => [
    'train',
    trainFile,
    '--out',
    join(dir, out),
    '--epochs',
    '3',
    '--no-progress',
    '--checkpoint',
    checkpoints,
    '--checkpoint-every',
    '10',
    ...more,
  ];

  it('is removed, with the folder the run made for it', async () => {
    const checkpoints = join(dir, 'made-here');
    const { code, stderr } = await cli(args('removed.bin', checkpoints));
    expect(code, stderr).toBe(0);
    expect(existsSync(join(dir, 'removed.bin'))).toBe(true);
    expect(existsSync(checkpoints)).toBe(false);
  });

  it('is kept with --keep-checkpoint', async () => {
    const checkpoints = join(dir, 'kept');
    const { code, stderr } = await cli(args('kept.bin', checkpoints, '--keep-checkpoint'));
    expect(code, stderr).toBe(0);
    expect(readdirSync(checkpoints)).toEqual(['checkpoint.bin']);
  });

  it('by time (--checkpoint-every 1ms), a run resumed from its checkpoint ends with the same bytes', async () => {
    const checkpoints = join(dir, 'by-time');
    const whole = await cli(['train', trainFile, '--out', join(dir, 'whole.bin'), '--epochs', '3', '--no-progress']);
    expect(whole.code, whole.stderr).toBe(0);
    const first = await cli([
      ...args('first.bin', checkpoints, '--keep-checkpoint').slice(0, -3),
      '--checkpoint-every',
      '1ms',
      '--keep-checkpoint',
    ]);
    expect(first.code, first.stderr).toBe(0);
    const resumed = await cli([
      'train',
      trainFile,
      '--out',
      join(dir, 'resumed.bin'),
      '--epochs',
      '3',
      '--no-progress',
      '--resume',
      checkpoints,
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(Buffer.compare(readFileSync(join(dir, 'resumed.bin')), readFileSync(join(dir, 'whole.bin')))).toBe(0);
  });
});

/** Starts a long training run, waits for its second epoch line on stderr, then sends SIGINT `times` times, `gap` ms apart. */
function trainAndInterrupt(
  args: string[],
  times: number,
  gap = 0,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    let sent = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!sent && /epoch 2: train loss/.test(stderr)) {
        sent = true;
        for (let k = 0; k < times; k++) setTimeout(() => child.kill('SIGINT'), k * gap);
      }
    });
    child.on('exit', (code) => resolve({ code, stderr, stdout }));
  });
}

describe('Ctrl-C while training', () => {
  const long = (out: string, ...more: string[]) => [
    'train',
    trainFile,
    '--dev',
    devFile,
    '--out',
    join(dir, out),
    '--epochs',
    '100000',
    '--patience',
    '0',
    '--members',
    '1',
    '--no-progress',
    ...more,
  ];

  it('stops at the next step, saves the best model so far and says so: what, from which epoch', async () => {
    const checkpoints = join(dir, 'interrupted');
    const { code, stderr, stdout } = await trainAndInterrupt(long('best.bin', '--checkpoint', checkpoints), 1);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(
      /Ctrl-C: stopping at the next step to save the best model so far \(Ctrl-C again quits at once\)/,
    );
    const line =
      /stopped by Ctrl-C in epoch (\d+): saved the best model so far, from epoch (\d+) \(validation loss ([\d.]+)\) to .*best\.bin; --resume .*interrupted carries on from where it stopped/.exec(
        stderr,
      );
    expect(line, stderr).not.toBeNull();
    // The epoch named is the one with the lowest validation loss of those reported.
    const losses = [...stderr.matchAll(/^epoch (\d+): .*valid loss ([\d.]+)/gm)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    const best = losses.reduce((b, l) => (l[1] < b[1] ? l : b));
    expect(Number(line![2])).toBe(best[0]);
    expect(Number(line![1])).toBe(losses.length + 1);
    expect(stdout).toMatch(/saved .*best\.bin/);
    expect(decodeModelFile(readFileSync(join(dir, 'best.bin')), 'best.bin').config.arch).toBe('bag');
    // Stopped, not ended: the checkpoint stays, to carry on from.
    expect(readdirSync(checkpoints)).toEqual(['checkpoint.bin']);
  });

  it('with members, names each member and the epoch its weights come from', async () => {
    const args = long('members.bin').map((a) => (a === '1' ? '2' : a));
    const { code, stderr } = await trainAndInterrupt([...args, '--threads', '1'], 1);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(
      /stopped by Ctrl-C: saved the mean of members 1 to .*members\.bin; member 1 \(in epoch \d+\): the best model so far, from epoch \d+ \(validation loss [\d.]+\)/,
    );
  });

  it('pressed twice, quits at once without saving', async () => {
    // A wide model (about 55 MB) takes long enough to save that the second Ctrl-C comes before the save is done.
    const { code, stderr } = await trainAndInterrupt(long('never-saved.bin', '--dim', '2048'), 2, 30);
    expect(code).toBe(130);
    expect(stderr).toMatch(/Ctrl-C again: quitting without saving/);
    expect(stderr).not.toMatch(/stopped by Ctrl-C in/);
    expect(existsSync(join(dir, 'never-saved.bin'))).toBe(false);
  });
});
