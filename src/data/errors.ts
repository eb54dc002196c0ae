// Errors about the user's data. The message is what a user sees first, so it is formatted the
// way compilers format theirs, `FILE:LINE: problem. hint`, which editors and terminals turn
// into a link to the line.

/** A short, stable name for each kind of data problem; ReadReport.reasons counts by it. */
export type DataProblem =
  | 'malformed-json'
  | 'not-an-object'
  | 'too-many-fields'
  | 'multiple-labels'
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
  /** The error's name. */
  override readonly name = 'DataError';

  /**
   * `line` is 1-based; 0 means the problem concerns the whole file.
   * @example
   * ```ts
   * new DataError("train.csv", 5086, "the text in column \"review\" is empty", "fill it in or pass skipBad: true", "empty-text")
   * ```
   */
  constructor(
    /** The file (or other source) the data came from. */
    readonly file: string,
    /** The line, from 1; 0 when the problem concerns the whole file. */
    readonly line: number,
    /** What is wrong. */
    readonly problem: string,
    /** What to do about it. */
    readonly hint: string,
    /** The problem's name, for counting in reports. */
    readonly reason: DataProblem,
  ) {
    super(formatDataError(file, line, problem, hint));
  }
}

/**
 * The message of a DataError: `FILE:LINE: problem. hint`.
 * @example
 * ```ts
 * formatDataError("a.csv", 3, "empty text", "fill it in") // "a.csv:3: empty text. fill it in"
 * ```
 */
export function formatDataError(file: string, line: number, problem: string, hint: string): string {
  const where = line > 0 ? `${file}:${line}` : file;
  const end = /[.!?]$/.test(problem) ? '' : '.';
  return hint ? `${where}: ${problem}${end} ${hint}` : `${where}: ${problem}`;
}

/** The most characters of the user's data a message quotes: enough to recognise it, never a whole line of a file. */
const QUOTE_MAX = 60;

/**
 * A value from the user's data, in double quotes with JSON escapes, for a message; a long one is
 * cut to `max` characters, with an ellipsis and its full length.
 * @example
 * ```ts
 * quote("label") // '"label"'
 * ```
 * @example
 * ```ts
 * quote("x".repeat(100), 5) // '"xxxxx…" (100 characters)'
 * ```
 */
export function quote(value: string, max = QUOTE_MAX): string {
  if (value.length <= max) {
    const whole = JSON.stringify(value);
    if (whole.length <= max + 2) return whole;
  }
  let shown = '';
  // By code point, so that a cut never splits a surrogate pair; escapes count at their length.
  for (const ch of value) {
    const escaped = JSON.stringify(ch).slice(1, -1);
    if (shown.length + escaped.length > max) break;
    shown += escaped;
  }
  return `"${shown}…" (${value.length.toLocaleString('en-US')} characters)`;
}

/**
 * Text that may hold the user's data (another library's message), cut like quote() but not quoted.
 * @example
 * ```ts
 * shorten("abcdef", 3) // "abc… (6 characters)"
 * ```
 */
export function shorten(text: string, max = QUOTE_MAX * 2): string {
  if (text.length <= max) return text;
  const cut = /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max;
  return `${text.slice(0, cut)}… (${text.length.toLocaleString('en-US')} characters)`;
}

/**
 * Names for a message, quoted, as many as fit in about `budget` characters, then how many there are in all.
 * @example
 * ```ts
 * list(["label", "text"]) // '"label", "text"'
 * ```
 */
export function list(names: readonly string[], budget = 80): string {
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
