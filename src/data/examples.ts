// From bytes to labelled examples, in three layers that each stream:
//   chunks (strings, bytes, streams)  -> text, decoded as UTF-8 across chunk boundaries (./decode.ts)
//   text  -> records {line, fields}    CSV/TSV (header names the fields, or their position does
//                                      without one), JSONL (keys do) or fastText's __label__ lines
//                                      (./records.ts; the format: ./formats.ts)
//   records -> examples {text, label, line}, with the text and label columns found by name
//                                      (./columns.ts finds them; this module checks each row)
// Nothing here holds more than one chunk and one record, so files bigger than memory work.
// Bytes that are not UTF-8 stop the read at their exact line and byte offset (see ./utf8.ts),
// read as U+FFFD, or leave out the records that hold them.
// No Node APIs: this module also runs in browsers (src/data/files.node.ts adds the file system).

import { DataError, list, quote } from './errors.js';
import type { ChunkSource } from './decode.js';
import { fieldOf } from './fields.js';
import { recordsOf, RecordReader, type DataRecord, type RecordOptions } from './records.js';
import { ColumnFinder, type Sample } from './columns.js';

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

/**
 * Rows read before deciding from the data itself (which of two unnamed columns holds the label;
 * whether a header that names no usable column is data): enough to count a column's distinct
 * values, few enough to hold in memory.
 */
const SAMPLE_ROWS = 1000;
const NO_EXAMPLES: Example[] = [];

/** How the caller spells the options named in messages about rows. */
type OptionNames = Required<Omit<NonNullable<ExampleOptions['optionNames']>, 'encodingErrors' | 'format'>>;

/**
 * Finds the columns (ColumnFinder), then checks records and turns them into examples; shared by
 * the streaming and the in-memory reader.
 */
class ExampleExtractor extends ColumnFinder<ExampleOptions, OptionNames> {
  readonly report: ReadReport = { read: 0, skipped: 0, reasons: {} };
  private textColumn: string | undefined;
  private labelColumn: string | undefined;
  private readonly allowed: Set<string> | undefined;
  private rows = 0;
  /**
   * Records held back, in order, while the columns wait on the data to be decided (see
   * SAMPLE_ROWS); undefined otherwise. Once decided they come out through drain().
   */
  private sample: Array<DataRecord | DataError> | undefined;
  private sampleColumns: readonly string[] = [];
  private sampleLine = 0;
  private released: Example[] = [];

  constructor(options: ExampleOptions, reader: RecordReader) {
    super(options, reader, {
      textColumn: 'textColumn',
      labelColumn: 'labelColumn',
      skipBad: 'skipBad: true',
      allowedLabels: 'allowedLabels',
      header: 'header: false',
      ...options.optionNames,
    });
    this.allowed =
      options.allowedLabels === undefined ? undefined : new Set([...options.allowedLabels].map((l) => l.trim()));
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
