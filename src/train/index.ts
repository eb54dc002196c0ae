export { fitTemperature, applyTemperature, temperatureNll } from './calibration.js';
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
} from './classifier.js';
export {
  evaluate,
  formatReport,
  accuracy,
  rocAuc,
  expectedCalibrationError,
  type EvaluationReport,
  type ClassMetrics,
} from './metrics.js';
export { learningRate, type ScheduleName, type ScheduleOptions } from './schedule.js';
export {
  runSeedExample,
  SEED_INPUTS,
  SEED_LABELS,
  type SeedExampleOptions,
  type SeedExampleResult,
} from './seed-example.js';
export { PYTORCH_SEED_INIT } from './seed-init.js';
export {
  MAX_TRAINING_FEATURES,
  sortLabels,
  train,
  trainWithReport,
  TRAIN_DEFAULTS,
  type BatchInfo,
  type EpochReport,
  type LabelledText,
  type TrainOptions,
  type TrainResult,
  type TrainingData,
} from './train.js';
export { TrainingDivergedError } from './errors.js';
export {
  parseCheckpointInterval,
  DEFAULT_CHECKPOINT_INTERVAL,
  type CheckpointInterval,
  type IntervalInSeconds,
  type IntervalInSteps,
} from './checkpoint-interval.js';
export { autoPredictionThreads, MIN_TEXTS_PER_THREAD, PredictionThreads } from './prediction-threads.js';
export { architectures } from '../models/load-class.js';
export {
  crossValidate,
  compareOptions,
  stratifiedFolds,
  type CrossValidationOptions,
  type CrossValidationResult,
  type ComparisonResult,
  type FoldResult,
} from './cv.js';
export {
  autotune,
  autotuneWithReport,
  toFlags,
  type AutotuneOptions,
  type AutotuneResult,
  type Trial,
} from './autotune.js';
