// RFC 4180 CSV, parsed incrementally: text arrives in chunks of any size (a chunk may end in
// the middle of a quoted field, between "" or between CR and LF), and only the record being
// read is held in memory. Every record carries the 1-based line where it starts, which is
// what an error message needs once quoted fields have spanned several lines.
//
// Leniency follows common practice: a quote inside an unquoted field, or text after a closing
// quote, is kept literally. A quote left open at the end of the input is an error, because it
// silently swallows the rest of the file otherwise.

import { DataError } from './errors.js';

/** Dialect of a delimited file. */
export interface CsvOptions {
  /** Field separator, one character (default ','). */
  delimiter?: string;
  /** Quote character, or null for no quoting at all, as in SST-2's TSV (default '"'). */
  quote?: string | null;
  /** Name used in error messages (default "<input>"). */
  fileName?: string;
}

/** One record: its fields and the line where it starts. */
export interface CsvRow {
  /** The line where the row starts, from 1 (a quoted field may span lines). */
  line: number;
  /** The row's fields, unquoted. */
  fields: string[];
}

// Parser states (plain numbers: `const enum` does not survive per-file transpilers).
const State = {
  FieldStart: 0,
  Unquoted: 1,
  Quoted: 2,
  /** A quote seen inside a quoted field: either "" or the closing quote; the next character tells. */
  QuoteInQuoted: 3,
} as const;
type State = (typeof State)[keyof typeof State];

const LF = 10;
const CR = 13;

function singleChar(name: string, value: string): number {
  if (value.length !== 1 || value === '\n' || value === '\r') {
    throw new RangeError(`${name} must be a single character other than a line break, got ${JSON.stringify(value)}`);
  }
  return value.charCodeAt(0);
}

/** Incremental RFC 4180 parser; blank (or all-space) lines are skipped; CRLF, LF and lone CR all end a line. */
export class CsvParser {
  private readonly delim: number;
  private readonly delimChar: string;
  private readonly quote: number;
  private readonly quoteChar: string;
  private readonly fileName: string;
  private state: State = State.FieldStart;
  private fields: string[] = [];
  private field = '';
  private quotedInRecord = false;
  /** A CR ended the last chunk: an LF at the start of the next one belongs to it. */
  private pendingCR = false;
  /** Inside quotes, the previous character was a CR (so an LF does not start another line). */
  private quotedCR = false;
  private started = false;
  private lineNo = 1;
  private recordLine = 1;
  private quoteLine = 0;

  /**
   * @example
   * ```ts
   * new CsvParser({ delimiter: ';' })
   * ```
   */
  constructor(options: CsvOptions = {}) {
    this.delimChar = options.delimiter ?? ',';
    this.delim = singleChar('delimiter', this.delimChar);
    const q = options.quote === undefined ? '"' : options.quote;
    this.quote = q === null ? -1 : singleChar('quote', q);
    this.quoteChar = q ?? '';
    if (this.quote === this.delim) throw new RangeError('quote and delimiter must differ');
    this.fileName = options.fileName ?? '<input>';
  }

  /**
   * The line the parser has reached (1-based), for messages about the input itself.
   * @example
   * ```ts
   * parser.line // 42
   * ```
   */
  get line(): number {
    return this.lineNo;
  }

  /**
   * Parses a chunk, appending every record it completes to `out`.
   * @example
   * ```ts
   * parser.push('a,"b\n', rows)
   * ```
   */
  push(chunk: string, out: CsvRow[] = []): CsvRow[] {
    const s = chunk;
    const n = s.length;
    let i = 0;
    if (n === 0) return out;
    if (!this.started) {
      this.started = true;
      if (s.charCodeAt(0) === 0xfeff) i = 1; // UTF-8 byte order mark
    }
    if (this.pendingCR) {
      this.pendingCR = false;
      if (s.charCodeAt(i) === LF) i++;
    }
    const delim = this.delim;
    const quote = this.quote;
    // -2: not searched yet; -1: none left in this chunk.
    let nextDelim = -2;
    let nextLF = -2;
    let nextCR = -2;
    while (i < n) {
      const state = this.state;
      if (state === State.Quoted) {
        const close = s.indexOf(this.quoteChar, i);
        const j = close < 0 ? n : close;
        // Count the line breaks kept inside the field, so later line numbers stay right.
        let cr = this.quotedCR;
        for (let k = i; k < j; k++) {
          const c = s.charCodeAt(k);
          if (c === CR) {
            this.lineNo++;
            cr = true;
          } else {
            if (c === LF && !cr) this.lineNo++;
            cr = false;
          }
        }
        this.quotedCR = cr;
        if (j > i) this.field += s.slice(i, j);
        if (close < 0) return out;
        this.state = State.QuoteInQuoted;
        i = j + 1;
        continue;
      }
      if (state === State.QuoteInQuoted) {
        if (s.charCodeAt(i) === quote) {
          this.field += this.quoteChar;
          this.state = State.Quoted;
          i++;
          continue;
        }
        this.quotedCR = false;
        this.state = State.Unquoted; // text after the closing quote is kept as it is
      } else if (state === State.FieldStart && s.charCodeAt(i) === quote) {
        this.state = State.Quoted;
        this.quotedInRecord = true;
        this.quoteLine = this.lineNo;
        i++;
        continue;
      }
      // Unquoted text runs to the next delimiter or line break. indexOf scans natively, and
      // each position found is kept until the scan passes it, so no character is read twice.
      if (nextDelim !== -1 && nextDelim < i) nextDelim = s.indexOf(this.delimChar, i);
      if (nextLF !== -1 && nextLF < i) nextLF = s.indexOf('\n', i);
      if (nextCR !== -1 && nextCR < i) nextCR = s.indexOf('\r', i);
      let j = n;
      if (nextDelim !== -1) j = nextDelim;
      if (nextLF !== -1 && nextLF < j) j = nextLF;
      if (nextCR !== -1 && nextCR < j) j = nextCR;
      const c = j < n ? s.charCodeAt(j) : 0;
      if (j > i) {
        this.field = this.field.length === 0 ? s.slice(i, j) : this.field + s.slice(i, j);
        this.state = State.Unquoted;
      }
      if (j === n) return out;
      if (c === delim) {
        this.fields.push(this.field);
        this.field = '';
        this.state = State.FieldStart;
        i = j + 1;
        continue;
      }
      this.endRecord(out);
      this.lineNo++;
      this.recordLine = this.lineNo;
      if (c === CR) {
        if (j + 1 < n) {
          if (s.charCodeAt(j + 1) === LF) j++;
        } else this.pendingCR = true;
      }
      i = j + 1;
    }
    return out;
  }

  /**
   * Finishes the input: emits the last record if it had no line break after it.
   * @example
   * ```ts
   * parser.end(rows)
   * ```
   */
  end(out: CsvRow[] = []): CsvRow[] {
    if (this.state === State.Quoted) {
      throw new DataError(
        this.fileName,
        this.quoteLine,
        'a quoted field opened here is never closed',
        `close it with ${this.quoteChar}, and write a ${this.quoteChar} inside a quoted field as ${this.quoteChar}${this.quoteChar}`,
        'unclosed-quote',
      );
    }
    if (this.fields.length > 0 || this.field.length > 0 || this.quotedInRecord) this.endRecord(out);
    this.pendingCR = false;
    return out;
  }

  private endRecord(out: CsvRow[]): void {
    const fields = this.fields;
    fields.push(this.field);
    // A line with nothing (or only spaces) on it is not a record; a line holding "" is one
    // with an empty field.
    if (fields.length > 1 || this.quotedInRecord || fields[0]!.trim().length > 0) {
      out.push({ line: this.recordLine, fields });
    }
    this.fields = [];
    this.field = '';
    this.state = State.FieldStart;
    this.quotedInRecord = false;
  }
}

/**
 * Parses a whole CSV text into records (header included).
 * @example
 * ```ts
 * parseCsv('a,b\n1,"x,y"\n') // [{ line: 1, fields: ["a", "b"] }, { line: 2, fields: ["1", "x,y"] }]
 * ```
 */
export function parseCsv(text: string, options?: CsvOptions): CsvRow[] {
  const p = new CsvParser(options);
  return p.end(p.push(text));
}

/**
 * Parses CSV arriving in text chunks, yielding records as they complete.
 * @example
 * ```ts
 * for await (const row of parseCsvChunks(chunks)) console.log(row.line, row.fields)
 * ```
 */
export async function* parseCsvChunks(
  chunks: AsyncIterable<string> | Iterable<string>,
  options?: CsvOptions,
): AsyncGenerator<CsvRow> {
  const p = new CsvParser(options);
  const rows: CsvRow[] = [];
  for await (const chunk of chunks) {
    p.push(chunk, rows);
    yield* rows;
    rows.length = 0;
  }
  yield* p.end(rows);
}
