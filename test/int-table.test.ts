// IntTable and IntPairTable, the open-addressing maps from uint32 keys (and pairs of them) to
// int32 values behind feature and token lookup.
import { describe, expect, it } from 'vitest';
import { IntPairTable, IntTable } from '../src/text/int-table.js';

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
    for (const [key, value] of [
      [0, 1],
      [0xffffffff, 2],
      [0x80000000, 3],
      [0x7fffffff, 4],
    ])
      table.set(key, value);
    expect([0, 0xffffffff, 0x80000000, 0x7fffffff, 1].map((k) => table.get(k))).toEqual([1, 2, 3, 4, -1]);
    table.set(0xffffffff, 9);
    expect(table.get(0xffffffff)).toBe(9);
    expect(table.size).toBe(4);
  });

  it('refuses a negative value (it marks free slots)', () => {
    expect(() => new IntTable().set(1, -1)).toThrow(/values must be ≥ 0/);
  });
});

describe('IntPairTable', () => {
  it('finds every pair it was given across many growths, and nothing else, pairs differing in one key or one bit too', () => {
    const table = new IntPairTable(4);
    const reference = new Map<string, number>();
    let seed = 7;
    const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
    const put = (a: number, b: number, v: number) => {
      reference.set(`${a | 0},${b | 0}`, v);
      table.set(a, b, v);
    };
    for (let i = 0; i < 30_000; i++) {
      const a = rand();
      const b = i % 3 === 0 ? 0 : rand();
      put(a, b, i);
      put(b, a, i + 1); // the same keys the other way round are another pair
      put(a ^ (1 << (i % 32)), b, i + 2);
    }
    expect(table.size).toBe(reference.size);
    for (const [key, value] of reference) {
      const [a, b] = key.split(',').map(Number);
      expect(table.get(a, b)).toBe(value);
    }
    for (let i = 0; i < 20_000; i++) {
      const a = rand();
      const b = rand();
      if (!reference.has(`${a | 0},${b | 0}`)) expect(table.get(a, b)).toBe(-1);
    }
  });

  it('overwrites a value, and refuses a negative one', () => {
    const table = new IntPairTable();
    table.set(-1, 0x80000000, 1);
    table.set(0xffffffff, -0x80000000, 5); // the same pair as int32
    expect([table.get(-1, 0x80000000), table.size]).toEqual([5, 1]);
    expect(() => table.set(1, 2, -1)).toThrow(/values must be ≥ 0/);
  });
});
