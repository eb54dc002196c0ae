// Argument parsers shared by the commands: each turns a string into a checked value or tells
// commander what was expected.

import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from 'commander';
import { parseCheckpointInterval } from '../fit/checkpoint-interval.js';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** A thread count, or auto; a count above the cores there are is cut to them, with a note on standard error. */
export function threadCount(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer or auto');
  return atMostCores(n);
}

/** A thread count (no auto), cut to the cores there are as threadCount does. */
export function threadNumber(value: string): number {
  return atMostCores(positiveInt(value));
}

/** More threads than cores only take turns, each with its own copy of the model. */
function atMostCores(n: number): number {
  const cores = availableParallelism();
  if (n <= cores) return n;
  process.stderr.write(`note: --threads ${n}: there are ${cores} cores here; using ${cores}\n`);
  return cores;
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
