// Browser-safe data readers; Node's file helpers live in ./files.node.js (the Node entry re-exports them).
export { DataError, formatDataError } from './errors.js';
export type { DataProblem } from './errors.js';
export { CsvParser, parseCsv, parseCsvChunks } from './csv.js';
export type { CsvOptions, CsvRow } from './csv.js';
export { TSV_DIALECT, createTsvParser, parseTsv } from './tsv.js';
export { JsonlParser, parseJsonl, malformedJsonError } from './jsonl.js';
export type { JsonlRow } from './jsonl.js';
export {
  RecordReader,
  readRecords,
  decodeChunks,
  formatFromFileName,
  sniffFormat,
  unknownFormatHint,
  guessLabelColumn,
  readExamples,
  createExampleStream,
  parseExamplesText,
} from './examples.js';
export type {
  DataFormat,
  ChunkSource,
  RecordOptions,
  DataRecord,
  ExampleOptions,
  Example,
  ReadReport,
  ExampleStream,
} from './examples.js';
export { FASTTEXT_LABEL_PREFIX, parseFastTextLine, looksLikeFastText, textWithoutFastTextLabels } from './fasttext.js';
export type { FastTextExample, FastTextProblem } from './fasttext.js';
export { builtinCorpus, builtinDevSplit, builtinSplit, defaultCorpus } from './corpus.js';
export type { CorpusExample, CorpusLabel } from './corpus.js';
