// From bytes to labelled examples, in three layers that each stream:
//   chunks (strings, bytes, streams)  -> text, decoded as UTF-8 across chunk boundaries
//   text  -> records {line, fields}    CSV/TSV (header names the fields) or JSONL (keys do)
//   records -> examples {text, label, line}, with the text and label columns found by name
// Nothing here holds more than one chunk and one record, so files bigger than memory work.
// No Node APIs: this module also runs in browsers (src/data/files.node.ts adds the file system).

import { CsvParser, type CsvRow } from './csv.js';
import { createTsvParser } from './tsv.js';
import { JsonlParser, malformedJsonError, type JsonlRow } from './jsonl.js';
import { DataError } from './errors.js';

/** The file formats the readers understand. */
export type DataFormat = 'csv' | 'tsv' | 'jsonl';

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
  /** The format; by default taken from fileName's extension, else guessed from the first line. */
  format?: DataFormat;
  /** Name used in error messages, and to pick the format (default "<input>"). */
  fileName?: string;
  /** CSV/TSV field separator (default ',' for CSV, tab for TSV). */
  delimiter?: string;
  /** CSV/TSV quote character, null for none (default '"' for CSV, none for TSV). */
  quote?: string | null;
  /** Column names for a CSV/TSV file without a header row (its first line is then data). */
  columns?: readonly string[];
  /** Invalid UTF-8: stop with a DataError ('throw', default) or read it as U+FFFD ('replace'). */
  encodingErrors?: 'throw' | 'replace';
  /** Called for a record that cannot be read (malformed JSON, too many fields); without it they throw. */
  onBadRecord?: (error: DataError) => void;
}

/** One record: the line where it starts and its fields by column name. */
export interface DataRecord {
  line: number;
  fields: Record<string, string>;
}

const FORMATS: readonly DataFormat[] = ['csv', 'tsv', 'jsonl'];
const EXTENSIONS: Record<string, DataFormat> = { csv: 'csv', tsv: 'tsv', tab: 'tsv', jsonl: 'jsonl', ndjson: 'jsonl' };

/** The format a file name's extension stands for, or undefined. @example formatFromFileName("data/train.TSV") // "tsv" */
export function formatFromFileName(fileName: string): DataFormat | undefined {
  const path = fileName.replace(/[?#].*$/, '');
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return undefined;
  return EXTENSIONS[path.slice(dot + 1).toLowerCase()];
}

/** Guesses the format from the start of the text: "{" means JSONL, a tab in the first line TSV, else CSV. @example sniffFormat('label\tsentence\n') // "tsv" */
export function sniffFormat(head: string): DataFormat {
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
  readonly fileName: string;
  private fmt: DataFormat | undefined;
  private csv: CsvParser | undefined;
  private jsonl: JsonlParser | undefined;
  private header: string[] | undefined;
  private headerLine = 0;
  /** Text held back until the first line is complete, when the format must be guessed. */
  private head: string[] = [];
  private readonly csvRows: CsvRow[] = [];
  private readonly jsonRows: JsonlRow[] = [];

  /** @example new RecordReader({ fileName: "train.tsv" }) */
  constructor(private readonly options: RecordOptions = {}) {
    this.fileName = options.fileName ?? '<input>';
    const format = options.format ?? (options.fileName === undefined ? undefined : formatFromFileName(options.fileName));
    if (format !== undefined && !FORMATS.includes(format)) {
      throw new DataError(this.fileName, 0, `unknown format ${JSON.stringify(format)}`, "use 'csv', 'tsv' or 'jsonl'", 'unknown-format');
    }
    if (options.columns !== undefined) this.header = uniqueNames(options.columns);
    if (format !== undefined) this.start(format);
  }

  /** The format in use, once known. @example reader.format // "csv" */
  get format(): DataFormat | undefined {
    return this.fmt;
  }

  /** Column names: the header of a CSV/TSV file, or the keys of the first JSONL object. @example reader.columns // ["label", "sentence"] */
  get columns(): readonly string[] | undefined {
    return this.header;
  }

  /** Where the column names came from: the header's line, the first JSONL object's, 0 for the `columns` option. @example reader.columnsLine // 1 */
  get columnsLine(): number {
    return this.headerLine;
  }

  /** The line reached so far (1-based). @example reader.line // 1 */
  get line(): number {
    return this.csv?.line ?? this.jsonl?.line ?? 1;
  }

  /** Reads a chunk of text, appending the records it completes. @example reader.push("label,text\n1,good\n", records) */
  push(chunk: string, out: Array<DataRecord | DataError> = []): Array<DataRecord | DataError> {
    if (this.fmt === undefined) {
      this.head.push(chunk);
      if (!/[\r\n]/.test(chunk)) return out;
      return this.startFromHead(out);
    }
    if (this.csv !== undefined) {
      this.csv.push(chunk, this.csvRows);
      this.takeCsv(out);
    } else {
      this.jsonl!.push(chunk, this.jsonRows);
      this.takeJsonl(out);
    }
    return out;
  }

  /** Finishes the input, appending the last record. @example reader.end(records) */
  end(out: Array<DataRecord | DataError> = []): Array<DataRecord | DataError> {
    if (this.fmt === undefined) {
      if (this.head.join('').trim().length === 0) return out;
      this.startFromHead(out);
    }
    if (this.csv !== undefined) {
      this.csv.end(this.csvRows);
      this.takeCsv(out);
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
    else this.jsonl = new JsonlParser();
  }

  private startFromHead(out: Array<DataRecord | DataError>): Array<DataRecord | DataError> {
    const text = this.head.join('');
    this.head = [];
    this.start(sniffFormat(text));
    return this.push(text, out);
  }

  private takeCsv(out: Array<DataRecord | DataError>): void {
    const rows = this.csvRows;
    for (let r = 0; r < rows.length; r++) {
      const { line, fields } = rows[r]!;
      const header = this.header;
      if (header === undefined) {
        this.header = uniqueNames(fields);
        this.headerLine = line;
        continue;
      }
      if (fields.length > header.length && fields.slice(header.length).some((f) => f.length > 0)) {
        const sep = this.fmt === 'tsv' ? 'a tab' : `"${this.options.delimiter ?? ','}"`;
        out.push(
          new DataError(
            this.fileName,
            line,
            `this row has ${fields.length} fields but the header has ${header.length}`,
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
      if (!row.ok) {
        out.push(malformedJsonError(this.fileName, row.line, row.error));
        continue;
      }
      const value = row.value;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
        out.push(
          new DataError(this.fileName, row.line, `this line holds ${kind}, not a JSON object`,
            'write one object per line, e.g. {"text": "great film", "label": "1"}', 'not-an-object'),
        );
        continue;
      }
      const record: Record<string, string> = {};
      for (const key of Object.keys(value)) {
        const v = (value as Record<string, unknown>)[key];
        // Numbers keep their JSON spelling (1 -> "1"); null counts as a missing value.
        if (v === null || v === undefined) continue;
        setField(record, key, typeof v === 'string' ? v : JSON.stringify(v));
      }
      if (this.header === undefined) {
        this.header = Object.keys(value);
        this.headerLine = row.line;
      }
      out.push({ line: row.line, fields: record });
    }
    rows.length = 0;
  }
}

/**
 * Records are plain objects (V8 keeps those fast, unlike Object.create(null)); a column named
 * "__proto__" is defined as an own property instead of replacing the prototype.
 */
function setField(record: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

/** Header names, trimmed; a blank name becomes columnN and a repeated one gets a _2, _3 suffix. */
function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((raw, i) => {
    let name = raw.trim() || `column${i + 1}`;
    if (seen.has(name)) {
      let k = 2;
      while (seen.has(`${name}_${k}`)) k++;
      name = `${name}_${k}`;
    }
    seen.add(name);
    return name;
  });
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
 * two chunks comes out whole). `where` gives the line for an encoding error.
 * @example for await (const text of decodeChunks(fs.createReadStream("a.csv"))) parser.push(text)
 */
export async function* decodeChunks(
  source: ChunkSource,
  options: { fileName?: string; encodingErrors?: 'throw' | 'replace'; where?: () => number } = {},
): AsyncGenerator<string> {
  if (typeof source === 'string') {
    yield source;
    return;
  }
  const decoder = new TextDecoder('utf-8', { fatal: (options.encodingErrors ?? 'throw') === 'throw' });
  const decode = (bytes?: Uint8Array): string => {
    try {
      return bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true });
    } catch {
      throw new DataError(options.fileName ?? '<input>', options.where?.() ?? 0,
        'the text is not valid UTF-8 (the bad bytes are on this line or the next ones)',
        'save the file as UTF-8 (for example with `iconv -f GBK -t UTF-8`), or pass encodingErrors: "replace"', 'bad-encoding');
    }
  };
  let chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;
  if (source instanceof Uint8Array) chunks = [source];
  else if (source instanceof ArrayBuffer) chunks = [new Uint8Array(source)];
  else if (typeof Blob !== 'undefined' && source instanceof Blob) chunks = readStream(source.stream());
  else if (isReadableStream(source) && !(Symbol.asyncIterator in source)) chunks = readStream(source);
  else chunks = source as AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decode(chunk);
    if (text.length > 0) yield text;
  }
  const tail = decode();
  if (tail.length > 0) yield tail;
}

/** Records and, in their place, the DataErrors of records that could not be read. */
async function* recordsOf(
  source: ChunkSource,
  reader: RecordReader,
  options: RecordOptions,
): AsyncGenerator<DataRecord | DataError> {
  const out: Array<DataRecord | DataError> = [];
  const chunks = decodeChunks(source, {
    fileName: reader.fileName,
    encodingErrors: options.encodingErrors,
    where: () => reader.line,
  });
  for await (const text of chunks) {
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
 * @example for await (const r of readRecords(text, { format: "csv" })) console.log(r.line, r.fields.label)
 */
export async function* readRecords(source: ChunkSource, options: RecordOptions = {}): AsyncGenerator<DataRecord> {
  for await (const r of recordsOf(source, new RecordReader(options), options)) {
    if (!(r instanceof DataError)) yield r;
    else if (options.onBadRecord !== undefined) options.onBadRecord(r);
    else throw r;
  }
}

// ---------------------------------------------------------------------------------------------
// Examples

/** How examples are taken from records. */
export interface ExampleOptions extends Omit<RecordOptions, 'onBadRecord'> {
  /** Column holding the text; by default the first of text, sentence, review, content, comment, body. */
  textColumn?: string;
  /** Column holding the label; by default the first of label, labels, sentiment, polarity, class, target. */
  labelColumn?: string;
  /** If given, any other label is a bad row. */
  allowedLabels?: Iterable<string>;
  /** Skip bad rows and count them in the report instead of throwing (default false). */
  skipBad?: boolean;
  /** Told about every skipped row. */
  onSkip?: (error: DataError) => void;
  /** How the caller spells these options (e.g. the CLI's "--text-column"), for hints in messages. */
  optionNames?: { textColumn?: string; labelColumn?: string; skipBad?: string; allowedLabels?: string };
}

/** A labelled text and the line where its record starts. Labels are strings ("0", "pos", "5"). */
export interface Example {
  text: string;
  label: string;
  line: number;
}

/** What a read did: examples delivered, rows skipped, and why (counted by DataError.reason). */
export interface ReadReport {
  read: number;
  skipped: number;
  reasons: Record<string, number>;
  /** The columns used, once known. */
  textColumn?: string;
  labelColumn?: string;
}

/** Examples, streamed; `report` fills in as they are read. */
export interface ExampleStream extends AsyncIterable<Example> {
  readonly report: ReadReport;
  /** Reads everything into memory. */
  collect(): Promise<{ examples: Example[]; report: ReadReport }>;
}

const TEXT_COLUMNS = ['text', 'sentence', 'review', 'content', 'comment', 'body'];
const LABEL_COLUMNS = ['label', 'labels', 'sentiment', 'polarity', 'class', 'target'];

function list(names: readonly string[], max = 20): string {
  const shown = names.slice(0, max).map((n) => JSON.stringify(n)).join(', ');
  return names.length > max ? `${shown}, … (${names.length} in all)` : shown;
}

/** Checks records and turns them into examples; shared by the streaming and the in-memory reader. */
class ExampleExtractor {
  readonly report: ReadReport = { read: 0, skipped: 0, reasons: {} };
  private textColumn: string | undefined;
  private labelColumn: string | undefined;
  private readonly allowed: Set<string> | undefined;
  private readonly names: Required<NonNullable<ExampleOptions['optionNames']>>;
  private rows = 0;

  constructor(
    private readonly options: ExampleOptions,
    private readonly fileName: string,
  ) {
    this.allowed = options.allowedLabels === undefined ? undefined : new Set([...options.allowedLabels].map((l) => l.trim()));
    this.names = {
      textColumn: 'textColumn',
      labelColumn: 'labelColumn',
      skipBad: 'skipBad: true',
      allowedLabels: 'allowedLabels',
      ...options.optionNames,
    };
  }

  /** Throws the error, or with skipBad counts the row as skipped. */
  private bad(error: DataError): void {
    if (this.options.skipBad !== true) throw error;
    this.report.skipped++;
    this.report.reasons[error.reason] = (this.report.reasons[error.reason] ?? 0) + 1;
    this.options.onSkip?.(error);
  }

  /** Takes a record, or the error of one that could not be read; returns the example if the row is good. */
  take(record: DataRecord | DataError, columns: readonly string[] | undefined, columnsLine: number): Example | undefined {
    this.rows++;
    if (record instanceof DataError) {
      this.bad(record);
      return undefined;
    }
    if (this.textColumn === undefined) this.resolve(columns ?? Object.keys(record.fields), columnsLine);
    return this.check(record);
  }

  /** Finds the text and label columns among the record's columns, or explains why not. */
  private resolve(columns: readonly string[], line: number): void {
    const find = (which: 'text' | 'label', given: string | undefined, candidates: string[]): string => {
      const option = which === 'text' ? this.names.textColumn : this.names.labelColumn;
      if (given !== undefined) {
        if (columns.includes(given)) return given;
        const folded = columns.filter((c) => c.toLowerCase() === given.trim().toLowerCase());
        if (folded.length === 1) return folded[0]!;
        throw new DataError(this.fileName, line, `there is no column ${JSON.stringify(given)} (the columns are ${list(columns)})`,
          `set ${option} to one of them`, 'unknown-column');
      }
      for (const c of candidates) {
        const hit = columns.find((name) => name.toLowerCase() === c);
        if (hit !== undefined) return hit;
      }
      throw new DataError(this.fileName, line, `cannot tell which column holds the ${which} (the columns are ${list(columns)})`,
        `name it with ${option}; without it, a column called ${candidates.join(', ')} is used (any case)`, 'unknown-column');
    };
    const text = find('text', this.options.textColumn, TEXT_COLUMNS);
    const label = find('label', this.options.labelColumn, LABEL_COLUMNS);
    if (text === label) {
      throw new DataError(this.fileName, line, `the text and the label cannot both come from column ${JSON.stringify(text)}`,
        `set ${this.names.textColumn} and ${this.names.labelColumn} to different columns`, 'unknown-column');
    }
    this.textColumn = this.report.textColumn = text;
    this.labelColumn = this.report.labelColumn = label;
  }

  private check(record: DataRecord): Example | undefined {
    const textColumn = this.textColumn!;
    const labelColumn = this.labelColumn!;
    const { line, fields } = record;
    const skip = `pass ${this.names.skipBad} to skip such rows`;
    const rawText = fields[textColumn];
    const rawLabel = fields[labelColumn];
    let problem: DataError | undefined;
    if (rawText === undefined) {
      problem = new DataError(this.fileName, line, `this row has no value for column ${JSON.stringify(textColumn)}`,
        `give every row all the columns of the header, or ${skip}`, 'missing-text');
    } else if (rawLabel === undefined || rawLabel.trim().length === 0) {
      problem = new DataError(this.fileName, line, `this row has no label in column ${JSON.stringify(labelColumn)}`,
        `label every row, or ${skip}`, 'missing-label');
    } else if (rawText.trim().length === 0) {
      problem = new DataError(this.fileName, line, `the text in column ${JSON.stringify(textColumn)} is empty`,
        `fill it in or remove the row, or ${skip}`, 'empty-text');
    } else if (this.allowed !== undefined && !this.allowed.has(rawLabel.trim())) {
      problem = new DataError(this.fileName, line, `unknown label ${JSON.stringify(rawLabel.trim())} (allowed: ${list([...this.allowed])})`,
        `correct the row or add the label to ${this.names.allowedLabels}, or ${skip}`, 'unknown-label');
    }
    if (problem !== undefined) {
      this.bad(problem);
      return undefined;
    }
    this.report.read++;
    return { text: rawText!.trim(), label: rawLabel!.trim(), line };
  }

  /** At the end: a file with a header but wrong columns still gets its column error; no data at all is an error. */
  finish(columns: readonly string[] | undefined, columnsLine: number): void {
    if (this.textColumn === undefined && columns !== undefined) this.resolve(columns, columnsLine);
    if (this.rows === 0) {
      throw new DataError(this.fileName, 0, columns === undefined ? 'there is no data in it' : 'it has a header but no rows',
        'expected a header row such as "label,text" (or one JSON object per line) and one example per row', 'empty-file');
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
    const extractor = new ExampleExtractor(this.options, reader.fileName);
    this.report = extractor.report;
    for await (const record of recordsOf(this.open(), reader, this.options)) {
      const example = extractor.take(record, reader.columns, reader.columnsLine);
      if (example !== undefined) yield example;
    }
    extractor.finish(reader.columns, reader.columnsLine);
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
 * @example const s = readExamples(csvText, { format: "csv", skipBad: true }); for await (const e of s) use(e); s.report.skipped
 */
export function readExamples(source: ChunkSource, options: ExampleOptions = {}): ExampleStream {
  return new ExampleReader(() => source, options);
}

/** Like readExamples, but opens a fresh source each time it is iterated (a file, a fetch). @example createExampleStream(() => fs.createReadStream(path), { fileName: path }) */
export function createExampleStream(open: () => ChunkSource, options: ExampleOptions = {}): ExampleStream {
  return new ExampleReader(open, options);
}

/** Reads examples from text in memory, synchronously. @example parseExamplesText("label,text\n1,great\n", { format: "csv" }).examples // [{ text: "great", label: "1", line: 2 }] */
export function parseExamplesText(text: string, options: ExampleOptions = {}): { examples: Example[]; report: ReadReport } {
  const reader = new RecordReader(options);
  const extractor = new ExampleExtractor(options, reader.fileName);
  const examples: Example[] = [];
  for (const record of reader.end(reader.push(text))) {
    const example = extractor.take(record, reader.columns, reader.columnsLine);
    if (example !== undefined) examples.push(example);
  }
  extractor.finish(reader.columns, reader.columnsLine);
  return { examples, report: extractor.report };
}
