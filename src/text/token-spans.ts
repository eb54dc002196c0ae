// Tokens as places in the text instead of strings. The ASCII scanner cuts most tokens straight
// out of the text it scans, so it records where each one starts and ends; only the few tokens
// that are not a piece of the text ('--' for "---", "n't" for "didn ' t", '"' for "''") are
// strings. Prediction looks tokens up by their place, and never builds a string for them.

/** Where a tokeniser's rules put their tokens. */
export interface TokenSink {
  /** The next token is text[start, end) of the text being cut. */
  span(start: number, end: number): void;
  /** The next token is this string. */
  literal(token: string): void;
}

/** Tokens of one text as [start, end) spans of it, or strings; reused from text to text. */
export class TokenSpans implements TokenSink {
  count = 0;
  /** Where token k starts in the text, or -1 when it is the string literals[end[k]]. */
  start = new Int32Array(64);
  end = new Int32Array(64);
  readonly literals: string[] = [];

  clear(): void {
    this.count = 0;
    this.literals.length = 0;
  }

  span(start: number, end: number): void {
    if (this.count === this.start.length) this.grow();
    this.start[this.count] = start;
    this.end[this.count++] = end;
  }

  literal(token: string): void {
    if (this.count === this.start.length) this.grow();
    this.start[this.count] = -1;
    this.end[this.count++] = this.literals.length;
    this.literals.push(token);
  }

  /** Token k of `text` (the text the spans were cut from) as a string. */
  token(text: string, k: number): string {
    const s = this.start[k];
    return s >= 0 ? text.slice(s, this.end[k]) : this.literals[this.end[k]];
  }

  /** Appends every token of `text` to `out` as strings. */
  appendTo(text: string, out: string[]): void {
    for (let k = 0; k < this.count; k++) out.push(this.token(text, k));
  }

  private grow(): void {
    const start = new Int32Array(this.start.length * 2);
    const end = new Int32Array(this.end.length * 2);
    start.set(this.start);
    end.set(this.end);
    this.start = start;
    this.end = end;
  }
}

/** A sink that pushes strings onto an array: for rules that run on text the regex has cut. */
export class StringSink implements TokenSink {
  private text = '';
  private out: string[] = [];

  /** Points the sink at the text being cut and the array its tokens go to. */
  reset(text: string, out: string[]): this {
    this.text = text;
    this.out = out;
    return this;
  }

  span(start: number, end: number): void {
    this.out.push(this.text.slice(start, end));
  }

  literal(token: string): void {
    this.out.push(token);
  }
}
