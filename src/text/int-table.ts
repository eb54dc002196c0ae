// An open-addressing hash table from uint32 keys to int32 values, in one typed array. Feature
// lookup runs for every token of every text, and a JavaScript Map costs several times more per
// lookup than one multiply and a probe or two here.
//
// Each key sits next to its value ([key, value] pairs), so a probe touches one cache line, not
// one in a key array and one in a value array: the n-gram table of a model has ~10^5 entries,
// more than the caches hold, and the misses are most of a lookup's cost.

import { HASH_PROBE } from '../runtime/contract.js';

const EMPTY = -1;
/**
 * Fullest a table gets before it doubles. Fuller means smaller, and for a table larger than the
 * caches size decides the cost: at 0.6 a lookup probes ~1.5 slots for a key it holds and ~3.5 for
 * one it lacks, mostly in one cache line, and in half the memory of a table kept half empty
 * (measured on the bigram rows of an SST-2 model: a third less time per lookup).
 */
const MAX_LOAD = 0.6;

/** The smallest power of two (at least 16) that holds `expected` entries within MAX_LOAD. */
function capacityFor(expected: number): number {
  return 1 << Math.ceil(Math.log2(Math.max(16, expected / MAX_LOAD)));
}

export class IntTable {
  /** [key as int32, value] pairs; value EMPTY marks a free slot. */
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  /**
   * @example
   * ```ts
   * const t = new IntTable(); t.set(42, 7); t.get(42) // 7
   * ```
   */
  constructor(expected = 16) {
    const capacity = capacityFor(expected);
    this.slots = IntTable.emptySlots(capacity);
    this.mask = capacity - 1;
  }

  private static emptySlots(capacity: number): Int32Array {
    const slots = new Int32Array(capacity * 2);
    for (let i = 1; i < slots.length; i += 2) slots[i] = EMPTY;
    return slots;
  }

  get size(): number {
    return this.count;
  }

  /** @internal The [key, value] slots and the index mask, for a copy that probes the same way (Fibonacci hashing, linear probing). */
  layout(): { slots: Int32Array; mask: number } {
    return { slots: this.slots, mask: this.mask };
  }

  /** The value stored for key, or -1. */
  get(key: number): number {
    const { slots, mask } = this;
    const k = key | 0;
    // Fibonacci hashing spreads consecutive and clustered keys over the table.
    for (let i = (Math.imul(key, HASH_PROBE) >>> 0) & mask; ; i = (i + 1) & mask) {
      const v = slots[2 * i + 1];
      if (v === EMPTY) return EMPTY;
      if (slots[2 * i] === k) return v;
    }
  }

  /** Stores a value (≥ 0) for key. */
  set(key: number, value: number): void {
    if (value < 0) throw new RangeError('IntTable values must be ≥ 0');
    if (this.count + 1 > MAX_LOAD * (this.mask + 1)) this.grow();
    const { slots, mask } = this;
    const k = key | 0;
    for (let i = (Math.imul(key, HASH_PROBE) >>> 0) & mask; ; i = (i + 1) & mask) {
      if (slots[2 * i + 1] === EMPTY) {
        slots[2 * i] = k;
        slots[2 * i + 1] = value;
        this.count++;
        return;
      }
      if (slots[2 * i] === k) {
        slots[2 * i + 1] = value;
        return;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    const capacity = (this.mask + 1) * 2;
    this.slots = IntTable.emptySlots(capacity);
    this.mask = capacity - 1;
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== EMPTY) this.set(old[i], old[i + 1]);
  }
}

/** The same for keys that are pairs of int32: [a, b, value] triples in one typed array. */
export class IntPairTable {
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  /**
   * @example
   * ```ts
   * const t = new IntPairTable(); t.set(1, 2, 7); t.get(1, 2) // 7
   * ```
   */
  constructor(expected = 16) {
    const capacity = capacityFor(expected);
    this.slots = IntPairTable.emptySlots(capacity);
    this.mask = capacity - 1;
  }

  private static emptySlots(capacity: number): Int32Array {
    const slots = new Int32Array(capacity * 3);
    for (let i = 2; i < slots.length; i += 3) slots[i] = EMPTY;
    return slots;
  }

  get size(): number {
    return this.count;
  }

  /** The value stored for (a, b), or -1. */
  get(a: number, b: number): number {
    const { slots, mask } = this;
    const ka = a | 0;
    const kb = b | 0;
    for (let i = IntPairTable.home(ka, kb) & mask; ; i = (i + 1) & mask) {
      const v = slots[3 * i + 2];
      if (v === EMPTY) return EMPTY;
      if (slots[3 * i] === ka && slots[3 * i + 1] === kb) return v;
    }
  }

  /** Stores a value (≥ 0) for (a, b). */
  set(a: number, b: number, value: number): void {
    if (value < 0) throw new RangeError('IntPairTable values must be ≥ 0');
    if (this.count + 1 > MAX_LOAD * (this.mask + 1)) this.grow();
    const { slots, mask } = this;
    const ka = a | 0;
    const kb = b | 0;
    for (let i = IntPairTable.home(ka, kb) & mask; ; i = (i + 1) & mask) {
      if (slots[3 * i + 2] === EMPTY) {
        slots[3 * i] = ka;
        slots[3 * i + 1] = kb;
        slots[3 * i + 2] = value;
        this.count++;
        return;
      }
      if (slots[3 * i] === ka && slots[3 * i + 1] === kb) {
        slots[3 * i + 2] = value;
        return;
      }
    }
  }

  /** Mixes both keys into every bit (murmur3's finaliser): keys that differ in a few bits only must still scatter. */
  private static home(a: number, b: number): number {
    let h = Math.imul(a, 0xcc9e2d51) ^ b;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  }

  private grow(): void {
    const old = this.slots;
    const capacity = (this.mask + 1) * 2;
    this.slots = IntPairTable.emptySlots(capacity);
    this.mask = capacity - 1;
    this.count = 0;
    for (let i = 0; i < old.length; i += 3) if (old[i + 2] !== EMPTY) this.set(old[i], old[i + 1], old[i + 2]);
  }
}
