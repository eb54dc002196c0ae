// IntTable, the open-addressing map from uint32 keys to int32 values behind feature lookup.
import { describe, expect, it } from 'vitest';
import { IntTable } from '../src/text/int-table.js';

describe('IntTable', () => {
  it('finds every key it was given across many growths, and nothing else', () => {
    const table = new IntTable(4);
    const reference = new Map<number, number>();
    let seed = 3;
    const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
    for (let i = 0; i < 50_000; i++) {
      const key = i % 5 === 0 ? i : rand(); // runs of consecutive keys and scattered ones
      reference.set(key, i);
      table.set(key, i);
    }
    expect(table.size).toBe(reference.size);
    for (const [key, value] of reference) expect(table.get(key)).toBe(value);
    for (let i = 0; i < 20_000; i++) {
      const key = rand();
      if (!reference.has(key)) expect(table.get(key)).toBe(-1);
    }
  });

  it('keys at the ends of the uint32 range, and overwriting a value', () => {
    const table = new IntTable();
    for (const [key, value] of [[0, 1], [0xffffffff, 2], [0x80000000, 3], [0x7fffffff, 4]]) table.set(key, value);
    expect([0, 0xffffffff, 0x80000000, 0x7fffffff, 1].map((k) => table.get(k))).toEqual([1, 2, 3, 4, -1]);
    table.set(0xffffffff, 9);
    expect(table.get(0xffffffff)).toBe(9);
    expect(table.size).toBe(4);
  });

  it('refuses a negative value (it marks free slots)', () => {
    expect(() => new IntTable().set(1, -1)).toThrow(/values must be ≥ 0/);
  });
});
