import { describe, expect, it } from 'vitest';
import {
  array,
  boolean,
  explain,
  instance,
  integer,
  nullable,
  number,
  object,
  oneOf,
  optional,
  record,
  SchemaError,
  show,
  string,
  type Schema,
} from '../src/format/schema.js';

const CONFIG = object({
  dim: integer(1),
  labels: array(string, 2),
  temperature: optional(number(0)),
  features: object({ minCount: integer(1), lowercase: boolean }),
  arch: oneOf(['bag', 'mlp']),
  bestLoss: nullable(number()),
  steps: record(integer(0)),
  table: optional(instance(Float32Array)),
});

const GOOD = {
  dim: 8,
  labels: ['negative', 'positive'],
  features: { minCount: 2, lowercase: true },
  arch: 'bag',
  bestLoss: null,
  steps: { 'head.0.weight': 3 },
};

describe('the schema helper', () => {
  it('reads the good shapes, typed, leaving out keys it does not know and fields that are missing', () => {
    const read = CONFIG({ ...GOOD, extra: 1 }, 'config');
    expect(read).toEqual(GOOD);
    expect('temperature' in read).toBe(false);
    const table = new Float32Array(2);
    expect(CONFIG({ ...GOOD, temperature: 1.5, bestLoss: 0.3, table }, 'config')).toEqual({
      ...GOOD,
      temperature: 1.5,
      bestLoss: 0.3,
      table,
    });
    // The types come from the schema: no cast is needed to use them.
    const dim: number = read.dim;
    const arch: 'bag' | 'mlp' = read.arch;
    expect([dim, arch]).toEqual([8, 'bag']);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a dim as a string', { dim: 'abc' }, 'config.dim must be an integer ≥ 1, got "abc"'],
    ['a fractional dim', { dim: 7.5 }, 'config.dim must be an integer ≥ 1, got 7.5'],
    ['no dim', { dim: undefined }, 'config.dim must be an integer ≥ 1, got missing'],
    ['one label', { labels: ['pos'] }, 'config.labels must be a list of at least 2, got ["pos"]'],
    ['a label that is a number', { labels: ['a', 3] }, 'config.labels[1] must be a string, got 3'],
    ['a negative temperature', { temperature: -1 }, 'config.temperature must be a number ≥ 0, got -1'],
    ['an infinite temperature', { temperature: Infinity }, 'config.temperature must be a number ≥ 0, got Infinity'],
    ['features as null', { features: null }, 'config.features must be an object, got null'],
    [
      'a nested field',
      { features: { minCount: 0, lowercase: true } },
      'config.features.minCount must be an integer ≥ 1, got 0',
    ],
    [
      'a nested boolean',
      { features: { minCount: 1, lowercase: 'yes' } },
      'config.features.lowercase must be true or false, got "yes"',
    ],
    ['an unknown choice', { arch: 'cnn' }, 'config.arch must be one of "bag", "mlp", got "cnn"'],
    ['a best loss as a string', { bestLoss: 'none' }, 'config.bestLoss must be a number, got "none"'],
    ['a map value', { steps: { 'head.0.weight': -1 } }, 'config.steps.head.0.weight must be an integer ≥ 0, got -1'],
    ['a table of ints', { table: new Int32Array(2) }, 'config.table must be a Float32Array'],
  ])('refuses %s with a SchemaError naming the field', (_, change, message) => {
    const read = () => CONFIG({ ...GOOD, ...change }, 'config');
    expect(read).toThrow(SchemaError);
    expect(read).toThrow(message);
  });

  it('checks fields in order, so the first wrong one is named', () => {
    expect(() => CONFIG({ dim: 0, labels: 1 }, 'config')).toThrow(/^config\.dim /);
  });

  it('names top-level fields by their key when the root has no name', () => {
    expect(() => object({ version: oneOf([1]) })({ version: 2 }, '')).toThrow('version must be one of 1, got 2');
  });

  it('gives a field the message its format has always given, and keeps other errors as they are', () => {
    const dim = explain(integer(1), (v) => `the embedding width (dim) is ${show(v)}, not a positive integer`);
    expect(() => dim(0, 'config.dim')).toThrow('the embedding width (dim) is 0, not a positive integer');
    const checked: Schema<number> = explain(
      (v) => {
        if (v !== 1) throw new RangeError('wordNgrams must be 1');
        return 1;
      },
      (_, error) => `the featurizer settings are invalid: ${error.message}`,
    );
    expect(() => checked(2, 'features')).toThrow('the featurizer settings are invalid: wordNgrams must be 1');
    const broken = explain(
      () => {
        throw new Error('a bug');
      },
      () => 'never',
    );
    expect(() => broken(1, 'x')).toThrow('a bug');
  });

  it('shows values short: missing, non-finite numbers, long JSON cut', () => {
    expect(show(undefined)).toBe('missing');
    expect(show(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(show('x'.repeat(100))).toMatch(/^"x{56}\.\.\.$/);
  });
});
