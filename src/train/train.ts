// Training a text classifier: read the examples, fit the featurizer, lay the model out, then
// epochs of seeded shuffled mini-batches (embedding bag → head → softmax cross-entropy →
// backward → sparse row update + dense update), with a learning-rate schedule, validation,
// early stopping and temperature calibration. A bag model trains as independent members side by
// side, averaged into one model. Same seed, data and options → the same bytes.

import { Runtime, type RuntimeOptions } from '../runtime/runtime.js';
import { readFileBytes } from '../runtime/wasm-source.js';
import { readExamples } from '../data/examples.js';
import { CrossEntropyLoss } from '../nn/losses.js';
import { Adam, SGD, type Optimizer, type OptimizerState } from '../nn/optimizers.js';
import { Random } from '../nn/random.js';
import type { SparseOptimizer } from '../nn/embedding-bag.js';
import { Featurizer, resolveFeatureOptions, type FeatureOptions, type ResolvedFeatureOptions } from '../text/features.js';
import { createTokenizer } from '../text/tokenize.js';
import { fitTemperature } from './calibration.js';
import { dataFingerprint, decodeCheckpoint, encodeCheckpoint, type RunIdentity, type TrainingState, type Weights } from './checkpoint.js';
import { NEGATED_WORD_PREFIX, TextClassifier, type Architecture } from './classifier.js';
import { TrainingDivergedError } from './errors.js';
import { naiveBayesStart } from './naive-bayes-start.js';
import { learningRate, type ScheduleName } from './schedule.js';

export interface LabelledText {
  text: string;
  label: string;
}

/** Labelled examples in memory, a stream of them (e.g. readExamplesFromFile), or a CSV/TSV/JSONL file path or URL (Node). */
export type TrainingData = Iterable<LabelledText> | AsyncIterable<LabelledText> | string | URL;

export interface BatchInfo {
  /** With several members (see TrainOptions.members): which one is training, from 1. */
  member?: number;
  epoch: number;
  /** Steps done so far, over all epochs. */
  step: number;
  totalSteps: number;
  loss: number;
  lr: number;
  /** Whitespace-separated input words processed per second so far (as fastText counts them). */
  tokensPerSecond: number;
  seconds: number;
}

export interface EpochReport {
  /** With several members: whose epoch this was, from 1. */
  member?: number;
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  validLoss?: number;
  validAccuracy?: number;
  seconds: number;
  tokensPerSecond: number;
}

export interface TrainOptions extends FeatureOptions {
  arch?: Architecture;
  /** Embedding width (default 64). */
  dim?: number;
  /**
   * Bag model: train it as this many independent members of dim/members columns each (own seed,
   * own shuffling), whose logits the saved model averages: a variance-reducing ensemble that is
   * still one bag model of width dim. Default: one member per 32 columns (dim 64 → 2); mlp: 1.
   */
  members?: number | 'auto';
  /** Hidden widths of the mlp head (default [64]). */
  hidden?: number[];
  /** Passes over the data; default: enough for about 60,000 examples seen, at least 5 and at most 50. */
  epochs?: number | 'auto';
  lr?: number | 'auto';
  batch?: number;
  optimizer?: SparseOptimizer | 'auto';
  schedule?: ScheduleName;
  warmup?: number;
  seed?: number;
  /** Labelled examples to validate on after each epoch, or a fraction of the training data to hold out. */
  validation?: readonly LabelledText[] | number;
  /**
   * Stop after this many epochs without a better validation loss, keeping the best weights
   * (default: a quarter of the epochs, at least 3; 0 = never stop, keep the last weights).
   */
  patience?: number | 'auto';
  /** Weight classes by inverse frequency ('auto') or by name. */
  classWeights?: 'auto' | Record<string, number>;
  /** Class names in order; default: the labels seen, sorted (numerically when they are numbers). */
  labels?: string[];
  /** Word vectors to start from (e.g. read with parseVectors); words the model keeps get them. */
  pretrainedVectors?: Map<string, Float32Array>;
  /** L2 weight decay (SGD only; applied to the embedding rows a batch uses and to the head; default 0). */
  weightDecay?: number;
  /** Leave out each feature of a training example with this probability (word dropout; default 0.2). */
  featureDropout?: number;
  /**
   * Bag model: start each feature's vector from its naive-Bayes log-count ratios times this
   * (e.g. 0.1; default 0: a random start only; not with mlp or pretrained vectors). See naive-bayes-start.ts.
   */
  naiveBayesStart?: number;
  /** Fit a softmax temperature on the validation data (default true when there is validation data). */
  calibrate?: boolean;
  onBatch?: (info: BatchInfo) => void;
  /** Called every this many steps (default 100). */
  batchEvery?: number;
  onEpoch?: (report: EpochReport) => void;
  /** Told about data that will train poorly (e.g. most labels with only a few examples); also in TrainResult.warnings. */
  onWarning?: (message: string) => void;
  /**
   * Hands the bytes of a checkpoint to `save` every `every` steps (over all members): the whole
   * state of the run, from which `resume` carries on to the same model bytes.
   */
  checkpoint?: { every: number; save: (bytes: Uint8Array) => void | Promise<void> };
  /** The bytes of a checkpoint of this run (same data and options) to carry on from. */
  resume?: Uint8Array;
  /** Threads to train on; 1 for now (the only value until multi-core training exists). */
  threads?: number;
  runtime?: RuntimeOptions;
}

/**
 * A training example contributes at most this many features per step: a text longer than that
 * (in unigrams, n-grams and subwords) contributes an evenly spread sample of them, drawn anew
 * each time it is met. The batch buffers then depend on the batch size, not on the longest text
 * (a 5 MB text would otherwise ask for gigabytes). Prediction uses every feature. The longest
 * ChnSentiCorp review has 10,098 features (character 1–3-grams); SST-2's longest sentence 103.
 */
export const MAX_TRAINING_FEATURES = 16_384;

/** A WebAssembly memory holds at most 4 GiB; a model that needs more is refused before training. */
const WASM_MEMORY_LIMIT = 4 * 1024 ** 3;

/** Labels with fewer examples than this train poorly; when most labels have so few, training warns. */
const FEW_EXAMPLES = 5;

/** The defaults: the settings `sentiwasm train FILE` uses. */
export const TRAIN_DEFAULTS = {
  arch: 'bag' as Architecture,
  dim: 64,
  hidden: [64],
  members: 'auto' as number | 'auto',
  epochs: 'auto' as number | 'auto',
  /** SGD: 2 for the bag model, 0.2 for the mlp head; Adam: 0.003. */
  lr: 'auto' as number | 'auto',
  batch: 8,
  /** SGD for the bag model; the mlp head learns far better with Adam. */
  optimizer: 'auto' as SparseOptimizer | 'auto',
  schedule: 'linear' as ScheduleName,
  warmup: 0,
  seed: 0,
  patience: 'auto' as number | 'auto',
  featureDropout: 0.2,
  naiveBayesStart: 0,
  weightDecay: 0,
};

export interface TrainResult {
  model: TextClassifier;
  epochs: EpochReport[];
  /** Examples per class in the training data. */
  classCounts: Record<string, number>;
  /** Seconds spent in the training loop proper (not reading or featurizing). */
  trainSeconds: number;
  /** Warnings about the data (also given to onWarning). */
  warnings: string[];
}

/** Flat encoded examples: rows of every example back to back. */
interface Encoded {
  rows: Int32Array;
  offsets: Int32Array;
  labels: Int32Array;
  words: Int32Array;
  maxLength: number;
}

/**
 * Trains a classifier on labelled texts.
 * @example const model = await train([{ text: "loved it", label: "pos" }, { text: "awful", label: "neg" }], { epochs: 10 });
 */
export async function train(examples: TrainingData, options: TrainOptions = {}): Promise<TextClassifier> {
  return (await trainWithReport(examples, options)).model;
}

/**
 * train(), also returning the per-epoch reports and timings.
 * @example const { model, epochs } = await trainWithReport(examples, { epochs: 5 });
 */
export async function trainWithReport(examples: TrainingData, options: TrainOptions = {}): Promise<TrainResult> {
  const collected = await collectExamples(examples);
  if (collected.length === 0) throw new RangeError('no training examples');
  const o = resolveOptions(options, collected.length);
  const rng = new Random(o.seed);
  const { train: all, valid } = splitValidation(collected, options.validation, rng);

  const labels = options.labels ?? sortLabels(new Set(all.map((e) => e.label)));
  if (labels.length < 2) throw new RangeError(`need at least two classes, found only ${labels.map((l) => `"${l}"`).join(', ')}`);
  checkLabelCount(labels.length, all.length);
  // Negation marking ("not good" → not NOT_good) is on unless asked otherwise: on held-out parts
  // of the training files it helped on both SST-2 and ChnSentiCorp.
  const featureOptions = { ...options, tokenizer: { negation: true, ...definedOnly(options.tokenizer ?? {}) } };
  const tokenizer = createTokenizer(resolveFeatureOptions(featureOptions).tokenizer);
  const tokenLists = all.map((e) => tokenizer(e.text));
  const featurizer = Featurizer.fit(tokenLists, featureOptions);
  const trainSet = encodeExamples(all, tokenLists, featurizer, labels, true, 'training');
  featurizer.freeze();
  const validSet = valid.length ? encodeExamples(valid, valid.map((e) => tokenizer(e.text)), featurizer, labels, false, 'validation') : undefined;
  checkModelSize(featurizer.rowCount, o);

  const classCounts: Record<string, number> = Object.fromEntries(labels.map((l) => [l, 0]));
  for (const c of trainSet.labels) classCounts[labels[c]]++;
  const classWeight = resolveClassWeights(options.classWeights, labels, classCounts);
  const warnings = labelWarnings(classCounts);
  for (const warning of warnings) options.onWarning?.(warning);

  const config = {
    arch: o.arch,
    dim: o.dim,
    hidden: o.arch === 'mlp' ? o.hidden : [],
    labels,
    features: featurizer.options,
    temperature: 1,
  };
  const featuresPerExample = Math.max(1, Math.min(trainSet.maxLength, MAX_TRAINING_FEATURES));
  const layout = { maxBatch: o.batch, maxIds: o.batch * featuresPerExample, optimizer: o.optimizer };
  const sets = { train: trainSet, valid: validSet };
  const identity = options.checkpoint || options.resume ? runIdentity(o, featurizer.options, labels, classWeight, all, valid, options.pretrainedVectors) : undefined;
  const resume = options.resume ? decodeCheckpoint(options.resume, 'the checkpoint', identity!) : undefined;
  const run: Run = {
    options,
    totalSteps: Math.ceil(trainSet.labels.length / o.batch) * o.epochs * o.members,
    step: resume?.position.step ?? 0,
    started: performance.now(),
    reports: resume?.reports ?? [],
    resume,
    checkpoint: options.checkpoint && identity ? { ...options.checkpoint, identity } : undefined,
  };
  let model: TextClassifier;
  if (o.members === 1) {
    model = new TextClassifier(await Runtime.create(options.runtime), config, featurizer, { ...layout, seed: o.seed });
    if (options.pretrainedVectors) loadPretrained(model, options.pretrainedVectors);
    await fitModel(model, sets, o, rng, classWeight, run, 0);
  } else {
    // Independent members side by side: member m trains alone on columns [m·d, (m+1)·d) of one
    // table, and the head averages their logits (see addMember).
    model = new TextClassifier(await Runtime.create(options.runtime), config, featurizer, { ...layout, optimizer: 'sgd', seed: o.seed, initialise: false });
    if (resume?.merged) restoreWeights(model, resume.merged);
    const dim = o.dim / o.members;
    for (let m = resume?.position.member ?? 0; m < o.members; m++) {
      const seed = memberSeed(o.seed, m);
      const member = new TextClassifier(await Runtime.create(options.runtime), { ...config, dim }, featurizer, { ...layout, seed });
      run.merged = () => copyWeights(model);
      // Member 0 goes on with the seed's own generator, as a single model would.
      await fitModel(member, sets, { ...o, dim, seed }, m === 0 ? rng : new Random(seed), classWeight, run, m, m + 1);
      addMember(model, member, m, o.members);
      member.dispose();
    }
  }
  const trainSeconds = (performance.now() - run.started) / 1000;
  model.invalidateCaches();
  if (validSet && (options.calibrate ?? true)) {
    model.config.temperature = fitTemperature(model.logits(bagsOf(validSet)), validSet.labels, labels.length);
  }
  return { model, epochs: run.reports, classCounts, trainSeconds, warnings };
}

/** The seed member m trains with: the run's own for member 0, then far-apart others. */
export function memberSeed(seed: number, m: number): number {
  return m === 0 ? seed : (seed + Math.imul(m, 0x9e3779b9)) >>> 0;
}

/** What the members of one run share: progress, reports, checkpointing and what to resume from. */
interface Run {
  options: TrainOptions;
  totalSteps: number;
  /** Steps done so far, over all members. */
  step: number;
  started: number;
  /** Every epoch's report so far, over all members. */
  reports: EpochReport[];
  /** The checkpoint to carry on from; taken by the member it belongs to. */
  resume?: TrainingState;
  checkpoint?: { every: number; save: (bytes: Uint8Array) => void | Promise<void>; identity: RunIdentity };
  /** With several members: the merged model of the members done so far, for checkpoints. */
  merged?: () => Weights;
}

/**
 * Epochs of seeded shuffled mini-batches on one model (member `memberIndex` of the run), with
 * validation and early stopping (which restores the epoch with the best validation loss), and
 * checkpoints every so many steps. Resumed from a checkpoint, it carries on at the step after it
 * with everything as it was, so the result is the same as that of a run that never stopped.
 */
async function fitModel(model: TextClassifier, sets: { train: Encoded; valid?: Encoded }, o: Resolved, rng: Random, classWeight: Float32Array | undefined, run: Run, memberIndex: number, member?: number): Promise<void> {
  const { train: trainSet, valid: validSet } = sets;
  const { options } = run;
  const resume = run.resume?.position.member === memberIndex ? run.resume : undefined;
  run.resume = undefined;
  if (o.naiveBayesStart > 0 && !resume) naiveBayesStart(model, trainSet, o.naiveBayesStart);
  const stepper = new ClassifierStep(model, o, classWeight);
  const batches = new BatchBuilder(trainSet, o, classWeight);
  const n = trainSet.labels.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const stepsPerEpoch = Math.ceil(n / o.batch);
  let best: { loss: number; weights: Weights } | undefined;
  let sinceBest = 0;
  let lossSum = 0;
  let correct = 0;
  let firstEpoch = 1;
  let firstBatch = 0;
  if (resume) {
    const p = resume.position;
    restoreWeights(model, resume.weights);
    model.embedding.loadState(resume.embeddingOptimizer);
    stepper.loadOptimizerState(resume.headOptimizer);
    order.set(resume.order);
    rng.setState(resume.shuffleRng);
    batches.dropRng.setState(resume.dropoutRng);
    batches.wordsSeen = p.wordsSeen;
    ({ lossSum, correct, sinceBest, epoch: firstEpoch, batch: firstBatch } = p);
    if (p.bestLoss !== null) best = { loss: p.bestLoss, weights: resume.best! };
  }
  const started = performance.now();
  const every = options.batchEvery ?? 100;
  const memberField = member === undefined ? {} : { member };
  const memberReports = () => run.reports.filter((r) => (r.member ?? 1) === (member ?? 1));
  const state = (epoch: number, nextBatch: number): TrainingState => ({
    position: { member: memberIndex, epoch, batch: nextBatch, step: run.step, lossSum, correct, wordsSeen: batches.wordsSeen, sinceBest, bestLoss: best?.loss ?? null },
    reports: run.reports,
    order,
    shuffleRng: rng.state(),
    dropoutRng: batches.dropRng.state(),
    weights: copyWeights(model),
    embeddingOptimizer: model.embedding.saveState(),
    headOptimizer: stepper.saveOptimizerState(),
    best: best?.weights,
    merged: run.merged?.(),
  });

  for (let epoch = firstEpoch; epoch <= o.epochs; epoch++) {
    const epochStart = performance.now();
    // A resumed epoch was shuffled before the checkpoint; its order and running sums came back with it.
    if (epoch !== firstEpoch || firstBatch === 0) {
      rng.shuffle(order);
      lossSum = 0;
      correct = 0;
    }
    for (let s = epoch === firstEpoch ? firstBatch : 0, start = s * o.batch; start < n; start += o.batch, s++) {
      const batch = batches.fill(order, start, Math.min(o.batch, n - start));
      // The schedule runs over this model's own steps.
      const lr = learningRate(o.lr, (epoch - 1) * stepsPerEpoch + s, stepsPerEpoch * o.epochs, { schedule: o.schedule, warmup: o.warmup });
      const result = stepper.run(batches, batch, lr);
      const step = ++run.step;
      if (!Number.isFinite(result.loss)) throw new TrainingDivergedError(step, epoch, o.lr, member);
      lossSum += result.loss * batch;
      correct += result.correct;
      if (options.onBatch && (step % every === 0 || step === run.totalSteps)) {
        const now = performance.now();
        const tokensPerSecond = batches.wordsSeen / ((now - started) / 1000); // this model's own pace
        options.onBatch({ epoch, step, totalSteps: run.totalSteps, loss: result.loss, lr, tokensPerSecond, seconds: (now - run.started) / 1000, ...memberField });
      }
      if (run.checkpoint && step % run.checkpoint.every === 0) await run.checkpoint.save(encodeCheckpoint(run.checkpoint.identity, state(epoch, s + 1)));
    }
    const report: EpochReport = {
      ...memberField,
      epoch,
      trainLoss: lossSum / n,
      trainAccuracy: correct / n,
      seconds: (performance.now() - epochStart) / 1000,
      tokensPerSecond: batches.wordsSeen / ((performance.now() - started) / 1000),
    };
    if (validSet) {
      const { loss, accuracy } = validationScore(model, validSet);
      report.validLoss = loss;
      report.validAccuracy = accuracy;
      if (!best || loss < best.loss) {
        best = { loss, weights: copyWeights(model) };
        sinceBest = 0;
      } else sinceBest++;
    }
    run.reports.push(report);
    options.onEpoch?.(report);
    if (validSet && o.patience > 0 && sinceBest >= o.patience) break;
  }
  const done = memberReports();
  if (o.patience > 0 && best && done.at(-1)!.validLoss! > best.loss) restoreWeights(model, best.weights);
  // A step whose update overflowed leaves a finite loss behind it but weights that are not.
  if (!weightsAreFinite(model)) throw new TrainingDivergedError(run.step, done.at(-1)?.epoch ?? o.epochs, o.lr, member);
  // Steps an early stop skipped still count as done, so progress ends at totalSteps.
  run.step += stepsPerEpoch * (o.epochs - done.length);
}

/**
 * Writes a trained member (a bag model of dim d) into slot m of a K-member bag model of dim K·d:
 * its vectors into columns [m·d, (m+1)·d) of every row, its head weights divided by K into the
 * same columns, its bias divided by K added in. The merged model's logits are then exactly the
 * mean of the members' logits: W·mean(e) + b = Σ_m (W_m/K)·mean(e_m) + b_m/K.
 */
function addMember(model: TextClassifier, member: TextClassifier, m: number, K: number): void {
  const D = model.config.dim;
  const d = member.config.dim;
  const C = model.labels.length;
  const table = model.embedding.values();
  const part = member.embedding.values();
  for (let r = 0; r < model.embedding.rows; r++) table.set(part.subarray(r * d, (r + 1) * d), r * D + m * d);
  const params = model.head.parameters;
  const W = params.values(params.get('0.weight'));
  const b = params.values(params.get('0.bias'));
  const memberParams = member.head.parameters;
  const Wm = memberParams.values(memberParams.get('0.weight'));
  const bm = memberParams.values(memberParams.get('0.bias'));
  for (let c = 0; c < C; c++) {
    for (let j = 0; j < d; j++) W[c * D + m * d + j] = Wm[c * d + j] / K;
    b[c] = (m === 0 ? 0 : b[c]) + bm[c] / K;
  }
}

type Resolved = ReturnType<typeof resolveOptions>;

/** The options with every default filled in, the 'auto' ones from the data size and architecture. */
function resolveOptions(options: TrainOptions, examples: number) {
  const chosen = { ...TRAIN_DEFAULTS, ...definedOnly(options) };
  const epochs = chosen.epochs === 'auto' ? autoEpochs(examples) : chosen.epochs;
  const optimizer: SparseOptimizer = chosen.optimizer === 'auto' ? (chosen.arch === 'mlp' ? 'adam' : 'sgd') : chosen.optimizer;
  const o = {
    ...chosen,
    epochs,
    optimizer,
    lr: chosen.lr === 'auto' ? (optimizer === 'adam' ? 0.003 : chosen.arch === 'mlp' ? 0.2 : 2) : chosen.lr,
    patience: chosen.patience === 'auto' ? Math.max(3, Math.round(epochs / 4)) : chosen.patience,
    members: chosen.members === 'auto' ? autoMembers(chosen.arch, chosen.dim, options.pretrainedVectors !== undefined) : chosen.members,
  };
  checkPositiveInt('dim', o.dim);
  checkPositiveInt('members', o.members);
  if (o.members > 1) {
    if (o.arch !== 'bag') throw new RangeError(`members > 1 needs the bag architecture; the ${o.arch} head cannot be averaged into one model`);
    if (o.dim % o.members !== 0) throw new RangeError(`dim (${o.dim}) must split evenly among ${o.members} members`);
    if (options.pretrainedVectors) throw new RangeError('pretrained vectors start one model: use members 1 with them');
  }
  checkPositiveInt('batch', o.batch);
  checkPositiveInt('epochs', o.epochs);
  if (!(o.lr > 0)) throw new RangeError(`lr must be a positive number, got ${o.lr}`);
  if (o.weightDecay && o.optimizer !== 'sgd') throw new RangeError('weightDecay works with the sgd optimizer only');
  if (!(o.featureDropout >= 0 && o.featureDropout < 1)) throw new RangeError(`featureDropout must be in [0, 1), got ${o.featureDropout}`);
  if (!(o.naiveBayesStart >= 0 && Number.isFinite(o.naiveBayesStart))) throw new RangeError(`naiveBayesStart must be a number ≥ 0, got ${o.naiveBayesStart}`);
  if (o.naiveBayesStart > 0 && o.arch !== 'bag') throw new RangeError(`naiveBayesStart works with the bag architecture only, not ${o.arch}`);
  if (o.naiveBayesStart > 0 && options.pretrainedVectors) throw new RangeError('naiveBayesStart and pretrained vectors are two starting points: use one');
  if (options.threads !== undefined && options.threads !== 1) throw new RangeError(`threads must be 1 for now (training on several threads is not built yet), got ${options.threads}`);
  if (options.checkpoint) checkPositiveInt('checkpoint.every', options.checkpoint.every);
  return o;
}

/** Every option that changes the trained model, for telling whether a checkpoint belongs to a run. */
function runIdentity(o: Resolved, features: ResolvedFeatureOptions, labels: string[], classWeight: Float32Array | undefined,
  train: LabelledText[], valid: LabelledText[], pretrained: Map<string, Float32Array> | undefined): RunIdentity {
  const { arch, dim, hidden, members, epochs, lr, batch, optimizer, schedule, warmup, seed, patience, featureDropout, naiveBayesStart: nb, weightDecay } = o;
  const options: Record<string, unknown> = {
    arch, dim, hidden, members, epochs, lr, batch, optimizer, schedule, warmup, seed, patience, featureDropout, naiveBayesStart: nb, weightDecay,
    features, labels, classWeights: classWeight ? Array.from(classWeight) : null,
    pretrainedVectors: pretrained ? dataFingerprint([...pretrained].map(([word, v]) => ({ text: word, label: Array.from(v).join(' ') }))) : null,
  };
  return { options, data: `${dataFingerprint(train)}/${dataFingerprint(valid)}` };
}

/**
 * Refuses a label column that holds about as many distinct values as there are rows (ids, texts
 * or scores read as labels): nothing can be learned from it, and a softmax over every row is slow.
 */
function checkLabelCount(labels: number, examples: number): void {
  if (labels >= 10 && labels * 2 > examples) {
    throw new RangeError(`${labels} different labels among ${examples} examples: the label column seems to hold something else (ids, texts or scores). `
      + 'Check which column holds the labels and name it (labelColumn, or --label-column in the CLI)');
  }
}

/** A warning when most labels have fewer than FEW_EXAMPLES examples. */
function labelWarnings(counts: Record<string, number>): string[] {
  const values = Object.values(counts);
  const few = values.filter((n) => n < FEW_EXAMPLES).length;
  if (values.length <= 2 || few * 2 <= values.length) return [];
  return [`${few} of the ${values.length} labels have fewer than ${FEW_EXAMPLES} examples each; a classifier learns little from so few. `
    + 'Check the label column (labelColumn, --label-column), or gather more examples per label'];
}

/** Refuses, before anything is laid out, a model bigger than a WebAssembly memory can hold. */
function checkModelSize(rows: number, o: Resolved): void {
  // The table, Adam's two moments of it when used, and the members' own tables beside the merged one.
  const copies = (o.optimizer === 'adam' ? 3 : 1) + (o.members > 1 ? 1 : 0);
  const bytes = Math.max(1, rows) * o.dim * 4 * copies;
  if (bytes < WASM_MEMORY_LIMIT * 0.9) return;
  const maxDim = Math.floor((WASM_MEMORY_LIMIT * 0.9) / (Math.max(1, rows) * 4 * copies));
  throw new RangeError(`the model would need ${(bytes / 1024 ** 3).toFixed(1)} GB of WebAssembly memory (${rows} feature rows × dim ${o.dim}), `
    + `more than the 4 GB one can hold. Lower dim (at most ${maxDim} here), or keep fewer features: fewer buckets, a higher minCount, shorter n-grams`);
}

async function collectExamples(examples: TrainingData): Promise<LabelledText[]> {
  const source = typeof examples === 'string' || examples instanceof URL
    ? readExamples(await readFileBytes(examples), { fileName: String(examples) })
    : examples;
  const all: LabelledText[] = [];
  for await (const e of source) all.push({ text: e.text, label: e.label });
  return all;
}

/** Held-out examples given, or a seeded random fraction of the training examples. */
function splitValidation(all: LabelledText[], validation: TrainOptions['validation'], rng: Random): { train: LabelledText[]; valid: LabelledText[] } {
  if (typeof validation !== 'number') return { train: all, valid: validation ? [...validation] : [] };
  if (!(validation > 0 && validation < 1)) throw new RangeError(`validation fraction must be between 0 and 1, got ${validation}`);
  const order = rng.shuffle(Int32Array.from(all, (_, i) => i));
  const held = new Set(order.subarray(0, Math.round(all.length * validation)));
  return { train: all.filter((_, i) => !held.has(i)), valid: all.filter((_, i) => held.has(i)) };
}

/** Examples as flat row lists; with `grow`, n-grams met for the first time get rows. */
function encodeExamples(items: LabelledText[], lists: string[][], featurizer: Featurizer, labels: string[], grow: boolean, what: string): Encoded {
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const offsets = new Int32Array(items.length + 1);
  const flat: number[] = [];
  const labelIds = new Int32Array(items.length);
  const words = new Int32Array(items.length);
  let maxLength = 0;
  items.forEach((e, i) => {
    const c = labelIndex.get(e.label);
    if (c === undefined) throw new RangeError(`${what} example ${i + 1}: label "${e.label}" is not one of ${labels.join(', ')}`);
    labelIds[i] = c;
    offsets[i] = flat.length;
    featurizer.rows(lists[i], flat, grow);
    maxLength = Math.max(maxLength, flat.length - offsets[i]);
    words[i] = countWords(e.text);
  });
  offsets[items.length] = flat.length;
  return { rows: Int32Array.from(flat), offsets, labels: labelIds, words, maxLength };
}

/** Gathers a batch's rows (with feature dropout), targets and weights into reused buffers. */
class BatchBuilder {
  readonly rows: Int32Array;
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
  readonly weights: Float32Array;
  /** Whitespace-separated input words of every example gathered so far. */
  wordsSeen = 0;
  /** Feature dropout's and long texts' sampling generator. */
  readonly dropRng: Random;

  constructor(private readonly set: Encoded, private readonly o: Resolved, private readonly classWeight?: Float32Array) {
    this.rows = new Int32Array(o.batch * Math.max(1, Math.min(set.maxLength, MAX_TRAINING_FEATURES)));
    this.offsets = new Int32Array(o.batch + 1);
    this.targets = new Int32Array(o.batch);
    this.weights = new Float32Array(o.batch);
    this.dropRng = new Random(o.seed ^ 0x2545f491);
  }

  /** Fills the buffers with examples order[start … start+batch); returns batch. */
  fill(order: Int32Array, start: number, batch: number): number {
    const { set, rows, dropRng } = this;
    // Keep a feature when a uniform uint32 reaches p·2^32: the same test as next() >= p, without a division.
    const keepFrom = Math.ceil(this.o.featureDropout * 4294967296);
    const p = this.o.featureDropout;
    let t = 0;
    for (let b = 0; b < batch; b++) {
      const i = order[start + b];
      this.offsets[b] = t;
      const from = set.offsets[i];
      const to = set.offsets[i + 1];
      if (to - from > MAX_TRAINING_FEATURES) t = this.sampleLongText(from, to, t, keepFrom);
      else if (p > 0) {
        const kept = t;
        for (let f = from; f < to; f++) if (dropRng.nextU32() >= keepFrom) rows[t++] = set.rows[f];
        // A bag never goes empty: keep one feature if dropout took them all.
        if (t === kept && to > from) rows[t++] = set.rows[from + dropRng.int(to - from)];
      } else {
        rows.set(set.rows.subarray(from, to), t);
        t += to - from;
      }
      this.targets[b] = set.labels[i];
      if (this.classWeight) this.weights[b] = this.classWeight[set.labels[i]];
      this.wordsSeen += set.words[i];
    }
    this.offsets[batch] = t;
    return batch;
  }

  /**
   * A text with more features than MAX_TRAINING_FEATURES: a systematic sample of them (every
   * (n/cap)-th from a random start, so each feature is equally likely to be in it), then feature
   * dropout as for any text. Appends at `t`; returns the new end.
   */
  private sampleLongText(from: number, to: number, t: number, keepFrom: number): number {
    const { set, rows, dropRng } = this;
    const length = to - from;
    const stride = length / MAX_TRAINING_FEATURES;
    const offset = dropRng.next();
    const kept = t;
    for (let k = 0; k < MAX_TRAINING_FEATURES; k++) {
      const f = from + Math.floor((k + offset) * stride);
      if (keepFrom === 0 || dropRng.nextU32() >= keepFrom) rows[t++] = set.rows[f];
    }
    if (t === kept) rows[t++] = set.rows[from + dropRng.int(length)];
    return t;
  }
}

/**
 * One training step of the classifier: embedding bag → head → softmax cross-entropy, then the
 * same read in reverse, then the sparse row update and the dense head update. Its buffers are
 * laid out once, here.
 */
class ClassifierStep {
  private readonly loss = new CrossEntropyLoss();
  private readonly headOptimizer: Optimizer;

  saveOptimizerState(): OptimizerState {
    return this.headOptimizer.saveState();
  }

  loadOptimizerState(state: OptimizerState): void {
    this.headOptimizer.loadState(state);
  }
  private readonly targetPtr: number;
  private readonly weightPtr: number;

  constructor(private readonly model: TextClassifier, private readonly o: Resolved, classWeight?: Float32Array) {
    const { head } = model;
    this.headOptimizer = o.optimizer === 'adam' ? new Adam({ lr: o.lr }) : new SGD({ lr: o.lr, weightDecay: o.weightDecay });
    this.headOptimizer.attach(head.parameters);
    this.targetPtr = model.runtime.alloc(head.maxBatch * 4);
    this.weightPtr = classWeight ? model.runtime.allocF32(head.maxBatch) : 0;
  }

  run(data: BatchBuilder, batch: number, lr: number): { loss: number; correct: number } {
    const { model, loss, targetPtr, weightPtr } = this;
    const { head, embedding: emb } = model;
    const rt = model.runtime;
    const C = model.labels.length;
    emb.load(data.rows, data.offsets, batch);
    emb.forward(head.inputPtr);
    const pred = head.forwardBatch(batch, true);
    rt.i32(targetPtr, batch).set(data.targets.subarray(0, batch));
    if (weightPtr) rt.f32(weightPtr, batch).set(data.weights.subarray(0, batch));
    const buffers = { batch, width: C, pred, target: targetPtr, weights: weightPtr };
    const value = loss.forward(rt, buffers);
    const correct = countCorrect(rt.f32(pred, batch * C), data.targets, batch, C);
    head.parameters.zeroGrad();
    head.zeroActivationGrads();
    loss.backward(rt, head.outputGradPtr, buffers);
    head.backwardBatch(batch);
    emb.backward(head.inputGradPtr);
    emb.step(lr, { weightDecay: this.o.weightDecay });
    this.headOptimizer.lr = lr;
    this.headOptimizer.step();
    model.invalidateCaches();
    return { loss: value, correct };
  }
}

function copyWeights(model: TextClassifier): Weights {
  const p = model.head.parameters;
  return { table: model.embedding.values().slice(), head: model.runtime.f32(p.ptr, p.size).slice() };
}

function restoreWeights(model: TextClassifier, weights: Weights): void {
  const p = model.head.parameters;
  model.embedding.values().set(weights.table);
  model.runtime.f32(p.ptr, p.size).set(weights.head);
  model.invalidateCaches();
}

function weightsAreFinite(model: TextClassifier): boolean {
  const p = model.head.parameters;
  return allFinite(model.embedding.values()) && allFinite(model.runtime.f32(p.ptr, p.size));
}

function allFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/**
 * Bag models train as members of at least 32 columns each, as many as divide dim evenly: on
 * held-out parts of the SST-2 training file two 32-wide members beat one 64-wide model by about
 * half a point, and three 32-wide ones by more. With pretrained vectors, or for mlp: one.
 */
export function autoMembers(arch: Architecture, dim: number, pretrained: boolean): number {
  if (arch !== 'bag' || pretrained) return 1;
  for (let k = Math.floor(dim / 32); k > 1; k--) if (dim % k === 0) return k;
  return 1;
}

/** Small data sets need more passes: aim at ~60,000 examples seen, within 5..50 epochs. */
export function autoEpochs(examples: number): number {
  return Math.min(50, Math.max(5, Math.ceil(60_000 / examples)));
}

function validationScore(model: TextClassifier, set: Encoded): { loss: number; accuracy: number } {
  const C = model.labels.length;
  const logits = model.logits(bagsOf(set));
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < set.labels.length; i++) {
    const row = logits.subarray(i * C, (i + 1) * C);
    let max = -Infinity;
    let arg = 0;
    for (let c = 0; c < C; c++) if (row[c] > max) [max, arg] = [row[c], c];
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(row[c] - max);
    loss += Math.log(sum) + max - row[set.labels[i]];
    if (arg === set.labels[i]) correct++;
  }
  return { loss: loss / set.labels.length, accuracy: correct / set.labels.length };
}

function bagsOf(set: Encoded): number[][] {
  return Array.from(set.labels, (_, i) => Array.from(set.rows.subarray(set.offsets[i], set.offsets[i + 1])));
}

function countCorrect(logits: Float32Array, targets: Int32Array, batch: number, C: number): number {
  let correct = 0;
  for (let b = 0; b < batch; b++) {
    let arg = 0;
    for (let c = 1; c < C; c++) if (logits[b * C + c] > logits[b * C + arg]) arg = c;
    if (arg === targets[b]) correct++;
  }
  return correct;
}

/** Whitespace-separated words, as fastText counts tokens. */
function countWords(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = text.charCodeAt(i) <= 32;
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}

/** Numbers in numeric order, anything else alphabetically. */
export function sortLabels(labels: Iterable<string>): string[] {
  const list = [...labels];
  const numeric = list.every((l) => l.trim() !== '' && Number.isFinite(Number(l)));
  return numeric ? list.sort((a, b) => Number(a) - Number(b)) : list.sort();
}

function resolveClassWeights(spec: TrainOptions['classWeights'], labels: string[], counts: Record<string, number>): Float32Array | undefined {
  if (!spec) return undefined;
  const total = labels.reduce((s, l) => s + counts[l], 0);
  if (spec === 'auto') return Float32Array.from(labels, (l) => (counts[l] ? total / (labels.length * counts[l]) : 0));
  for (const key of Object.keys(spec)) if (!labels.includes(key)) throw new RangeError(`class weight for unknown label "${key}"`);
  return Float32Array.from(labels, (l) => {
    const w = spec[l] ?? 1;
    if (!(w >= 0)) throw new RangeError(`class weight of "${l}" must be ≥ 0, got ${w}`);
    return w;
  });
}

function loadPretrained(model: TextClassifier, vectors: Map<string, Float32Array>): void {
  const D = model.config.dim;
  const table = model.embedding.values();
  const vocab = model.featurizer.vocabulary;
  for (const [word, vector] of vectors) {
    if (vector.length !== D) throw new RangeError(`pretrained vector of "${word}" has ${vector.length} dimensions, the model has ${D} (set dim to ${vector.length})`);
    // A word after a negation is exported as "not:word" (export-vectors --include-negated).
    const id = vocab.id(word.startsWith(NEGATED_WORD_PREFIX) ? `NOT_${word.slice(NEGATED_WORD_PREFIX.length)}` : word);
    if (id >= 0) table.set(vector, id * D);
  }
}

function checkPositiveInt(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

