// The text classifier's record in a model file (the container is src/format/model-file.ts):
// which keys its config holds, which sections, and every check a file must pass before a model
// is built from it (classifier-encode.ts writes it).
//
// Schema 2 (this release): config { kind, schema: 2, arch, dim, hidden, labels, features,
// temperature, rows, tensors: { name: shape } }; sections "vocabulary" (u8), "rowBuckets" (i32)
// and one f32 section per tensor of the model, named as the model names them ("embedding.weight",
// "head.0.weight", "head.0.bias", …), so another runtime can read any tensor by name.
// Schema 1 (0.1.0, no "schema" key): the same config without "tensors", and two f32 sections:
// "embedding" (the table) and "head" (the head's tensors back to back, in order). Both load.
// Schema 4 (a quantized model, `toBytes({ quantize: 8 })`, written by quantized-file.ts; see
// quantize.ts and pack-sections.ts): schema 2 with a config key quantized { tensor name: bits },
// and every bulky section packed (u8, Huffman coded): "vocabulary.packed" and "rowBuckets.packed"
// in place of "vocabulary" and "rowBuckets", and for each quantized tensor "<name>.codes.packed"
// and "<name>.scales.packed" (bfloat16 scales, one per row) in place of its f32 section. The n-gram
// rows (the table's last rows, one per row bucket) are stored in increasing bucket order, so the
// buckets pack as small gaps; a model loaded from the file has its rows in that order, which
// predicts exactly as the order training gave them.
// Schema 3 (quantized files of the release before): the same config, the vocabulary and row
// buckets as in schema 2, "<name>.codes" (u8, plain) and "<name>.scales" (f32). Still read.
// Unquantized models are still written as schema 2, so that older releases keep reading them; a
// release that reads up to schema 2 or 3 refuses a schema 4 file as written by a newer sentiwasm.
//
// A file whose checksum is right may still not hold a model that can run (written by hand, by
// another program, or by a bug), and what is wrong with it would otherwise surface later as a
// crash or a silently wrong prediction. So everything is checked, in this order, before any
// memory is laid out: the config (kind, schema, architecture, dims, hidden widths, labels,
// temperature, row count), the sections (present, of their type), the vocabulary, the
// featurizer's settings and row buckets, that the tensor sizes agree with all of these, that
// the model fits in WebAssembly memory, and that every weight is a finite number small enough
// not to overflow. Anything wrong is a ModelFileError naming the file; a model comes back whole.

import { decodeModelFile, ModelFileError, type ModelFileContents } from '../format/model-file.js';
import {
  array,
  explain,
  integer,
  isOneOf,
  isRecord,
  messageOf,
  number,
  object,
  oneOf,
  optional,
  SchemaError,
  show,
  string,
  unknown,
  type Schema,
} from '../format/schema.js';
import { architectures, loadModelClass } from '../models/load-class.js';
import type { TextModel } from '../models/text-model.js';
import { Runtime, type RuntimeOptions } from '../runtime/runtime.js';
import { restoreFeatureOptions } from '../text/feature-options.js';
import { Featurizer } from '../text/features.js';
import { Vocabulary } from '../text/vocabulary.js';
import { codeBytes, dequantizeRows, QUANTIZE_BITS, type QuantizeBits } from './quantize.js';
import { MODEL_KIND, type ClassifierConfig } from './classifier-encode.js';

/** The newest classifier schema this release reads (and writes, for quantized models). */
export const CLASSIFIER_SCHEMA = 4;
/** Every classifier schema this release reads. */
const SCHEMAS = [1, 2, 3, 4] as const;
/** The first schema of quantized files (their sections stored plainly). */
const FIRST_QUANTIZED_SCHEMA = 3;
/** The first schema whose sections are packed (pack-sections.ts), and the one quantized files are written in (quantized-file.ts). */
export const QUANTIZED_SCHEMA = 4;

/** The tensors `quantize` applies to: the embedding table, nearly all of a bag model's bytes. */
export const QUANTIZABLE = ['embedding.weight'];

/** Prediction batches of a loaded model: texts per batch, and feature ids per batch. */
const PREDICT_BATCH = 256;
const PREDICT_IDS = PREDICT_BATCH * 64;

/** A classifier's parts, read and checked from the bytes of a model file. */
export async function decodeClassifier(
  bytes: Uint8Array | ArrayBuffer,
  source: string,
  runtime?: RuntimeOptions,
): Promise<{ config: ClassifierConfig; featurizer: Featurizer; model: TextModel }> {
  return classifierFromContents(decodeModelFile(bytes, source), source, runtime);
}

/**
 * decodeClassifier's checks and building, from a model file already taken apart (a worker that
 * trained a model sends its sections). `pause`, when given, runs between the steps (each takes
 * tens of milliseconds for a large model): a page gives its event loop a turn there.
 */
export async function classifierFromContents(
  { config, sections }: ModelFileContents,
  source: string,
  runtime?: RuntimeOptions,
  pause?: () => Promise<void>,
): Promise<{ config: ClassifierConfig; featurizer: Featurizer; model: TextModel }> {
  const problem = (what: string, hint = 'save the model again with this version of sentiwasm'): never => {
    throw new ModelFileError(source, what, hint, 'invalid-contents');
  };
  const noArchitecture = (arch: unknown) =>
    problem(
      `holds a model of architecture ${show(arch)}, which this sentiwasm does not have (it has ${architectures().join(', ')})`,
      'if a newer sentiwasm wrote it, upgrade to load it',
    );
  // Checked in this order: what the file is, which schema (a newer one is not read further), then the model's settings.
  const c = readConfig(
    config,
    object({
      kind: explain(
        oneOf([MODEL_KIND]),
        (kind) => `holds ${kind === undefined ? 'a model of no kind' : `a ${show(kind)}`}, not a ${MODEL_KIND}`,
      ),
      schema: optional(
        explain(oneOf(SCHEMAS), (schema) =>
          typeof schema === 'number' && Number.isSafeInteger(schema) && schema > 0
            ? problem(
                `was written by a newer sentiwasm (classifier schema ${schema}; this one reads up to ${CLASSIFIER_SCHEMA})`,
                'upgrade sentiwasm to load it',
              )
            : `the classifier schema is ${show(schema)}, not a version number`,
        ),
      ),
      arch: explain(oneOf(architectures()), noArchitecture),
      dim: explain(integer(1), (dim) => `the embedding width (dim) is ${show(dim)}, not a positive integer`),
      hidden: explain(
        array(integer(1)),
        (hidden) => `the hidden layer widths are ${show(hidden)}, not a list of positive integers`,
      ),
      labels: explain(
        array(string, 2),
        (labels) => `the labels are ${show(labels)}, not a list of two or more strings`,
      ),
      // Files from before calibration have no temperature: they were uncalibrated. Scores are
      // divided by it: below MIN_TEMPERATURE they could reach infinity, and probabilities NaN.
      temperature: optional(
        explain(
          number(MIN_TEMPERATURE),
          (t) => `the temperature is ${show(t)}, not a positive number (at least ${MIN_TEMPERATURE})`,
        ),
      ),
      rows: explain(integer(0), (rows) => `the row count is ${show(rows)}, not an integer ≥ 0`),
      features: explain(restoreFeatureOptions, (_, error) => `the featurizer settings are invalid: ${error.message}`),
      quantized: unknown,
      numericLabels: unknown,
    }),
    problem,
  );
  const { schema = 1, arch, dim, hidden, labels, rows, temperature = 1 } = c;
  const Model = await (loadModelClass(arch) ?? noArchitecture(arch));
  const distinct = new Set(labels);
  if (distinct.size !== labels.length)
    problem(`the label ${JSON.stringify(labels.find((l) => !distinct.delete(l)))} appears twice`);
  const shape = { rows, dim, hidden, classes: labels.length };
  const shapeProblem = Model.checkShape(shape);
  if (shapeProblem) problem(shapeProblem);

  const expect = <T extends Float32Array | Int32Array | Uint8Array>(
    name: string,
    type: { name: string; prototype: T },
  ): T => {
    const section = sections[name];
    const isOfType = (s: unknown): s is T => Object.getPrototypeOf(s) === type.prototype;
    if (section === undefined) return problem(`section "${name}" is missing`);
    if (!isOfType(section))
      return problem(`section "${name}" holds ${section.constructor.name} values, not ${type.name}`);
    return section;
  };
  // The unpacking code is loaded only for a packed file: a page that never reads one never fetches it.
  const unpack = schema >= QUANTIZED_SCHEMA ? await import('./unpack-sections.js') : undefined;
  /** A packed section read by `read`; what is wrong with it is a problem naming it. */
  const unpacked = <T>(name: string, read: (bytes: Uint8Array) => T): T => {
    const bytes = expect(name, Uint8Array);
    try {
      return read(bytes);
    } catch (error) {
      if (!(error instanceof Error) || error instanceof ModelFileError) throw error;
      return problem(`section "${name}" is damaged: ${error.message}`);
    }
  };
  let vocabulary: Vocabulary;
  let rowBuckets: Int32Array;
  if (unpack) {
    vocabulary = unpacked('vocabulary.packed', unpack.unpackVocabulary);
    rowBuckets = unpacked('rowBuckets.packed', unpack.unpackBuckets);
  } else {
    const vocabBytes = expect('vocabulary', Uint8Array);
    rowBuckets = expect('rowBuckets', Int32Array);
    try {
      vocabulary = Vocabulary.deserialize(vocabBytes);
    } catch (error) {
      return problem(`the vocabulary is damaged (${messageOf(error)})`);
    }
  }
  await pause?.();
  let featurizer: Featurizer;
  try {
    featurizer = Featurizer.restore(c.features, vocabulary, rowBuckets);
  } catch (error) {
    if (!(error instanceof RangeError || error instanceof TypeError)) throw error;
    return problem(`the featurizer settings are invalid: ${error.message}`);
  }
  if (featurizer.rowCount !== rows)
    problem(
      `the config says ${rows} embedding rows, the vocabulary (${vocabulary.size} words) and row buckets (${rowBuckets.length}) make ${featurizer.rowCount}`,
    );

  await pause?.();
  // The tensors the architecture has, in its order, with their sizes; then their values from the file.
  const expected = Model.tensorShapes(shape);
  const quantized = quantizedTensors(c.quantized, schema, expected, problem);
  // A quantized tensor's floats are made from its codes and scales, once both are checked.
  const tensorValues = ({ name, shape: dims }: { name: string; shape: number[] }): Float32Array => {
    const bits = quantized[name];
    if (bits === undefined) return expect(name, Float32Array);
    const [rowCount, width] = dims;
    const bytes = codeBytes(bits, rowCount, width);
    const scalesName = unpack ? `${name}.scales.packed` : `${name}.scales`;
    const codes = unpack
      ? unpacked(`${name}.codes.packed`, (b) => unpack.unpackCodes(b, bytes))
      : expect(`${name}.codes`, Uint8Array);
    const scales = unpack
      ? unpacked(scalesName, (b) => unpack.unpackScales(b, rowCount))
      : expect(scalesName, Float32Array);
    if (codes.length !== bytes)
      problem(
        `section "${name}.codes" has ${codes.length} bytes, ${rowCount} rows × ${width} at ${bits} bits need ${bytes}`,
      );
    if (scales.length !== rowCount)
      problem(`section "${scalesName}" has ${scales.length} values, one per row needs ${rowCount}`);
    const bad = scales.findIndex((v) => !(v >= 0) || !Number.isFinite(v));
    if (bad >= 0) problem(`section "${scalesName}" holds ${scales[bad]} at index ${bad}, not a finite number ≥ 0`);
    return dequantizeRows({ bits, codes, scales }, rowCount, width, new Float32Array(rowCount * width));
  };
  const values =
    schema === 1
      ? schema1Tensors(expected, (name) => expect(name, Float32Array), problem)
      : Object.fromEntries(expected.map((t) => [t.name, tensorValues(t)]));
  for (const { name, shape: dims } of expected) {
    const size = dims.reduce((a, b) => a * b, 1);
    if (values[name].length !== size)
      problem(`the tensor "${name}" has ${values[name].length} values, its shape [${dims.join(' × ')}] needs ${size}`);
  }
  // The plan's largest blocks, checked before any of it is laid out: a file asking for more than
  // WebAssembly can address is refused, not half built.
  const floats =
    expected.reduce((n, t) => n + 2 * t.shape.reduce((a, b) => a * b, 1), 0) +
    Model.extraFloats(shape) +
    PREDICT_IDS * shape.dim;
  if (4 * floats > MAX_WASM_BYTES)
    problem(
      `the model needs at least ${((4 * floats) / 2 ** 30).toFixed(1)} GiB of memory, more than the 4 GiB WebAssembly can address`,
    );
  // Messages name the file's own sections: 0.1.0's "head" holds every head tensor back to back.
  const sectionOf = (name: string, at: number): [string, number] => {
    if (schema !== 1) return [name, at];
    if (name === expected[0].name) return ['embedding', at];
    const before = expected
      .slice(
        1,
        expected.findIndex((t) => t.name === name),
      )
      .reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
    return ['head', before + at];
  };
  for (const { name } of expected) {
    const at = firstNonFinite(values[name]);
    if (at < 0) continue;
    const [section, index] = sectionOf(name, at);
    problem(
      `the model's weights hold NaN or infinite values (section "${section}", index ${index}); it was saved from a run that diverged: train it again with a lower learning rate`,
      '',
    );
  }
  await pause?.();
  const bound = Model.scoreBound(shape, values);
  if (!(bound <= MAX_SCORE)) {
    problem(
      `the model's weights are so large that its scores could overflow (to ${bound.toPrecision(2)}); it was saved from a run that diverged: train it again with a lower learning rate`,
      '',
    );
  }

  await pause?.();
  const model = Model.create(await Runtime.create(runtime), shape, {
    maxBatch: PREDICT_BATCH,
    maxIds: PREDICT_IDS,
    optimizer: 'sgd',
    seed: 0,
    initialise: false,
    training: false,
  });
  await pause?.();
  for (const t of model.tensors()) t.values().set(values[t.name]);
  model.weightsChanged();
  const numericLabels =
    c.numericLabels === true && labels.every((l) => Number.isFinite(Number(l))) ? { numericLabels: true } : {};
  return {
    config: {
      arch,
      dim: shape.dim,
      hidden: shape.hidden,
      labels,
      features: featurizer.options,
      temperature,
      ...numericLabels,
    },
    featurizer,
    model,
  };
}

/** The config's `quantized` map ({ tensor name: bits }), checked against the schema and the architecture's tensors. */
function quantizedTensors(
  value: unknown,
  schema: number,
  expected: { name: string; shape: number[] }[],
  problem: (what: string) => never,
): Record<string, QuantizeBits> {
  if (schema < FIRST_QUANTIZED_SCHEMA) {
    if (value !== undefined)
      problem(
        `the config of a classifier schema ${schema} file holds "quantized", which only quantized files (schema ${FIRST_QUANTIZED_SCHEMA} and later) have`,
      );
    return {};
  }
  if (!isRecord(value) || Object.keys(value).length === 0)
    return problem(`the quantized tensors are ${show(value)}, not a map from tensor names to bits`);
  const out: Record<string, QuantizeBits> = {};
  for (const [name, bits] of Object.entries(value)) {
    const tensor = expected.find((t) => t.name === name);
    if (!tensor || tensor.shape.length !== 2 || !QUANTIZABLE.includes(name))
      problem(`the quantized tensor ${show(name)} is not a table this model can store quantized`);
    if (!isOneOf(QUANTIZE_BITS, bits))
      return problem(
        `the tensor "${name}" is quantized to ${show(bits)} bits; this sentiwasm reads ${QUANTIZE_BITS.join(' or ')}`,
      );
    out[name] = bits;
  }
  return out;
}

/** 0.1.0's two sections as the architecture's tensors: "embedding" is the table, "head" the rest back to back. */
function schema1Tensors(
  expected: { name: string; shape: number[] }[],
  section: (name: string) => Float32Array,
  problem: (what: string) => never,
): Record<string, Float32Array> {
  const [table, ...head] = expected;
  const out: Record<string, Float32Array> = { [table.name]: section('embedding') };
  const flat = section('head');
  const sizes = head.map((t) => t.shape.reduce((a, b) => a * b, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (flat.length !== total) problem(`the head has ${flat.length} weights, the architecture needs ${total}`);
  let at = 0;
  head.forEach((t, i) => {
    out[t.name] = flat.subarray(at, at + sizes[i]);
    at += sizes[i];
  });
  return out;
}

/** WebAssembly's 32-bit address space: the most memory a runtime can have. */
const MAX_WASM_BYTES = 2 ** 32;

/** The smallest softmax temperature a model file may hold (calibration picks one from 0.01 to 100). */
const MIN_TEMPERATURE = 1e-6;

/** The largest score a model's weights may be able to reach (float32 overflows at 3.4e38). */
const MAX_SCORE = 1e30;

/** `config` read by `schema`; what is wrong with it is a problem naming the field. */
function readConfig<T>(config: unknown, schema: Schema<T>, problem: (what: string) => never): T {
  try {
    return schema(config, 'config');
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    return problem(error.message);
  }
}

/** The index of the first NaN or ±Infinity, or -1. */
function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // v - v is 0 for every finite v, NaN for NaN and ±Infinity.
    if (v - v !== 0) return i;
  }
  return -1;
}
