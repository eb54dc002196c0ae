import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CsvParser,
  DataError,
  createExampleStream,
  formatDataError,
  formatFromFileName,
  parseCsv,
  parseExamplesText,
  parseJsonl,
  parseTsv,
  readExamples,
  readRecords,
  sniffFormat,
  type ChunkSource,
  type CsvRow,
  type DataRecord,
  type ExampleOptions,
} from '../src/data/index.js';
import { detectFileFormat, readExamplesFromFile, readRecordsFromFile } from '../src/data/files.node.js';
import { corpus } from './corpora.js';
import { rejectedDataError as rejected, thrownDataError as thrown } from './helpers.js';

const SST2_TRAIN = corpus('sst2');
const CHN_TRAIN = corpus('chnsenticorp');

/** The text cut into pieces of `size` UTF-16 units. */
function stringChunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** The UTF-8 bytes of the text cut into pieces of `size` bytes (multibyte characters get split). */
function byteChunks(text: string, size: number): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

function csvInChunks(text: string, size: number, options?: ConstructorParameters<typeof CsvParser>[0]): CsvRow[] {
  const p = new CsvParser(options);
  const rows: CsvRow[] = [];
  for (const c of stringChunks(text, size)) p.push(c, rows);
  return p.end(rows);
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('CSV (RFC 4180)', () => {
  it.each<[string, string, CsvRow[]]>([
    [
      'splits plain fields',
      'a,b\n1,2\n',
      [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['1', '2'] },
      ],
    ],
    ['keeps delimiters inside quoted fields', '1,"x, y"\n', [{ line: 1, fields: ['1', 'x, y'] }]],
    ['turns doubled quotes into one', '"say ""hi""",2\n', [{ line: 1, fields: ['say "hi"', '2'] }]],
    [
      'keeps newlines inside quoted fields and numbers lines where records start',
      'h1,h2\n1,"two\nlines"\n2,"three\r\nlines\nhere"\n3,end\n',
      [
        { line: 1, fields: ['h1', 'h2'] },
        { line: 2, fields: ['1', 'two\nlines'] },
        { line: 4, fields: ['2', 'three\r\nlines\nhere'] },
        { line: 7, fields: ['3', 'end'] },
      ],
    ],
    [
      'accepts CRLF line ends',
      'a,b\r\n1,2\r\n',
      [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['1', '2'] },
      ],
    ],
    [
      'accepts lone CR line ends',
      'a\r1\r2',
      [
        { line: 1, fields: ['a'] },
        { line: 2, fields: ['1'] },
        { line: 3, fields: ['2'] },
      ],
    ],
    ['drops a UTF-8 byte order mark', '\uFEFFlabel,text\n', [{ line: 1, fields: ['label', 'text'] }]],
    [
      'skips blank lines but counts them',
      'a\n\n \t\nb\n',
      [
        { line: 1, fields: ['a'] },
        { line: 4, fields: ['b'] },
      ],
    ],
    ['keeps a record whose only field is quoted and empty', '""\n', [{ line: 1, fields: [''] }]],
    ['keeps empty fields', ',,\n', [{ line: 1, fields: ['', '', ''] }]],
    [
      'reads a last line without a line break',
      'a,b\n1,2',
      [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['1', '2'] },
      ],
    ],
    ['keeps a stray quote inside an unquoted field', 'say "hi",2\n', [{ line: 1, fields: ['say "hi"', '2'] }]],
    ['keeps text after a closing quote', '"a"b,c\n', [{ line: 1, fields: ['ab', 'c'] }]],
    ['gives nothing for empty input', '', []],
  ])('%s', (_name, text, expected) => {
    expect(parseCsv(text)).toEqual(expected);
  });

  it('uses another delimiter when asked', () => {
    expect(parseCsv('a;"b;c"\n', { delimiter: ';' })).toEqual([{ line: 1, fields: ['a', 'b;c'] }]);
  });

  it('an unclosed quote is an error naming the line where it opened', () => {
    const e = thrown(() => parseCsv('a,b\n1,"open\n2,x\n', { fileName: 'f.csv' }));
    expect(e.reason).toBe('unclosed-quote');
    expect(e.line).toBe(2);
    expect(e.message).toMatch(/^f\.csv:2: a quoted field opened here is never closed/);
  });

  const tricky =
    '\uFEFFlabel,text\r\n1,"酒店 ""很好"" 😍\r\nsecond line"\r\n0,plain é\r\n\r\n1,"a,b"\n0,"x"\r1,"ends with CR\r"\r\n0,last';

  it.each([1, 2, 3, 7, 64])('gives the same records whatever the chunk size (%i units)', (size) => {
    expect(csvInChunks(tricky, size)).toEqual(parseCsv(tricky));
  });

  it.each([1, 7])('decodes UTF-8 split across %i-byte chunks, CRLF and quotes included', async (size) => {
    const whole = await collect(readRecords(tricky, { format: 'csv' }));
    const chunked = await collect(readRecords(byteChunks(tricky, size), { format: 'csv' }));
    expect(chunked).toEqual(whole);
    expect(whole.map((r) => r.line)).toEqual([2, 4, 6, 7, 8, 10]);
    expect(whole[0]!.fields.text).toBe('酒店 "很好" 😍\r\nsecond line');
  });
});

describe('TSV (no quoting)', () => {
  it.each<[string, string, CsvRow[]]>([
    [
      'splits on tabs only',
      'label\tsentence\n1\ta, b\n',
      [
        { line: 1, fields: ['label', 'sentence'] },
        { line: 2, fields: ['1', 'a, b'] },
      ],
    ],
    ['keeps quotes as text', '1\ta "fine" film\n', [{ line: 1, fields: ['1', 'a "fine" film'] }]],
    [
      'keeps an unbalanced quote on its own line',
      '0\t"unbalanced\n1\tnext\n',
      [
        { line: 1, fields: ['0', '"unbalanced'] },
        { line: 2, fields: ['1', 'next'] },
      ],
    ],
    [
      "keeps SST-2's `` and '' quotes",
      "1\t`` best man '' clone\n",
      [{ line: 1, fields: ['1', "`` best man '' clone"] }],
    ],
  ])('%s', (_name, text, expected) => {
    expect(parseTsv(text)).toEqual(expected);
  });

  it('reads quoted TSV when asked', () => {
    expect(parseTsv('1\t"a\tb"\n', { quote: '"' })).toEqual([{ line: 1, fields: ['1', 'a\tb'] }]);
  });
});

describe('JSONL', () => {
  it('skips blank lines and keeps line numbers', async () => {
    const records = await collect(
      readRecords('{"text":"a","label":1}\n\n  \r\n{"text":"b","label":0}\r\n', { format: 'jsonl' }),
    );
    expect(records).toEqual([
      { line: 1, fields: { text: 'a', label: '1' } },
      { line: 4, fields: { text: 'b', label: '0' } },
    ]);
  });

  it('turns values into strings: numbers as JSON text, null as missing, objects as JSON', async () => {
    const [r] = await collect(
      readRecords('{"a":1.0,"b":2.5e3,"c":true,"d":null,"e":[1,"x"],"f":"s"}\n', { format: 'jsonl' }),
    );
    expect(r!.fields).toEqual({ a: '1', b: '2500', c: 'true', e: '[1,"x"]', f: 's' });
  });

  it.each([
    ['a malformed line', '{"a":1}\n{"a": oops}\n', 2, 'malformed-json', /^data\.jsonl:2: malformed JSON/],
    ['a truncated last line', '{"a":1}\n\n{"a":', 3, 'malformed-json', /^data\.jsonl:3: malformed JSON/],
    [
      'an array instead of an object',
      '[1,2]\n',
      1,
      'not-an-object',
      /^data\.jsonl:1: this line holds an array, not a JSON object/,
    ],
    ['a bare number', '{"a":1}\n42\n', 2, 'not-an-object', /holds a number/],
  ])('%s is an error naming file and line', async (_name, text, line, reason, message) => {
    const e = await rejected(collect(readRecords(text, { fileName: 'data.jsonl' })));
    expect(e).toMatchObject({ file: 'data.jsonl', line, reason });
    expect(e.message).toMatch(message);
  });

  it('parseJsonl reads values in memory and throws with file and line', () => {
    expect(parseJsonl('{"a":1}\n\n{"a":2}\n')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(thrown(() => parseJsonl('{"a":1}\nnope\n', { fileName: 'x.jsonl' })).message).toMatch(/^x\.jsonl:2: /);
  });

  it('gives the same records in 1-byte and 7-byte chunks', async () => {
    const text = '{"text":"酒店很好 😍","label":"pos"}\r\n\n{"text":"line\\nbreak","label":"neg"}';
    const whole = await collect(readRecords(text, { format: 'jsonl' }));
    expect(await collect(readRecords(byteChunks(text, 1), { format: 'jsonl' }))).toEqual(whole);
    expect(await collect(readRecords(byteChunks(text, 7), { format: 'jsonl' }))).toEqual(whole);
  });
});

describe('records', () => {
  it.each([
    ['train.csv', 'csv'],
    ['TRAIN.TSV', 'tsv'],
    ['a/b.tab', 'tsv'],
    ['x.jsonl', 'jsonl'],
    ['x.ndjson', 'jsonl'],
    ['https://host/x.csv?raw=1', 'csv'],
    ['notes.txt', undefined],
    ['dir.csv/file', undefined],
  ])('format of %s is %s', (name, format) => {
    expect(formatFromFileName(name)).toBe(format);
  });

  it.each([
    ['{"a":1}\n', 'jsonl'],
    ['\uFEFF\n {"a":1}', 'jsonl'],
    ['label\tsentence\n1\ta, b', 'tsv'],
    ['label,text\n1,"a\tb"', 'csv'],
  ])('sniffs the format of %j as %s', (head, format) => {
    expect(sniffFormat(head)).toBe(format);
  });

  it('guesses the format of text without a file name, even in 1-byte chunks', async () => {
    const tsv = 'label\tsentence\n1\tgood "film"\n';
    expect(await collect(readRecords(byteChunks(tsv, 1)))).toEqual([
      { line: 2, fields: { label: '1', sentence: 'good "film"' } },
    ]);
  });

  it('names fields by the header; short rows lack the missing fields; empty extra fields are fine', async () => {
    const records = await collect(readRecords('a,b,c\n1,2,3\n4\n5,6,7,,\n', { format: 'csv' }));
    expect(records.map((r) => r.fields)).toEqual([{ a: '1', b: '2', c: '3' }, { a: '4' }, { a: '5', b: '6', c: '7' }]);
  });

  it.each([
    ['csv', 'label,text\n1,good, really\n', /header has 2. put fields that contain "," in double quotes/],
    ['tsv', 'label\ttext\n1\tgood\treally\n', /header has 2. a field may not contain a tab/],
  ])('a %s row with more fields than the header is an error', async (format, text, message) => {
    const e = await rejected(collect(readRecords(text, { format: format as 'csv' | 'tsv', fileName: 'in' })));
    expect(e).toMatchObject({ line: 2, reason: 'too-many-fields' });
    expect(e.message).toMatch(message);
  });

  it('reports bad records to onBadRecord and goes on', async () => {
    const bad: DataError[] = [];
    const records = await collect(
      readRecords('{"a":1}\nx\n{"a":2}\n', { format: 'jsonl', onBadRecord: (e) => bad.push(e) }),
    );
    expect(records.map((r) => r.line)).toEqual([1, 3]);
    expect(bad.map((e) => e.line)).toEqual([2]);
  });

  it('reads a headerless file with the columns option', async () => {
    const records = await collect(readRecords('1\tgood\n0\tbad\n', { format: 'tsv', columns: ['label', 'text'] }));
    expect(records).toEqual([
      { line: 1, fields: { label: '1', text: 'good' } },
      { line: 2, fields: { label: '0', text: 'bad' } },
    ]);
  });

  it('renames repeated and blank header names, and stores a "__proto__" column as a field', async () => {
    const [r] = await collect(readRecords('x,x,,__proto__\n1,2,3,4\n', { format: 'csv' }));
    expect(Object.keys(r!.fields)).toEqual(['x', 'x_2', 'column3', '__proto__']);
    expect(r!.fields.__proto__).toBe('4');
    expect(Object.getPrototypeOf(r!.fields)).toBe(Object.prototype);
  });

  it.each<[string, () => ChunkSource]>([
    ['a Uint8Array', () => new TextEncoder().encode('a,b\n1,2\n')],
    ['an ArrayBuffer', () => new TextEncoder().encode('a,b\n1,2\n').buffer as ArrayBuffer],
    ['a Blob', () => new Blob(['a,b\n', '1,2\n'])],
    ['a ReadableStream', () => new Blob(['a,b\n1,2\n']).stream()],
    ['an array of strings', () => ['a,', 'b\n1', ',2\n']],
  ])('reads from %s', async (_name, make) => {
    const records = await collect(readRecords(make(), { format: 'csv' }));
    expect(records).toEqual([{ line: 2, fields: { a: '1', b: '2' } }]);
  });

  it('refuses invalid UTF-8 unless told to replace it', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('a,b\n1,'), 0xff, 0x0a]);
    const e = await rejected(collect(readRecords(bytes, { format: 'csv', fileName: 'gbk.csv' })));
    expect(e.reason).toBe('bad-encoding');
    expect(e.message).toMatch(/^gbk\.csv:2: the text is not valid UTF-8 \(byte 0xff at byte offset 6\)/);
    const records = await collect(readRecords(bytes, { format: 'csv', encodingErrors: 'replace' }));
    expect(records[0]!.fields.b).toBe('\uFFFD');
  });
});

describe('examples', () => {
  it.each([
    ['label,text', 'label,text\n1,good\n', 'text', 'label'],
    ['Sentiment,Review (any case)', 'Sentiment,Review\npos,good\n', 'Review', 'Sentiment'],
    ['id,polarity,content', 'id,polarity,content\n7,1,good\n', 'content', 'polarity'],
    ['class,body', 'class,body\n1,good\n', 'body', 'class'],
    ['target,comment', 'comment,target\ngood,1\n', 'comment', 'target'],
    ['labels,sentence', 'sentence,labels\ngood,1\n', 'sentence', 'labels'],
  ])('finds the columns automatically: %s', (_name, text, textColumn, labelColumn) => {
    const { examples, report } = parseExamplesText(text, { format: 'csv' });
    expect(report).toMatchObject({ textColumn, labelColumn, read: 1 });
    expect(examples[0]!.text).toBe('good');
  });

  it('uses named columns, matching case-insensitively', () => {
    const { examples } = parseExamplesText('Stars,Opinion\n5,great\n', {
      format: 'csv',
      textColumn: 'opinion',
      labelColumn: 'STARS',
    });
    expect(examples).toEqual([{ text: 'great', label: '5', line: 2 }]);
  });

  it('an unknown column name is an error listing the columns and the option', () => {
    const e = thrown(() =>
      parseExamplesText('label,text\n1,a\n', { format: 'csv', textColumn: 'txt', fileName: 'a.csv' }),
    );
    expect(e).toMatchObject({ line: 1, reason: 'unknown-column' });
    expect(e.message).toBe(
      'a.csv:1: there is no column "txt" (the columns are "label", "text"). set textColumn to one of them',
    );
  });

  it('columns that cannot be found are an error listing the columns and the option', () => {
    const e = thrown(() => parseExamplesText('stars,words\n1,a\n', { format: 'csv', fileName: 'a.csv' }));
    expect(e.message).toMatch(
      /^a\.csv:1: cannot tell which column holds the text \(the columns are "stars", "words"\)\. name it with textColumn/,
    );
  });

  it('speaks of the options as the caller spells them', () => {
    const options: ExampleOptions = {
      format: 'csv',
      optionNames: { labelColumn: '--label-column', skipBad: '--skip-bad' },
    };
    expect(thrown(() => parseExamplesText('text,stars\na,1\n', options)).message).toMatch(
      /name it with --label-column/,
    );
    expect(thrown(() => parseExamplesText('text,label\n ,1\n', options)).message).toMatch(/pass --skip-bad to skip/);
  });

  it('columns of a JSONL file come from its first object', () => {
    const e = thrown(() => parseExamplesText('\n{"review":"a","stars":1}\n', { format: 'jsonl' }));
    expect(e.line).toBe(2);
    expect(e.message).toMatch(/the columns are "review", "stars"/);
  });

  it('trims texts and labels', () => {
    expect(parseExamplesText("label\tsentence\n 1 \tit 's fine . \n", { format: 'tsv' }).examples).toEqual([
      { text: "it 's fine .", label: '1', line: 2 },
    ]);
  });

  const bad =
    'label,text\n' + // 1
    '1,good\n' + // 2
    '1,\n' + // 3 empty text
    '0,"   "\n' + // 4 whitespace-only text
    ',orphan\n' + // 5 missing label
    'x,odd label\n' + // 6 unknown label
    '1\n' + // 7 missing text
    '0,bad\n'; // 8

  it.each([
    ['an empty text', 'label,text\n1,\n', 2, 'empty-text', /the text in column "text" is empty/],
    ['a whitespace-only text', 'label,text\n1,"  \n "\n', 2, 'empty-text', /is empty/],
    ['a missing label', 'label,text\n,a\n', 2, 'missing-label', /no label in column "label"/],
    ['a missing text column value', 'label,text\n1\n', 2, 'missing-text', /no value for column "text"/],
    [
      'a label not in allowedLabels',
      'label,text\nx,a\n',
      2,
      'unknown-label',
      /unknown label "x" \(allowed: "0", "1"\)/,
    ],
  ])('%s is a DataError naming file and line', (_name, text, line, reason, message) => {
    const e = thrown(() => parseExamplesText(text, { format: 'csv', fileName: 'f.csv', allowedLabels: ['0', '1'] }));
    expect(e).toMatchObject({ file: 'f.csv', line, reason });
    expect(e.message).toMatch(new RegExp(`^f\\.csv:${line}: .*` + message.source));
  });

  it('with skipBad, bad rows are skipped and counted by reason', () => {
    const skipped: number[] = [];
    const { examples, report } = parseExamplesText(bad, {
      format: 'csv',
      allowedLabels: ['0', '1'],
      skipBad: true,
      onSkip: (e) => skipped.push(e.line),
    });
    expect(examples).toEqual([
      { text: 'good', label: '1', line: 2 },
      { text: 'bad', label: '0', line: 8 },
    ]);
    expect(report).toMatchObject({
      read: 2,
      skipped: 5,
      reasons: { 'empty-text': 2, 'missing-label': 1, 'unknown-label': 1, 'missing-text': 1 },
    });
    expect(skipped).toEqual([3, 4, 5, 6, 7]);
  });

  it('the first bad row is reported whatever the chunk size, records and read errors in order', async () => {
    const text = 'label,text\n1,a\n1,\n1,b,c\n';
    for (const size of [1, 5, 1000]) {
      const e = await rejected(readExamples(byteChunks(text, size), { format: 'csv' }).collect());
      expect(e.line).toBe(3);
    }
  });

  it('streams with a live report, and the same through collect()', async () => {
    const stream = readExamples(byteChunks(bad, 3), { format: 'csv', skipBad: true });
    const lines: number[] = [];
    for await (const e of stream) lines.push(e.line);
    expect(lines).toEqual([2, 6, 8]);
    expect(stream.report).toMatchObject({ read: 3, skipped: 4 });
    const again = await readExamples(bad, { format: 'csv', skipBad: true }).collect();
    expect(again.report).toMatchObject({ read: 3, skipped: 4 });
  });

  it('a stream made with createExampleStream can be read twice', async () => {
    const stream = createExampleStream(() => byteChunks('label,text\n1,a\n0,b\n', 4), { format: 'csv' });
    expect((await stream.collect()).examples).toHaveLength(2);
    expect((await stream.collect()).examples).toHaveLength(2);
  });

  it.each([
    ['an empty file', '', /there is no data in it/],
    ['blank lines only', '\n \n', /there is no data in it/],
    ['a header without rows', 'label,text\n', /it has a header but no rows/],
  ])('%s is an error', (_name, text, message) => {
    const e = thrown(() => parseExamplesText(text, { format: 'csv', fileName: 'e.csv' }));
    expect(e.reason).toBe('empty-file');
    expect(e.message).toMatch(/^e\.csv: /);
    expect(e.message).toMatch(message);
  });

  it('DataError messages read FILE:LINE: problem. hint', () => {
    expect(formatDataError('a.csv', 3, 'empty text', 'fill it in')).toBe('a.csv:3: empty text. fill it in');
    expect(formatDataError('a.csv', 0, 'no data.', 'add rows')).toBe('a.csv: no data. add rows');
    const e = new DataError('a.csv', 3, 'empty text', 'fill it in', 'empty-text');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('DataError');
  });
});

describe('real data files', () => {
  it.skipIf(!SST2_TRAIN)('SST-2 train has 67,349 examples with labels 0 and 1, sentences quotes and all', async () => {
    const { examples, report } = await readExamplesFromFile(SST2_TRAIN!, { allowedLabels: ['0', '1'] }).collect();
    expect(examples).toHaveLength(67_349);
    expect(report).toMatchObject({ read: 67_349, skipped: 0, textColumn: 'sentence', labelColumn: 'label' });
    expect(examples[0]).toEqual({ text: 'hide new secretions from the parental units', label: '0', line: 2 });
    expect(examples.at(-1)!.line).toBe(67_350);
    expect(examples.some((e) => e.text.includes('``'))).toBe(true);
  });

  it.skipIf(!CHN_TRAIN)(
    'ChnSentiCorp train as delivered by name: 6,211 reviews, the one published empty left out',
    async () => {
      const { examples, report } = await readExamplesFromFile(CHN_TRAIN!).collect();
      expect(examples).toHaveLength(6_211);
      expect(report).toMatchObject({ read: 6_211, skipped: 0, textColumn: 'review', labelColumn: 'label' });
      expect(examples[0]!.text).toContain('"蔡陆线"');
    },
  );

  // The published train split holds an empty review at line 5086; the data-set manager leaves it
  // out, so the readers meet it again here, in a copy of the delivered file with it put back.
  const withEmptyReview = () => {
    const lines = readFileSync(CHN_TRAIN!, 'utf8').split('\n');
    const copy = join(mkdtempSync(join(tmpdir(), 'sentiwasm-chn-')), 'train.csv');
    writeFileSync(copy, [...lines.slice(0, 5085), '0,', ...lines.slice(5085)].join('\n'));
    return copy;
  };

  it.skipIf(!CHN_TRAIN)('ChnSentiCorp train with an empty review: an error naming line 5086', async () => {
    const file = withEmptyReview();
    const e = await rejected(readExamplesFromFile(file).collect());
    expect(e).toMatchObject({ file, line: 5086, reason: 'empty-text' });
    expect(e.message).toMatch(/train\.csv:5086: the text in column "review" is empty/);
  });

  it.skipIf(!CHN_TRAIN)(
    'ChnSentiCorp train with an empty review and skipBad: 6,211 examples, the empty review skipped and counted',
    async () => {
      const { examples, report } = await readExamplesFromFile(withEmptyReview(), { skipBad: true }).collect();
      expect(examples).toHaveLength(6_211);
      expect(report).toMatchObject({ read: 6_211, skipped: 1, reasons: { 'empty-text': 1 } });
      expect(examples[0]!.text).toContain('"蔡陆线"');
    },
  );

  it.skipIf(!CHN_TRAIN)('ChnSentiCorp records with an empty review: 6,212 rows, one per line', async () => {
    const records: DataRecord[] = await collect(readRecordsFromFile(withEmptyReview()));
    expect(records).toHaveLength(6_212);
    expect(records.find((r) => r.fields.review === '')!.line).toBe(5086);
  });

  it('a missing file is a DataError naming it', async () => {
    const e = await rejected(readExamplesFromFile('/no/such/dir/train.csv').collect());
    expect(e).toMatchObject({ file: '/no/such/dir/train.csv', line: 0, reason: 'unreadable' });
    expect(e.message).toMatch(/^\/no\/such\/dir\/train\.csv: there is no such file/);
  });

  it('a file name without a known extension is a DataError saying what to do', async () => {
    expect(() => detectFileFormat('data/notes.txt')).toThrow(/use the extension \.csv, \.tsv/);
    // A .txt file is opened to see whether it holds fastText lines; a missing one is still a DataError.
    await expect(readExamplesFromFile('data/notes.txt').collect()).rejects.toThrow(DataError);
    expect(detectFileFormat('sst2/train.tsv')).toBe('tsv');
  });
});
