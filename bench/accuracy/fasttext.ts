// Debian's fastText 0.9.2 (`fasttext` on the PATH) as the peer: its supervised model trained and
// scored on the same split as sentiwasm, in the same session. fastText splits on whitespace only;
// what it is given is said in textForFastText.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTokenizer } from '../../src/text/tokenize.js';
import type { LabelledText } from '../../src/fit/options.js';

/** W4's recipe in fastText's words (its Debian build has -seed; -thread 1 makes it reproducible). */
export const FASTTEXT_W4 = ['-dim', '64', '-wordNgrams', '2', '-bucket', '2000000', '-epoch', '5', '-thread', '1'];

/** Whether a `fasttext` binary runs here. */
export function hasFastText(): boolean {
  const r = spawnSync('fasttext', [], { stdio: 'ignore' });
  return r.error === undefined;
}

const cjkTokenizer = createTokenizer({ negation: false });
const CJK = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]/u;

/**
 * The text as fastText gets it, on one line. Text with no Chinese or Japanese in it is passed as
 * it is, whitespace runs made one space (SST-2 comes lowercased and tokenised already, which is
 * how the fastText figures were made). Text with Chinese or Japanese, which fastText
 * cannot cut into words, is cut by sentiwasm's tokeniser (Intl.Segmenter words, lowercased, no
 * negation marks) and joined by spaces.
 */
export function textForFastText(text: string): string {
  if (CJK.test(text)) return cjkTokenizer(text).join(' ');
  return text.split(/\s+/).filter(Boolean).join(' ');
}

/** Trains fastText on `train` with `seed` and returns its accuracy on `test`, and the seconds training took. */
export function fastTextAccuracy(
  train: readonly LabelledText[],
  test: readonly LabelledText[],
  seed: number,
  extra: string[] = [],
): { accuracy: number; trainSeconds: number } {
  const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-ft-'));
  try {
    const line = (e: LabelledText) => `__label__${e.label} ${textForFastText(e.text)}`;
    writeFileSync(join(dir, 'train.txt'), `${train.map(line).join('\n')}\n`);
    writeFileSync(join(dir, 'test.txt'), `${test.map((e) => textForFastText(e.text)).join('\n')}\n`);
    const t0 = performance.now();
    execFileSync(
      'fasttext',
      [
        'supervised',
        '-input',
        join(dir, 'train.txt'),
        '-output',
        join(dir, 'model'),
        ...FASTTEXT_W4,
        '-seed',
        String(seed),
        '-verbose',
        '0',
        ...extra,
      ],
      { stdio: 'ignore' },
    );
    const trainSeconds = (performance.now() - t0) / 1000;
    const out = execFileSync('fasttext', ['predict', join(dir, 'model.bin'), join(dir, 'test.txt')], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    const predicted = out
      .split('\n')
      .slice(0, test.length)
      .map((l) => l.trim().replace(/^__label__/, ''));
    if (predicted.length !== test.length)
      throw new Error(`fasttext predicted ${predicted.length} lines for ${test.length} texts`);
    let correct = 0;
    for (let i = 0; i < test.length; i++) if (predicted[i] === String(test[i].label)) correct++;
    return { accuracy: correct / test.length, trainSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
