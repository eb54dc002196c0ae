// The examples given to train(), checked one by one (a clear message for the first bad one), and
// the validation examples: given, or a seeded fraction held out of the training ones.

import type { Label } from '../classifier/classifier.js';
import type { Random } from '../nn/random.js';
import type { TrainingData, TrainOptions } from './options.js';

/** An example as training uses it: its label as a string ("1" for 1). */
export interface Example {
  text: string;
  label: string;
}

/** The examples, checked one by one, with their labels as strings; and whether every label was given as a number. */
export async function collectExamples(
  source: TrainingData<Label>,
): Promise<{ examples: Example[]; numericLabels: boolean }> {
  if (source === null || typeof source !== 'object' || !(Symbol.iterator in source || Symbol.asyncIterator in source)) {
    throw new TypeError(
      `train() wants labelled examples ({ text, label } objects, in an array or a stream) or the path of a data file, got ${describe(source)}`,
    );
  }
  const all: Example[] = [];
  let numericLabels = true;
  for await (const e of source) {
    all.push(checkExample(e, all.length, 'training'));
    numericLabels &&= typeof e.label === 'number';
  }
  return { examples: all, numericLabels: numericLabels && all.length > 0 };
}

/** An example given through the API, checked: a string text and a string or number label. */
export function checkExample(e: unknown, i: number, what: string): Example {
  if (e === null || typeof e !== 'object')
    throw new TypeError(`${what} example ${i + 1} is ${describe(e)}, not an object { text, label }`);
  const text: unknown = Reflect.get(e, 'text');
  const label: unknown = Reflect.get(e, 'label');
  if (typeof text !== 'string')
    throw new TypeError(`${what} example ${i + 1}: text must be a string, got ${describe(text)}`);
  if (typeof label === 'number' && Number.isFinite(label)) return { text, label: String(label) };
  if (typeof label === 'string' && label !== '') return { text, label };
  throw new TypeError(
    `${what} example ${i + 1} has no label: label must be a string or a number, got ${describe(label)}`,
  );
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** Held-out examples given, or a seeded random fraction of the training examples. */
export function splitValidation(
  all: Example[],
  validation: TrainOptions['validation'],
  rng: Random,
): { train: Example[]; valid: Example[] } {
  // train() reads a file or data set named here before the run starts.
  if (typeof validation === 'string')
    throw new TypeError(`validation names a data file or set ("${validation}"), which train() reads: pass it there`);
  if (typeof validation !== 'number')
    return { train: all, valid: validation ? validation.map((e, i) => checkExample(e, i, 'validation')) : [] };
  if (!(validation > 0 && validation < 1))
    throw new RangeError(`validation fraction must be between 0 and 1, got ${validation}`);
  const order = rng.shuffle(Int32Array.from(all, (_, i) => i));
  const held = new Set(order.subarray(0, Math.round(all.length * validation)));
  return { train: all.filter((_, i) => !held.has(i)), valid: all.filter((_, i) => held.has(i)) };
}
