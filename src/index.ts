/**
 * sentiwasm: train and run sentiment classifiers in JavaScript on a WebAssembly core.
 * This entry serves browsers and bundlers (`import { train } from 'sentiwasm'` resolves here
 * outside Node); Node uses index.node.ts, which adds file access.
 * @example
 * ```ts
 * const model = await train([{ text: 'loved it', label: 'pos' }, { text: 'awful', label: 'neg' }]);
 * model.predict('what a lovely film').label;
 * ```
 * @module browser
 */

export * from './runtime/index.js';
export * from './nn/index.js';
export * from './text/index.js';
export * from './data/index.js';
export * from './io/index.js';
export { fitTemperature, applyTemperature, temperatureNll } from './eval/calibration.js';
export {
  NEGATED_WORD_PREFIX,
  TextClassifier,
  softmaxRows,
  type Architecture,
  type ClassifierConfig,
  type EncodeOptions,
  type Explanation,
  type Label,
  type Neighbour,
  type Prediction,
  type TokenContribution,
} from './classifier/classifier.js';
export {
  evaluate,
  formatReport,
  accuracy,
  rocAuc,
  expectedCalibrationError,
  type EvaluationReport,
  type ClassMetrics,
} from './eval/metrics.js';
export { learningRate, type ScheduleName, type ScheduleOptions } from './fit/schedule.js';
export {
  runSeedExample,
  SEED_INPUTS,
  SEED_LABELS,
  type SeedExampleOptions,
  type SeedExampleResult,
} from './nn/seed-example.js';
export { PYTORCH_SEED_INIT } from './nn/seed-init.js';
export {
  MAX_TRAINING_FEATURES,
  sortLabels,
  TRAIN_DEFAULTS,
  type BatchInfo,
  type EpochReport,
  type LabelledText,
  type TrainOptions,
  type TrainResult,
  type TrainingData,
} from './train/train.js';
export { TrainingDivergedError } from './fit/errors.js';
export {
  parseCheckpointInterval,
  DEFAULT_CHECKPOINT_INTERVAL,
  type CheckpointInterval,
  type IntervalInSeconds,
  type IntervalInSteps,
} from './fit/checkpoint-interval.js';
export { autoPredictionThreads, MIN_TEXTS_PER_THREAD, PredictionThreads } from './parallel/prediction-threads.js';
export { architectures } from './models/load-class.js';
export {
  crossValidate,
  compareOptions,
  stratifiedFolds,
  type CrossValidationOptions,
  type CrossValidationResult,
  type ComparisonResult,
  type FoldResult,
} from './tune/cv.js';
export {
  autotune,
  autotuneWithReport,
  toFlags,
  type AutotuneOptions,
  type AutotuneResult,
  type Trial,
} from './tune/autotune.js';
export * from './export/index.js';
export { train, trainWithReport } from './train/train.js';
export { pretrain, type PretrainEpoch, type PretrainOptions, type PretrainResult } from './fit/pretrain.js';
