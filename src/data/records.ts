// From text to records {line, fields}: CSV/TSV (header names the fields, or their position does
// without one), JSONL (keys do) or fastText's __label__ lines; the second layer of reading
// examples, between ./decode.ts (chunks to text) and ./examples.ts (records to examples). Nothing
// here holds more than one chunk and one record, so files bigger than memory work. Bytes that are
// not UTF-8 stop the read at their exact line and byte offset (see ./utf8.ts), read as U+FFFD,
// or leave out the records that hold them. No Node APIs: this module also runs in browsers.

import { CsvParser, type CsvRow } from './csv.js';
import { createTsvParser } from './tsv.js';
import { JsonlParser, malformedJsonError, type JsonlRow } from './jsonl.js';
import { DataError, quote } from './errors.js';
import { Utf8Decoder, badEncodingError, type BadBytes } from './utf8.js';
import { parseFastTextLine } from './fasttext.js';
import { decodeWith, type ChunkSource } from './decode.js';
import { FORMATS, formatFromFileName, sniffFormat, unknownFormatHint, type DataFormat } from './formats.js';
import { setField, uniqueNames } from './fields.js';

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

/** Records and, in their place, the DataErrors of records that could not be read. */
export async function* recordsOf(
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
