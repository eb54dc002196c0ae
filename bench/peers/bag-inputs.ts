// What the bag model's peers (PyTorch, TensorFlow.js) get from sentiwasm, so that they train and
// predict the same model on the same features: the feature rows sentiwasm's featurizer gives
// every SST-2 text (unigrams and hashed bigrams, the rows of the W4 model's table), the labels as
// class ids, and for prediction the trained W4 model's weights and its predicted classes.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextClassifier } from '../../src/classifier/classifier.js';
import type { LabelledText } from '../../src/fit/options.js';
import { packedWeights, type PackedWeights } from './model-weights.js';
import { textRows } from '../../src/text/text-rows.js';

export interface BagInputs extends PackedWeights {
  rows: number;
  dim: number;
  classes: number;
  train: number[][];
  trainLabels: number[];
  /** Whitespace-separated words in the training texts (W4's tokens). */
  trainWords: number;
  dev: number[][];
  devLabels: number[];
  /** The W4 model's classes for dev, to check that a peer runs the same model. */
  sentiwasm: number[];
}

/** The peers' inputs, read from the W4 model at `modelPath`. */
export async function bagInputs(
  modelPath: string,
  train: readonly LabelledText[],
  dev: readonly LabelledText[],
): Promise<BagInputs> {
  const bytes = readFileSync(modelPath);
  const model = await TextClassifier.fromBytes(bytes, modelPath);
  try {
    const f = model.featurizer;
    const rowsOf = (texts: readonly LabelledText[]) => texts.map((e) => textRows(f, e.text));
    const labelOf = (e: LabelledText) => model.labels.indexOf(String(e.label));
    const { index, weights } = packedWeights(bytes, modelPath);
    return {
      rows: f.rowCount,
      dim: model.config.dim,
      classes: model.labels.length,
      train: rowsOf(train),
      trainLabels: train.map(labelOf),
      trainWords: train.reduce((n, e) => n + e.text.split(/\s+/).filter(Boolean).length, 0),
      dev: rowsOf(dev),
      devLabels: dev.map(labelOf),
      sentiwasm: model.predictBatch(dev.map((e) => e.text)).map((p) => model.labels.indexOf(String(p.label))),
      index,
      weights,
    };
  } finally {
    model.dispose();
  }
}

/** The inputs as files for a Python peer (data.json, weights.f32), in a folder `use` may read; removed after. */
export function withBagFiles<T>(inputs: BagInputs, use: (dataPath: string, weightsPath: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-bag-'));
  try {
    const { weights, index, ...rest } = inputs;
    const dataPath = join(dir, 'data.json');
    const weightsPath = join(dir, 'weights.f32');
    writeFileSync(dataPath, JSON.stringify({ ...rest, weights: index }));
    writeFileSync(weightsPath, new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength));
    return use(dataPath, weightsPath);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
