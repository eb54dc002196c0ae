// Training a text classifier: fit the featurizer, lay the model out, then epochs of seeded
// shuffled mini-batches (the step: forward → softmax cross-entropy → backward → update), with a
// learning-rate schedule, validation, early stopping, checkpoints and temperature calibration. A
// model whose architecture averages members trains as independent members side by side, averaged
// into one model. Same seed, data and options → the same bytes.
//
// This module lays the run out (examples, featurizer, model, members, threads) and gives the
// model as its parts; epochs.ts is the epoch loop; train.ts reads files and wraps
// the parts in a TextClassifier. Apart so that the browser's training worker, which trains from
// an array and sends the model file back, imports neither the data readers nor the classifier.
// Each other job has a module of its own: options.ts (options, defaults, checks), examples.ts,
// batches.ts (encoding and batches), step.ts (one step), members.ts, early-stopping.ts,
// checkpoint.ts, team.ts (what the loop asks of threads), and the models themselves in src/models.

import { modelClass } from '../models/registry.js';
import type { TextModel } from '../models/text-model.js';
import { Random } from '../nn/random.js';
import { Runtime } from '../runtime/runtime.js';
import { resolveFeatureOptions } from '../text/feature-options.js';
import { Featurizer } from '../text/features.js';
import { GRAMMAR } from '../text/grammar.js';
import { NEGATED_WORD_PREFIX } from '../text/negated-word.js';
import { createTokenizer } from '../text/tokenize.js';
import { fitModel, logitsOfSet, views, type Run } from './epochs.js';
import { collectExamples, splitValidation, type Example } from './examples.js';
import { encodeExamples, type Encoded } from './batches.js';
import { fitTemperature } from '../eval/calibration.js';
import { decodeCheckpoint, runIdentity, type MakeCheckpointWriter } from './checkpoint.js';
import { CheckpointClock, DEFAULT_CHECKPOINT_INTERVAL } from './checkpoint-interval.js';
import type { ClassifierConfig } from '../model-file/classifier-encode.js';
import type { Label, TextClassifier } from '../classifier/classifier.js';
import { restore } from './early-stopping.js';
import { keptRowsWarning, labelCountWarnings } from './data-warnings.js';
import { bagModel, memberSeed } from './members.js';
import {
  checkLabelCount,
  checkModelSize,
  definedOnly,
  labelWarnings,
  MAX_TRAINING_FEATURES,
  resolveClassWeights,
  resolveOptions,
  sortLabels,
  type EpochReport,
  type LabelledText,
  type Resolved,
  type TrainingData,
  type TrainOptions,
} from './options.js';
import { memberTraining, type StartTeam, type Team } from './team.js';
import { StopCheck } from './stop-signal.js';
import type { EncoderStart } from './encoder-start.js';

/** What trainWithReport returns: the model, each epoch's report, and what the run found about the data. */
export interface TrainResult<L extends Label = string> {
  /** The trained classifier. */
  model: TextClassifier<L>;
  /** Each epoch's report, in order. */
  epochs: EpochReport[];
  /** Examples per class in the training data. */
  classCounts: Record<string, number>;
  /** Seconds spent in the training loop proper (not reading or featurizing). */
  trainSeconds: number;
  /** Warnings about the data (also given to onWarning). */
  warnings: string[];
  /** Whether options.signal stopped training before its last epoch. */
  stopped?: boolean;
  /** Threads the run trained on (see TrainOptions.threads). */
  threads: number;
  /** With a validation fraction: the examples it held out (labels as strings), which training never saw. */
  heldOut?: LabelledText[];
}

/** A trained model as its parts (what a TextClassifier holds), and the report of its training. */
export type TrainedModel = Omit<TrainResult, 'model'> & {
  model: TextModel;
  config: ClassifierConfig;
  featurizer: Featurizer;
};

/**
 * @internal What a run is given besides its data and options, chosen by its caller: how
 * checkpoints are written (checkpoint.ts, checkpoint-patches.ts: the browser's training worker,
 * which is never given `append`, leaves the patches out), and how threads start (src/parallel/;
 * without it, the run trains on one thread).
 */
export interface TrainingParts {
  checkpoints: MakeCheckpointWriter;
  startTeam?: StartTeam;
  /** A pretrained encoder to start from (options.init, read by train(): encoder-start.ts). */
  start?: EncoderStart;
}

/**
 * @internal trainWithReport() for examples in memory or a stream (a path is refused), giving the
 * model as its parts: what the browser's training worker runs, which encodes the parts without
 * ever predicting. Its bundle so leaves out the data readers and the TextClassifier.
 */
export async function trainModel(
  examples: TrainingData<Label>,
  options: TrainOptions,
  parts: TrainingParts,
): Promise<TrainedModel> {
  const { examples: collected, numericLabels } = await collectExamples(examples);
  if (collected.length === 0) throw new RangeError('no training examples');
  // train() reads the encoder (encoder-start.ts); the browser's training worker, whose bundle leaves it out, cannot.
  if (options.init && !parts.start) throw new Error('init needs worker: false');
  // Every warning of the run, in the order given to onWarning (and so to the CLI's --strict).
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    options.onWarning?.(message);
  };
  const o = resolveOptions(options, collected.length, warn);
  // Threads start now, so that they load while the texts are tokenised and the model laid out.
  // A run given no way to start them, or on a platform that cannot, trains on one thread.
  const team = o.threads > 1 ? parts.startTeam?.(o.threads) : undefined;
  const threads = team?.threads ?? 1;
  // threads: 'auto' falls back quietly; a number that cannot be had is worth a word.
  if (threads < o.threads && typeof options.threads === 'number')
    warn(
      `threads: this environment cannot start threads (in a browser, shared memory needs a cross-origin isolated page: serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp); training on one thread`,
    );
  try {
    const trained = await trainOn(
      collected,
      numericLabels,
      options,
      { ...o, threads },
      team,
      warn,
      parts.checkpoints,
      parts.start,
    );
    return { ...trained, warnings, threads };
  } finally {
    await team?.close();
  }
}

async function trainOn(
  collected: Example[],
  numericLabels: boolean,
  options: TrainOptions,
  o: Resolved,
  team: Team | undefined,
  warn: (message: string) => void,
  makeCheckpointWriter: MakeCheckpointWriter,
  start: EncoderStart | undefined,
): Promise<Omit<TrainedModel, 'threads' | 'warnings'>> {
  const rng = new Random(o.seed);
  const { train: all, valid } = splitValidation(collected, options.validation, rng);

  const labels = options.labels ?? sortLabels(new Set(all.map((e) => e.label)));
  if (labels.length < 2)
    throw new RangeError(`need at least two classes, found only ${labels.map((l) => `"${l}"`).join(', ')}`);
  checkLabelCount(labels.length, all.length);
  // Negation marking ("not good" → not NOT_good) is on unless asked otherwise: on held-out parts
  // of the training files it helped on both SST-2 and ChnSentiCorp.
  // A sequence model sees "not" and what follows it in order, so it reads the words unmarked.
  const sequence = modelClass(o.arch).sequenceInput === true;
  // The end-of-text word is on unless asked otherwise for the models that read the bag: it gained
  // +0.59 ± 0.19 points over 20 SST-2 folds and 3 seeds (docs/accuracy.md). A sequence model
  // never sees it, so its files stay as they were.
  const featureOptions = {
    ...options,
    endOfText: options.endOfText ?? !sequence,
    tokenizer: { negation: !sequence, ...definedOnly(options.tokenizer ?? {}) },
  };
  // A pretrained encoder brings its featurizer: its vocabulary is the rows of its token table.
  const fitted = start?.featurizer;
  const tokenizer = createTokenizer((fitted?.options ?? resolveFeatureOptions(featureOptions)).tokenizer);
  const tokenLists = all.map((e) => tokenizer(e.text));
  const featurizer = fitted ?? Featurizer.fit(tokenLists, featureOptions);
  // A sequence model's table has a row per word only: no n-gram rows are added for it.
  const encode = (items: Example[], lists: string[][], grow: boolean, what: string) => {
    const set = encodeExamples(items, lists, featurizer, labels, grow && !sequence, what);
    return sequence ? orderedSequences(set, lists, featurizer, o.encoder.maxLen) : set;
  };
  const trainSet = encode(all, tokenLists, true, 'training');
  checkFeatures(trainSet, featurizer, tokenLists, warn);
  featurizer.freeze();
  const validSet = valid.length
    ? encode(
        valid,
        valid.map((e) => tokenizer(e.text)),
        false,
        'validation',
      )
    : undefined;
  checkModelSize(featurizer.rowCount, o);

  const classCounts: Record<string, number> = Object.fromEntries(labels.map((l) => [l, 0]));
  for (const c of trainSet.labels) classCounts[labels[c]]++;
  const classWeight = resolveClassWeights(options.classWeights, labels, classCounts);
  for (const warning of [...labelWarnings(classCounts), ...labelCountWarnings(classCounts)]) warn(warning);
  if (typeof options.validation === 'number') {
    const kept = keptRowsWarning({ given: collected.length, heldOut: valid.length });
    if (kept) warn(kept);
  }

  const Model = modelClass(o.arch);
  const shape = {
    rows: featurizer.rowCount,
    dim: o.dim,
    hidden: Model.linearHead ? [] : o.hidden,
    classes: labels.length,
  };
  const featuresPerExample = Math.max(1, Math.min(trainSet.maxLength, MAX_TRAINING_FEATURES));
  const layout = {
    maxBatch: o.batch,
    maxIds: o.batch * featuresPerExample,
    optimizer: o.optimizer,
    dropout: o.encoder.dropout,
    // Clipping is the attention model's setting; the bag models train unclipped.
    clipNorm: Model.sequenceInput ? o.encoder.clipNorm : 0,
  };
  const sets = { train: trainSet, valid: validSet };
  const identity =
    options.checkpoint || options.resume
      ? runIdentity(o, featurizer.options, labels, classWeight, all, valid, options.pretrainedVectors)
      : undefined;
  const resume = options.resume ? decodeCheckpoint(options.resume, 'the checkpoint', identity!) : undefined;
  const run: Run = {
    options,
    totalSteps: Math.ceil(trainSet.labels.length / o.batch) * o.epochs * o.members,
    step: resume?.position.step ?? 0,
    started: performance.now(),
    reports: resume?.reports ?? [],
    resume,
    checkpoint:
      options.checkpoint && identity
        ? makeCheckpointWriter(
            identity,
            new CheckpointClock(options.checkpoint.every ?? DEFAULT_CHECKPOINT_INTERVAL),
            options.checkpoint,
          )
        : undefined,
    stop: new StopCheck(options.signal),
    stopped: false,
    team,
    layout,
  };
  run.stop.throwIfAborted();
  // Threads share one memory: with a team, each model that trains is laid out in a shared one.
  const runtimeOptions = team ? { ...options.runtime, shared: true } : options.runtime;
  let model: TextModel;
  if (o.members === 1) {
    model = Model.create(await Runtime.create(runtimeOptions), shape, { ...layout, seed: o.seed });
    if (options.pretrainedVectors) {
      const rows = loadPretrained(model, featurizer, options.pretrainedVectors);
      if (o.vectorsLr !== 1) run.pretrainedRows = { ...rows, scale: o.vectorsLr };
    }
    start?.load(model);
    await fitModel(model, sets, o, rng, classWeight, run, 0);
  } else {
    // Independent members side by side: member m trains alone on columns [m·d, (m+1)·d) of one
    // table, and the merged model's logits are the mean of theirs (see BagModel.addMember).
    const merged = bagModel(
      Model.create(await Runtime.create(options.runtime), shape, {
        ...layout,
        optimizer: 'sgd',
        seed: o.seed,
        initialise: false,
      }),
    );
    if (resume?.merged) restore(merged, resume.merged);
    const dim = o.dim / o.members;
    let m = resume?.position.member ?? 0;
    if (team) {
      // Members side by side, one per thread, each trained whole as one thread trains it: the
      // same bytes as one thread (checkpoints, and so resuming, need threads 1).
      const memberShape = { ...shape, dim };
      const trained = await team.members(
        o.members,
        (k) => ({
          type: 'member',
          member: k,
          arch: o.arch,
          shape: memberShape,
          layout: { ...layout, seed: memberSeed(o.seed, k) },
          runtime: options.runtime ?? {},
          training: { ...memberTraining(o), seed: memberSeed(o.seed, k) },
          // Member 0 goes on with the seed's own generator, as a single model would.
          rng: k === 0 ? rng.state() : new Random(memberSeed(o.seed, k)).state(),
          sets,
          classWeight,
          totalSteps: Math.ceil(trainSet.labels.length / o.batch) * o.epochs,
          every: options.batchEvery ?? 100,
        }),
        (p) => {
          run.step += p.steps;
          const now = performance.now();
          // tokensPerSecond is the member's own pace, as when members train one after another.
          options.onBatch?.({
            epoch: p.epoch ?? 0,
            step: run.step,
            totalSteps: run.totalSteps,
            loss: p.loss,
            lr: p.lr,
            tokensPerSecond: p.tokensPerSecond ?? 0,
            seconds: (now - run.started) / 1000,
            member: p.member,
          });
        },
        (report) => options.onEpoch?.(report),
        options.signal,
      );
      m = 0;
      for (const [k, result] of trained.entries()) {
        if (!result) continue; // stopped before it started
        const member = bagModel(
          Model.create(await Runtime.create(options.runtime), memberShape, {
            ...layout,
            seed: memberSeed(o.seed, k),
            initialise: false,
            training: false,
          }),
        );
        restore(member, result.weights);
        merged.addMember(member, k, o.members);
        run.step += result.steps;
        run.reports.push(...result.reports);
        run.stopped ||= result.stopped;
        m++;
      }
      run.stopped ||= m < o.members;
    }
    for (; m < o.members && !run.stopped; m++) {
      const seed = memberSeed(o.seed, m);
      const member = bagModel(
        Model.create(await Runtime.create(runtimeOptions), { ...shape, dim }, { ...layout, seed }),
      );
      run.merged = () => views(merged);
      // Member 0 goes on with the seed's own generator, as a single model would.
      await fitModel(member, sets, { ...o, dim, seed }, m === 0 ? rng : new Random(seed), classWeight, run, m, m + 1);
      merged.addMember(member, m, o.members);
    }
    // Stopped early: the members not trained hold zeros; the mean is over those that were.
    if (m < o.members) scaleHead(merged, o.members / m);
    model = merged;
  }
  const trainSeconds = (performance.now() - run.started) / 1000;
  const config: ClassifierConfig = {
    arch: o.arch,
    dim: o.dim,
    hidden: shape.hidden,
    labels,
    features: featurizer.options,
    temperature: 1,
    ...(numericLabels ? { numericLabels } : {}),
  };
  if (validSet && (options.calibrate ?? true))
    config.temperature = fitTemperature(logitsOfSet(model, validSet), validSet.labels, labels.length);
  // The run ended: its checkpoint has nothing left to resume. A stopped run keeps it, to carry on from.
  if (run.checkpoint && !run.stopped && !options.keepCheckpoint) await options.checkpoint?.remove?.();
  const heldOut = typeof options.validation === 'number' ? { heldOut: valid } : {};
  return {
    model,
    config,
    featurizer,
    epochs: run.reports,
    classCounts,
    trainSeconds,
    stopped: run.stopped,
    ...heldOut,
  };
}

/** Multiplies the linear head's weights and biases by `factor` (the mean over fewer members than the model was laid out for). */
function scaleHead(model: TextModel, factor: number): void {
  for (const t of model.tensors()) {
    if (!/^head\.\d+\.(weight|bias)$/.test(t.name)) continue;
    const values = t.values();
    for (let i = 0; i < values.length; i++) values[i] *= factor;
  }
  model.weightsChanged();
}

/**
 * Refuses a featurizer that left no training text a feature (a minCount above every word's count,
 * with no n-grams or subwords to fall back on): such a model predicts the class priors for every
 * text. Warns when it kept no words but other features, or left many texts without any.
 */
function checkFeatures(set: Encoded, featurizer: Featurizer, tokenLists: string[][], warn: (m: string) => void): void {
  const n = set.labels.length;
  let featureless = 0;
  for (let i = 0; i < n; i++) if (set.offsets[i + 1] === set.offsets[i]) featureless++;
  const { minCount } = featurizer.options;
  const words = featurizer.vocabulary.size;
  if (featureless === n || words === 0) {
    const counts = new Map<string, number>();
    for (const list of tokenLists) for (const t of list) counts.set(t, (counts.get(t) ?? 0) + 1);
    const most = Math.max(0, ...counts.values());
    const kept = `minCount ${minCount} keeps none of the ${counts.size} distinct words (the most frequent is seen ${most === 1 ? 'once' : `${most} times`})`;
    const lower = `Lower minCount (--min-count) to at most ${Math.max(1, most)}`;
    if (featureless === n)
      throw new RangeError(`no training text has a feature left: ${kept}, and no n-grams. ${lower}`);
    warn(`the model has no word features: ${kept}; it learns from n-grams alone. ${lower}`);
  } else if (featureless * 4 > n) {
    warn(
      `${featureless} of the ${n} training texts have no feature left (minCount ${minCount}). Lower minCount (--min-count)`,
    );
  }
}

/** An encoded set with each example's rows replaced by its ordered token ids (at most maxLen: longer texts are truncated). */
function orderedSequences(set: Encoded, lists: string[][], featurizer: Featurizer, maxLen: number): Encoded {
  const ids: number[] = [];
  const offsets = new Int32Array(lists.length + 1);
  let maxLength = 0;
  lists.forEach((tokens, i) => {
    offsets[i] = ids.length;
    featurizer.orderedIds(tokens, maxLen, ids);
    maxLength = Math.max(maxLength, ids.length - offsets[i]);
  });
  offsets[lists.length] = ids.length;
  return { ...set, rows: Int32Array.from(ids), offsets, maxLength };
}

/** Puts each vector into the row of its word; returns the table rows it filled (as the optimiser counts them). */
function loadPretrained(
  model: TextModel,
  featurizer: Featurizer,
  vectors: Map<string, Float32Array>,
): { table: string; rows: Int32Array } {
  const D = model.shape.dim;
  const table = model.rowVectors();
  const vocab = featurizer.vocabulary;
  const [sparse] = model.parameterGroups().sparse;
  // The feature rows may start some rows into the table (the attention model's special tokens first).
  const first = (table.byteOffset - sparse.table) / (4 * D);
  const rows: number[] = [];
  for (const [word, vector] of vectors) {
    if (vector.length !== D)
      throw new RangeError(
        `pretrained vector of "${word}" has ${vector.length} dimensions, the model has ${D} (set dim to ${vector.length})`,
      );
    // A word after a negation is exported as "not:word" (export-vectors --include-negated).
    const id = vocab.id(
      word.startsWith(NEGATED_WORD_PREFIX)
        ? GRAMMAR.rules.negatedPrefix + word.slice(NEGATED_WORD_PREFIX.length)
        : word,
    );
    if (id >= 0) {
      table.set(vector, id * D);
      rows.push(first + id);
    }
  }
  model.weightsChanged();
  return { table: sparse.name, rows: Int32Array.from(rows) };
}
