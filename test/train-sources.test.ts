// train() takes examples in memory, a stream from a reader, or a file path/URL (in Node).

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readExamplesFromFile, train } from '../src/index.node.js';

const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-sources-'));
const csv = join(dir, 'reviews.csv');
const rows = ['label,review'];
for (let i = 0; i < 20; i++) rows.push(`pos,"great, lovely film number ${i}"`, `neg,"awful, boring film number ${i}"`);
writeFileSync(csv, `${rows.join('\r\n')}\r\n`);

describe('train() reads its examples from', () => {
  it.each([
    ['a path', () => csv],
    ['a file: URL', () => pathToFileURL(csv)],
    ['a reader stream', () => readExamplesFromFile(csv)],
  ])('%s', async (_, source) => {
    const model = await train(source() as never, { epochs: 10, seed: 3 });
    expect(model.labels).toEqual(['neg', 'pos']);
    expect(model.predict('what a lovely, great film').label).toBe('pos');
    expect(model.predict('boring and awful').label).toBe('neg');
    model.dispose();
  });

  it('a bad row in a file stops training with the file and line', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'label,review\npos,fine\nneg,\n');
    await expect(train(bad)).rejects.toThrow(/bad\.csv:3: /);
  });
});
