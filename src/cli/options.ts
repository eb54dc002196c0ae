// Argument parsers shared by the commands: each turns a string into a checked value or tells
// commander what was expected.

import { InvalidArgumentError } from 'commander';
import { parseCheckpointInterval } from '../train/checkpoint-interval.js';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** A thread count, or auto. */
export function threadCount(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer or auto');
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected an integer ≥ 0');
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number ≥ 0');
  return n;
}

export function fraction(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n < 1)) throw new InvalidArgumentError('expected a number in [0, 1)');
  return n;
}

export function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected an integer');
  return n;
}

/** --quantize's bits: 8 or 4 (commander passes nothing when the flag comes without a value: 8). */
export function quantizeBits(value: string): 8 | 4 {
  const n = Number(value);
  if (n !== 8 && n !== 4) throw new InvalidArgumentError('expected 8 or 4 (bits per weight)');
  return n;
}

/** --checkpoint-every: a number of steps (1000) or a time (60s, 5m, 1h), kept as given for the library to read. */
export function checkpointInterval(value: string): string {
  try {
    parseCheckpointInterval(value);
  } catch {
    throw new InvalidArgumentError('expected a number of steps (e.g. 1000) or a time such as 60s, 5m or 1h');
  }
  return value;
}
