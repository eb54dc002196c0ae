// A vocabulary maps tokens to dense ids, most frequent first. Ids are deterministic: by
// descending count, ties by first occurrence in the training stream, so the same data always
// gives the same ids (and, downstream, bit-identical weights).

/** Limits applied when a vocabulary is built from counts. */
export interface VocabularyOptions {
  /** Drop tokens seen fewer times than this (default 1). */
  minCount?: number;
  /** Keep at most this many tokens, the most frequent (ties: first seen). */
  maxSize?: number;
}

const MAGIC = 0x42565753; // "SWVB" read as a little-endian uint32
const FORMAT_VERSION = 1;
const HEADER_BYTES = 16;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Counts tokens incrementally, then builds a Vocabulary. */
export class VocabularyBuilder {
  // A Map iterates in insertion order, which is exactly first-occurrence order.
  private readonly counts = new Map<string, number>();

  /**
   * Counts every token of one text.
   * @example
   * ```ts
   * new VocabularyBuilder().add(["a", "b", "a"])
   * ```
   */
  add(tokens: Iterable<string>): this {
    const counts = this.counts;
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    return this;
  }

  /**
   * Number of distinct tokens seen so far.
   * @example
   * ```ts
   * builder.distinct // 2
   * ```
   */
  get distinct(): number {
    return this.counts.size;
  }

  /**
   * Builds the vocabulary, most frequent first.
   * @example
   * ```ts
   * builder.build({ minCount: 2, maxSize: 20000 })
   * ```
   */
  build(options: VocabularyOptions = {}): Vocabulary {
    const minCount = options.minCount ?? 1;
    const maxSize = options.maxSize ?? Infinity;
    if (!(minCount >= 1)) throw new RangeError(`minCount must be >= 1, got ${minCount}`);
    if (!(maxSize >= 0)) throw new RangeError(`maxSize must be >= 0, got ${maxSize}`);
    const kept: Array<[string, number]> = [];
    for (const e of this.counts) if (e[1] >= minCount) kept.push(e);
    // Array.prototype.sort is stable, so equal counts keep first-occurrence order.
    kept.sort((a, b) => b[1] - a[1]);
    if (kept.length > maxSize) kept.length = maxSize;
    return new Vocabulary(
      kept.map((e) => e[0]),
      kept.map((e) => e[1]),
    );
  }
}

/** Tokens and their training counts, with dense ids 0..size-1. */
export class Vocabulary {
  private readonly tokens: readonly string[];
  private readonly counts: Uint32Array;
  private readonly ids: Map<string, number>;

  /**
   * Wraps tokens (in id order) and their counts; duplicates are refused.
   * @example
   * ```ts
   * new Vocabulary(["good", "bad"], [10, 7])
   * ```
   */
  constructor(tokens: readonly string[], counts?: ArrayLike<number>) {
    if (counts !== undefined && counts.length !== tokens.length) {
      throw new RangeError(`${tokens.length} tokens but ${counts.length} counts`);
    }
    this.tokens = tokens.slice();
    this.counts = counts === undefined ? new Uint32Array(tokens.length) : Uint32Array.from(counts);
    this.ids = new Map();
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (this.ids.has(t)) throw new Error(`duplicate token ${JSON.stringify(t)} at ids ${this.ids.get(t)} and ${i}`);
      this.ids.set(t, i);
    }
  }

  /**
   * Counts and builds in one go from texts already tokenised.
   * @example
   * ```ts
   * Vocabulary.fromTokens([["a", "b"], ["a"]], { minCount: 2 }).size // 1
   * ```
   */
  static fromTokens(texts: Iterable<Iterable<string>>, options?: VocabularyOptions): Vocabulary {
    const b = new VocabularyBuilder();
    for (const t of texts) b.add(t);
    return b.build(options);
  }

  /**
   * Number of tokens.
   * @example
   * ```ts
   * vocab.size // 2
   * ```
   */
  get size(): number {
    return this.tokens.length;
  }

  /**
   * The id of a token, or -1 if it is not in the vocabulary.
   * @example
   * ```ts
   * vocab.id("good") // 0
   * ```
   */
  id(token: string): number {
    return this.ids.get(token) ?? -1;
  }

  /**
   * True if the token has an id.
   * @example
   * ```ts
   * vocab.has("good") // true
   * ```
   */
  has(token: string): boolean {
    return this.ids.has(token);
  }

  /**
   * The token with this id.
   * @example
   * ```ts
   * vocab.token(0) // "good"
   * ```
   */
  token(id: number): string {
    const t = Number.isInteger(id) ? this.tokens[id] : undefined;
    if (t === undefined) throw new RangeError(`token id ${id} is outside 0..${this.tokens.length - 1}`);
    return t;
  }

  /**
   * How often the token with this id was seen in training.
   * @example
   * ```ts
   * vocab.count(0) // 10
   * ```
   */
  count(id: number): number {
    if (!Number.isInteger(id) || id < 0 || id >= this.counts.length)
      throw new RangeError(`token id ${id} is outside 0..${this.counts.length - 1}`);
    return this.counts[id]!;
  }

  /**
   * Ids of tokens, -1 for unknown ones, into `out` if given.
   * @example
   * ```ts
   * vocab.encode(["good", "meh"]) // Int32Array [0, -1]
   * ```
   */
  encode(tokens: readonly string[], out?: Int32Array): Int32Array {
    const ids = out !== undefined && out.length >= tokens.length ? out : new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) ids[i] = this.ids.get(tokens[i]!) ?? -1;
    return ids;
  }

  /**
   * All tokens in id order (a copy).
   * @example
   * ```ts
   * vocab.toArray() // ["good", "bad"]
   * ```
   */
  toArray(): string[] {
    return this.tokens.slice();
  }

  /**
   * A plain object for JSON.stringify.
   * @example
   * ```ts
   * JSON.stringify(vocab) // '{"tokens":["good","bad"],"counts":[10,7]}'
   * ```
   */
  toJSON(): {
    /** The tokens in id order. */
    tokens: string[];
    /** Each token's count in the training texts, in id order. */
    counts: number[];
  } {
    return { tokens: this.tokens.slice(), counts: Array.from(this.counts) };
  }

  /**
   * The inverse of toJSON.
   * @example
   * ```ts
   * Vocabulary.fromJSON(JSON.parse(text))
   * ```
   */
  static fromJSON(json: { tokens: readonly string[]; counts?: ArrayLike<number> }): Vocabulary {
    if (json === null || typeof json !== 'object' || !Array.isArray(json.tokens)) {
      throw new TypeError('a vocabulary in JSON needs a "tokens" array');
    }
    return new Vocabulary(json.tokens, json.counts);
  }

  /**
   * Compact bytes: header (magic "SWVB", version, size, text bytes), counts as uint32, token
   * lengths in UTF-16 units as uint32, then all tokens as one UTF-8 string. Lengths rather than
   * separators let a token contain any character, and one TextDecoder call reads them all.
   * @example
   * ```ts
   * Vocabulary.deserialize(vocab.serialize()) // equal to vocab
   * ```
   */
  serialize(): Uint8Array {
    const n = this.tokens.length;
    const joined = this.tokens.join('');
    if (LONE_SURROGATE.test(joined)) {
      const bad = this.tokens.find((t) => LONE_SURROGATE.test(t));
      throw new Error(`token ${JSON.stringify(bad)} holds a lone UTF-16 surrogate, which UTF-8 cannot store`);
    }
    const text = new TextEncoder().encode(joined);
    const bytes = new Uint8Array(HEADER_BYTES + 8 * n + text.length);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, FORMAT_VERSION, true);
    view.setUint32(8, n, true);
    view.setUint32(12, text.length, true);
    let p = HEADER_BYTES;
    for (let i = 0; i < n; i++, p += 4) view.setUint32(p, this.counts[i]!, true);
    for (let i = 0; i < n; i++, p += 4) view.setUint32(p, this.tokens[i]!.length, true);
    bytes.set(text, p);
    return bytes;
  }

  /**
   * Reads what serialize wrote; damaged or foreign bytes are refused with a reason.
   * @example
   * ```ts
   * Vocabulary.deserialize(bytes).size
   * ```
   */
  static deserialize(bytes: Uint8Array): Vocabulary {
    const fail = (why: string): never => {
      throw new Error(`not a sentiwasm vocabulary: ${why}`);
    };
    if (bytes.length < HEADER_BYTES) fail(`only ${bytes.length} bytes`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0, true) !== MAGIC) fail('wrong magic number');
    const version = view.getUint32(4, true);
    if (version !== FORMAT_VERSION) fail(`format version ${version}, this library reads version ${FORMAT_VERSION}`);
    const n = view.getUint32(8, true);
    const textBytes = view.getUint32(12, true);
    const expected = HEADER_BYTES + 8 * n + textBytes;
    if (bytes.length !== expected) fail(`${bytes.length} bytes where the header promises ${expected}`);
    const counts = new Uint32Array(n);
    let p = HEADER_BYTES;
    for (let i = 0; i < n; i++, p += 4) counts[i] = view.getUint32(p, true);
    const lengthsAt = p;
    p += 4 * n;
    let text: string;
    try {
      // ignoreBOM: a first token that starts with U+FEFF is a token, not a byte order mark to drop.
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(p));
    } catch {
      return fail('the tokens are not valid UTF-8');
    }
    const tokens = new Array<string>(n);
    let at = 0;
    for (let i = 0; i < n; i++) {
      const len = view.getUint32(lengthsAt + 4 * i, true);
      if (len > text.length - at) fail(`token ${i} (${len} characters) runs past the end of the text`);
      // Valid UTF-8 holds no lone surrogate, so only a length that cuts a pair in two can make
      // one; such a token could never be saved again (serialize refuses it).
      if (len > 0 && isLowSurrogate(text.charCodeAt(at)) && at > 0 && isHighSurrogate(text.charCodeAt(at - 1))) {
        fail(`token ${i} starts in the middle of a character`);
      }
      tokens[i] = text.slice(at, at + len);
      at += len;
    }
    if (at !== text.length) fail('token lengths do not add up to the text');
    return new Vocabulary(tokens, counts);
  }
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
