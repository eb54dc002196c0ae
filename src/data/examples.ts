// From bytes to labelled examples, in three layers that each stream:
//   chunks (strings, bytes, streams)  -> text, decoded as UTF-8 across chunk boundaries
//   text  -> records {line, fields}    CSV/TSV (header names the fields, or their position does
//                                      without one), JSONL (keys do) or fastText's __label__ lines
//   records -> examples {text, label, line}, with the text and label columns found by name
// Nothing here holds more than one chunk and one record, so files bigger than memory work.
// Bytes that are not UTF-8 stop the read at their exact line and byte offset (see ./utf8.ts),
// read as U+FFFD, or leave out the records that hold them.
// No Node APIs: this module also runs in browsers (src/data/files.node.ts adds the file system).

import { CsvParser, type CsvRow } from './csv.js';
import { createTsvParser } from './tsv.js';
import { JsonlParser, malformedJsonError, type JsonlRow } from './jsonl.js';
import { DataError, quote } from './errors.js';
import { Utf8Decoder, badEncodingError, type BadBytes } from './utf8.js';
import { looksLikeFastText, parseFastTextLine } from './fasttext.js';

/** The file formats the readers understand; 'fasttext' is fastText's `__label__pos text` lines (see ./fasttext.ts). */
export type DataFormat = 'csv' | 'tsv' | 'jsonl' | 'fasttext';

/** Where text comes from: a string, bytes, or a stream of either (Node streams, fetch bodies, Blobs). */
export type ChunkSource =
  | string
  | Uint8Array
  | ArrayBuffer
  | Blob
  | ReadableStream<string | Uint8Array>
  | AsyncIterable<string | Uint8Array>
  | Iterable<string | Uint8Array>;

/** How records are read. */
export interface RecordOptions {
  /** The format; by default taken from fileName's extension, else guessed from the first line (see sniffFormat). */
  format?: DataFormat;
  /**
   * Formats the first line may be guessed as when neither `format` nor fileName's extension
   * tells (default: all). The file readers guess only 'fasttext': a .txt file of other lines
   * could as well be CSV as TSV, so it needs a format.
   */
  guess?: readonly DataFormat[];
  /** Name used in error messages, and to pick the format (default "<input>"). */
  fileName?: string;
  /** CSV/TSV field separator (default ',' for CSV, tab for TSV). */
  delimiter?: string;
  /** CSV/TSV quote character, null for none (default '"' for CSV, none for TSV). */
  quote?: string | null;
  /**
   * Whether a CSV/TSV file's first row names its columns (default true). With false, the first
   * row is data and the columns are named by position, "1", "2", …; readExamples then finds the
   * label of a two-column file by itself (see ExampleOptions.labelColumn).
   */
  header?: boolean;
  /** Column names for a CSV/TSV file without a header row (its first line is then data; implies header: false). */
  columns?: readonly string[];
  /**
   * Invalid UTF-8: stop with a DataError naming its line and byte offset ('throw', the default),
   * read it as U+FFFD as TextDecoder does ('replace'), or leave out every record that holds some
   * ('skip': readRecords tells onBadRecord, readExamples counts them as 'bad-encoding').
   */
  encodingErrors?: 'throw' | 'replace' | 'skip';
  /** Called for a record that cannot be read (malformed JSON, too many fields); without it they throw. */
  onBadRecord?: (error: DataError) => void;
  /** How the caller spells these options (e.g. the CLI's "--encoding-errors replace|skip"), for hints in messages. */
  optionNames?: {
    /** How to spell `encodingErrors` (default 'encodingErrors: "replace" or "skip"'). */
    encodingErrors?: string;
    /** How to spell `format` (default "format: 'csv' | 'tsv' | 'jsonl'"). */
    format?: string;
  };
}

/** One record: the line where it starts and its fields by column name. */
export interface DataRecord {
  /** The line where the record starts, from 1. */
  line: number;
  /** Its fields by column name (by position, "1", "2", …, without a header). */
  fields: Record<string, string>;
}

const FORMATS: readonly DataFormat[] = ['csv', 'tsv', 'jsonl', 'fasttext'];
// fastText's own files end in .txt, .train or .valid, which do not tell: those are guessed.
const EXTENSIONS: Record<string, DataFormat> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  ft: 'fasttext',
};
const ENCODING_MODES: readonly string[] = ['throw', 'replace', 'skip'];

/**
 * Stands in the text for a run of bad bytes when the records that hold them are skipped: text
 * decoded from bytes never holds a lone surrogate, so the mark cannot be mistaken for data. The
 * same code unit as the low half of a pair (U+10000 is \uD800\uDC00) is not a mark, hence MARKS.
 */
const MARK = '\uDC00';
const MARKS = /(?<![\uD800-\uDBFF])\uDC00/g;

/** The encodingErrors option as the caller spells it, for the hint of a bad-encoding message. */
function encodingOption(options: RecordOptions): string {
  return options.optionNames?.encodingErrors ?? 'encodingErrors: "replace" or "skip"';
}

/**
 * The format a file name's extension stands for, or undefined.
 * @example
 * ```ts
 * formatFromFileName("data/train.TSV") // "tsv"
 * ```
 */
export function formatFromFileName(fileName: string): DataFormat | undefined {
  const path = fileName.replace(/[?#].*$/, '');
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return undefined;
  return EXTENSIONS[path.slice(dot + 1).toLowerCase()];
}

/**
 * What to do when the format cannot be told, in the caller's words.
 * @example
 * ```ts
 * unknownFormatHint("--format csv|tsv|jsonl|fasttext")
 * ```
 */
export function unknownFormatHint(formatOption = "format: 'csv' | 'tsv' | 'jsonl' | 'fasttext'"): string {
  return `use the extension .csv, .tsv, .tab, .jsonl or .ndjson (fastText's __label__ lines are recognised whatever the extension), or pass ${formatOption}`;
}

/**
 * Guesses the format from the start of the text: "__label__" means fastText's, "{" JSONL, a tab
 * in the first line TSV, else CSV.
 * @example
 * ```ts
 * sniffFormat('label\tsentence\n') // "tsv"
 * ```
 * @example
 * ```ts
 * sniffFormat('__label__pos a lovely film\n') // "fasttext"
 * ```
 */
export function sniffFormat(head: string): DataFormat {
  if (looksLikeFastText(head)) return 'fasttext';
  const text = head.replace(/^\uFEFF?\s*/, '');
  if (text.startsWith('{')) return 'jsonl';
  const nl = text.search(/[\r\n]/);
  return (nl < 0 ? text : text.slice(0, nl)).includes('\t') ? 'tsv' : 'csv';
}

/**
 * Turns the records of one file into field maps, incrementally; the layer under readRecords.
 * A record that cannot be read comes out as a DataError in its place, so that errors and
 * records stay in line order whatever the chunk sizes.
 */
export class RecordReader {
  /** The name used in messages about this input. */
  readonly fileName: string;
  private fmt: DataFormat | undefined;
  private csv: CsvParser | undefined;
  private jsonl: JsonlParser | undefined;
  private header: string[] | undefined;
  private headerLine = 0;
  /** header: false without `columns`: the first row is data, and its fields name the columns by position. */
  private readonly positional: boolean;
  /** Text held back until the first line is complete, when the format must be guessed. */
  private head: string[] = [];
  private readonly csvRows: CsvRow[] = [];
  private readonly jsonRows: JsonlRow[] = [];
  /**
   * The bad runs that marks in the text stand for, in order, as plain numbers: their offsets, and
   * their bytes packed (length << 24 | b0 << 16 | b1 << 8 | b2). A file in another encoding has
   * a bad run every few bytes, and a chunk's worth of objects kept until its records are read
   * costs the garbage collector more than the decoding. Those before `nextMarked` are read.
   */
  private markedOffsets: number[] = [];
  private markedBytes: number[] = [];
  private nextMarked = 0;

  /**
   * @example
   * ```ts
   * new RecordReader({ fileName: "train.tsv" })
   * ```
   */
  constructor(private readonly options: RecordOptions = {}) {
    this.fileName = options.fileName ?? '<input>';
    const format =
      options.format ?? (options.fileName === undefined ? undefined : formatFromFileName(options.fileName));
    if (format !== undefined && !FORMATS.includes(format)) {
      throw new DataError(
        this.fileName,
        0,
        `unknown format ${quote(format)}`,
        "use 'csv', 'tsv', 'jsonl' or 'fasttext'",
        'unknown-format',
      );
    }
    if (options.header !== undefined && typeof options.header !== 'boolean') {
      throw new TypeError(`header must be true or false, got ${quote(String(options.header))}`);
    }
    if (options.header === true && options.columns !== undefined) {
      throw new RangeError(
        'columns names the columns of a file without a header row, so it cannot go with header: true',
      );
    }
    this.positional = options.header === false && options.columns === undefined;
    if (options.encodingErrors !== undefined && !ENCODING_MODES.includes(options.encodingErrors)) {
      throw new RangeError(
        `encodingErrors must be 'throw', 'replace' or 'skip', got ${quote(String(options.encodingErrors))}`,
      );
    }
    if (options.columns !== undefined) this.header = uniqueNames(options.columns);
    if (format !== undefined) this.start(format);
  }

  /**
   * The format in use, once known.
   * @example
   * ```ts
   * reader.format // "csv"
   * ```
   */
  get format(): DataFormat | undefined {
    return this.fmt;
  }

  /**
   * Column names: the header of a CSV/TSV file ("1", "2", … with header: false), the keys of the
   * first JSONL object, or "label" and "text" in fastText's format.
   * @example
   * ```ts
   * reader.columns // ["label", "sentence"]
   * ```
   */
  get columns(): readonly string[] | undefined {
    return this.header;
  }

  /**
   * Where the column names came from: the header's line, the first JSONL object's or (header: false)
   * the first row's; 0 for the `columns` option and fastText's format.
   * @example
   * ```ts
   * reader.columnsLine // 1
   * ```
   */
  get columnsLine(): number {
    return this.headerLine;
  }

  /**
   * The line reached so far (1-based).
   * @example
   * ```ts
   * reader.line // 1
   * ```
   */
  get line(): number {
    return this.csv?.line ?? this.jsonl?.line ?? 1;
  }

  /**
   * Says that the next mark (U+DC00) in the text stands for these bytes, which are not UTF-8: the
   * record that holds it comes out as a 'bad-encoding' DataError, and in a header it reads as
   * U+FFFD. The readers call it when encodingErrors is 'skip'.
   * @example
   * ```ts
   * reader.markBad({ offset: 1234, bytes: [0xff] })
   * ```
   */
  markBad(bad: BadBytes): void {
    const b = bad.bytes;
    this.markedOffsets.push(bad.offset);
    this.markedBytes.push((b.length << 24) | ((b[0] ?? 0) << 16) | ((b[1] ?? 0) << 8) | (b[2] ?? 0));
  }

  /**
   * Reads a chunk of text, appending the records it completes.
   * @example
   * ```ts
   * reader.push("label,text\n1,good\n", records)
   * ```
   */
  push(chunk: string, out: Array<DataRecord | DataError> = []): Array<DataRecord | DataError> {
    if (this.fmt === undefined) {
      this.head.push(chunk);
      // The format is guessed from the first line with something on it: blank lines before it do not count.
      if (!/\S[^\r\n]*[\r\n]/.test(this.head.join(''))) return out;
      return this.startFromHead(out);
    }
    if (this.csv !== undefined) {
      this.csv.push(chunk, this.csvRows);
      this.takeRows(out);
    } else {
      this.jsonl!.push(chunk, this.jsonRows);
      this.takeJsonl(out);
    }
    return out;
  }

  /**
   * Finishes the input, appending the last record.
   * @example
   * ```ts
   * reader.end(records)
   * ```
   */
  end(out: Array<DataRecord | DataError> = []): Array<DataRecord | DataError> {
    if (this.fmt === undefined) {
      if (this.head.join('').trim().length === 0) return out;
      this.startFromHead(out);
    }
    if (this.csv !== undefined) {
      this.csv.end(this.csvRows);
      this.takeRows(out);
    } else {
      this.jsonl!.end(this.jsonRows);
      this.takeJsonl(out);
    }
    return out;
  }

  private start(format: DataFormat): void {
    this.fmt = format;
    const { delimiter, quote, fileName } = this.options;
    if (format === 'csv') this.csv = new CsvParser({ delimiter, quote, fileName: this.fileName });
    else if (format === 'tsv') this.csv = createTsvParser({ delimiter, quote, fileName: fileName ?? this.fileName });
    else if (format === 'fasttext') {
      // Whole lines: no quoting, and a delimiter that text never needs (a NUL is put back, see takeFastText).
      this.csv = new CsvParser({ delimiter: '\0', quote: null, fileName: this.fileName });
      this.header = ['label', 'text'];
      this.headerLine = 0;
    } else this.jsonl = new JsonlParser();
  }

  private startFromHead(out: Array<DataRecord | DataError>): Array<DataRecord | DataError> {
    const text = this.head.join('');
    this.head = [];
    const format = sniffFormat(text);
    const guess = this.options.guess;
    if (guess !== undefined && !guess.includes(format)) {
      throw new DataError(
        this.fileName,
        0,
        'cannot tell the format from the file name',
        unknownFormatHint(this.options.optionNames?.format),
        'unknown-format',
      );
    }
    this.start(format);
    return this.push(text, out);
  }

  private takeRows(out: Array<DataRecord | DataError>): void {
    if (this.fmt === 'fasttext') this.takeFastText(out);
    else this.takeCsv(out);
  }

  private takeFastText(out: Array<DataRecord | DataError>): void {
    const rows = this.csvRows;
    for (let r = 0; r < rows.length; r++) {
      const { line, fields } = rows[r]!;
      const bad = this.markedIn(fields);
      if (bad !== undefined) {
        out.push(badEncodingError(this.fileName, line, bad, encodingOption(this.options)));
        continue;
      }
      const read = parseFastTextLine(fields.length === 1 ? fields[0]! : fields.join('\0'));
      if ('problem' in read) out.push(new DataError(this.fileName, line, read.problem, read.hint, read.reason));
      else out.push({ line, fields: { label: read.label, text: read.text } });
    }
    rows.length = 0;
  }

  private takeCsv(out: Array<DataRecord | DataError>): void {
    const rows = this.csvRows;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const line = row.line;
      let fields = row.fields;
      const bad = this.markedIn(fields);
      let header = this.header;
      if (header === undefined) {
        this.headerLine = line;
        if (this.positional) {
          // The first row is data; its width sets the columns' names, "1" to "n".
          header = this.header = fields.map((_, k) => String(k + 1));
        } else {
          // A header cannot be left out like a row: its bad bytes read as U+FFFD, as with 'replace'.
          if (bad !== undefined) fields = fields.map((f) => f.replace(MARKS, '\uFFFD'));
          this.header = uniqueNames(fields);
          continue;
        }
      }
      if (bad !== undefined) {
        out.push(badEncodingError(this.fileName, line, bad, encodingOption(this.options)));
        continue;
      }
      if (fields.length > header.length && fields.slice(header.length).some((f) => f.length > 0)) {
        const sep = this.fmt === 'tsv' ? 'a tab' : `"${this.options.delimiter ?? ','}"`;
        out.push(
          new DataError(
            this.fileName,
            line,
            `this row has ${fields.length} fields but the ${this.positional ? 'first row' : 'header'} has ${header.length}`,
            this.fmt === 'tsv'
              ? `a field may not contain ${sep}`
              : `put fields that contain ${sep} in double quotes, e.g. 1,"good, really"`,
            'too-many-fields',
          ),
        );
        continue;
      }
      const record: Record<string, string> = {};
      const n = Math.min(fields.length, header.length);
      for (let k = 0; k < n; k++) setField(record, header[k]!, fields[k]!);
      out.push({ line, fields: record });
    }
    rows.length = 0;
  }

  private takeJsonl(out: Array<DataRecord | DataError>): void {
    const rows = this.jsonRows;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const bad = this.markedIn(row.text);
      if (bad !== undefined) {
        out.push(badEncodingError(this.fileName, row.line, bad, encodingOption(this.options)));
        continue;
      }
      if (!row.ok) {
        out.push(malformedJsonError(this.fileName, row.line, row.error));
        continue;
      }
      const value = row.value;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
        out.push(
          new DataError(
            this.fileName,
            row.line,
            `this line holds ${kind}, not a JSON object`,
            'write one object per line, e.g. {"text": "great film", "label": "1"}',
            'not-an-object',
          ),
        );
        continue;
      }
      const record: Record<string, string> = {};
      let tooDeep: string | undefined;
      for (const key of Object.keys(value)) {
        const v = (value as Record<string, unknown>)[key];
        // Numbers keep their JSON spelling (1 -> "1"); null counts as a missing value.
        if (v === null || v === undefined) continue;
        let text: string;
        try {
          text = typeof v === 'string' ? v : JSON.stringify(v);
        } catch {
          // Nested thousands deep, JSON.stringify runs out of stack: no text or label is such a value.
          tooDeep = key;
          break;
        }
        setField(record, key, text);
      }
      if (tooDeep !== undefined) {
        out.push(
          new DataError(
            this.fileName,
            row.line,
            `the value of ${quote(tooDeep)} is nested too deeply to read`,
            'give text and label as strings or numbers',
            'malformed-json',
          ),
        );
        continue;
      }
      if (this.header === undefined) {
        this.header = Object.keys(value);
        this.headerLine = row.line;
      }
      out.push({ line: row.line, fields: record });
    }
    rows.length = 0;
  }

  /** The first bad run that the marks in a record's text stand for, all of them read off the list; undefined if it has none. */
  private markedIn(texts: string | readonly string[]): BadBytes | undefined {
    // Nothing to look for (always, unless bad bytes are being skipped): one comparison per record.
    if (this.nextMarked >= this.markedOffsets.length) return undefined;
    let n = 0;
    for (const s of typeof texts === 'string' ? [texts] : texts) n += s.match(MARKS)?.length ?? 0;
    if (n === 0) return undefined;
    const packed = this.markedBytes[this.nextMarked]!;
    const bytes = [(packed >> 16) & 0xff, (packed >> 8) & 0xff, packed & 0xff].slice(0, packed >>> 24);
    const first: BadBytes = { offset: this.markedOffsets[this.nextMarked]!, bytes };
    this.nextMarked += n;
    // Drop the runs read once they are half the list: a record cut by the end of a chunk keeps
    // the list from ever running empty, and it would otherwise grow with the file.
    if (this.nextMarked * 2 >= this.markedOffsets.length) {
      this.markedOffsets = this.markedOffsets.slice(this.nextMarked);
      this.markedBytes = this.markedBytes.slice(this.nextMarked);
      this.nextMarked = 0;
    }
    return first;
  }
}

/**
 * Records are plain objects (V8 keeps those fast, unlike Object.create(null)); a column named
 * "__proto__" is defined as an own property instead of replacing the prototype.
 */
function setField(record: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__')
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

/** Header names, trimmed; a blank name becomes columnN and a repeated one gets a _2, _3 suffix. */
function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  // The next suffix to try for each repeated name, so a header of n equal names takes n steps, not n².
  const nextSuffix = new Map<string, number>();
  return names.map((raw, i) => {
    let name = raw.trim() || `column${i + 1}`;
    if (seen.has(name)) {
      let k = nextSuffix.get(name) ?? 2;
      while (seen.has(`${name}_${k}`)) k++;
      nextSuffix.set(name, k + 1);
      name = `${name}_${k}`;
    }
    seen.add(name);
    return name;
  });
}

/** A record's own field (a column named "constructor" or "toString" is not the prototype's). */
function fieldOf(fields: Record<string, string>, name: string): string | undefined {
  return Object.hasOwn(fields, name) ? fields[name] : undefined;
}

function isReadableStream(x: unknown): x is ReadableStream<string | Uint8Array> {
  return typeof (x as ReadableStream | null)?.getReader === 'function';
}

/** Browsers other than Firefox cannot `for await` a ReadableStream yet; a reader always works. */
async function* readStream(stream: ReadableStream<string | Uint8Array>): AsyncGenerator<string | Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Decodes a source into text chunks, UTF-8 across chunk boundaries (a character split between
 * two chunks comes out whole). Invalid UTF-8 is a DataError naming its line and byte offset
 * ('throw', the default), or reads as U+FFFD exactly as TextDecoder reads it ('replace').
 * @example
 * ```ts
 * for await (const text of decodeChunks(fs.createReadStream("a.csv"))) parser.push(text)
 * ```
 */
export async function* decodeChunks(
  source: ChunkSource,
  options: { fileName?: string; encodingErrors?: 'throw' | 'replace' } = {},
): AsyncGenerator<string> {
  // The readers take the line of a bad byte from their parser; text on its own has its lines counted.
  let line = 1;
  let afterCR = false;
  const utf8 = new Utf8Decoder({ onBad: options.encodingErrors === 'replace' ? 'replace' : 'stop' });
  const fail = (bad: BadBytes) =>
    badEncodingError(options.fileName ?? '<input>', line, bad, 'encodingErrors: "replace"');
  for await (const text of decodeWith(source, utf8, fail)) {
    line += lineBreaks(text, afterCR);
    afterCR = text.charCodeAt(text.length - 1) === 13;
    yield text;
  }
}

/**
 * Line breaks in `text` as the CSV parser counts them: LF, CR LF and a lone CR are one each.
 * `afterCR`: the text before it ended in a CR (so a leading LF completes that break).
 */
function lineBreaks(text: string, afterCR: boolean): number {
  let n = afterCR && text.charCodeAt(0) === 10 ? -1 : 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 10) n++;
  return n;
}

/**
 * The non-empty text chunks of a source. At a bad byte that is not replaced, the text before it
 * comes out first, and `fail` is called only when the next chunk is asked for: by then the
 * consumer has read all the text before the bad byte, so its line count is the bad byte's line.
 */
async function* decodeWith(
  source: ChunkSource,
  utf8: Utf8Decoder,
  fail: (bad: BadBytes) => DataError,
): AsyncGenerator<string> {
  if (typeof source === 'string') {
    if (source.length > 0) yield source;
    return;
  }
  let chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;
  if (source instanceof Uint8Array) chunks = [source];
  else if (source instanceof ArrayBuffer) chunks = [new Uint8Array(source)];
  else if (typeof Blob !== 'undefined' && source instanceof Blob) chunks = readStream(source.stream());
  else if (isReadableStream(source) && !(Symbol.asyncIterator in source)) chunks = readStream(source);
  else chunks = source as AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? utf8.string(chunk) : utf8.bytes(chunk, false);
    if (text.length > 0) yield text;
    if (utf8.bad !== undefined) throw fail(utf8.bad);
  }
  const tail = utf8.bytes(new Uint8Array(0), true);
  if (tail.length > 0) yield tail;
  if (utf8.bad !== undefined) throw fail(utf8.bad);
}

/** Records and, in their place, the DataErrors of records that could not be read. */
async function* recordsOf(
  source: ChunkSource,
  reader: RecordReader,
  options: RecordOptions,
): AsyncGenerator<DataRecord | DataError> {
  const out: Array<DataRecord | DataError> = [];
  const mode = options.encodingErrors ?? 'throw';
  const utf8 = new Utf8Decoder(
    mode === 'skip'
      ? { onBad: 'mark', mark: MARK, onMark: (bad) => reader.markBad(bad) }
      : { onBad: mode === 'replace' ? 'replace' : 'stop' },
  );
  const fail = (bad: BadBytes) => badEncodingError(reader.fileName, reader.line, bad, encodingOption(options));
  for await (const text of decodeWith(source, utf8, fail)) {
    reader.push(text, out);
    // A plain loop, not yield*, so the array can be reused for the next chunk.
    for (let i = 0; i < out.length; i++) yield out[i]!;
    out.length = 0;
  }
  reader.end(out);
  yield* out;
}

/**
 * Streams the records of a CSV, TSV or JSONL source: `{line, fields}` with fields named by the
 * header (CSV/TSV) or by the object's keys (JSONL; numbers as their JSON text, null omitted).
 * @example
 * ```ts
 * for await (const r of readRecords(text, { format: "csv" })) console.log(r.line, r.fields.label)
 * ```
 */
export async function* readRecords(source: ChunkSource, options: RecordOptions = {}): AsyncGenerator<DataRecord> {
  for await (const r of recordsOf(source, new RecordReader(options), options)) {
    if (!(r instanceof DataError)) yield r;
    else if (options.onBadRecord !== undefined) options.onBadRecord(r);
    // Records with bad bytes come out as errors only when encodingErrors is 'skip'.
    else if (r.reason !== 'bad-encoding') throw r;
  }
}

// ---------------------------------------------------------------------------------------------
// Examples

/** How examples are taken from records. */
export interface ExampleOptions extends Omit<RecordOptions, 'onBadRecord' | 'optionNames'> {
  /**
   * Column holding the text; by default the first of text, sentence, review, content, comment,
   * body. With header: false, a position: "1", "2", …
   */
  textColumn?: string;
  /**
   * Column holding the label; by default the first of label, labels, sentiment, polarity, class,
   * target. With header: false, a position; a two-column file without a header needs neither
   * column named: its first 1,000 rows tell which holds the label (see guessLabelColumn).
   */
  labelColumn?: string;
  /** If given, any other label is a bad row. */
  allowedLabels?: Iterable<string>;
  /** Skip bad rows and count them in the report instead of throwing (default false); rows with bad bytes too, unless encodingErrors is given. */
  skipBad?: boolean;
  /** Told about every skipped row. */
  onSkip?: (error: DataError) => void;
  /** How the caller spells these options (e.g. the CLI's "--text-column"), for hints in messages. */
  optionNames?: {
    /** How to spell `textColumn`. */
    textColumn?: string;
    /** How to spell `labelColumn`. */
    labelColumn?: string;
    /** How to spell `skipBad`. */
    skipBad?: string;
    /** How to spell `allowedLabels`. */
    allowedLabels?: string;
    /** How to spell `encodingErrors`. */
    encodingErrors?: string;
    /** How to say the file has no header row (default "header: false"). */
    header?: string;
    /** How to spell `format`. */
    format?: string;
  };
}

/** A labelled text and the line where its record starts. Labels are strings ("0", "pos", "5"). */
export interface Example {
  /** The text. */
  text: string;
  /** Its label, as written in the data. */
  label: string;
  /** The line where its record starts, from 1. */
  line: number;
}

/** What a read did: examples delivered, rows skipped, and why (counted by DataError.reason). */
export interface ReadReport {
  /** Examples delivered. */
  read: number;
  /** Rows skipped (with skipBad). */
  skipped: number;
  /** Rows skipped, by DataError.reason. */
  reasons: Record<string, number>;
  /** The columns used, once known. */
  textColumn?: string;
  /** The label column used, once known. */
  labelColumn?: string;
}

/** Examples, streamed; `report` fills in as they are read. */
export interface ExampleStream extends AsyncIterable<Example> {
  /** What the read has done so far; complete once the stream ends. */
  readonly report: ReadReport;
  /** Reads everything into memory. */
  collect(): Promise<{
    /** Every example, in file order. */
    examples: Example[];
    /** What the read did. */
    report: ReadReport;
  }>;
}

const TEXT_COLUMNS = ['text', 'sentence', 'review', 'content', 'comment', 'body'];
const LABEL_COLUMNS = ['label', 'labels', 'sentiment', 'polarity', 'class', 'target'];

/** Names for a message, quoted, as many as fit in about `budget` characters, then how many there are in all. */
function list(names: readonly string[], budget = 80): string {
  const shown: string[] = [];
  let used = 0;
  for (const name of names) {
    const quoted = quote(name);
    if (shown.length > 0 && used + quoted.length > budget) break;
    shown.push(quoted);
    used += quoted.length + 2;
  }
  return shown.length < names.length ? `${shown.join(', ')}, … (${names.length} in all)` : shown.join(', ');
}

/**
 * Rows read before deciding from the data itself (which of two unnamed columns holds the label;
 * whether a header that names no usable column is data): enough to count a column's distinct
 * values, few enough to hold in memory.
 */
const SAMPLE_ROWS = 1000;
const NO_EXAMPLES: Example[] = [];

/**
 * The first records of a file (or the errors met reading them), from which the label column is guessed.
 * @inline
 */
type Sample = readonly (DataRecord | DataError)[];

/**
 * Which of the two columns of a file without a header holds the label, from a sample of its rows:
 * the column with at most half as many distinct values as the other (labels repeat, texts do
 * not); failing that, the only one whose values are all single words. Undefined if neither tells.
 * @example
 * ```ts
 * guessLabelColumn(["1", "2"], [{ line: 1, fields: { "1": "a lovely film", "2": "pos" } }]) // "2"
 * ```
 */
export function guessLabelColumn(columns: readonly [string, string], sample: Sample): string | undefined {
  const stats = columns.map((column) => {
    const distinct = new Set<string>();
    let spaced = false;
    for (const record of sample) {
      if (record instanceof DataError) continue;
      const value = fieldOf(record.fields, column)?.trim();
      if (!value) continue;
      distinct.add(value);
      spaced ||= /\s/.test(value);
    }
    return { distinct: distinct.size, spaced };
  });
  const [a, b] = stats as [(typeof stats)[0], (typeof stats)[0]];
  if (a.distinct > 0 && a.distinct * 2 <= b.distinct) return columns[0];
  if (b.distinct > 0 && b.distinct * 2 <= a.distinct) return columns[1];
  if (a.spaced !== b.spaced) return a.spaced ? columns[1] : columns[0];
  return undefined;
}

/**
 * Whether a header row that names no usable column is more likely the first row of data: most
 * names are numbers, or one is a sentence, or a name turns up again as a value of its column.
 */
function headerLooksLikeData(columns: readonly string[], sample: Sample): boolean {
  const numbers = columns.filter((c) => /^[-+]?(\d+([.,]\d*)?|[.,]\d+)$/.test(c)).length;
  if (numbers * 2 >= columns.length) return true;
  if (columns.some((c) => c.length > 40 || c.split(/\s+/).length >= 4)) return true;
  return sample.some((r) => !(r instanceof DataError) && columns.some((c) => fieldOf(r.fields, c)?.trim() === c));
}

/** Checks records and turns them into examples; shared by the streaming and the in-memory reader. */
class ExampleExtractor {
  readonly report: ReadReport = { read: 0, skipped: 0, reasons: {} };
  private readonly fileName: string;
  private textColumn: string | undefined;
  private labelColumn: string | undefined;
  private readonly allowed: Set<string> | undefined;
  private readonly names: Required<Omit<NonNullable<ExampleOptions['optionNames']>, 'encodingErrors' | 'format'>>;
  private rows = 0;
  /**
   * Records held back, in order, while the columns wait on the data to be decided (see
   * SAMPLE_ROWS); undefined otherwise. Once decided they come out through drain().
   */
  private sample: Array<DataRecord | DataError> | undefined;
  private sampleColumns: readonly string[] = [];
  private sampleLine = 0;
  private released: Example[] = [];

  constructor(
    private readonly options: ExampleOptions,
    private readonly reader: RecordReader,
  ) {
    this.fileName = reader.fileName;
    this.allowed =
      options.allowedLabels === undefined ? undefined : new Set([...options.allowedLabels].map((l) => l.trim()));
    this.names = {
      textColumn: 'textColumn',
      labelColumn: 'labelColumn',
      skipBad: 'skipBad: true',
      allowedLabels: 'allowedLabels',
      header: 'header: false',
      ...options.optionNames,
    };
  }

  /** Columns named by their position: header: false without `columns`. */
  private get positional(): boolean {
    return (
      this.options.header === false &&
      this.options.columns === undefined &&
      this.reader.format !== 'jsonl' &&
      this.reader.format !== 'fasttext'
    );
  }

  /** Throws the error, or with skipBad counts the row as skipped; rows with bad bytes reach here only to be skipped. */
  private bad(error: DataError): void {
    if (this.options.skipBad !== true && error.reason !== 'bad-encoding') throw error;
    this.report.skipped++;
    this.report.reasons[error.reason] = (this.report.reasons[error.reason] ?? 0) + 1;
    this.options.onSkip?.(error);
  }

  /**
   * Takes a record, or the error of one that could not be read; returns the example if the row is
   * good. Undefined also while records are held back: then drain() gives them once decided.
   */
  take(
    record: DataRecord | DataError,
    columns: readonly string[] | undefined,
    columnsLine: number,
  ): Example | undefined {
    this.rows++;
    if (this.sample !== undefined) {
      this.sample.push(record);
      if (this.sample.length >= SAMPLE_ROWS) this.decide();
      return undefined;
    }
    if (record instanceof DataError) {
      this.bad(record);
      return undefined;
    }
    if (this.textColumn === undefined) {
      const names = columns ?? Object.keys(record.fields);
      if (!this.resolve(names, columnsLine)) {
        this.sample = [record];
        this.sampleColumns = names;
        this.sampleLine = columnsLine;
        return undefined;
      }
    }
    return this.check(record);
  }

  /** The examples of the records held back, once the columns are decided; in order. */
  drain(): Example[] {
    if (this.released.length === 0) return NO_EXAMPLES;
    const out = this.released;
    this.released = [];
    return out;
  }

  /** Decides the columns from the records held back, then checks them. */
  private decide(): void {
    const sample = this.sample!;
    this.sample = undefined;
    this.resolve(this.sampleColumns, this.sampleLine, sample);
    for (const record of sample) {
      if (record instanceof DataError) this.bad(record);
      else {
        const example = this.check(record);
        if (example !== undefined) this.released.push(example);
      }
    }
  }

  /**
   * Finds the text and label columns, or explains why not. False when the rows must be seen first
   * (`sample` not given): to find the label of a two-column file without a header, or to tell
   * whether a header that names no usable column is data.
   */
  private resolve(columns: readonly string[], line: number, sample?: Sample): boolean {
    const picked = this.positional ? this.byPosition(columns, line, sample) : this.byName(columns, line, sample);
    if (picked === undefined) return false;
    const [text, label] = picked;
    if (text === label) {
      throw new DataError(
        this.fileName,
        line,
        `the text and the label cannot both come from column ${quote(text)}`,
        `set ${this.names.textColumn} and ${this.names.labelColumn} to different columns`,
        'unknown-column',
      );
    }
    this.textColumn = this.report.textColumn = text;
    this.labelColumn = this.report.labelColumn = label;
    return true;
  }

  /** The column given by the caller (its exact name, else the one that matches ignoring case), or a DataError. */
  private given(
    which: 'text' | 'label',
    given: string,
    columns: readonly string[],
    line: number,
    what: string,
  ): string | DataError {
    if (columns.includes(given)) return given;
    const folded = columns.filter((c) => c.toLowerCase() === given.trim().toLowerCase());
    if (folded.length === 1) return folded[0]!;
    const option = which === 'text' ? this.names.textColumn : this.names.labelColumn;
    return new DataError(
      this.fileName,
      line,
      `there is no column ${quote(given)} (${what})`,
      `set ${option} to one of them`,
      'unknown-column',
    );
  }

  /** Columns named by a header (or by `columns`, or by JSON keys). */
  private byName(columns: readonly string[], line: number, sample: Sample | undefined): [string, string] | undefined {
    const find = (which: 'text' | 'label', given: string | undefined, candidates: string[]): string | DataError => {
      if (given !== undefined) {
        const found = this.given(which, given, columns, line, `the columns are ${list(columns)}`);
        if (found instanceof DataError && /^\d+$/.test(given.trim()) && this.options.columns === undefined) {
          return new DataError(
            found.file,
            found.line,
            found.problem,
            `${found.hint} (a number names a column by its position only in a file without a header row: ${this.names.header})`,
            found.reason,
          );
        }
        return found;
      }
      for (const c of candidates) {
        const hit = columns.find((name) => name.toLowerCase() === c);
        if (hit !== undefined) return hit;
      }
      const option = which === 'text' ? this.names.textColumn : this.names.labelColumn;
      return new DataError(
        this.fileName,
        line,
        `cannot tell which column holds the ${which} (the columns are ${list(columns)})`,
        `name it with ${option}; without it, a column called ${candidates.join(', ')} is used (any case)`,
        'unknown-column',
      );
    };
    const text = find('text', this.options.textColumn, TEXT_COLUMNS);
    const label = text instanceof DataError ? text : find('label', this.options.labelColumn, LABEL_COLUMNS);
    if (!(text instanceof DataError) && !(label instanceof DataError)) return [text, label];
    const failure = text instanceof DataError ? text : (label as DataError);
    // Only a header row can turn out to be data; `columns`, JSON keys and fastText's lines cannot.
    const fmt = this.reader.format;
    if (this.options.columns !== undefined || (fmt !== 'csv' && fmt !== 'tsv')) throw failure;
    if (sample === undefined) return undefined;
    if (!headerLooksLikeData(columns, sample)) throw failure;
    const option = text instanceof DataError ? this.names.textColumn : this.names.labelColumn;
    throw new DataError(
      failure.file,
      failure.line,
      failure.problem,
      `the first row looks like data, not like column names: if the file has no header row, pass ${this.names.header}; otherwise name the column with ${option}`,
      failure.reason,
    );
  }

  /** Columns named "1", "2", … by position (header: false): two columns need no names. */
  private byPosition(
    columns: readonly string[],
    line: number,
    sample: Sample | undefined,
  ): [string, string] | undefined {
    const n = columns.length;
    const what = `the file has no header row, so its columns are numbered 1 to ${n}`;
    const pick = (which: 'text' | 'label', given: string) => {
      const found = this.given(which, given, columns, line, what);
      if (found instanceof DataError) throw found;
      return found;
    };
    const other = (column: string) => columns[columns[0] === column ? 1 : 0]!;
    const { textColumn, labelColumn } = this.options;
    if (textColumn !== undefined && labelColumn !== undefined)
      return [pick('text', textColumn), pick('label', labelColumn)];
    const byNumber = `name them with ${this.names.textColumn} N and ${this.names.labelColumn} N`;
    if (n === 1) {
      throw new DataError(
        this.fileName,
        line,
        'the file has one column, so it cannot hold both a text and a label',
        'give each row a label and a text, separated by a comma (CSV) or a tab (TSV)',
        'unknown-column',
      );
    }
    if (n === 2) {
      if (textColumn !== undefined) return [pick('text', textColumn), other(pick('text', textColumn))];
      if (labelColumn !== undefined) return [other(pick('label', labelColumn)), pick('label', labelColumn)];
      if (sample === undefined) return undefined;
      const label = guessLabelColumn(columns as [string, string], sample);
      if (label !== undefined) return [other(label), label];
      throw new DataError(
        this.fileName,
        line,
        'cannot tell which of the two columns holds the label (the file has no header row, and neither column has clearly fewer different values, nor single words only)',
        byNumber,
        'unknown-column',
      );
    }
    const missing = textColumn === undefined ? 'text' : 'label';
    throw new DataError(
      this.fileName,
      line,
      `cannot tell which column holds the ${missing} (${what})`,
      byNumber,
      'unknown-column',
    );
  }

  private check(record: DataRecord): Example | undefined {
    const textColumn = this.textColumn!;
    const labelColumn = this.labelColumn!;
    const { line, fields } = record;
    const skip = `pass ${this.names.skipBad} to skip such rows`;
    const rawText = fieldOf(fields, textColumn);
    const rawLabel = fieldOf(fields, labelColumn);
    let problem: DataError | undefined;
    if (rawText === undefined) {
      problem = new DataError(
        this.fileName,
        line,
        `this row has no value for column ${quote(textColumn)}`,
        `give every row all the columns of the ${this.positional ? 'first row' : 'header'}, or ${skip}`,
        'missing-text',
      );
    } else if (rawLabel === undefined || rawLabel.trim().length === 0) {
      problem = new DataError(
        this.fileName,
        line,
        `this row has no label in column ${quote(labelColumn)}`,
        `label every row, or ${skip}`,
        'missing-label',
      );
    } else if (rawText.trim().length === 0) {
      problem = new DataError(
        this.fileName,
        line,
        `the text in column ${quote(textColumn)} is empty`,
        `fill it in or remove the row, or ${skip}`,
        'empty-text',
      );
    } else if (this.allowed !== undefined && !this.allowed.has(rawLabel.trim())) {
      problem = new DataError(
        this.fileName,
        line,
        `unknown label ${quote(rawLabel.trim())} (allowed: ${list([...this.allowed])})`,
        `correct the row or add the label to ${this.names.allowedLabels}, or ${skip}`,
        'unknown-label',
      );
    }
    if (problem !== undefined) {
      this.bad(problem);
      return undefined;
    }
    this.report.read++;
    return { text: rawText!.trim(), label: rawLabel!.trim(), line };
  }

  /**
   * At the end: the records held back are decided on and come out through drain(); a file with
   * a header but wrong columns still gets its column error; no data at all is an error.
   */
  finish(columns: readonly string[] | undefined, columnsLine: number): void {
    if (this.sample !== undefined) this.decide();
    else if (this.textColumn === undefined && columns !== undefined && !this.positional)
      this.resolve(columns, columnsLine, []);
    if (this.rows === 0) {
      const fasttext = this.reader.format === 'fasttext';
      const headerOnly = columns !== undefined && this.reader.columnsLine > 0;
      throw new DataError(
        this.fileName,
        0,
        headerOnly ? 'it has a header but no rows' : 'there is no data in it',
        fasttext
          ? 'expected one example per line, e.g. "__label__positive what a lovely film"'
          : 'expected a header row such as "label,text" (or one JSON object per line) and one example per row',
        'empty-file',
      );
    }
  }
}

class ExampleReader implements ExampleStream {
  report: ReadReport = { read: 0, skipped: 0, reasons: {} };

  constructor(
    private readonly open: () => ChunkSource,
    private readonly options: ExampleOptions,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Example> {
    const reader = new RecordReader(this.options);
    const extractor = new ExampleExtractor(this.options, reader);
    this.report = extractor.report;
    const encodingErrors = this.options.encodingErrors ?? (this.options.skipBad === true ? 'skip' : 'throw');
    for await (const record of recordsOf(this.open(), reader, { ...this.options, encodingErrors })) {
      const example = extractor.take(record, reader.columns, reader.columnsLine);
      if (example !== undefined) yield example;
      else for (const held of extractor.drain()) yield held;
    }
    extractor.finish(reader.columns, reader.columnsLine);
    for (const held of extractor.drain()) yield held;
  }

  async collect(): Promise<{ examples: Example[]; report: ReadReport }> {
    const examples: Example[] = [];
    for await (const e of this) examples.push(e);
    return { examples, report: this.report };
  }
}

/**
 * Streams labelled examples from a source; bad rows throw a DataError naming file and line, or
 * with `skipBad` are skipped and counted in `.report`. Iterating again re-opens the source.
 * @example
 * ```ts
 * const s = readExamples(csvText, { format: "csv", skipBad: true }); for await (const e of s) use(e); s.report.skipped
 * ```
 */
export function readExamples(source: ChunkSource, options: ExampleOptions = {}): ExampleStream {
  return new ExampleReader(() => source, options);
}

/**
 * Like readExamples, but opens a fresh source each time it is iterated (a file, a fetch).
 * @example
 * ```ts
 * createExampleStream(() => fs.createReadStream(path), { fileName: path })
 * ```
 */
export function createExampleStream(open: () => ChunkSource, options: ExampleOptions = {}): ExampleStream {
  return new ExampleReader(open, options);
}

/**
 * Reads examples from text in memory, synchronously.
 * @example
 * ```ts
 * parseExamplesText("label,text\n1,great\n", { format: "csv" }).examples // [{ text: "great", label: "1", line: 2 }]
 * ```
 */
export function parseExamplesText(
  text: string,
  options: ExampleOptions = {},
): {
  /** Every example, in text order. */
  examples: Example[];
  /** What the read did. */
  report: ReadReport;
} {
  const reader = new RecordReader(options);
  const extractor = new ExampleExtractor(options, reader);
  const examples: Example[] = [];
  // The records the text completes first, then what its end gives (a quote left open is its last error, as when streaming).
  const take = (records: Array<DataRecord | DataError>) => {
    for (const record of records) {
      const example = extractor.take(record, reader.columns, reader.columnsLine);
      if (example !== undefined) examples.push(example);
      else examples.push(...extractor.drain());
    }
  };
  take(reader.push(text));
  take(reader.end());
  extractor.finish(reader.columns, reader.columnsLine);
  examples.push(...extractor.drain());
  return { examples, report: extractor.report };
}
