// Debian's fastText 0.9.2 (`fasttext` on the PATH) as W4's and W6's peer: its supervised model
// trained with W4's recipe on the same SST-2 train file (bench/accuracy/fasttext.ts's FASTTEXT_W4:
// dim 64, bigrams in 2,000,000 buckets, 5 epochs, one thread), scored on dev, and timed
// predicting the dev sentences.
//
// Tokens/s: fastText's own "words/sec/thread" counts every token it reads, the label and the
// end-of-line token included (two per line besides the words); the figure recorded counts the
// words only, as W4 does (its rate × words / (words + 2 × lines)). Training seconds are its
// training loop's, worked out from the same rate; the process's wall time (reading, building the
// dictionary, training, writing its 0.5 GB .bin) is recorded beside it with scope "cli-command".
//
// Prediction: `fasttext predict` on the dev sentences repeated to ~100,000 lines, less the same
// command on one line (which is loading the model), so that sentences/s is prediction alone.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabelledText } from '../../src/fit/options.js';
import { FASTTEXT_W4, textForFastText } from '../accuracy/fasttext.js';
import { median } from '../record.js';

export { hasFastText } from '../accuracy/fasttext.js';

export interface FastTextW4 {
  /** Words (whitespace tokens) per second of the training loop. */
  tokensPerSecond: number;
  trainSeconds: number;
  commandSeconds: number;
  accuracy: number;
  modelBytes: number;
}

/** A temporary folder holding SST-2 as fastText reads it, and its models. */
export class FastTextRun {
  private readonly dir = mkdtempSync(join(tmpdir(), 'sentiwasm-ft-w4-'));
  private readonly words: number;
  private readonly lines: number;

  constructor(
    private readonly train: readonly LabelledText[],
    private readonly dev: readonly LabelledText[],
  ) {
    const texts = train.map((e) => textForFastText(e.text));
    writeFileSync(this.path('train.txt'), `${train.map((e, i) => `__label__${e.label} ${texts[i]}`).join('\n')}\n`);
    writeFileSync(this.path('dev.txt'), `${dev.map((e) => textForFastText(e.text)).join('\n')}\n`);
    this.words = texts.reduce((n, t) => n + (t ? t.split(' ').length : 0), 0);
    this.lines = train.length;
  }

  /** Whether trainW4 has made a model for predictionRate. */
  get hasModel(): boolean {
    return existsSync(this.path('model.bin'));
  }

  private path(name: string): string {
    return join(this.dir, name);
  }

  /** Trains W4's model with `seed` (kept as model.bin for predictionRate) and scores it on dev. */
  trainW4(seed: number): FastTextW4 {
    const t0 = performance.now();
    const r = spawnSync(
      'fasttext',
      [
        'supervised',
        '-input',
        this.path('train.txt'),
        '-output',
        this.path('model'),
        ...FASTTEXT_W4,
        '-seed',
        String(seed),
        '-verbose',
        '2',
      ],
      { encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    const commandSeconds = (performance.now() - t0) / 1000;
    if (r.status !== 0)
      throw new Error(`fasttext supervised failed (${r.status ?? r.signal}): ${r.stderr.slice(-300)}`);
    // The last progress report (they are separated by carriage returns) has the whole run's rate.
    const rates = [...r.stderr.matchAll(/words\/sec\/thread:\s*(\d+)/g)];
    if (rates.length === 0) throw new Error(`fasttext printed no words/sec/thread: ${r.stderr.slice(-300)}`);
    const counted = Number(rates.at(-1)![1]);
    const epochs = Number(FASTTEXT_W4[FASTTEXT_W4.indexOf('-epoch') + 1]);
    const tokensPerSecond = (counted * this.words) / (this.words + 2 * this.lines);
    const trainSeconds = (epochs * this.words) / tokensPerSecond;
    return {
      tokensPerSecond,
      trainSeconds,
      commandSeconds,
      accuracy: this.devAccuracy(),
      modelBytes: statSync(this.path('model.bin')).size,
    };
  }

  private devAccuracy(): number {
    const out = execFileSync('fasttext', ['predict', this.path('model.bin'), this.path('dev.txt')], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const predicted = out
      .split('\n')
      .slice(0, this.dev.length)
      .map((l) => l.trim().replace(/^__label__/, ''));
    if (predicted.length !== this.dev.length)
      throw new Error(`fasttext predicted ${predicted.length} lines for ${this.dev.length} texts`);
    return predicted.filter((p, i) => p === String(this.dev[i].label)).length / this.dev.length;
  }

  /** Sentences/s of `fasttext predict` with the last trained model (median of `runs`), loading excluded. */
  predictionRate(runs = 3): number {
    const dev = this.dev.map((e) => textForFastText(e.text));
    const repeats = Math.ceil(100_000 / dev.length);
    const many = Array.from({ length: repeats }, () => dev.join('\n')).join('\n');
    writeFileSync(this.path('many.txt'), `${many}\n`);
    writeFileSync(this.path('one.txt'), `${dev[0]}\n`);
    const time = (file: string) => {
      const t0 = performance.now();
      execFileSync('fasttext', ['predict', this.path('model.bin'), this.path(file)], {
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 1 << 28,
      });
      return (performance.now() - t0) / 1000;
    };
    const rates: number[] = [];
    for (let r = 0; r < runs; r++) {
      const load = time('one.txt');
      const all = time('many.txt');
      rates.push((repeats * dev.length - 1) / Math.max(all - load, 1e-3));
    }
    return median(rates);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
