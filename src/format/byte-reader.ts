// Reads what a ByteWriter (byte-writer.ts, where the varint layout is) wrote: varints and byte runs.

import { MAX_VARINT_BYTES } from './byte-writer.js';

/** Reads what a ByteWriter wrote; a value or byte run that is not there throws a RangeError saying where. */
export class ByteReader {
  /** The next byte to read. */
  at: number;

  constructor(
    private readonly data: Uint8Array,
    at = 0,
  ) {
    this.at = at;
  }

  /** True when every byte has been read. */
  get done(): boolean {
    return this.at >= this.data.length;
  }

  /**
   * @example
   * ```ts
   * new ByteReader(Uint8Array.of(0xac, 0x02)).varint() // 300
   * ```
   */
  varint(what = 'a number'): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.at >= this.data.length) throw new RangeError(`${what} runs past the end (byte ${this.at})`);
      const byte = this.data[this.at++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(value)) break;
        return value;
      }
      scale *= 0x80;
    }
    throw new RangeError(`${what} at byte ${this.at} is larger than 2^53 − 1`);
  }

  /** The next `count` bytes (a view, not a copy). */
  bytes(count: number, what = 'a byte run'): Uint8Array {
    if (count > this.data.length - this.at)
      throw new RangeError(
        `${what} of ${count} bytes runs past the end (byte ${this.at}, ${this.data.length - this.at} left)`,
      );
    const out = this.data.subarray(this.at, this.at + count);
    this.at += count;
    return out;
  }
}
