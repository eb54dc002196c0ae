// JSON Lines: one JSON value per line, read incrementally. A malformed line does not stop the
// parser: it comes out as a row with an error, so that the caller decides whether to throw
// (the default, naming file and line) or to skip it and count it.

import { DataError, shorten } from './errors.js';

/** One non-blank line of a JSONL input (`text`, without its line break): its parsed value, or why it could not be parsed. */
export type JsonlRow = {
  /** The line's number, from 1. */
  line: number;
  /** The line as it was read. */
  text: string;
} & (
  | {
      /** The line parsed. */
      ok: true;
      /** Its JSON value. */
      value: unknown;
    }
  | {
      /** The line did not parse. */
      ok: false;
      /** JSON.parse's message. */
      error: string;
    }
);

/** Incremental JSONL parser; blank lines are skipped, CRLF is accepted. */
export class JsonlParser {
  /** Pieces of a line that has not ended yet (joined once, when it does). */
  private pending: string[] = [];
  private lineNo = 1;
  private started = false;

  /**
   * The line the parser has reached (1-based).
   * @example
   * ```ts
   * parser.line // 1
   * ```
   */
  get line(): number {
    return this.lineNo;
  }

  /**
   * Parses a chunk, appending a row for every line it completes.
   * @example
   * ```ts
   * parser.push('{"a":1}\n{"a"', rows)
   * ```
   */
  push(chunk: string, out: JsonlRow[] = []): JsonlRow[] {
    let i = 0;
    if (chunk.length === 0) return out;
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) i = 1;
    }
    for (;;) {
      const nl = chunk.indexOf('\n', i);
      if (nl < 0) {
        if (i < chunk.length) this.pending.push(chunk.slice(i));
        return out;
      }
      let text = chunk.slice(i, nl);
      if (this.pending.length > 0) {
        this.pending.push(text);
        text = this.pending.join('');
        this.pending = [];
      }
      this.parseLine(text, out);
      this.lineNo++;
      i = nl + 1;
    }
  }

  /**
   * Finishes the input: parses a last line that has no line break after it.
   * @example
   * ```ts
   * parser.end(rows)
   * ```
   */
  end(out: JsonlRow[] = []): JsonlRow[] {
    if (this.pending.length > 0) {
      const text = this.pending.join('');
      this.pending = [];
      this.parseLine(text, out);
    }
    return out;
  }

  private parseLine(text: string, out: JsonlRow[]): void {
    if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    if (text.trim().length === 0) return;
    try {
      out.push({ line: this.lineNo, text, ok: true, value: JSON.parse(text) });
    } catch (e) {
      out.push({ line: this.lineNo, text, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }
}

/**
 * The DataError for a line that is not JSON.
 * @example
 * ```ts
 * malformedJsonError("a.jsonl", 3, "Unexpected end of JSON input")
 * ```
 */
export function malformedJsonError(file: string, line: number, error: string): DataError {
  // V8 quotes at most a few characters of the line; other engines may quote more.
  return new DataError(
    file,
    line,
    `malformed JSON (${shorten(error)})`,
    'each line must hold one complete JSON object',
    'malformed-json',
  );
}

/**
 * Parses a whole JSONL text into values; a malformed line throws a DataError naming file and line.
 * @example
 * ```ts
 * parseJsonl('{"a":1}\n\n{"a":2}\n') // [{ a: 1 }, { a: 2 }]
 * ```
 */
export function parseJsonl(text: string, options: { fileName?: string } = {}): unknown[] {
  const p = new JsonlParser();
  const values: unknown[] = [];
  for (const row of p.end(p.push(text))) {
    if (!row.ok) throw malformedJsonError(options.fileName ?? '<input>', row.line, row.error);
    values.push(row.value);
  }
  return values;
}
