// A pretrained encoder's file (what `sentiwasm pretrain` writes and `train --init` reads): the
// model-file container (src/format/model-file.ts) holding an attention model without its
// classification head. It has no classes, so it cannot predict; its kind says so, and the
// classifier's reader (classifier-file.ts) refuses it with a message that says what to do.
//
// Schema 1: config { kind: ENCODER_KIND, schema: 1, arch: "attention", dim, hidden (the encoder's
// six sizes, as a classifier file records them: encoderHidden), features, rows, tensors: { name:
// shape }, pretraining: { epochs, maskRate, negatives, loss } }; sections "vocabulary" (u8),
// "rowBuckets" (i32, empty: a sequence model has no n-gram rows) and one f32 section per tensor,
// named as the classifier's ("embedding.weight", "position.weight", "encoder.layers.0.…"), so a
// classifier starts from them by name. Reading checks what the classifier's reader checks (the
// config, the vocabulary and featurizer, each tensor's size and that every weight is finite)
// before anything is built from it.

import { decodeModelFile, encodeModelFile, ModelFileError } from '../format/model-file.js';
import { array, explain, integer, number, object, oneOf, SchemaError, show, unknown } from '../format/schema.js';
import { AttentionModel } from '../models/attention-model.js';
import type { NamedTensor } from '../models/text-model.js';
import { restoreFeatureOptions, type ResolvedFeatureOptions } from '../text/feature-options.js';
import { Featurizer } from '../text/features.js';
import { Vocabulary } from '../text/vocabulary.js';
import { ENCODER_KIND, MODEL_KIND } from './classifier-encode.js';

/** The encoder file's schema. */
const ENCODER_SCHEMA = 1;

/** How an encoder was pretrained (recorded in its file, for the reader's information). */
export interface PretrainingRecord {
  epochs: number;
  maskRate: number;
  negatives: number;
  /** The masked-word loss of the last epoch. */
  loss: number;
}

/** A pretrained encoder as read from its file: sizes, the featurizer, and its tensors by name. */
export interface EncoderFile {
  dim: number;
  /** The encoder's sizes, as a classifier file's `hidden` records them. */
  hidden: number[];
  featurizer: Featurizer;
  tensors: Record<string, Float32Array>;
  pretraining: PretrainingRecord;
}

/** The head's tensors, which an encoder file leaves out. */
const isHead = (name: string) => name.startsWith('head.');

/** The bytes of an encoder file: the model's tensors but its head, with the featurizer. */
export function encodeEncoder(
  model: { shape: { rows: number; dim: number; hidden: number[] }; tensors(): NamedTensor[] },
  featurizer: Featurizer,
  pretraining: PretrainingRecord,
): Uint8Array {
  const tensors = model.tensors().filter((t) => !isHead(t.name));
  return encodeModelFile({
    config: {
      kind: ENCODER_KIND,
      schema: ENCODER_SCHEMA,
      arch: AttentionModel.arch,
      dim: model.shape.dim,
      hidden: model.shape.hidden,
      features: featurizer.options,
      rows: model.shape.rows,
      tensors: Object.fromEntries(tensors.map((t) => [t.name, t.shape])),
      pretraining,
    },
    sections: {
      vocabulary: featurizer.vocabulary.serialize(),
      rowBuckets: featurizer.rowBuckets,
      ...Object.fromEntries(tensors.map((t) => [t.name, t.values()])),
    },
  });
}

/** Reads and checks an encoder file; anything wrong is a ModelFileError naming `source`. */
export function decodeEncoder(bytes: Uint8Array | ArrayBuffer, source: string): EncoderFile {
  const { config, sections } = decodeModelFile(bytes, source);
  const problem = (what: string, hint = 'pretrain the encoder again with this version of sentiwasm'): never => {
    throw new ModelFileError(source, what, hint, 'invalid-contents');
  };
  let c;
  try {
    c = object({
      kind: explain(oneOf([ENCODER_KIND]), (kind) =>
        kind === MODEL_KIND
          ? problem(
              'holds a trained classifier, not a pretrained encoder',
              'give --init a file that `sentiwasm pretrain` wrote',
            )
          : `holds ${kind === undefined ? 'no kind of model' : `a ${show(kind)}`}, not a ${ENCODER_KIND}`,
      ),
      schema: explain(oneOf([ENCODER_SCHEMA]), (schema) =>
        problem(
          `was written by another sentiwasm (encoder schema ${show(schema)}; this one reads ${ENCODER_SCHEMA})`,
          'pretrain it again with this sentiwasm',
        ),
      ),
      arch: explain(
        oneOf([AttentionModel.arch]),
        (arch) => `holds an encoder of architecture ${show(arch)}, not attention`,
      ),
      dim: integer(1),
      hidden: array(integer(1)),
      rows: integer(0),
      features: explain(restoreFeatureOptions, (_, error) => `the featurizer settings are invalid: ${error.message}`),
      pretraining: object({ epochs: integer(0), maskRate: number(0), negatives: integer(0), loss: number() }),
      tensors: unknown,
    })(config, 'config');
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    return problem(error.message);
  }
  const shape = { rows: c.rows, dim: c.dim, hidden: c.hidden, classes: 2 };
  const shapeProblem = AttentionModel.checkShape(shape);
  if (shapeProblem) problem(shapeProblem);
  const vocabBytes = sections.vocabulary;
  const rowBuckets = sections.rowBuckets;
  if (!(vocabBytes instanceof Uint8Array)) return problem('section "vocabulary" is missing or not bytes');
  if (!(rowBuckets instanceof Int32Array)) return problem('section "rowBuckets" is missing or not int32 values');
  let featurizer: Featurizer;
  try {
    featurizer = Featurizer.restore(
      c.features as ResolvedFeatureOptions,
      Vocabulary.deserialize(vocabBytes),
      rowBuckets,
    );
  } catch (error) {
    if (!(error instanceof RangeError || error instanceof TypeError)) throw error;
    return problem(`the vocabulary or featurizer is damaged (${error.message})`);
  }
  if (featurizer.rowCount !== c.rows)
    problem(`the config says ${c.rows} embedding rows, the vocabulary makes ${featurizer.rowCount}`);
  const tensors: Record<string, Float32Array> = {};
  for (const { name, shape: dims } of AttentionModel.tensorShapes(shape)) {
    if (isHead(name)) continue;
    const values = sections[name];
    const size = dims.reduce((a, b) => a * b, 1);
    if (!(values instanceof Float32Array)) return problem(`section "${name}" is missing or not float32 values`);
    if (values.length !== size)
      problem(`the tensor "${name}" has ${values.length} values, its shape [${dims.join(' × ')}] needs ${size}`);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) problem(`the tensor "${name}" holds ${values[bad]} at index ${bad}, not a finite number`);
    tensors[name] = values;
  }
  return { dim: c.dim, hidden: c.hidden, featurizer, tensors, pretraining: c.pretraining };
}
