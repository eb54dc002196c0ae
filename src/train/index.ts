export { fitTemperature, applyTemperature, temperatureNll } from './calibration.js';
export { NEGATED_WORD_PREFIX, TextClassifier, softmaxRows, type Architecture, type ClassifierConfig, type Explanation, type Label, type Neighbour, type Prediction, type TokenContribution } from './classifier.js';
export { evaluate, formatReport, accuracy, rocAuc, expectedCalibrationError, type EvaluationReport, type ClassMetrics } from './metrics.js';
export { learningRate, type ScheduleName, type ScheduleOptions } from './schedule.js';
export { runSeedExample, SEED_INPUTS, SEED_LABELS, type SeedExampleOptions, type SeedExampleResult } from './seed-example.js';
export { MAX_TRAINING_FEATURES, sortLabels, train, trainWithReport, TRAIN_DEFAULTS, type BatchInfo, type EpochReport, type LabelledText, type TrainOptions, type TrainResult, type TrainingData } from './train.js';
export { TrainingDivergedError } from './errors.js';
export { architectures } from '../models/registry.js';
