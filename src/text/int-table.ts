// An open-addressing hash table from uint32 keys to int32 values, in two typed arrays. Feature
// lookup runs for every token of every text, and a JavaScript Map costs several times more per
// lookup than one multiply and a probe or two here.

const EMPTY = -1;

export class IntTable {
  private keys: Uint32Array;
  private values: Int32Array;
  private mask: number;
  private count = 0;

  /** @example const t = new IntTable(); t.set(42, 7); t.get(42) // 7 */
  constructor(expected = 16) {
    const capacity = 1 << Math.ceil(Math.log2(Math.max(16, expected * 2)));
    this.keys = new Uint32Array(capacity);
    this.values = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The value stored for key, or -1. */
  get(key: number): number {
    const { keys, values, mask } = this;
    // Fibonacci hashing spreads consecutive and clustered keys over the table.
    for (let i = Math.imul(key, 0x9e3779b1) >>> 0 & mask; ; i = (i + 1) & mask) {
      const v = values[i];
      if (v === EMPTY) return EMPTY;
      if (keys[i] === key >>> 0) return v;
    }
  }

  /** Stores a value (≥ 0) for key. */
  set(key: number, value: number): void {
    if (value < 0) throw new RangeError('IntTable values must be ≥ 0');
    if ((this.count + 1) * 2 > this.values.length) this.grow();
    const { keys, values, mask } = this;
    for (let i = Math.imul(key, 0x9e3779b1) >>> 0 & mask; ; i = (i + 1) & mask) {
      if (values[i] === EMPTY) {
        keys[i] = key;
        values[i] = value;
        this.count++;
        return;
      }
      if (keys[i] === key >>> 0) {
        values[i] = value;
        return;
      }
    }
  }

  private grow(): void {
    const { keys, values } = this;
    this.keys = new Uint32Array(keys.length * 2);
    this.values = new Int32Array(values.length * 2).fill(EMPTY);
    this.mask = this.values.length - 1;
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (values[i] !== EMPTY) this.set(keys[i], values[i]);
  }
}
