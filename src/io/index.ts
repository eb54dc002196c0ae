// Model files: the format, readable in Node and browsers alike. Saving to and reading from disk
// is Node-only and lives in ./save.node.js (the Node entry re-exports it).
export {
  MODEL_MAGIC,
  MODEL_FORMAT_VERSION,
  ModelFileError,
  formatModelFileError,
  encodeModelFile,
  decodeModelFile,
} from '../format/model-file.js';
export type { ModelFileContents, ModelFileProblem } from '../format/model-file.js';
export { crc32 } from '../format/crc32.js';
export { loadModel, type ModelSource } from './load-model.js';
export { formatVectors, parseVectors } from './vectors.js';
