// What an exporter reads from a trained model: its architecture's name and sizes, every tensor
// by name (as the model file names them), and what turns logits into the probabilities
// sentiwasm's predict gives (the labels' order and the calibrated temperature).

import type { ModelShape } from '../models/text-model.js';

export interface ExportSource {
  /** The architecture's name in the registry ("bag", "mlp", "attention"). */
  arch: string;
  shape: ModelShape;
  /** Every tensor's values by name, as TextModel.tensors() gives them. */
  tensors: Record<string, Float32Array>;
  /** Class names in the order of the logits. */
  labels: string[];
  /** Probabilities are softmax(logits / temperature). */
  temperature: number;
}

/** The tensor `name` of a source, or an error naming what is missing. */
export function tensorOf(source: ExportSource, name: string): Float32Array {
  const values = source.tensors[name];
  if (!values)
    throw new Error(
      `the ${source.arch} model has no tensor "${name}" to export (it has ${Object.keys(source.tensors).join(', ')})`,
    );
  return values;
}
