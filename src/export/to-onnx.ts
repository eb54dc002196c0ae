// toOnnx(model): a trained classifier as the bytes of an ONNX file. A function beside the
// classifier rather than a method on it: the classifier is in every bundle that trains or
// predicts (a Web Worker's too, which bundlers build without code splitting, so even a dynamic
// import of the exporter would be inlined there), and the exporter with protobufjs adds ~31 KB
// gzipped. Here it is loaded only when a model is exported.

import type { TextModel } from '../models/text-model.js';
import type { OnnxExportOptions } from './exporter.js';

/** What an export reads from a trained classifier (a TextClassifier is one). */
export interface OnnxExportable {
  /** The trained model whose weights the graph holds. */
  readonly model: TextModel;
  /** The model's settings. */
  readonly config: {
    /** Its architecture. */
    arch: string;
    /** Its calibration temperature. */
    temperature: number;
  };
  /** Class names in the order of the model's outputs. */
  readonly labels: readonly string[];
}

/**
 * The model as the bytes of an ONNX file (opset 17) that ONNX Runtime serves with the
 * probabilities sentiwasm predicts: inputs `ids` (int64 [batch, length], from onnxFeatureIds and
 * onnxBatch) and `mask` (float32, 1 for a real id), outputs `probabilities` (calibrated, in the
 * order of the model's labels) and `logits`. Every architecture exports (bag, mlp, attention).
 * @example
 * ```ts
 * await writeFile("model.onnx", await toOnnx(model));
 * ```
 */
export async function toOnnx(classifier: OnnxExportable, options: OnnxExportOptions = {}): Promise<Uint8Array> {
  const model = classifier.model;
  const { exportOnnx } = await import('./exporter.js');
  const tensors = Object.fromEntries(model.tensors().map((t) => [t.name, t.values().slice()]));
  return exportOnnx(
    {
      arch: classifier.config.arch,
      shape: model.shape,
      tensors,
      labels: [...classifier.labels],
      temperature: classifier.config.temperature,
    },
    options,
  );
}
