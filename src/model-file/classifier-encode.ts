// The bytes of a classifier's model file: the writing half of the record that classifier-file.ts
// describes and reads. A module of its own because the browser's training worker writes the file
// it trained and never reads one: without the reader, which loads each architecture's code on
// demand, the worker's bundle holds neither the reader nor the bundler's machinery for loading
// code on demand.

import { encodeModelFile, type ModelFileContents } from '../format/model-file.js';
import type { Architecture } from '../models/registry.js';
import type { TextModel } from '../models/text-model.js';
import type { ResolvedFeatureOptions } from '../text/feature-options.js';
import type { Featurizer } from '../text/features.js';

/** What a model file of a text classifier says it holds. */
export const MODEL_KIND = 'sentiwasm text classifier';

/** What a pretrained encoder's file says it holds (encoder-file.ts): named here so that the classifier's reader knows it without loading the encoder's. */
export const ENCODER_KIND = 'sentiwasm pretrained encoder';

/** The schema of an unquantized model: what 0.2 releases before quantization read. */
const PLAIN_SCHEMA = 2;

/** What a model file records about the network. */
export interface ClassifierConfig {
  /** The model's architecture. */
  arch: Architecture;
  /** Embedding width. */
  dim: number;
  /** Widths of the hidden layers of the mlp head ([] for bag). */
  hidden: number[];
  /** Class names, index = class id. */
  labels: string[];
  /** The feature options the model was trained with. */
  features: ResolvedFeatureOptions;
  /** Softmax temperature fitted on validation data (1 = uncalibrated). */
  temperature: number;
  /** The labels were given as numbers: predictions give them back as numbers. */
  numericLabels?: boolean;
}

/** The bytes of a model file holding a classifier, its tensors as float32 (schema 2; quantized-file.ts writes the quantized ones). */
export function encodeClassifier(config: ClassifierConfig, featurizer: Featurizer, model: TextModel): Uint8Array {
  const sections: Record<string, Float32Array | Int32Array | Uint8Array> = {
    vocabulary: featurizer.vocabulary.serialize(),
    rowBuckets: featurizer.rowBuckets,
  };
  for (const t of model.tensors()) sections[t.name] = t.values();
  return classifierFileBytes(config, model, sections, { schema: PLAIN_SCHEMA });
}

/** A classifier's model file from its sections; `schema` (and `quantized`, the tensors quantized) go in the config. */
export function classifierFileBytes(
  config: ClassifierConfig,
  model: TextModel,
  sections: ModelFileContents['sections'],
  format: { schema: number; quantized?: Record<string, number> },
): Uint8Array {
  return encodeModelFile({
    config: {
      kind: MODEL_KIND,
      ...format,
      ...config,
      rows: model.shape.rows,
      tensors: Object.fromEntries(model.tensors().map((t) => [t.name, t.shape])),
    },
    sections,
  });
}
