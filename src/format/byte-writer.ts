// Unsigned LEB128 integers (7 bits a byte, the low group first, the high bit set on every byte
// but the last), as protobuf and WebAssembly write them: small counts and gaps take one byte.
// Values up to 2^53 − 1 (JavaScript's exact integers), so arithmetic, not 32-bit bit operations.
// byte-reader.ts reads them back (a module of its own: a page that only writes packed sections
// does not load the reader, nor one that only reads them the writer).

/** The longest varint of a safe integer: ⌈53 / 7⌉ bytes. */
export const MAX_VARINT_BYTES = 8;

/** Appends bytes and varints to a growing buffer. */
export class ByteWriter {
  private buffer = new Uint8Array(1024);
  private length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(2 * this.buffer.length, this.length + extra));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  /**
   * @example
   * ```ts
   * new ByteWriter().varint(300).finish() // Uint8Array [0xac, 0x02]
   * ```
   */
  varint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`a varint holds an integer from 0 to 2^53 − 1, not ${value}`);
    this.reserve(MAX_VARINT_BYTES);
    let v = value;
    while (v >= 0x80) {
      this.buffer[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buffer[this.length++] = v;
    return this;
  }

  /**
   * @example
   * ```ts
   * new ByteWriter().bytes(Uint8Array.of(1, 2)).finish() // Uint8Array [1, 2]
   * ```
   */
  bytes(values: Uint8Array): this {
    this.reserve(values.length);
    this.buffer.set(values, this.length);
    this.length += values.length;
    return this;
  }

  /** The bytes written (a copy of exactly that length). */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
