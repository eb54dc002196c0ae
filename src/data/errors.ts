// Errors about the user's data. The message is what a user sees first, so it is formatted the
// way compilers format theirs, `FILE:LINE: problem. hint`, which editors and terminals turn
// into a link to the line.

/** A short, stable name for each kind of data problem; ReadReport.reasons counts by it. */
export type DataProblem =
  | 'malformed-json'
  | 'not-an-object'
  | 'too-many-fields'
  | 'unclosed-quote'
  | 'missing-text'
  | 'empty-text'
  | 'missing-label'
  | 'unknown-label'
  | 'unknown-column'
  | 'empty-file'
  | 'bad-encoding'
  | 'unknown-format'
  | 'unreadable';

/** A problem in a data file, naming the file and the line where the record starts. */
export class DataError extends Error {
  override readonly name = 'DataError';

  /**
   * `line` is 1-based; 0 means the problem concerns the whole file.
   * @example new DataError("train.csv", 5086, "the text in column \"review\" is empty", "fill it in or pass skipBad: true", "empty-text")
   */
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
    readonly hint: string,
    readonly reason: DataProblem,
  ) {
    super(formatDataError(file, line, problem, hint));
  }
}

/** The message of a DataError: `FILE:LINE: problem. hint`. @example formatDataError("a.csv", 3, "empty text", "fill it in") // "a.csv:3: empty text. fill it in" */
export function formatDataError(file: string, line: number, problem: string, hint: string): string {
  const where = line > 0 ? `${file}:${line}` : file;
  const end = /[.!?]$/.test(problem) ? '' : '.';
  return hint ? `${where}: ${problem}${end} ${hint}` : `${where}: ${problem}`;
}
