// The ONNX export, for the package's entries: toOnnx, the graph's inputs from texts, and the
// featurizer's settings. The exporter itself (and protobufjs with it) is loaded on demand by
// toOnnx, so a web app that never exports does not load it.

export { onnxBatch, onnxFeatureIds, type OnnxBatch, type OnnxFeaturizer } from './inputs.js';
export {
  featurizerFromSettings,
  featurizerSettings,
  FEATURIZER_SETTINGS_FORMAT,
  FEATURIZER_SETTINGS_VERSION,
  type FeaturizerSettings,
  type FeaturizerSettingsSource,
} from './featurizer-settings.js';
export { toOnnx, type OnnxExportable } from './to-onnx.js';
export type { OnnxExportOptions } from './exporter.js';
