// Which columns of the records hold the text and the label: named by the caller (exactly, or
// ignoring case), found among the usual names (text, sentence, …; label, sentiment, …), or, in a
// file without a header row, numbered by position, two columns telling by their values which
// holds the label. A header that names no usable column may be data: the first rows decide.
// No Node APIs: this module also runs in browsers.

import { DataError, list, quote } from './errors.js';
import { fieldOf } from './fields.js';
import type { DataRecord, RecordReader } from './records.js';

const TEXT_COLUMNS = ['text', 'sentence', 'review', 'content', 'comment', 'body'];
const LABEL_COLUMNS = ['label', 'labels', 'sentiment', 'polarity', 'class', 'target'];

/** What finding the columns reads of the options (ExampleOptions has each of them). */
export interface ColumnOptions {
  /** The column holding the text, as the caller named it. */
  textColumn?: string;
  /** The column holding the label, as the caller named it. */
  labelColumn?: string;
  /** False: the file has no header row. */
  header?: boolean;
  /** Column names for a file without a header row. */
  columns?: readonly string[];
  /** How the caller spells the format option, for hints in messages. */
  optionNames?: { format?: string };
}

/** How the caller spells the options that name columns, for hints in messages. */
export interface ColumnOptionNames {
  /** How to spell `textColumn`. */
  textColumn: string;
  /** How to spell `labelColumn`. */
  labelColumn: string;
  /** How to say the file has no header row. */
  header: string;
}

/**
 * The first records of a file (or the errors met reading them), from which the label column is guessed.
 * @inline
 */
export type Sample = readonly (DataRecord | DataError)[];

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

/**
 * Finds the text and label columns of one file's records (byName, byPosition), or explains why
 * they cannot be found; the reader of examples (ExampleExtractor in ./examples.ts) extends it with
 * the checks of each row.
 */
export class ColumnFinder<
  Options extends ColumnOptions = ColumnOptions,
  Names extends ColumnOptionNames = ColumnOptionNames,
> {
  /** The name used in messages about this input. */
  protected readonly fileName: string;

  constructor(
    protected readonly options: Options,
    protected readonly reader: RecordReader,
    protected readonly names: Names,
  ) {
    this.fileName = reader.fileName;
  }

  /** Columns named by their position: header: false without `columns`. */
  protected get positional(): boolean {
    return (
      this.options.header === false &&
      this.options.columns === undefined &&
      this.reader.format !== 'jsonl' &&
      this.reader.format !== 'fasttext'
    );
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
  protected byName(columns: readonly string[], line: number, sample: Sample | undefined): [string, string] | undefined {
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
    const fmt = this.reader.format;
    // One "column" holding tabs: a tab-separated file read as CSV (named .csv, say), not a column to name.
    if (fmt === 'csv' && this.options.columns === undefined && columns.length === 1 && columns[0].includes('\t')) {
      const named = this.options.optionNames?.format;
      const format = named === undefined ? "format: 'tsv'" : named.replace(/ .*$/, ' tsv');
      throw new DataError(
        failure.file,
        failure.line,
        `the header row is one column holding tabs (${quote(columns[0].slice(0, 60))}): the file is tab-separated, read as CSV`,
        `pass ${format} to read it as TSV (or name the file .tsv)`,
        failure.reason,
      );
    }
    // Only a header row can turn out to be data; `columns`, JSON keys and fastText's lines cannot.
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
  protected byPosition(
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
}
