// Files that are not valid UTF-8, and messages about data the user did not write: bad bytes are
// reported at their exact line and byte offset however the input is cut into chunks, replaced
// exactly where TextDecoder would replace them, or their rows skipped and counted; and no
// message quotes more than a short piece of the file.

import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DataError,
  decodeChunks,
  parseExamplesText,
  readExamples,
  readRecords,
  type ExampleOptions,
} from '../src/data/index.js';
import { quote, shorten } from '../src/data/errors.js';
import { readExamplesFromFile } from '../src/data/files.node.js';
import { cli, rejectedDataError as rejected, seededRandom } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-encoding-'));
const HINT = 'save the file as UTF-8 (for example with iconv -f GBK -t UTF-8), or use';

/** Text as UTF-8 and raw bytes (arrays of numbers), one after the other. */
function bytesOf(...parts: Array<string | number[]>): Uint8Array {
  const pieces = parts.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : Uint8Array.from(p)));
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The bytes cut at the given offsets. */
function cutAt(bytes: Uint8Array, ...cuts: number[]): Uint8Array[] {
  const edges = [0, ...cuts, bytes.length];
  return edges.slice(1).map((end, k) => bytes.slice(edges[k], end));
}

/** Every way of cutting the bytes in two, and one byte per chunk. */
function chunkings(bytes: Uint8Array): Array<[string, Uint8Array[]]> {
  const ways: Array<[string, Uint8Array[]]> = [];
  for (let at = 0; at <= bytes.length; at++) ways.push([`cut at ${at}`, cutAt(bytes, at)]);
  ways.push(['1-byte chunks', Array.from(bytes, (b) => Uint8Array.of(b))]);
  return ways;
}

async function text(chunks: Uint8Array[]): Promise<string> {
  let all = '';
  for await (const t of decodeChunks(chunks, { encodingErrors: 'replace' })) all += t;
  return all;
}

describe('a bad byte is reported at its exact line and byte offset', () => {
  // About 60 bytes a line, so that line 60,001 lies past the third 1 MB chunk.
  const rows = (n: number) =>
    Array.from({ length: n }, (_, i) => `${i % 2}\tsentence ${i + 2} , long enough to fill a line of the file\n`);

  it.each([5_001, 60_001])(
    'a bad byte on line %i of a TSV file read in 1 MB chunks is reported on that line',
    async (line) => {
      const lines = ['label\tsentence\n', ...rows(70_000)];
      const before = bytesOf(lines.slice(0, line - 1).join(''), '0\tbad ');
      const bytes = bytesOf(
        lines.slice(0, line - 1).join(''),
        '0\tbad ',
        [0xff],
        ' byte\n',
        lines.slice(line).join(''),
      );
      const file = join(dir, `bad-${line}.tsv`);
      writeFileSync(file, bytes);
      const e = await rejected(readExamplesFromFile(file).collect());
      expect(e).toMatchObject({ file, line, reason: 'bad-encoding' });
      expect(e.message).toBe(
        `${file}:${line}: the text is not valid UTF-8 (byte 0xff at byte offset ${before.length}). ${HINT} encodingErrors: "replace" or "skip"`,
      );
    },
  );

  const samples: Array<[string, Uint8Array, number, string]> = [
    ['a lone 0xff', bytesOf('label\ttext\n1\tfine 😍\n0\tb', [0xff], 'd\n1\tok\n'), 3, 'byte 0xff at byte offset 26'],
    [
      'a three-byte character cut short',
      bytesOf('label\ttext\n1\tfine\n0\tb', [0xe2, 0x82], 'd\n'),
      3,
      'bytes 0xe2 0x82 at byte offset 21',
    ],
    [
      'a four-byte character cut short',
      bytesOf('label\ttext\n1\tfine\n0\tb', [0xf0, 0x9f, 0x98], 'd\n'),
      3,
      'bytes 0xf0 0x9f 0x98 at byte offset 21',
    ],
    [
      'an encoded surrogate (0xed stands alone)',
      bytesOf('label\ttext\n1\tfine\n0\tb', [0xed, 0xa0, 0x80], '\n'),
      3,
      'byte 0xed at byte offset 21',
    ],
    ['an overlong form', bytesOf('label\ttext\n1\tfine\n0\tb', [0xc0, 0xaf], '\n'), 3, 'byte 0xc0 at byte offset 21'],
    [
      'a character cut short by the end of the file',
      bytesOf('label\ttext\n1\tfine\n0\tb', [0xe4, 0xbd]),
      3,
      'bytes 0xe4 0xbd at byte offset 21',
    ],
    ['CRLF line ends', bytesOf('label,text\r\n1,fine\r\n0,b', [0xff], '\r\n'), 3, 'byte 0xff at byte offset 23'],
    ['lone CR line ends', bytesOf('label,text\r1,fine\r', [0xff], ',b\r'), 3, 'byte 0xff at byte offset 18'],
    [
      'a quoted field over two lines (the line of the byte, not of the record)',
      bytesOf('label,text\n1,"fine\nand ', [0xff], '"\n'),
      3,
      'byte 0xff at byte offset 23',
    ],
    [
      'a file that starts with a byte order mark',
      bytesOf('\uFEFFlabel\ttext\n', [0xff], '\t1\n'),
      2,
      'byte 0xff at byte offset 14',
    ],
  ];

  it.each(samples)('%s: the same line and offset wherever the chunks are cut', async (_name, bytes, line, where) => {
    const format = bytes.includes(9) ? 'tsv' : 'csv';
    for (const [how, chunks] of chunkings(bytes)) {
      const e = await rejected(readExamples(chunks, { format, fileName: 'in' }).collect());
      expect(e.message, how).toMatch(new RegExp(`^in:${line}: the text is not valid UTF-8 \\(${where}\\)\\. `));
    }
  });

  it('rows before a bad byte are read first, so an earlier bad row is reported first', async () => {
    const bytes = bytesOf('label,text\n1,\n0,', [0xff], '\n');
    for (const [how, chunks] of chunkings(bytes)) {
      const e = await rejected(readExamples(chunks, { format: 'csv' }).collect());
      expect(e.reason, how).toBe('empty-text');
    }
  });

  it.each(['é', '酒店', '😍', '\uFEFF'])(
    'a valid character (%j) split across chunks decodes whole, wherever the cut',
    async (ch) => {
      const bytes = bytesOf(`label\ttext\n1\tfine ${ch} film\n`);
      for (const [how, chunks] of chunkings(bytes)) {
        const { examples } = await readExamples(chunks, { format: 'tsv' }).collect();
        expect(examples, how).toEqual([{ text: `fine ${ch} film`, label: '1', line: 2 }]);
      }
    },
  );

  it('decodeChunks counts lines on its own, CR LF split across chunks included', async () => {
    const bytes = bytesOf('a\r\nb\rc\n', [0xff]);
    for (const [how, chunks] of chunkings(bytes)) {
      const e = await rejected(
        (async () => {
          for await (const _ of decodeChunks(chunks, { fileName: 'x.txt' }));
        })(),
      );
      expect(e.message, how).toBe(
        `x.txt:4: the text is not valid UTF-8 (byte 0xff at byte offset 7). ${HINT} encodingErrors: "replace"`,
      );
    }
  });
});

describe("encodingErrors: 'replace' reads U+FFFD exactly where TextDecoder does", () => {
  it.each<[string, number[]]>([
    ['a lone continuation byte', [0x61, 0x80, 0x62]],
    ['bytes that never occur', [0xc0, 0xc1, 0xf5, 0xff, 0x61]],
    ['a three-byte character cut short, then ASCII', [0xe2, 0x82, 0x61]],
    ['a four-byte character cut short, then another character', [0xf0, 0x9f, 0x98, 0xc3, 0xa9]],
    ['overlong forms', [0xe0, 0x80, 0x80, 0xf0, 0x80, 0x80, 0x80]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80, 0x61]],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['the largest code point and a surrogate pair, valid', [0xf4, 0x8f, 0xbf, 0xbf, 0xf0, 0x9f, 0x98, 0x8d]],
    ['a lead byte at the end', [0x61, 0xe4]],
    ['two leads in a row', [0xe4, 0xe4, 0xbd, 0xa0]],
    ['a byte order mark at the start, and one later', [0xef, 0xbb, 0xbf, 0x61, 0xef, 0xbb, 0xbf]],
  ])('%s, however the bytes are cut', async (_name, raw) => {
    const bytes = Uint8Array.from(raw);
    const expected = new TextDecoder().decode(bytes);
    for (const [how, chunks] of chunkings(bytes)) expect(await text(chunks), how).toBe(expected);
  });

  it('random bytes cut at random places decode as TextDecoder decodes them whole', async () => {
    const random = seededRandom(9);
    // Mostly bytes that start or continue UTF-8 sequences, so that near-misses are common.
    const alphabet = [
      0x0a, 0x0d, 0x61, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc2, 0xdf, 0xe0, 0xe4, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
    ];
    for (let trial = 0; trial < 300; trial++) {
      const bytes = Uint8Array.from(
        { length: 1 + Math.floor(random() * 40) },
        () => alphabet[Math.floor(random() * alphabet.length)]!,
      );
      const cuts = [...new Set(Array.from({ length: 3 }, () => Math.floor(random() * (bytes.length + 1))))].sort(
        (a, b) => a - b,
      );
      expect(await text(cutAt(bytes, ...cuts)), `${Array.from(bytes)} cut at ${cuts}`).toBe(
        new TextDecoder().decode(bytes),
      );
    }
  });

  it('a field read with replace holds U+FFFD in place of each bad run', async () => {
    const records = [];
    for await (const r of readRecords(bytesOf('a,b\n1,x', [0xe2, 0x82], 'y', [0xff], '\n'), {
      format: 'csv',
      encodingErrors: 'replace',
    }))
      records.push(r);
    expect(records).toEqual([{ line: 2, fields: { a: '1', b: 'x\uFFFDy\uFFFD' } }]);
  });
});

describe("encodingErrors: 'skip' leaves out exactly the rows with bad bytes, and counts them", () => {
  it.each<[string, Uint8Array, ExampleOptions, number[], number[]]>([
    [
      'TSV rows',
      bytesOf(
        'label\ttext\n1\tgood\n0\tb',
        [0xff],
        'd\n1\tfine \uFFFD \u{10000} kept\n0\t',
        [0xe4, 0xbd],
        '\n1\tend\n',
      ),
      { format: 'tsv' },
      [2, 4, 6],
      [3, 5],
    ],
    [
      'a CSV record whose quoted field holds a bad byte on its second line',
      bytesOf('label,text\n1,good\n0,"two\nline', [0xff], 's"\n1,after\n'),
      { format: 'csv' },
      [2, 5],
      [3],
    ],
    [
      'JSONL lines, the bad byte in a string or outside one',
      bytesOf(
        '{"text":"good","label":1}\n{"text":"b',
        [0xff],
        'd","label":0}\n{"text":"ok","label":1}\n{"text":"x",',
        [0xff],
        '"label":0}\n',
      ),
      { format: 'jsonl' },
      [1, 3],
      [2, 4],
    ],
  ])('%s', async (_name, bytes, options, kept, skippedLines) => {
    for (const [how, chunks] of chunkings(bytes)) {
      const skipped: DataError[] = [];
      const { examples, report } = await readExamples(chunks, {
        ...options,
        encodingErrors: 'skip',
        onSkip: (e) => skipped.push(e),
      }).collect();
      expect(
        examples.map((e) => e.line),
        how,
      ).toEqual(kept);
      expect(report, how).toMatchObject({
        read: kept.length,
        skipped: skippedLines.length,
        reasons: { 'bad-encoding': skippedLines.length },
      });
      expect(
        skipped.map((e) => e.line),
        how,
      ).toEqual(skippedLines);
    }
  });

  it('random lines cut at random places: exactly the lines TextDecoder finds bad are left out, the rest read as it reads them', async () => {
    const random = seededRandom(5);
    const alphabet = [
      0x61, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc2, 0xdf, 0xe0, 0xe4, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
    ];
    for (let trial = 0; trial < 50; trial++) {
      const lines = Array.from({ length: 20 }, () =>
        Array.from({ length: 1 + Math.floor(random() * 6) }, () => alphabet[Math.floor(random() * alphabet.length)]!),
      );
      const bytes = bytesOf('text\n', ...lines.flatMap((line) => [line, '\n']));
      const decoded = lines.map((line) => new TextDecoder().decode(Uint8Array.from(line)));
      const cuts = [...new Set(Array.from({ length: 4 }, () => Math.floor(random() * (bytes.length + 1))))].sort(
        (a, b) => a - b,
      );
      const records = [];
      for await (const r of readRecords(cutAt(bytes, ...cuts), { format: 'tsv', encodingErrors: 'skip' }))
        records.push(r);
      // A line of spaces (U+00A0 is C2 A0) is blank, and no record.
      const good = decoded.flatMap((text, k) =>
        text.includes('\uFFFD') || text.trim() === '' ? [] : [{ line: k + 2, fields: { text } }],
      );
      expect(records, `${lines.map((l) => l.join(' ')).join(' | ')} cut at ${cuts}`).toEqual(good);
      const firstBad = decoded.findIndex((text) => text.includes('\uFFFD'));
      if (firstBad < 0) continue;
      const stopped = await rejected(
        (async () => {
          for await (const _ of readRecords(cutAt(bytes, ...cuts), { format: 'tsv' }));
        })(),
      );
      expect(stopped.line).toBe(firstBad + 2);
    }
  });

  it('the skipped row is told with its bad bytes and their offset', async () => {
    const skipped: string[] = [];
    await readExamples(bytesOf('label\ttext\n1\tok\n0\tb', [0xe2, 0x82], 'd\n'), {
      format: 'tsv',
      fileName: 'in.tsv',
      encodingErrors: 'skip',
      onSkip: (e) => skipped.push(e.message),
    }).collect();
    expect(skipped).toEqual([
      `in.tsv:3: the text is not valid UTF-8 (bytes 0xe2 0x82 at byte offset 19). ${HINT} encodingErrors: "replace" or "skip"`,
    ]);
  });

  it('a header with a bad byte cannot be skipped: its name reads U+FFFD', async () => {
    const bytes = bytesOf('label\ttext\u{10000}', [0xff], '\n1\tgood\n');
    const { examples } = await readExamples(bytes, {
      format: 'tsv',
      textColumn: 'text\u{10000}\uFFFD',
      encodingErrors: 'skip',
    }).collect();
    expect(examples).toEqual([{ text: 'good', label: '1', line: 2 }]);
  });

  it('other bad rows still stop the read unless skipBad is set', async () => {
    const bytes = bytesOf('label,text\n0,', [0xff], '\n1,\n');
    expect((await rejected(readExamples(bytes, { format: 'csv', encodingErrors: 'skip' }).collect())).reason).toBe(
      'empty-text',
    );
  });

  it('readRecords leaves the records out and tells onBadRecord', async () => {
    const bytes = bytesOf('a,b\n1,', [0xff], '\n2,x\n');
    const told: number[] = [];
    const lines = [];
    for await (const r of readRecords(bytes, {
      format: 'csv',
      encodingErrors: 'skip',
      onBadRecord: (e) => told.push(e.line),
    }))
      lines.push(r.line);
    expect(lines).toEqual([3]);
    expect(told).toEqual([2]);
    const quiet = [];
    for await (const r of readRecords(bytes, { format: 'csv', encodingErrors: 'skip' })) quiet.push(r.line);
    expect(quiet).toEqual([3]);
  });
});

describe('skipBad and encodingErrors together', () => {
  const bytes = bytesOf('label,text\n1,good\n0,b', [0xff], 'd\n1,\n');

  it.each<[string, ExampleOptions, string[] | string]>([
    ['skipBad alone skips rows with bad bytes too', { skipBad: true }, ['good']],
    [
      "skipBad with encodingErrors: 'replace' keeps them as U+FFFD",
      { skipBad: true, encodingErrors: 'replace' },
      ['good', 'b\uFFFDd'],
    ],
    [
      "skipBad with encodingErrors: 'throw' stops at the bad byte",
      { skipBad: true, encodingErrors: 'throw' },
      'bad-encoding',
    ],
  ])('%s', async (_name, options, expected) => {
    const read = readExamples(bytes, { format: 'csv', ...options }).collect();
    if (typeof expected === 'string') expect((await rejected(read)).reason).toBe(expected);
    else expect((await read).examples.map((e) => e.text)).toEqual(expected);
  });

  it('skipBad counts rows with bad bytes under their own reason', async () => {
    const { report } = await readExamples(bytes, { format: 'csv', skipBad: true }).collect();
    expect(report).toMatchObject({ read: 1, skipped: 2, reasons: { 'bad-encoding': 1, 'empty-text': 1 } });
  });

  it('the hint names the option as the caller spells it', async () => {
    const e = await rejected(
      readExamples(bytes, {
        format: 'csv',
        optionNames: { encodingErrors: '--encoding-errors replace|skip' },
      }).collect(),
    );
    expect(e.message).toMatch(/, or use --encoding-errors replace\|skip$/);
  });

  it('an unknown encodingErrors is refused', async () => {
    await expect(readExamples(bytes, { encodingErrors: 'ignore' as 'skip' }).collect()).rejects.toThrow(
      /^encodingErrors must be 'throw', 'replace' or 'skip', got "ignore"$/,
    );
  });
});

describe('messages quote at most a short piece of the data', () => {
  it.each([
    ['a short value whole', 'label', undefined, '"label"'],
    ['escapes as JSON', 'a\tb"c', undefined, '"a\\tb\\"c"'],
    ['a long value cut, with its length', 'x'.repeat(2_000_000), 5, '"xxxxx…" (2,000,000 characters)'],
    ['a surrogate pair never cut in half', 'ab😍cd', 3, '"ab…" (6 characters)'],
    ['escapes counted at their length', '\t\t\t\t', 5, '"\\t\\t…" (4 characters)'],
  ])('quote: %s', (_name, value, max, expected) => {
    expect(quote(value, max)).toBe(expected);
  });

  it('shorten cuts a long message from another library the same way, unquoted', () => {
    expect(shorten('abcdef', 3)).toBe('abc… (6 characters)');
    expect(shorten('ab😍', 3)).toBe('ab… (4 characters)');
    expect(shorten('short', 5)).toBe('short');
  });

  const huge = 'x'.repeat(2_000_000);
  it.each<[string, string, ExampleOptions]>([
    ['a header that is one 2 MB column', `${huge}\n1\n`, { format: 'csv' }],
    ['a 2 MB column name asked for', 'label,text\n1,a\n', { format: 'csv', textColumn: huge }],
    [
      'many long column names',
      `${Array.from({ length: 500 }, (_, i) => `${i}${huge.slice(0, 1000)}`).join(',')}\n1\n`,
      { format: 'csv' },
    ],
    ['a 2 MB label that is not allowed', `label,text\n${huge},a\n`, { format: 'csv', allowedLabels: ['0', '1'] }],
    ['a 2 MB line that is not JSON', `{"text": ${huge}}\n`, { format: 'jsonl' }],
    [
      'the text and label columns the same 2 MB name',
      `${huge}\n1\n`,
      { format: 'csv', textColumn: huge, labelColumn: huge },
    ],
  ])('%s gives a message of a few hundred characters', (_name, input, options) => {
    let message = '';
    try {
      parseExamplesText(input, { fileName: 'big.csv', ...options });
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      message = e.message;
    }
    expect(message).toMatch(/^big\.csv:\d+: /);
    expect(message.length).toBeLessThan(400);
  });

  it('the 2 MB header message shows the start of the name and its length', () => {
    const e = (() => {
      try {
        parseExamplesText(`${huge}\n1\n`, { format: 'csv', fileName: 'big.csv' });
      } catch (error) {
        return error as DataError;
      }
      throw new Error('expected a DataError');
    })();
    expect(e.message).toContain(`(the columns are "${'x'.repeat(60)}…" (2,000,000 characters))`);
  });
});

describe('the CLI', () => {
  const bad = join(dir, 'cli-bad.tsv');
  const before = bytesOf('label\tsentence\n1\tgreat fun\n0\tdull ');
  writeFileSync(bad, bytesOf('label\tsentence\n1\tgreat fun\n0\tdull ', [0xff], ' mess\n1\tgood\n0\tbad\n'));
  const stopped = `sentiwasm: ${bad}:3: the text is not valid UTF-8 (byte 0xff at byte offset ${before.length}). ${HINT} --encoding-errors replace|skip\n`;
  const skipped = `${bad}: skipped 1 bad row(s) (1 bad-encoding)\n`;

  it.each<[string, string[], number, string]>([
    ['stops at the bad byte by default', [], 1, stopped],
    ['--encoding-errors fail stops at the bad byte', ['--encoding-errors', 'fail'], 1, stopped],
    ['--encoding-errors replace reads it as U+FFFD', ['--encoding-errors', 'replace'], 0, ''],
    ['--encoding-errors skip skips its row', ['--encoding-errors', 'skip'], 0, skipped],
    ['--skip-bad alone skips its row', ['--skip-bad'], 0, skipped],
    ['--skip-bad with --encoding-errors fail stops', ['--skip-bad', '--encoding-errors', 'fail'], 1, stopped],
  ])('train %s', async (name, flags, code, stderr) => {
    const out = join(dir, `cli-${name.replace(/\W+/g, '-')}.bin`);
    const result = await cli([
      'train',
      bad,
      '--out',
      out,
      '--epochs',
      '1',
      '--dim',
      '8',
      '--no-progress',
      '--json',
      ...flags,
    ]);
    expect(result.stderr).toBe(stderr);
    expect(result.code).toBe(code);
    expect(existsSync(out)).toBe(code === 0);
  });

  it('eval takes --encoding-errors too, and refuses a mode it does not know', async () => {
    const model = join(dir, 'cli-model.bin');
    const good = join(dir, 'cli-good.tsv');
    writeFileSync(good, 'label\tsentence\n1\tgreat fun\n0\tdull mess\n1\tgood\n0\tbad\n');
    expect(
      (await cli(['train', good, '--out', model, '--epochs', '1', '--dim', '8', '--no-progress', '--json'])).code,
    ).toBe(0);
    const result = await cli(['eval', model, bad, '--encoding-errors', 'skip', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ n: 3, skipped: 1 });
    const unknown = await cli(['eval', model, bad, '--encoding-errors', 'ignore']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/Allowed choices are fail, replace, skip/);
  });

  it('a file whose header is one 2 MB column gets a short message', async () => {
    const file = join(dir, 'cli-huge.csv');
    writeFileSync(file, `${'x'.repeat(2_000_000)}\n1\n`);
    const { stderr, code } = await cli(['train', file, '--out', join(dir, 'never.bin'), '--no-progress']);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /cannot tell which column holds the text \(the columns are "x+…" \(2,000,000 characters\)\)/,
    );
    expect(stderr.length).toBeLessThan(500);
  });
});
