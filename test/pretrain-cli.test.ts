// `sentiwasm pretrain` and `train --init` as a user runs them: plain lines or a labelled file in,
// an encoder file out; a classifier fine-tuned from it predicts; the encoder file itself, a
// damaged one and a mismatched architecture are each refused in one line.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-pretrain-'));
const rows = Array.from({ length: 120 }, (_, i) =>
  i % 2 ? ['1', `a lovely warm film , truly great ${i % 7}`] : ['0', `a dull cold film , truly awful ${i % 5}`],
);
const lines = join(dir, 'texts.txt');
const labelled = join(dir, 'train.tsv');
writeFileSync(lines, rows.map((r) => r[1]).join('\n'));
writeFileSync(labelled, ['label\tsentence', ...rows.map((r) => r.join('\t'))].join('\n'));
const encoder = join(dir, 'encoder.bin');
const sizes = ['--dim', '16', '--heads', '2', '--ff', '32', '--max-len', '16'];

describe('sentiwasm pretrain and train --init', () => {
  it('pretrains on plain lines, and on a labelled file whose labels it ignores, to the same vocabulary', async () => {
    const fromLines = await cli(['pretrain', lines, '--out', encoder, '--epochs', '2', ...sizes]);
    expect(fromLines.code, fromLines.stderr).toBe(0);
    expect(fromLines.stdout).toMatch(/saved .*encoder\.bin .*a pretrained encoder of 17 words/);
    expect(fromLines.stderr).toMatch(/epoch 2: masked-word loss \d/);
    const other = join(dir, 'from-tsv.bin');
    const fromTsv = await cli(['pretrain', labelled, '--out', other, '--epochs', '2', ...sizes]);
    expect(fromTsv.code, fromTsv.stderr).toBe(0);
    expect(readFileSync(other).equals(readFileSync(encoder))).toBe(true);
  });

  it('fine-tunes from the encoder; the encoder itself, a damaged one and another architecture are refused', async () => {
    const model = join(dir, 'model.bin');
    const trained = await cli([
      'train',
      labelled,
      '--arch',
      'attention',
      '--init',
      encoder,
      '--out',
      model,
      '--epochs',
      '2',
      '--no-progress',
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    expect((await cli(['predict', model, 'a lovely film'])).code).toBe(0);
    const predicted = await cli(['predict', encoder, 'a lovely film']);
    expect(predicted.code).toBe(1);
    expect(predicted.stderr.trim()).toMatch(
      /^sentiwasm: .*encoder\.bin: holds a pretrained encoder, which has no classes and cannot predict\. Fine-tune it first: sentiwasm train DATA --arch attention --init .*encoder\.bin$/,
    );
    const damaged = join(dir, 'damaged.bin');
    const bytes = readFileSync(encoder);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(damaged, bytes);
    const refused = await cli(['train', labelled, '--arch', 'attention', '--init', damaged, '--out', model]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/damaged\.bin: .*damaged|checksum/);
    const bag = await cli(['train', labelled, '--init', encoder, '--out', model]);
    expect(bag.stderr).toMatch(/init starts an attention model .*arch is "bag"/);
  });
});
