// Fuzz cases and their oracles, shared by the bounded, seeded fuzz test that runs in CI
// (test/fuzz.test.ts) and the longer fuzz script (scripts/fuzz.ts), so that a case the script
// finds can be replayed in a test by its seed and number.
//
// What must hold for every input, however broken:
// - the readers, the tokeniser, the featurizer and the model loader return, or throw the
//   library's own error (DataError, ModelFileError) naming the file (and, for a data row, its
//   line); never another exception, never a hang;
// - a model file is refused whole or loaded whole: once loaded it predicts finite
//   probabilities that sum to 1, explains, and saves again.
// Each oracle returns the list of what it saw go wrong (empty when all held), so the test can
// expect [] and the script can count and print them.

import { DataError } from '../src/data/errors.js';
import { parseExamplesText, readExamples, type ExampleOptions } from '../src/data/examples.js';
import type { DataFormat } from '../src/data/formats.js';
import { readRecords } from '../src/data/records.js';
import { crc32 } from '../src/format/crc32.js';
import { loadModel } from '../src/index.node.js';
import { decodeModelFile, encodeModelFile, ModelFileError, type ModelFileContents } from '../src/format/model-file.js';
import type { FeatureOptions } from '../src/text/feature-options.js';
import { Featurizer } from '../src/text/features.js';
import { makeTokenizer, type TokenizerOptions } from '../src/text/tokenize.js';
import type { TextClassifier } from '../src/classifier/classifier.js';
import { textRows } from '../src/text/text-rows.js';

// ---------------------------------------------------------------------------------------------
// Random numbers

/** mulberry32 with the helpers a fuzzer needs; each case gets its own, so it replays alone. */
export class FuzzRandom {
  private a: number;

  constructor(seed: number) {
    this.a = seed >>> 0;
  }

  /** The generator of case `k` of a run with this seed. @example FuzzRandom.forCase(1, 17).int(10) */
  static forCase(seed: number, k: number): FuzzRandom {
    return new FuzzRandom(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(k + 1, 0xc2b2ae35));
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }

  /** Mostly small sizes, now and then a large one: where parsers' edge cases live. */
  size(max: number): number {
    return this.chance(0.8) ? this.int(Math.min(max, 40) + 1) : this.int(max + 1);
  }
}

const utf8 = new TextEncoder();
// As the readers decode: invalid bytes become U+FFFD, a leading byte order mark is dropped.
const lenient = new TextDecoder('utf-8', { fatal: false });

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A value in a message, cut short. */
function show(value: unknown, max = 120): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}

function describeError(error: unknown): string {
  return error instanceof Error
    ? `${error.constructor.name}: ${show(error.message, 300)}`
    : `a thrown ${typeof error} ${show(error)}`;
}

// ---------------------------------------------------------------------------------------------
// Data files: CSV, TSV, JSONL

/** Pieces that parsers of delimited text and JSON treat specially, and some that they should not. */
export const DATA_SOUP: readonly string[] = [
  '"',
  '""',
  '"""',
  ',',
  ';',
  '\t',
  '\r',
  '\n',
  '\r\n',
  '\n\r',
  '\uFEFF',
  '\0',
  ' ',
  '  ',
  '\\',
  '\\"',
  "'",
  '{',
  '}',
  '[',
  ']',
  ':',
  '"label"',
  '"text"',
  'label',
  'text',
  'sentence',
  'review',
  '1',
  '0',
  '-1',
  'pos',
  'neg',
  'é',
  '好',
  '😀',
  '\u2028',
  '\u0085',
  'null',
  'true',
  '1e400',
  '-0',
  '{"text":"a","label":"b"}',
  '{"text":',
  '__proto__',
  'constructor',
];

/** Byte sequences that are not UTF-8: stray continuation, overlong, cut short, surrogate, beyond U+10FFFF. */
export const BAD_UTF8: readonly (readonly number[])[] = [
  [0xff],
  [0xfe],
  [0x80],
  [0xbf],
  [0xc0, 0x80],
  [0xc1, 0xbf],
  [0xe4, 0xb8],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf0, 0x9f],
  [0xc3],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
];

const WORDS = [
  'good',
  'bad',
  'not',
  'film',
  'great',
  'awful',
  'loved',
  'it',
  "didn't",
  'é',
  '好',
  '😀',
  'a,b',
  'say "hi"',
  'line\nbreak',
  'tab\there',
  ' ',
  '',
];
const LABELS = ['0', '1', 'pos', 'neg', ' pos ', '', '2', 'neutral'];

function soupText(r: FuzzRandom, pieces: number): string {
  let s = '';
  for (let i = 0; i < pieces; i++) s += r.pick(DATA_SOUP);
  return s;
}

function randomText(r: FuzzRandom): string {
  const n = r.int(6);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(r.chance(0.1) ? soupText(r, 1 + r.int(3)) : r.pick(WORDS));
  return words.join(' ');
}

/** A JSON value of any kind, nested a little: what a JSONL line may hold. */
export function randomJsonValue(r: FuzzRandom, depth = 0): unknown {
  const kind = r.int(depth > 3 ? 6 : 9);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.pick([0, -1, 1.5, 1e21, -0, 2 ** 53 + 1, 1e-7]);
    case 3:
      return r.pick(LABELS);
    case 4:
      return randomText(r);
    case 5:
      return soupText(r, r.int(4));
    case 6:
      return Array.from({ length: r.int(4) }, () => randomJsonValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      const keys = ['text', 'label', 'sentence', 'sentiment', 'x', '', '__proto__', 'Text', 'LABEL'];
      for (let i = r.int(4); i > 0; i--) o[r.pick(keys)] = randomJsonValue(r, depth + 1);
      return o;
    }
  }
}

function csvField(value: string, quote: string): string {
  return quote !== '' && /[",;\r\n'\t]/.test(value) ? quote + value.split(quote).join(quote + quote) + quote : value;
}

/** A well-formed file of the format, to be mutated: most bugs sit just off the valid path. */
function validFile(r: FuzzRandom, format: DataFormat, options: ExampleOptions): string {
  const rows = r.size(12);
  const lines: string[] = [];
  const nl = r.pick(['\n', '\r\n', '\r']);
  if (format === 'jsonl') {
    for (let i = 0; i < rows; i++) {
      const row: Record<string, unknown> = { text: randomText(r), label: r.pick(LABELS) };
      if (r.chance(0.2)) row.extra = randomJsonValue(r);
      lines.push(JSON.stringify(row));
    }
    return lines.join(r.pick(['\n', '\r\n'])) + (r.chance(0.7) ? '\n' : '');
  }
  const sep = options.delimiter ?? (format === 'tsv' ? '\t' : ',');
  const quote = options.quote === null ? '' : (options.quote ?? (format === 'tsv' ? '' : '"'));
  const clean = (s: string) =>
    quote === ''
      ? s
          .replace(/[\t\r\n]/g, ' ')
          .split(sep)
          .join(' ')
      : s;
  if (options.columns === undefined) lines.push(r.chance(0.5) ? `label${sep}text` : `text${sep}label${sep}id`);
  for (let i = 0; i < rows; i++) {
    const fields = [csvField(clean(r.pick(LABELS)), quote), csvField(clean(randomText(r)), quote)];
    if (r.chance(0.2)) fields.push(String(i));
    lines.push(fields.join(sep));
  }
  return lines.join(nl) + (r.chance(0.7) ? nl : '');
}

/** One random change to the bytes of a file: cut, flipped bit, bad UTF-8, a range removed or repeated, soup. */
export function mutateBytes(r: FuzzRandom, bytes: Uint8Array): { bytes: Uint8Array; what: string } {
  const at = r.int(bytes.length + 1);
  switch (r.int(6)) {
    case 0:
      return { bytes: bytes.slice(0, at), what: `cut at ${at}` };
    case 1: {
      if (bytes.length === 0) return { bytes, what: 'nothing to flip' };
      const out = bytes.slice();
      const i = Math.min(at, bytes.length - 1);
      const bit = r.int(8);
      out[i]! ^= 1 << bit;
      return { bytes: out, what: `bit ${bit} of byte ${i} flipped` };
    }
    case 2: {
      const bad = r.pick(BAD_UTF8);
      return {
        bytes: concat([bytes.subarray(0, at), Uint8Array.from(bad), bytes.subarray(at)]),
        what: `bad UTF-8 ${bad.map((b) => b.toString(16)).join(' ')} at ${at}`,
      };
    }
    case 3: {
      const end = Math.min(bytes.length, at + r.size(20));
      return { bytes: concat([bytes.subarray(0, at), bytes.subarray(end)]), what: `bytes ${at} to ${end} removed` };
    }
    case 4: {
      const end = Math.min(bytes.length, at + r.size(20));
      return {
        bytes: concat([bytes.subarray(0, end), bytes.subarray(at, end), bytes.subarray(end)]),
        what: `bytes ${at} to ${end} repeated`,
      };
    }
    default: {
      const soup = soupText(r, 1 + r.int(4));
      return {
        bytes: concat([bytes.subarray(0, at), utf8.encode(soup), bytes.subarray(at)]),
        what: `${show(soup)} inserted at ${at}`,
      };
    }
  }
}

/** The bytes cut into chunks at random places: inside characters, between CR and LF, inside quotes. */
export function cutChunks(r: FuzzRandom, bytes: Uint8Array): Uint8Array[] {
  if (bytes.length > 0 && bytes.length < 200 && r.chance(0.2)) return Array.from(bytes, (b) => Uint8Array.of(b));
  const cuts = new Set<number>();
  for (let i = r.int(8); i > 0; i--) cuts.add(r.int(bytes.length + 1));
  const points = [0, ...[...cuts].sort((a, b) => a - b), bytes.length];
  const chunks: Uint8Array[] = [];
  for (let i = 1; i < points.length; i++) chunks.push(bytes.subarray(points[i - 1], points[i]));
  if (r.chance(0.2)) chunks.splice(r.int(chunks.length + 1), 0, new Uint8Array(0)); // an empty chunk too
  return chunks;
}

export interface DataCase {
  /** How the case was made, to tell cases apart in a report. */
  name: string;
  bytes: Uint8Array;
  options: ExampleOptions & { fileName: string };
  /** The same bytes, cut at random places. */
  chunks: Uint8Array[];
}

/** A random data file with random reader options: random bytes, soup, a valid file mutated, JSON values per line. */
export function dataCase(r: FuzzRandom): DataCase {
  const format = r.pick<DataFormat | undefined>([undefined, 'csv', 'tsv', 'jsonl']);
  const ext = format === undefined ? r.pick(['', '.txt', '.csv', '.tsv', '.jsonl']) : r.chance(0.5) ? `.${format}` : '';
  const options: ExampleOptions & { fileName: string } = { fileName: `fuzz${ext}` };
  if (format !== undefined && r.chance(0.7)) options.format = format;
  if (r.chance(0.4)) options.skipBad = true;
  if (r.chance(0.4)) options.encodingErrors = 'replace';
  if (r.chance(0.15)) options.allowedLabels = ['0', '1', 'pos', 'neg'];
  if (r.chance(0.1)) options.columns = ['label', 'text'];
  if (r.chance(0.1)) options.textColumn = r.pick(['text', 'sentence', 'TEXT', 'nope']);
  if (r.chance(0.1)) options.labelColumn = r.pick(['label', 'sentiment', 'nope']);
  if (format === 'csv' && r.chance(0.15)) options.delimiter = ';';
  if ((format === 'csv' || format === 'tsv') && r.chance(0.15)) options.quote = r.pick([null, "'", '"']);
  const kind = r.int(4);
  let bytes: Uint8Array;
  let name: string;
  if (kind === 0) {
    bytes = r.bytes(r.size(300));
    name = `${bytes.length} random bytes`;
  } else if (kind === 1) {
    bytes = utf8.encode(soupText(r, r.size(80)));
    name = 'soup';
  } else if (kind === 2) {
    bytes = utf8.encode(validFile(r, format ?? 'csv', options));
    const changes: string[] = [];
    for (let i = r.int(4); i > 0; i--) {
      const m = mutateBytes(r, bytes);
      bytes = m.bytes;
      changes.push(m.what);
    }
    name = `a ${format ?? 'csv'} file${changes.length ? `, ${changes.join(', ')}` : ''}`;
  } else {
    const lines = Array.from({ length: r.size(15) }, () =>
      r.chance(0.1) ? soupText(r, 2) : (JSON.stringify(randomJsonValue(r)) ?? ''),
    );
    bytes = utf8.encode(lines.join(r.pick(['\n', '\r\n'])));
    name = 'JSON values, one per line';
  }
  if (r.chance(0.1)) bytes = concat([Uint8Array.of(0xef, 0xbb, 0xbf), bytes]);
  return { name, bytes, options, chunks: cutChunks(r, bytes) };
}

/** Files every reader must handle, given in full (not random). */
export function fixedDataCases(): { name: string; text: string; options: ExampleOptions & { fileName: string } }[] {
  const csv = { fileName: 'fixed.csv' };
  const jsonl = { fileName: 'fixed.jsonl' };
  return [
    { name: 'an empty file', text: '', options: csv },
    { name: 'an empty file, format guessed', text: '', options: { fileName: 'fixed' } },
    { name: 'only a byte order mark', text: '\uFEFF', options: csv },
    { name: 'only blank lines', text: '\n\r\n \n\t\n', options: csv },
    { name: 'a header only', text: 'label,text\n', options: csv },
    { name: 'a header only, no line break', text: 'label,text', options: csv },
    { name: 'a TSV header only', text: 'label\tsentence\n', options: { fileName: 'fixed.tsv' } },
    { name: 'a NUL byte', text: '\0', options: csv },
    { name: 'NULs in fields', text: 'label,text\n\0,\0\n1,a\0b\n', options: csv },
    { name: 'an unclosed quote', text: 'label,text\n1,"never closed\n2,ok\n', options: csv },
    { name: 'a quote closed at the very end', text: 'label,text\n1,"a\n""b"""', options: csv },
    { name: 'CR only line breaks', text: 'label,text\r1,a\r0,b\r', options: csv },
    { name: 'an empty JSONL object', text: '{}\n', options: jsonl },
    { name: 'JSONL that is one string', text: '"text"\n', options: jsonl },
    { name: 'JSONL with null fields', text: '{"text":null,"label":null}\n', options: jsonl },
    { name: 'JSONL cut inside a string', text: '{"text":"abc', options: jsonl },
    { name: 'a JSONL line of U+2028', text: '{"text":"a\u2028b","label":"1"}\n', options: jsonl },
    { name: 'quotes, CRs, LFs, BOMs and NULs', text: '\uFEFF"\r\n"\0"\uFEFF\r""\n,\r\r\n"', options: csv },
  ];
}

/** A data error as the readers must throw it: a DataError naming the file, with a line where the problem has one. */
export function dataErrorProblem(error: unknown, fileName: string): string | undefined {
  if (!(error instanceof DataError)) return `threw ${describeError(error)}, not a DataError`;
  if (error.file !== fileName) return `a DataError about ${show(error.file)}, not ${show(fileName)}`;
  if (!error.message.startsWith(fileName))
    return `a DataError whose message does not start with the file name: ${show(error.message)}`;
  if (!Number.isInteger(error.line) || error.line < 0) return `a DataError with line ${error.line}`;
  const rowLevel = [
    'malformed-json',
    'not-an-object',
    'too-many-fields',
    'unclosed-quote',
    'missing-text',
    'empty-text',
    'missing-label',
    'unknown-label',
  ];
  if (rowLevel.includes(error.reason) && error.line < 1)
    return `a ${error.reason} DataError without a line: ${show(error.message)}`;
  return undefined;
}

type Read = { examples: unknown[]; report: unknown } | { error: unknown };

function same(a: Read, b: Read): boolean {
  if ('error' in a || 'error' in b)
    return 'error' in a && 'error' in b && String((a.error as Error)?.message) === String((b.error as Error)?.message);
  return JSON.stringify(a) === JSON.stringify(b);
}

function summary(read: Read): string {
  return 'error' in read ? describeError(read.error) : show(JSON.stringify(read), 300);
}

/** What holds of examples read from any file: non-empty trimmed text and label, lines rising. */
function examplesProblem(read: Read): string | undefined {
  if ('error' in read) return undefined;
  let line = 0;
  for (const e of read.examples as { text: string; label: string; line: number }[]) {
    if (typeof e.text !== 'string' || e.text.length === 0 || e.text !== e.text.trim())
      return `an example with text ${show(e.text)}`;
    if (typeof e.label !== 'string' || e.label.length === 0 || e.label !== e.label.trim())
      return `an example with label ${show(e.label)}`;
    if (!(e.line > line)) return `example lines do not rise: ${e.line} after ${line}`;
    line = e.line;
  }
  return undefined;
}

async function attempt(
  run: () => Promise<{ examples: unknown[]; report: unknown }> | { examples: unknown[]; report: unknown },
): Promise<Read> {
  try {
    return await run();
  } catch (error) {
    return { error };
  }
}

/**
 * Reads a data case every way there is (text in memory, bytes in one chunk, bytes in random
 * chunks, records alone) and checks each ending, and that the chunks do not change the result.
 */
export async function checkDataCase(c: DataCase): Promise<{ problems: string[] }> {
  const problems: string[] = [];
  const { fileName } = c.options;
  const text = lenient.decode(c.bytes);
  const inMemory = await attempt(() => parseExamplesText(text, c.options));
  const whole = await attempt(() => readExamples(c.bytes, c.options).collect());
  const chunked = await attempt(() => readExamples(c.chunks, c.options).collect());
  const records: unknown[] = [];
  let recordError: unknown;
  try {
    for await (const record of readRecords(c.chunks, { ...c.options, onBadRecord: (e) => records.push(e) }))
      records.push(record);
  } catch (error) {
    recordError = error;
  }
  for (const [how, read] of [
    ['parseExamplesText', inMemory],
    ['readExamples (one chunk)', whole],
    ['readExamples (chunks)', chunked],
  ] as const) {
    const problem = 'error' in read ? dataErrorProblem(read.error, fileName) : examplesProblem(read);
    if (problem !== undefined) problems.push(`${how}: ${problem}`);
  }
  if (recordError !== undefined) {
    const problem = dataErrorProblem(recordError, fileName);
    if (problem !== undefined) problems.push(`readRecords: ${problem}`);
  }
  for (const r of records) {
    if (r instanceof Error) {
      const problem = dataErrorProblem(r, fileName);
      if (problem !== undefined) problems.push(`readRecords onBadRecord: ${problem}`);
    }
  }
  // Where the chunks are cut must never change what is read. Text in memory must read as the
  // bytes do when they are UTF-8, or when bad bytes are read as U+FFFD (as the text was decoded);
  // otherwise the readers stop at them or skip their rows, which text cannot show.
  if (!same(whole, chunked)) {
    problems.push(`the chunks changed the result: one chunk gave ${summary(whole)}, chunks gave ${summary(chunked)}`);
  }
  if ((isUtf8(c.bytes) || c.options.encodingErrors === 'replace') && !same(whole, inMemory)) {
    problems.push(`bytes and text differ: bytes gave ${summary(whole)}, text gave ${summary(inMemory)}`);
  }
  return { problems };
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Text: the tokeniser and the featurizer

/** Characters and strings the tokeniser treats specially, from every script it handles. */
export const TEXT_SOUP: readonly string[] = [
  'a',
  'b',
  'x',
  'd',
  'n',
  't',
  'A',
  'I',
  'U',
  'S',
  'w',
  'h',
  '1',
  '3',
  '.',
  ',',
  ':',
  ';',
  '!',
  '?',
  '-',
  '_',
  '#',
  '@',
  '<',
  '>',
  '=',
  '^',
  '*',
  '/',
  '\\',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r',
  "'",
  '’',
  '`',
  '"',
  '“',
  '«',
  '(',
  ')',
  '[',
  ']',
  '$',
  '%',
  '\0',
  '\x7f',
  '\uFEFF',
  '\u200D',
  '\u200B',
  '\u00A0',
  'é',
  'e\u0301',
  'İ',
  'ß',
  'ﬁ',
  '…',
  'Ａ',
  '好',
  '不',
  '酒店',
  'の',
  'カ',
  'ー',
  '한',
  '국',
  'ก',
  'ไ',
  'ລ',
  'ក',
  'မ',
  'ℹ',
  '😀',
  '👍🏽',
  '🇫🇷',
  '1️⃣',
  '👨‍👩‍👧',
  '\uD800',
  '\uDC00',
  '\uDBFF\uDFFF',
  '\u0301',
  '\u2028',
  'http://',
  'https://',
  'www.',
  "n't",
  "'s",
  'xd',
  ':)',
  ':-(',
  '<3',
  '^_^',
  'T_T',
  '-lrb-',
  '-RRB-',
  'mr.',
  'u.s.',
  'e.g.',
  '...',
  '--',
  'cannot',
  'dont',
  'not',
  'never',
  'NOT_',
  '3.5',
  '1,000',
  "'70s",
  '#tag',
  '@user',
];

/** Random text from TEXT_SOUP, now and then a long run of one piece (where backtracking hides). */
export function fuzzText(r: FuzzRandom, maxPieces = 60): string {
  let s = '';
  for (let i = r.size(maxPieces); i > 0; i--) {
    const piece = r.pick(TEXT_SOUP);
    s += r.chance(0.05) ? piece.repeat(1 + r.int(300)) : piece;
  }
  return s;
}

/** A line of at least `chars` characters of fuzzText, with no line break in it. */
export function longLine(r: FuzzRandom, chars: number): string {
  const parts: string[] = [];
  let n = 0;
  while (n < chars) {
    const piece = fuzzText(r, 200).replace(/[\r\n\u2028\u2029\u0085]/g, ' ');
    parts.push(piece);
    n += piece.length;
  }
  return parts.join('');
}

/** Long runs of one pattern that once made the tokeniser's regexes backtrack (time quadratic in the length). */
export function pathologicalTexts(n: number): { name: string; text: string }[] {
  return [
    { name: 'letter-dot pairs ending in a letter', text: 'a.'.repeat(n) + 'b' },
    { name: 'non-ASCII letter-dot pairs ending in a letter', text: 'é.'.repeat(n) + 'b' },
    { name: 'letter-dot pairs after a URL', text: 'http://x ' + 'a.'.repeat(n) + 'b' },
    { name: 'a URL of dots ending in a letter', text: 'http://' + '.'.repeat(n) + 'x' },
    { name: 'a URL of commas and brackets', text: 'www.' + ',)'.repeat(n) + 'x' },
    { name: 'digits and separators', text: '1.'.repeat(n) + 'x' },
    { name: 'apostrophes', text: "a'".repeat(n) },
    { name: 'clitics', text: 'a' + "'s".repeat(n) },
    { name: 'dashes and letters', text: 'a-'.repeat(n) + '-' },
    { name: "spaced n't", text: 'n' + ' '.repeat(n) + "'x" },
    { name: 'emoji modifiers', text: '👍' + '🏽'.repeat(n) },
    { name: 'zero-width joiners', text: '👨' + '\u200D👩'.repeat(n) },
    { name: 'combining marks', text: 'e' + '\u0301'.repeat(n) },
    { name: 'colons', text: ':'.repeat(n) + 'p' },
    { name: 'hash signs', text: '#'.repeat(n) + 'a' },
    { name: 'Han', text: '好'.repeat(n) },
  ];
}

/** Tokeniser option sets: all the valid combinations that change its path. */
export function tokenizerOptions(r: FuzzRandom): TokenizerOptions {
  const options: TokenizerOptions = {};
  if (r.chance(0.3)) options.lowercase = r.chance(0.5);
  if (r.chance(0.2)) options.mode = r.pick(['word', 'char'] as const);
  if (r.chance(0.2)) options.cjk = r.pick(['word', 'char'] as const);
  if (r.chance(0.2)) options.locale = r.pick(['tr', 'ja', 'zh', 'th', 'en-US', 'ko']);
  if (r.chance(0.4)) options.negation = r.chance(0.5);
  if (r.chance(0.3)) options.normalize = r.chance(0.5);
  return options;
}

/** Feature option sets: n-gram lengths, subwords, unique features; all valid. */
export function featureOptions(r: FuzzRandom): FeatureOptions {
  return {
    tokenizer: tokenizerOptions(r),
    wordNgrams: r.pick([1, 2, 2, 3]),
    buckets: r.pick([1, 7, 1000, 2_000_000]),
    cjkCharNgrams: r.pick([0, 1, 3]),
    subwords: r.pick([
      [0, 0],
      [0, 0],
      [2, 4],
    ] as [number, number][]),
    uniqueFeatures: r.chance(0.5),
  };
}

const tokenizerCache = new Map<string, [(text: string) => string[], (text: string) => string[]]>();

/** The tokeniser with and without its ASCII fast path, made once per option set. */
function tokenizers(options: TokenizerOptions): [(text: string) => string[], (text: string) => string[]] {
  const key = JSON.stringify(options);
  let pair = tokenizerCache.get(key);
  if (pair === undefined) {
    pair = [makeTokenizer(options, true), makeTokenizer(options, false)];
    tokenizerCache.set(key, pair);
  }
  return pair;
}

/** The tokeniser on one text: tokens are non-empty strings, the same every time and on both paths. */
export function checkTokenizerCase(text: string, options: TokenizerOptions): string[] {
  const [fast, regex] = tokenizers(options);
  let tokens: string[];
  try {
    tokens = fast(text);
  } catch (error) {
    return [`tokenize threw ${describeError(error)}`];
  }
  const problems: string[] = [];
  if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string' || t.length === 0))
    problems.push(`tokens include an empty or non-string token: ${show(JSON.stringify(tokens))}`);
  const again = JSON.stringify(fast(text));
  if (again !== JSON.stringify(tokens)) problems.push('a second call gave other tokens');
  const slow = JSON.stringify(regex(text));
  if (slow !== again) problems.push(`the ASCII fast path gave ${show(again)}, the regex ${show(slow)}`);
  return problems;
}

const TRAINING_TEXTS = [
  'good film',
  'not good at all',
  'a great, great movie!',
  '好看 酒店 不错',
  "didn't like it :(",
  'U.S. cinema',
  'Ｆｕｌｌ width',
  'awful awful film',
];
const featurizerCache = new Map<string, Featurizer>();

/** A featurizer fitted on a few texts with these options, rows grown, then frozen as in a saved model. */
export function fittedFeaturizer(options: FeatureOptions): Featurizer {
  const key = JSON.stringify(options);
  let f = featurizerCache.get(key);
  if (f === undefined) {
    const tokenize = makeTokenizer(options.tokenizer ?? {}, true);
    const lists = TRAINING_TEXTS.map(tokenize);
    f = Featurizer.fit(lists, options);
    for (const tokens of lists) f.rows(tokens, [], true);
    f.freeze();
    featurizerCache.set(key, f);
  }
  return f;
}

/** textRows on one text: the rows of rows(tokenize(text)), each a row the table has. */
export function checkFeaturizerCase(text: string, options: FeatureOptions): string[] {
  const f = fittedFeaturizer(options);
  let fast: number[];
  let plain: number[];
  try {
    fast = textRows(f, text, []);
    plain = f.rows(f.tokenize(text), []);
  } catch (error) {
    return [`the featurizer threw ${describeError(error)}`];
  }
  const problems: string[] = [];
  if (JSON.stringify(fast) !== JSON.stringify(plain))
    problems.push(`textRows gave ${show(JSON.stringify(fast))}, rows(tokenize) ${show(JSON.stringify(plain))}`);
  const bad = fast.find((row) => !Number.isInteger(row) || row < 0 || row >= f.rowCount);
  if (bad !== undefined) problems.push(`row ${bad} is outside the table of ${f.rowCount} rows`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Model files

/** Recomputes a model file's checksum after an edit, as a careful forger would. */
export function reseal(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 4) view.setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

/** A deep copy of decoded contents, safe to edit (decoded sections are views into the file). */
export function copyContents(contents: ModelFileContents): ModelFileContents {
  return {
    config: JSON.parse(JSON.stringify(contents.config)) as Record<string, unknown>,
    sections: Object.fromEntries(Object.entries(contents.sections).map(([name, array]) => [name, array.slice()])),
  };
}

/** Where the config JSON sits in a model file's bytes, from the header. */
function configRange(bytes: Uint8Array): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(24, true);
  let p = 32;
  for (let i = 0; i < count; i++) p += 20 + view.getUint8(p + 1);
  return [p, p + view.getUint32(28, true)];
}

/** A model file whose config JSON text has `from` replaced by `to`, of the same length; resealed. */
export function withConfigText(bytes: Uint8Array, from: string, to: string): Uint8Array {
  if (utf8.encode(from).length !== utf8.encode(to).length)
    throw new Error('withConfigText keeps the layout: give a replacement of the same length');
  const [start, end] = configRange(bytes);
  const json = new TextDecoder().decode(bytes.subarray(start, end));
  if (!json.includes(from)) throw new Error(`the config does not contain ${from}`);
  const out = bytes.slice();
  out.set(utf8.encode(json.replace(from, to)), start);
  return reseal(out);
}

export interface ModelCase {
  name: string;
  bytes: Uint8Array;
  /** How the bytes reach loadModel (default a Uint8Array): each source kind has its own reading code. */
  via?: 'bytes' | 'array-buffer' | 'odd-offset' | 'blob';
  /** True when no model may come out of it: it is damaged, or its contents cannot make a model. */
  mustRefuse: boolean;
  /** A piece of the message a refusal must carry (or a pattern it must match), when the case pins one down. */
  says?: string | RegExp;
}

type Edit = (c: ModelFileContents) => void;
const cfg = (c: ModelFileContents) => c.config as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The weight sections of a classifier file: the embedding table's, then the head's. Files of
 * 0.1.0 (schema 1) have "embedding" and "head" (the head's tensors back to back); later ones one
 * section per tensor ("embedding.weight", "head.0.weight", "head.0.bias", …).
 */
export function weightSections(c: ModelFileContents): { table: string; head: string[] } {
  if (c.sections.embedding !== undefined) return { table: 'embedding', head: ['head'] };
  const head = Object.keys(c.sections).filter((name) => name.startsWith('head.'));
  // In the order of the layers, each weight before its bias: the order the old "head" section had.
  const order = (name: string) => Number(name.split('.')[1]) * 2 + (name.endsWith('.bias') ? 1 : 0);
  return { table: 'embedding.weight', head: head.sort((a, b) => order(a) - order(b)) };
}

function f32(c: ModelFileContents, name: string): Float32Array {
  return c.sections[name] as Float32Array;
}

/** A bag model's weights of these sizes, zero, in the file's own layout. */
function setBagWeights(c: ModelFileContents, rows: number, dim: number, classes: number): void {
  const { table, head } = weightSections(c);
  for (const name of [table, ...head]) delete c.sections[name];
  c.sections[table] = new Float32Array(rows * dim);
  if (table === 'embedding') c.sections.head = new Float32Array(classes * dim + classes);
  else {
    c.sections['head.0.weight'] = new Float32Array(classes * dim);
    c.sections['head.0.bias'] = new Float32Array(classes);
  }
}

/**
 * Model files whose checksum is right but whose contents are inconsistent, each re-encoded
 * from a valid model's decoded contents with one edit; every one must be refused, with a
 * message that says what is wrong.
 */
export function inconsistentModels(good: ModelFileContents): ModelCase[] {
  const { table, head } = weightSections(good);
  const head0 = head[0]!;
  /** The message of a tensor of the wrong size, from a schema 2 file or from 0.1.0's "head". */
  const wrongSize = (tensor: string) =>
    new RegExp(
      `the tensor "${tensor.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" has \\d+ values|the head has \\d+ weights`,
    );
  const edits: [string, Edit, string | RegExp][] = [
    ['no kind', (c) => delete cfg(c).kind, 'holds a model of no kind'],
    ['another kind', (c) => (cfg(c).kind = 'word vectors'), 'holds a "word vectors", not a sentiwasm text classifier'],
    ['an unknown architecture', (c) => (cfg(c).arch = 'cnn'), /architecture "cnn"/],
    ['no architecture', (c) => delete cfg(c).arch, /architecture missing/],
    ['dim 0', (c) => (cfg(c).dim = 0), 'the embedding width (dim) is 0'],
    ['a negative dim', (c) => (cfg(c).dim = -8), 'the embedding width (dim) is -8'],
    ['a fractional dim', (c) => (cfg(c).dim = 7.5), 'the embedding width (dim) is 7.5'],
    ['a dim as a string', (c) => (cfg(c).dim = '8'), 'the embedding width (dim) is "8"'],
    ['a huge dim', (c) => (cfg(c).dim = 1e300), 'the embedding width (dim) is 1e+300'],
    ['a dim the table does not have', (c) => (cfg(c).dim *= 2), /the tensor "embedding.weight" has \d+ values/],
    [
      'hidden layers on a bag model',
      (c) => ((cfg(c).arch = 'bag'), (cfg(c).hidden = [4])),
      'a bag model has no hidden layers',
    ],
    ['hidden as null', (c) => (cfg(c).hidden = null), 'the hidden layer widths are null'],
    ['a hidden width of 0', (c) => ((cfg(c).arch = 'mlp'), (cfg(c).hidden = [0])), 'the hidden layer widths are [0]'],
    [
      'a huge hidden width',
      (c) => ((cfg(c).arch = 'mlp'), (cfg(c).hidden = [2 ** 40])),
      /section "head\.\d\.\w+" is missing|the tensor "head\.0\.weight" has \d+ values|the head has \d+ weights/,
    ],
    [
      'labels that are not strings',
      (c) => (cfg(c).labels = [0, 1]),
      'the labels are [0,1], not a list of two or more strings',
    ],
    ['labels as an object', (c) => (cfg(c).labels = { 0: 'neg', 1: 'pos' }), 'not a list of two or more strings'],
    ['one label', (c) => (cfg(c).labels = ['pos']), 'the labels are ["pos"]'],
    ['a label twice', (c) => (cfg(c).labels = ['pos', 'pos']), 'the label "pos" appears twice'],
    [
      'more labels than the head has',
      (c) => cfg(c).labels.push('neutral'),
      /the tensor "head\.\d\.\w+" has \d+ values|the head has \d+ weights/,
    ],
    ['a temperature of 0', (c) => (cfg(c).temperature = 0), 'the temperature is 0, not a positive number'],
    ['a negative temperature', (c) => (cfg(c).temperature = -1), 'the temperature is -1'],
    ['a temperature as a string', (c) => (cfg(c).temperature = '1'), 'the temperature is "1"'],
    ['a null temperature', (c) => (cfg(c).temperature = null), 'the temperature is null'],
    [
      'a temperature so small that scores divided by it overflow',
      (c) => (cfg(c).temperature = 1e-320),
      'the temperature is 1e-320, not a positive number (at least 0.000001)',
    ],
    ['no row count', (c) => delete cfg(c).rows, 'the row count is missing'],
    ['a row count one too many', (c) => (cfg(c).rows += 1), 'embedding rows'],
    ['a negative row count', (c) => (cfg(c).rows = -1), 'the row count is -1'],
    [
      'no feature settings',
      (c) => delete cfg(c).features,
      'the featurizer settings are invalid: the feature options are missing',
    ],
    ['feature settings as a string', (c) => (cfg(c).features = 'default'), 'the feature options are a string'],
    ['no buckets', (c) => delete cfg(c).features.buckets, 'the feature option buckets is missing'],
    ['0 buckets', (c) => (cfg(c).features.buckets = 0), 'buckets must be an integer from 1'],
    ['too many buckets', (c) => (cfg(c).features.buckets = 2 ** 31), 'buckets must be an integer from 1'],
    ['wordNgrams 0', (c) => (cfg(c).features.wordNgrams = 0), 'wordNgrams must be an integer from 1'],
    ['a huge wordNgrams', (c) => (cfg(c).features.wordNgrams = 1e9), 'wordNgrams must be an integer from 1'],
    ['wordNgrams as a string', (c) => (cfg(c).features.wordNgrams = '2'), 'wordNgrams must be an integer from 1'],
    [
      'a negative cjkCharNgrams',
      (c) => (cfg(c).features.cjkCharNgrams = -1),
      'cjkCharNgrams must be an integer from 0',
    ],
    ['subwords of one number', (c) => (cfg(c).features.subwords = [3]), 'subwords must be [min, max]'],
    ['subwords min above max', (c) => (cfg(c).features.subwords = [5, 2]), 'subwords must be [min, max]'],
    ['subwords as a string', (c) => (cfg(c).features.subwords = '3-6'), 'subwords must be [min, max]'],
    [
      'uniqueFeatures as a string',
      (c) => (cfg(c).features.uniqueFeatures = 'yes'),
      'uniqueFeatures must be true or false',
    ],
    ['minCount 0', (c) => (cfg(c).features.minCount = 0), 'minCount must be an integer'],
    [
      'tokenizer settings as null',
      (c) => (cfg(c).features.tokenizer = null),
      'tokenizer options must be an object, got null',
    ],
    [
      'an unknown tokenizer mode',
      (c) => (cfg(c).features.tokenizer = { mode: 'chars' }),
      'tokenizer option mode must be "word" or "char", got "chars"',
    ],
    [
      'a locale that is not a language tag',
      (c) => (cfg(c).features.tokenizer = { locale: 'not a locale!' }),
      'tokenizer option locale "not a locale!" is not a BCP 47 language tag',
    ],
    [
      'a locale that is a number',
      (c) => (cfg(c).features.tokenizer = { locale: 5 }),
      'tokenizer option locale must be a string',
    ],
    [
      'lowercase as a string',
      (c) => (cfg(c).features.tokenizer = { lowercase: 'yes' }),
      'tokenizer option lowercase must be true or false',
    ],
    ['no vocabulary section', (c) => delete c.sections.vocabulary, 'section "vocabulary" is missing'],
    ['no rowBuckets section', (c) => delete c.sections.rowBuckets, 'section "rowBuckets" is missing'],
    ['no embedding section', (c) => delete c.sections[table], `section "${table}" is missing`],
    ['no head section', (c) => delete c.sections[head0], `section "${head0}" is missing`],
    [
      'an embedding of int32',
      (c) => (c.sections[table] = new Int32Array(f32(c, table).length)),
      `section "${table}" holds Int32Array values, not Float32Array`,
    ],
    [
      'a vocabulary of floats',
      (c) => (c.sections.vocabulary = new Float32Array(4)),
      'section "vocabulary" holds Float32Array values, not Uint8Array',
    ],
    [
      'rowBuckets of floats',
      (c) => (c.sections.rowBuckets = Float32Array.from(c.sections.rowBuckets!)),
      'section "rowBuckets" holds Float32Array values, not Int32Array',
    ],
    ['an empty vocabulary section', (c) => (c.sections.vocabulary = new Uint8Array(0)), 'the vocabulary is damaged'],
    [
      'a vocabulary cut short',
      (c) => (c.sections.vocabulary = c.sections.vocabulary!.slice(0, -1)),
      'the vocabulary is damaged',
    ],
    [
      'a vocabulary of random bytes',
      (c) => (c.sections.vocabulary = Uint8Array.from({ length: 64 }, (_, i) => (i * 97 + 13) & 0xff)),
      'the vocabulary is damaged',
    ],
    ['a negative row bucket', (c) => (c.sections.rowBuckets![0] = -5), 'row bucket 0 is -5, outside the buckets'],
    ['a row bucket past the buckets', (c) => (c.sections.rowBuckets![1] = cfg(c).features.buckets), 'row bucket 1 is'],
    ['a huge row bucket', (c) => (c.sections.rowBuckets![0] = 2147483647), 'row bucket 0 is 2147483647'],
    [
      'a row bucket twice',
      (c) => (c.sections.rowBuckets![1] = c.sections.rowBuckets![0]!),
      'row buckets 0 and 1 are both bucket',
    ],
    ['a row bucket too few', (c) => (c.sections.rowBuckets = c.sections.rowBuckets!.slice(1)), 'embedding rows'],
    [
      'an embedding one value short',
      (c) => (c.sections[table] = f32(c, table).slice(1)),
      /the tensor "embedding.weight" has \d+ values/,
    ],
    [
      'an empty embedding',
      (c) => (c.sections[table] = new Float32Array(0)),
      'the tensor "embedding.weight" has 0 values',
    ],
    [
      'a head one weight short',
      (c) => (c.sections[head0] = f32(c, head0).slice(1)),
      wrongSize(head0 === 'head' ? 'head.0.weight' : head0),
    ],
    [
      'NaN in the embedding',
      (c) => (f32(c, table)[5] = NaN),
      `the model's weights hold NaN or infinite values (section "${table === 'embedding' ? 'embedding.weight' : table}", index 5)`,
    ],
    [
      'Infinity in the head',
      (c) => (f32(c, head0)[3] = Infinity),
      /the model's weights hold NaN or infinite values \(section "head[.\w]*", index 3\)/,
    ],
    [
      '-Infinity in the head',
      (c) => (f32(c, head[head.length - 1]!)[f32(c, head[head.length - 1]!).length - 1] = -Infinity),
      'the model\'s weights hold NaN or infinite values (section "head',
    ],
    [
      'finite weights so large that scores overflow',
      (c) => {
        for (const name of [table, ...head]) c.sections[name] = f32(c, name).slice().fill(1e20);
      },
      "the model's weights are so large that its scores could overflow",
    ],
    [
      'one huge weight in the head',
      (c) => (f32(c, head0)[0] = 3e38),
      "the model's weights are so large that its scores could overflow",
    ],
  ];
  return edits.map(([name, edit, says]) => {
    const contents = copyContents(good);
    edit(contents);
    return { name, bytes: encodeModelFile(contents), mustRefuse: true, says };
  });
}

/**
 * A bag model of 200,000 rows of width 1 and 6,000 labels: a 2 MB file, whose table of per-row
 * class scores (rows × labels floats, laid out when the model is built) would need 4.8 GB, more
 * than WebAssembly can address. It must be refused before any memory is laid out.
 */
export function hugePlanModel(good: ModelFileContents): ModelCase {
  const c = copyContents(good);
  const rows = 200_000;
  const labels = Array.from({ length: 6000 }, (_, i) => `l${i}`);
  Object.assign(cfg(c), {
    arch: 'bag',
    hidden: [],
    dim: 1,
    rows,
    labels,
    features: { ...cfg(c).features, buckets: 2 ** 26 },
  });
  c.sections.rowBuckets = Int32Array.from({ length: rows - vocabularySize(c) }, (_, i) => i);
  setBagWeights(c, rows, 1, labels.length);
  return {
    name: 'a row count and labels needing more than 4 GiB',
    bytes: encodeModelFile(c),
    mustRefuse: true,
    says: 'GiB of memory, more than the 4 GiB WebAssembly can address',
  };
}

/** The number of words in a model's vocabulary section (its header's third u32). */
function vocabularySize(c: ModelFileContents): number {
  const v = c.sections.vocabulary as Uint8Array;
  return new DataView(v.buffer, v.byteOffset, v.byteLength).getUint32(8, true);
}

/** Model files whose config text holds what the encoder would never write; each must be refused. */
export function configTextModels(contents: ModelFileContents): ModelCase[] {
  // JSON has no NaN, and encodeModelFile refuses to write one; 1e999, which JSON.parse reads as
  // Infinity, is the only way a model file's config can hold a number that is not finite.
  const c = copyContents(contents);
  cfg(c).temperature = 12345;
  const infinite = withConfigText(encodeModelFile(c), '"temperature":12345', '"temperature":1e999');
  const good = encodeModelFile(contents);
  const badUtf8 = good.slice();
  badUtf8[configRange(good)[0] + 2] = 0xff;
  return [
    {
      name: 'an infinite temperature (1e999)',
      bytes: infinite,
      mustRefuse: true,
      says: 'the temperature is Infinity, not a positive number',
    },
    {
      name: 'invalid UTF-8 in the config',
      bytes: reseal(badUtf8),
      mustRefuse: true,
      says: 'malformed: the config is not valid JSON',
    },
  ];
}

/** Random config values to put where the config had something else. */
function randomConfigValue(r: FuzzRandom): unknown {
  return r.pick<unknown>([
    null,
    true,
    false,
    0,
    -1,
    1,
    2,
    1.5,
    3,
    64,
    2 ** 31,
    2 ** 53,
    1e300,
    -0,
    '',
    'x',
    'bag',
    'mlp',
    [],
    [1],
    [0, 0],
    [2, 4],
    ['a', 'b'],
    {},
    { mode: 'char' },
    { negation: true },
    { locale: 'tr' },
  ]);
}

/** Every path to a value in the config, e.g. ["features", "tokenizer", "negation"]. */
function configPaths(value: unknown, path: string[] = []): string[][] {
  const paths: string[][] = path.length ? [path] : [];
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value))
      paths.push(...configPaths((value as Record<string, unknown>)[key], [...path, key]));
  }
  return paths;
}

/**
 * One random change to a valid model file: random bytes, a cut, appended bytes, flipped bits
 * (with the checksum left, or recomputed), a config value or a section value replaced.
 */
export function modelCase(r: FuzzRandom, good: Uint8Array, contents: ModelFileContents): ModelCase {
  const c = mutatedModel(r, good, contents);
  c.via = r.pick(['bytes', 'bytes', 'array-buffer', 'odd-offset', 'blob'] as const);
  return c;
}

function mutatedModel(r: FuzzRandom, good: Uint8Array, contents: ModelFileContents): ModelCase {
  switch (r.int(9)) {
    case 0: {
      const n = r.size(2000);
      const bytes = r.chance(0.5) ? r.bytes(n) : concat([utf8.encode('SENTIWSM'), r.bytes(n)]);
      return { name: `${bytes.length} random bytes`, bytes, mustRefuse: true };
    }
    case 1: {
      const at = r.int(good.length);
      return {
        name: `cut at byte ${at} of ${good.length}`,
        bytes: good.slice(0, at),
        mustRefuse: true,
        says: at === 0 ? 'empty' : 'truncated',
      };
    }
    case 2:
      return { name: 'bytes appended', bytes: concat([good, r.bytes(1 + r.size(30))]), mustRefuse: true };
    case 3: {
      // One or two flipped bits: CRC-32 catches every such change in a file this size.
      const bytes = good.slice();
      const flips: number[] = [];
      for (let k = 1 + r.int(2); k > 0; k--) {
        const bit = r.int(bytes.length * 8);
        bytes[bit >> 3]! ^= 1 << (bit & 7);
        flips.push(bit);
      }
      return {
        name: `bits ${flips.join(', ')} flipped`,
        bytes,
        mustRefuse: flips.length === 1 || flips[0] !== flips[1],
      };
    }
    case 4: {
      const bytes = good.slice();
      const bit = r.int((bytes.length - 12) * 8);
      bytes[bit >> 3]! ^= 1 << (bit & 7);
      return { name: `bit ${bit} flipped, checksum recomputed`, bytes: reseal(bytes), mustRefuse: false };
    }
    case 5: {
      const bytes = good.slice();
      const at = r.int(bytes.length - 12);
      const end = Math.min(bytes.length - 12, at + 1 + r.size(16));
      bytes.set(r.bytes(end - at), at);
      return {
        name: `bytes ${at} to ${end} overwritten, checksum recomputed`,
        bytes: reseal(bytes),
        mustRefuse: false,
      };
    }
    case 6: {
      const c = copyContents(contents);
      const paths = configPaths(c.config);
      const path = r.pick(paths);
      let parent = c.config as Record<string, unknown>;
      for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
      const value = r.chance(0.2) ? undefined : randomConfigValue(r);
      if (value === undefined) delete parent[path[path.length - 1]!];
      else parent[path[path.length - 1]!] = value;
      return {
        name: `config ${path.join('.')} set to ${show(JSON.stringify(value))}`,
        bytes: encodeModelFile(c),
        mustRefuse: false,
      };
    }
    case 7: {
      const c = copyContents(contents);
      const name = r.pick(Object.keys(c.sections));
      const section = c.sections[name]!;
      if (section.length === 0)
        return { name: `section ${name} left empty`, bytes: encodeModelFile(c), mustRefuse: false };
      const i = r.int(section.length);
      const value =
        section instanceof Float32Array
          ? r.pick([NaN, Infinity, -Infinity, 0, 1e30, -1e-30, 3.4e38])
          : section instanceof Int32Array
            ? r.pick([-1, 0, 1, 2 ** 31 - 1, -(2 ** 31), r.int(1 << 20)])
            : r.int(256);
      section[i] = value;
      const nonFinite = section instanceof Float32Array && !Number.isFinite(value);
      return { name: `section ${name}[${i}] set to ${value}`, bytes: encodeModelFile(c), mustRefuse: nonFinite };
    }
    default: {
      const c = copyContents(contents);
      const name = r.pick(Object.keys(c.sections));
      const section = c.sections[name]!;
      const cut = r.int(section.length + 1);
      c.sections[name] = r.chance(0.5) ? section.slice(0, cut) : section.slice(cut);
      return {
        name: `section ${name} cut to ${c.sections[name]!.length} of ${section.length}`,
        bytes: encodeModelFile(c),
        mustRefuse: c.sections[name]!.length !== section.length,
      };
    }
  }
}

/** Texts a loaded model predicts on, the ordinary and the odd. */
const PROBES = [
  'good film',
  'not good at all',
  '',
  '   ',
  '好看',
  '😀😀',
  'a.'.repeat(50) + 'b',
  'http://x.y',
  '\0\uFEFF\uD800',
];

/**
 * Loads a model case and checks the ending: a ModelFileError naming the source, or (unless the
 * case must be refused) a whole model that predicts, explains and saves.
 */
export async function checkModelCase(c: ModelCase, source = 'fuzz.bin'): Promise<string[]> {
  let model: TextClassifier;
  try {
    decodeModelFile(c.bytes, source);
  } catch (error) {
    if (!(error instanceof ModelFileError)) return [`decodeModelFile threw ${describeError(error)}`];
  }
  try {
    model = await loadModel(sourceOf(c), { name: source });
  } catch (error) {
    if (!(error instanceof ModelFileError)) return [`loadModel threw ${describeError(error)}, not a ModelFileError`];
    const problems: string[] = [];
    if (error.source !== source || !error.message.startsWith(`${source}: `))
      problems.push(`the ModelFileError does not name ${source}: ${show(error.message)}`);
    const says =
      c.says === undefined ||
      (typeof c.says === 'string' ? error.message.includes(c.says) : c.says.test(error.message));
    if (!says)
      problems.push(`the refusal says ${show(error.message, 400)}, expected it to say ${show(String(c.says))}`);
    return problems;
  }
  try {
    if (c.mustRefuse) return ['a model was loaded from a file that must be refused'];
    return modelProblems(model);
  } finally {
    model.dispose();
  }
}

/** The case's bytes as loadModel is to get them. */
function sourceOf(c: ModelCase): Uint8Array | ArrayBuffer | Blob {
  switch (c.via ?? 'bytes') {
    case 'array-buffer':
      return c.bytes.slice().buffer;
    case 'odd-offset': {
      // Payloads are views when aligned, copies when not: the copy path is read here.
      const padded = new Uint8Array(c.bytes.length + 1);
      padded.set(c.bytes, 1);
      return padded.subarray(1);
    }
    case 'blob':
      return new Blob([c.bytes.slice()]);
    default:
      return c.bytes;
  }
}

/** A loaded model at work: finite probabilities summing to 1, explanations, saving again. */
export function modelProblems(model: TextClassifier, texts: readonly string[] = PROBES): string[] {
  const problems: string[] = [];
  try {
    for (const p of model.predictBatch(texts)) {
      const values = Object.values(p.probabilities);
      const sum = values.reduce((a, b) => a + b, 0);
      if (
        values.length !== model.labels.length ||
        values.some((v) => !(v >= 0 && v <= 1)) ||
        Math.abs(sum - 1) > 1e-4
      ) {
        problems.push(`probabilities ${show(JSON.stringify(p.probabilities))} are not a distribution`);
        break;
      }
      if (!model.labels.includes(p.label)) problems.push(`predicted label ${show(p.label)} is not one of the model's`);
    }
    const e = model.explain(texts[1] ?? 'good');
    if (!Number.isFinite(e.score) || e.tokens.some((t) => !Number.isFinite(t.contribution)))
      problems.push('explain gave a non-finite score');
    decodeModelFile(model.toBytes(), 'again');
  } catch (error) {
    problems.push(`the loaded model threw ${describeError(error)}`);
  }
  return problems;
}
