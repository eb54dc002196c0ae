// Inputs people already have: files without a header row (header: false, --no-header) and
// fastText's `__label__pos text` lines (format: 'fasttext', --format fasttext, or recognised by
// their first line), through the readers, train() in Node and the built command line.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatFromFileName,
  guessLabelColumn,
  parseExamplesText,
  parseFastTextLine,
  readExamples,
  sniffFormat,
  textWithoutFastTextLabels,
  type Example,
  type ExampleOptions,
} from '../src/data/index.js';
import { readExamplesFromFile } from '../src/data/files.node.js';
import { train } from '../src/index.node.js';
import { corpus } from './corpora.js';
import { cli, rejectedDataError as rejected, thrownDataError as thrown } from './helpers.js';

const SST2_TRAIN = corpus('sst2');
const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-inputs-'));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The text in chunks of `size` characters, to show that decisions do not depend on where chunks end. */
function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

async function readAll(source: string | string[], options: ExampleOptions): Promise<Example[]> {
  return (await readExamples(source, options).collect()).examples;
}

const TWO_ROWS = [
  ['1', 'a lovely film'],
  ['0', 'an awful film'],
];

describe('files without a header row (header: false)', () => {
  it.each<[string, string, ExampleOptions, [string, string][]]>([
    [
      'label first, CSV',
      '1,a lovely film\n0,an awful film\n',
      { format: 'csv' },
      [
        ['1', 'a lovely film'],
        ['0', 'an awful film'],
      ],
    ],
    [
      'text first, TSV',
      'a lovely film\tpos\nan awful film\tneg\n',
      { format: 'tsv' },
      [
        ['pos', 'a lovely film'],
        ['neg', 'an awful film'],
      ],
    ],
    // Labels longer than the texts: single words tell the label, not the length.
    [
      'long labels, short texts',
      'positive,so good\nnegative,so bad\n',
      { format: 'csv' },
      [
        ['positive', 'so good'],
        ['negative', 'so bad'],
      ],
    ],
    // One-word texts: the label column has half as many distinct values.
    [
      'one-word texts',
      'good,1\ngreat,1\nawful,0\ndull,0\n',
      { format: 'csv' },
      [
        ['1', 'good'],
        ['1', 'great'],
        ['0', 'awful'],
        ['0', 'dull'],
      ],
    ],
    ['format guessed', '1\ta lovely film\n0\tan awful film\n', {}, TWO_ROWS as [string, string][]],
  ])('finds the label of two unnamed columns by itself: %s', (_name, text, options, expected) => {
    const { examples } = parseExamplesText(text, { ...options, header: false });
    expect(examples.map((e) => [e.label, e.text])).toEqual(expected);
    // The first row is data: it keeps its line number.
    expect(examples[0]!.line).toBe(1);
  });

  it.each<[string, ExampleOptions, string, string]>([
    ['both by position', { textColumn: '3', labelColumn: '2' }, 'a lovely film', '1'],
    ['the text; the other of two is the label', { textColumn: '2' }, 'a lovely film', '1'],
    ['the label; the other of two is the text', { labelColumn: '1' }, 'a lovely film', '1'],
  ])('columns are named "1", "2", … by position: %s', (name, options, text, label) => {
    const data = name.startsWith('both')
      ? 'x,1,a lovely film\ny,0,an awful film\n'
      : '1,a lovely film\n0,an awful film\n';
    const { examples } = parseExamplesText(data, { format: 'csv', header: false, ...options });
    expect(examples[0]).toEqual({ text, label, line: 1 });
  });

  it.each<[string, string, ExampleOptions, RegExp]>([
    [
      'three columns, none named',
      'x,1,a lovely film\n',
      {},
      /^in\.csv:1: cannot tell which column holds the text \(the file has no header row, so its columns are numbered 1 to 3\)\. name them with textColumn N and labelColumn N$/,
    ],
    [
      'one column',
      'a lovely film\n',
      {},
      /^in\.csv:1: the file has one column, so it cannot hold both a text and a label\. give each row a label and a text/,
    ],
    [
      'a position past the last column',
      '1,a lovely film\n',
      { textColumn: '3' },
      /^in\.csv:1: there is no column "3" \(the file has no header row, so its columns are numbered 1 to 2\)\. set textColumn/,
    ],
    [
      'two columns alike',
      'good,great\nawful,dull\n',
      {},
      /^in\.csv:1: cannot tell which of the two columns holds the label .*\. name them with textColumn N and labelColumn N$/,
    ],
  ])('says what to do when the columns cannot be told: %s', (_name, text, options, message) => {
    const e = thrown(() => parseExamplesText(text, { format: 'csv', fileName: 'in.csv', header: false, ...options }));
    expect(e.reason).toBe('unknown-column');
    expect(e.message).toMatch(message);
  });

  it('a row wider than the first is an error that speaks of the first row, not of a header', () => {
    const e = thrown(() =>
      parseExamplesText('1,a lovely film\n0,awful, really\n', { format: 'csv', fileName: 'in.csv', header: false }),
    );
    expect(e).toMatchObject({ line: 2, reason: 'too-many-fields' });
    expect(e.message).toMatch(/^in\.csv:2: this row has 3 fields but the first row has 2\./);
  });

  it('header: true with columns is refused, header of another type too', () => {
    expect(() => parseExamplesText('1,a\n', { format: 'csv', header: true, columns: ['label', 'text'] })).toThrow(
      RangeError,
    );
    expect(() => parseExamplesText('1,a\n', { format: 'csv', header: 'no' as unknown as boolean })).toThrow(TypeError);
  });

  it.skipIf(!SST2_TRAIN)(
    'reads 2,500 SST-2 rows without their header the same as with it, in any chunk size, past the rows it looks at first',
    async () => {
      const lines = readFileSync(SST2_TRAIN!, 'utf8').split('\n');
      const withHeader = lines.slice(0, 2501).join('\n') + '\n';
      const without = lines.slice(1, 2501).join('\n') + '\n';
      const expected = parseExamplesText(withHeader, { format: 'tsv' }).examples.map((e) => ({
        ...e,
        line: e.line - 1,
      }));
      expect(expected).toHaveLength(2500);
      expect(parseExamplesText(without, { format: 'tsv', header: false }).examples).toEqual(expected);
      expect(await readAll(chunks(without, 997), { format: 'tsv', header: false })).toEqual(expected);
      // Fewer rows than are looked at first: decided at the end of the input.
      const short = lines.slice(1, 301).join('\n') + '\n';
      expect(await readAll(chunks(short, 1), { format: 'tsv', header: false })).toEqual(expected.slice(0, 300));
    },
  );

  it('bad rows among the first rows are skipped and counted, in order, while the label is being found', async () => {
    const text = '1,a lovely film\n0,\n1,great, really\n0,an awful film\n';
    const stream = readExamples(text, { format: 'csv', header: false, skipBad: true });
    const { examples, report } = await stream.collect();
    expect(examples.map((e) => e.line)).toEqual([1, 4]);
    expect(report).toMatchObject({
      read: 2,
      skipped: 2,
      reasons: { 'empty-text': 1, 'too-many-fields': 1 },
      textColumn: '2',
      labelColumn: '1',
    });
    const e = await rejected(readExamples(text, { format: 'csv', header: false, fileName: 'in.csv' }).collect());
    expect(e).toMatchObject({ line: 2, reason: 'empty-text' });
  });

  it('guessLabelColumn: fewer distinct values first, then single words, else undecided', () => {
    const rows = (pairs: [string, string][]) => pairs.map(([a, b], i) => ({ line: i + 1, fields: { 1: a, 2: b } }));
    expect(
      guessLabelColumn(
        ['1', '2'],
        rows([
          ['a b', '1'],
          ['c d', '1'],
          ['e f', '0'],
          ['g h', '0'],
        ]),
      ),
    ).toBe('2');
    expect(
      guessLabelColumn(
        ['1', '2'],
        rows([
          ['pos', 'fine film'],
          ['neg', 'bad film'],
        ]),
      ),
    ).toBe('1');
    expect(
      guessLabelColumn(
        ['1', '2'],
        rows([
          ['a', 'b'],
          ['c', 'd'],
        ]),
      ),
    ).toBeUndefined();
  });
});

describe('a first row that looks like data', () => {
  it.each<[string, string]>([
    // The old message for this file, without the hint, was `there is no column "1"`-like.
    ['the would-be names are numbers', '1,a lovely film\n0,an awful film\n'],
    ['a would-be name is a sentence', 'pos\tthe film is a lovely piece of work\nneg\tawful\n'],
    ['a would-be name turns up later as a value', 'pos\tlovely\nneg\tawful\npos\tgreat\n'],
  ])('the column error suggests header: false when %s', (_name, text) => {
    const e = thrown(() =>
      parseExamplesText(text, { fileName: 'in.txt', format: text.includes('\t') ? 'tsv' : 'csv' }),
    );
    expect(e.reason).toBe('unknown-column');
    expect(e.message).toMatch(
      /^in\.txt:1: cannot tell which column holds the text \(the columns are .*\)\. the first row looks like data, not like column names: if the file has no header row, pass header: false; otherwise name the column with textColumn$/,
    );
  });

  it('the hint is given as the caller spells it, and for a number given as a column name', () => {
    const options: ExampleOptions = {
      format: 'csv',
      optionNames: { header: '--no-header', textColumn: '--text-column' },
    };
    expect(thrown(() => parseExamplesText('1,a lovely film\n', options)).message).toMatch(
      /pass --no-header; otherwise name the column with --text-column$/,
    );
    expect(thrown(() => parseExamplesText('label,text\n1,a\n', { ...options, textColumn: '2' })).message).toMatch(
      /there is no column "2" \(the columns are "label", "text"\)\. set --text-column to one of them \(a number names a column by its position only in a file without a header row: --no-header\)$/,
    );
  });

  it.each<[string, string, ExampleOptions]>([
    ['a header of other names', 'stars,words\n1,a lovely film\n', { format: 'csv' }],
    ['names given with columns', '1,a lovely film\n', { format: 'csv', columns: ['stars', 'words'] }],
    ['JSON lines', '{"1":"a","2":"b"}\n', { format: 'jsonl' }],
  ])('no such hint for %s', (_name, text, options) => {
    const e = thrown(() => parseExamplesText(text, options));
    expect(e.message).toMatch(/cannot tell which column holds the text/);
    expect(e.message).not.toMatch(/looks like data/);
  });

  it('a header without data still gets its column error, with the hint when its names look like data', () => {
    expect(thrown(() => parseExamplesText('1,a lovely film\n', { format: 'csv' })).message).toMatch(/looks like data/);
    expect(thrown(() => parseExamplesText('stars,words\n', { format: 'csv' })).message).not.toMatch(/looks like data/);
  });
});

describe("fastText's format", () => {
  it.each<[string, string, { label: string; text: string }]>([
    ['a label first', '__label__pos a lovely film', { label: 'pos', text: 'a lovely film' }],
    ['a numeric label', '__label__1 a lovely film', { label: '1', text: 'a lovely film' }],
    [
      'white space around, a tab after the label',
      '  __label__neg\tan awful  film ',
      { label: 'neg', text: 'an awful  film' },
    ],
    [
      'a label last (fastText takes a label anywhere)',
      'a lovely film __label__pos',
      { label: 'pos', text: 'a lovely film' },
    ],
    [
      'the prefix inside a word is text',
      '__label__pos see my__label__ film',
      { label: 'pos', text: 'see my__label__ film' },
    ],
  ])('reads %s', (_name, line, expected) => {
    expect(parseFastTextLine(line)).toEqual(expected);
  });

  it.each<[string, string, RegExp, string]>([
    [
      'no label',
      'a lovely film',
      /^f\.txt:2: this line has no label\. in fastText's format every line holds a label word __label__NAME/,
      'missing-label',
    ],
    [
      'an empty label',
      '__label__ a lovely film',
      /^f\.txt:2: the label after __label__ is empty\. write the label right after the prefix/,
      'missing-label',
    ],
    [
      'no text',
      '__label__pos',
      /^f\.txt:2: this line has a label but no text\. write the text after the label/,
      'empty-text',
    ],
    [
      'two labels',
      '__label__pos __label__neg a film',
      /^f\.txt:2: this line has 2 labels \("__label__pos", "__label__neg"\); sentiwasm learns one label per example\. keep the one label to learn on each line/,
      'multiple-labels',
    ],
  ])('a line with %s is file:line: problem. what to do', (_name, line, message, reason) => {
    const e = thrown(() => parseExamplesText(`__label__pos fine\n${line}\n`, { fileName: 'f.txt' }));
    expect(e.message).toMatch(message);
    expect(e).toMatchObject({ line: 2, reason });
  });

  it('a line with many labels gets a short message naming the first three', () => {
    const line = Array.from({ length: 50 }, (_, i) => `__label__tag${i}`).join(' ') + ' text';
    const e = thrown(() => parseExamplesText(line, { format: 'fasttext' }));
    expect(e.message).toMatch(/this line has 50 labels \("__label__tag0", "__label__tag1", "__label__tag2", …\)/);
    expect(e.message.length).toBeLessThan(300);
  });

  it('with skipBad, bad lines are skipped and counted by reason', () => {
    const { examples, report } = parseExamplesText(
      '__label__pos good\nplain\n__label__a __label__b x\n__label__neg bad\n',
      { skipBad: true },
    );
    expect(examples).toEqual([
      { label: 'pos', text: 'good', line: 1 },
      { label: 'neg', text: 'bad', line: 4 },
    ]);
    expect(report.reasons).toEqual({ 'missing-label': 1, 'multiple-labels': 1 });
  });

  it.each<[string, string, 'fasttext' | 'csv' | 'tsv']>([
    ['a __label__ line', '__label__pos good\n', 'fasttext'],
    ['one after a byte order mark and blank lines', '\uFEFF\n\n__label__pos good\n', 'fasttext'],
    ['a tab after the label', '__label__pos\tgood\n', 'fasttext'],
    ['a header that mentions labels', 'label,text\n__label__pos,good\n', 'csv'],
  ])('sniffFormat recognises %s', (_name, head, format) => {
    expect(sniffFormat(head)).toBe(format);
  });

  it('labels come out without their prefix, line numbers count blank and CRLF lines, in any chunk size', async () => {
    const text = '\uFEFF__label__pos a lovely film\r\n\r\n__label__neg an awful film\r\n__label__pos great';
    const expected = [
      { label: 'pos', text: 'a lovely film', line: 1 },
      { label: 'neg', text: 'an awful film', line: 3 },
      { label: 'pos', text: 'great', line: 4 },
    ];
    expect(parseExamplesText(text).examples).toEqual(expected);
    expect(parseExamplesText(text, { format: 'fasttext' }).examples).toEqual(expected);
    expect(await readAll(chunks(text, 1), {})).toEqual(expected);
    expect(await readAll(chunks(text, 7), { format: 'fasttext' })).toEqual(expected);
  });

  it.each<[string, string]>([
    ['.txt', 'reviews.txt'],
    ['.train, as fastText names its files', 'cooking.train'],
    ['no extension', 'reviews'],
    ['.ft', 'reviews.ft'],
  ])('a file named with %s is read as fastText when its lines are', async (_name, name) => {
    const path = file(name, '__label__pos a lovely film\n__label__neg an awful film\n');
    const { examples } = await readExamplesFromFile(path).collect();
    expect(examples.map((e) => e.label)).toEqual(['pos', 'neg']);
  });

  it('a .txt file of other lines still asks for the format; a .ft file of other lines names the line', async () => {
    const txt = file('other.txt', 'label,text\n1,a lovely film\n');
    const e = await rejected(readExamplesFromFile(txt).collect());
    expect(e).toMatchObject({ line: 0, reason: 'unknown-format' });
    expect(e.message).toMatch(
      /cannot tell the format from the file name\. use the extension \.csv, \.tsv, .* or pass format: 'csv' \| 'tsv' \| 'jsonl' \| 'fasttext'$/,
    );
    expect(formatFromFileName('x.ft')).toBe('fasttext');
    const ft = file('other.ft', 'label,text\n');
    expect((await rejected(readExamplesFromFile(ft).collect())).message).toMatch(/other\.ft:1: this line has no label/);
  });

  it('textWithoutFastTextLabels leaves the text for prediction', () => {
    expect(textWithoutFastTextLabels('__label__pos a lovely film')).toBe('a lovely film');
    expect(textWithoutFastTextLabels('a lovely film')).toBe('a lovely film');
  });

  it('train() in Node reads a fastText file by its path; labels without the prefix', async () => {
    const lines = Array.from({ length: 20 }, (_, i) =>
      i % 2 ? '__label__neg an awful dull film' : '__label__pos a lovely moving film',
    );
    const model = await train(file('train.txt', lines.join('\n') + '\n'), { epochs: 5, seed: 1 });
    try {
      expect([...model.labels].sort()).toEqual(['neg', 'pos']);
      expect(model.predict('a lovely film').label).toBe('pos');
    } finally {
      model.dispose();
    }
  });

  it('train() takes a headerless file through readExamplesFromFile(path, { header: false })', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => (i % 2 ? '0,an awful dull film' : '1,a lovely moving film'));
    const model = await train(readExamplesFromFile(file('nh.csv', lines.join('\n') + '\n'), { header: false }), {
      epochs: 5,
      seed: 1,
    });
    try {
      expect([...model.labels].sort()).toEqual(['0', '1']);
    } finally {
      model.dispose();
    }
  });
});

describe('the command line', () => {
  const rows = Array.from({ length: 30 }, (_, i) =>
    i % 2 ? ['0', 'an awful dull film'] : ['1', 'a lovely moving film'],
  );
  const noHeader = () => file('cli-nh.csv', rows.map(([l, t]) => `${l},${t}`).join('\n') + '\n');
  const fastText = () =>
    file('cli-ft.txt', rows.map(([l, t]) => `__label__${l === '1' ? 'pos' : 'neg'} ${t}`).join('\n') + '\n');

  it('train on a file without a header fails with a hint to pass --no-header, and works with it', async () => {
    const data = noHeader();
    const before = await cli(['train', data, '--out', join(dir, 'nh.bin'), '--epochs', '2', '--no-progress']);
    expect(before.code).toBe(1);
    expect(before.stderr).toMatch(
      /cli-nh\.csv:1: cannot tell which column holds the text .* if the file has no header row, pass --no-header; otherwise name the column with --text-column$/m,
    );
    const after = await cli([
      'train',
      data,
      '--no-header',
      '--out',
      join(dir, 'nh.bin'),
      '--epochs',
      '5',
      '--no-progress',
    ]);
    expect(after.stderr).not.toMatch(/cannot tell/);
    expect(after.code).toBe(0);
    const evaluated = await cli([
      'eval',
      join(dir, 'nh.bin'),
      data,
      '--no-header',
      '--text-column',
      '2',
      '--label-column',
      '1',
      '--json',
    ]);
    expect(evaluated.code).toBe(0);
    expect(JSON.parse(evaluated.stdout).accuracy).toBe(1);
  });

  it('train and eval read fastText lines, recognised or with --format fasttext; a bad line is file:line', async () => {
    const data = fastText();
    const model = join(dir, 'ft.bin');
    const trained = await cli(['train', data, '--out', model, '--epochs', '2', '--no-progress', '--json']);
    expect(trained.code).toBe(0);
    const evaluated = await cli(['eval', model, data, '--format', 'fasttext', '--json']);
    expect(evaluated.code).toBe(0);
    expect((JSON.parse(evaluated.stdout).perClass as { label: string }[]).map((c) => c.label)).toEqual(['neg', 'pos']);
    expect((await cli(['inspect', model])).stdout).toMatch(/labels neg, pos/);
    const bad = file('cli-bad.txt', '__label__pos fine\nno label here\n');
    const failed = await cli(['eval', model, bad]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /cli-bad\.txt:2: this line has no label\. in fastText's format every line holds a label word __label__NAME/,
    );
  });
});
