// Training a text classifier: fit the featurizer, lay the model out, then epochs of seeded
// shuffled mini-batches (the step: forward → softmax cross-entropy → backward → update), with a
// learning-rate schedule, validation, early stopping, checkpoints and temperature calibration. A
// model whose architecture averages members trains as independent members side by side, averaged
// into one model. Same seed, data and options → the same bytes.
//
// This module is the epoch loop, and gives the model as its parts; train.ts reads files and wraps
// the parts in a TextClassifier. Apart so that the browser's training worker, which trains from
// an array and sends the model file back, imports neither the data readers nor the classifier.
// Each other job has a module of its own: options.ts (options, defaults, checks), batches.ts
// (encoding and batches), step.ts (one step), members.ts, early-stopping.ts, checkpoint.ts, and
// the models themselves in src/models.

import { modelClass } from '../models/registry.js';
import type { ModelLayout, TextModel } from '../models/text-model.js';
import type { BagModel } from '../models/bag-model.js';
import { Random } from '../nn/random.js';
import { Runtime } from '../runtime/runtime.js';
import { resolveFeatureOptions } from '../text/feature-options.js';
import { Featurizer } from '../text/features.js';
import { NEGATED_WORD_PREFIX } from '../text/negated-word.js';
import { createTokenizer } from '../text/tokenize.js';
import { BatchBuilder, encodeExamples, type Encoded } from './batches.js';
import { fitTemperature } from './calibration.js';
import {
  decodeCheckpoint,
  runIdentity,
  type CheckpointWriter,
  type MakeCheckpointWriter,
  type TrainingState,
} from './checkpoint.js';
import { CheckpointClock, DEFAULT_CHECKPOINT_INTERVAL } from './checkpoint-interval.js';
import type { ClassifierConfig } from './classifier-encode.js';
import type { Label, TextClassifier } from './classifier.js';
import { EarlyStopping, restore, weightsAreFinite } from './early-stopping.js';
import { TrainingDivergedError } from './errors.js';
import { keptRowsWarning, labelCountWarnings } from './data-warnings.js';
import { memberSeed } from './members.js';
import { naiveBayesStart } from './naive-bayes-start.js';
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
import { learningRate } from './schedule.js';
import { TrainingStep } from './step.js';
import { ensureThreadStarter } from './thread-starter.browser.js';
import { memberTraining, ThreadTeam } from './threads.js';
import { StopCheck } from './stop-signal.js';

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
 * @internal trainWithReport() for examples in memory or a stream (a path is refused), giving the
 * model as its parts: what the browser's training worker runs, which encodes the parts without
 * ever predicting. Its bundle so leaves out the data readers and the TextClassifier. Checkpoints
 * are written by what `makeCheckpointWriter` makes (checkpoint.ts, checkpoint-patches.ts): the
 * caller chooses, so that the worker, which is never given `append`, leaves the patches out too.
 */
export async function trainModel(
  examples: TrainingData<Label>,
  options: TrainOptions,
  makeCheckpointWriter: MakeCheckpointWriter,
): Promise<TrainedModel> {
  const { examples: collected, numericLabels } = await collectExamples(examples);
  if (collected.length === 0) throw new RangeError('no training examples');
  // Every warning of the run, in the order given to onWarning (and so to the CLI's --strict).
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    options.onWarning?.(message);
  };
  const o = resolveOptions(options, collected.length, warn);
  // Node's entry installs its starter; a browser's is installed here when first asked for (thread-starter.browser.ts).
  const threads = o.threads > 1 && !ensureThreadStarter() ? 1 : o.threads;
  // threads: 'auto' falls back quietly; a number that cannot be had is worth a word.
  if (threads < o.threads && typeof options.threads === 'number')
    warn(
      `threads: this environment cannot start threads (in a browser, shared memory needs a cross-origin isolated page: serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp); training on one thread`,
    );
  // Threads start now, so that they load while the texts are tokenised and the model laid out.
  const team = threads > 1 ? new ThreadTeam(threads) : undefined;
  try {
    const trained = await trainOn(
      collected,
      numericLabels,
      options,
      { ...o, threads },
      team,
      warn,
      makeCheckpointWriter,
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
  team: ThreadTeam | undefined,
  warn: (message: string) => void,
  makeCheckpointWriter: MakeCheckpointWriter,
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
  const featureOptions = { ...options, tokenizer: { negation: !sequence, ...definedOnly(options.tokenizer ?? {}) } };
  const tokenizer = createTokenizer(resolveFeatureOptions(featureOptions).tokenizer);
  const tokenLists = all.map((e) => tokenizer(e.text));
  const featurizer = Featurizer.fit(tokenLists, featureOptions);
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
    clipNorm: o.encoder.clipNorm,
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
    if (options.pretrainedVectors) loadPretrained(model, featurizer, options.pretrainedVectors);
    await fitModel(model, sets, o, rng, classWeight, run, 0);
  } else {
    // Independent members side by side: member m trains alone on columns [m·d, (m+1)·d) of one
    // table, and the merged model's logits are the mean of theirs (see BagModel.addMember).
    const merged = Model.create(await Runtime.create(options.runtime), shape, {
      ...layout,
      optimizer: 'sgd',
      seed: o.seed,
      initialise: false,
    }) as BagModel;
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
        const member = Model.create(await Runtime.create(options.runtime), memberShape, {
          ...layout,
          seed: memberSeed(o.seed, k),
          initialise: false,
          training: false,
        }) as BagModel;
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
      const member = Model.create(
        await Runtime.create(runtimeOptions),
        { ...shape, dim },
        { ...layout, seed },
      ) as BagModel;
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

/** @internal What the members of one run share: progress, reports, checkpointing and what to resume from. */
export interface Run {
  options: TrainOptions;
  totalSteps: number;
  /** Steps done so far, over all members. */
  step: number;
  started: number;
  /** Every epoch's report so far, over all members. */
  reports: EpochReport[];
  /** The checkpoint to carry on from; taken by the member it belongs to. */
  resume?: TrainingState;
  checkpoint?: CheckpointWriter;
  /** With several members: the merged model of the members done so far, for checkpoints. */
  merged?: () => Record<string, Float32Array>;
  /** options.signal, looked at after every step; `stopped` once it was aborted. */
  stop: StopCheck;
  stopped: boolean;
  /** Threads that train each model together (Hogwild), or none: this thread trains alone. */
  team?: ThreadTeam;
  /** How each model is laid out (the threads build their copies from it). */
  layout: Omit<ModelLayout, 'seed'>;
}

/**
 * Epochs of seeded shuffled mini-batches on one model (member `memberIndex` of the run), with
 * validation and early stopping (which restores the epoch with the best validation loss), and
 * checkpoints every so many steps. Resumed from a checkpoint, it carries on at the step after it
 * with everything as it was, so the result is the same as that of a run that never stopped.
 */
export async function fitModel(
  model: TextModel,
  sets: { train: Encoded; valid?: Encoded },
  o: Resolved,
  rng: Random,
  classWeight: Float32Array | undefined,
  run: Run,
  memberIndex: number,
  member?: number,
): Promise<void> {
  const { train: trainSet, valid: validSet } = sets;
  const { options } = run;
  const resume = run.resume?.position.member === memberIndex ? run.resume : undefined;
  run.resume = undefined;
  if (o.naiveBayesStart > 0 && !resume) naiveBayesStart(model as BagModel, trainSet, o.naiveBayesStart);
  const stepper = new TrainingStep(model, {
    lr: o.lr,
    weightDecay: o.weightDecay,
    classWeights: classWeight !== undefined,
  });
  const batches = new BatchBuilder(trainSet, o, classWeight);
  const n = trainSet.labels.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const stepsPerEpoch = Math.ceil(n / o.batch);
  const every = options.batchEvery ?? 100;
  const { team } = run;
  if (team) {
    const training = {
      batch: o.batch,
      featureDropout: o.featureDropout,
      seed: o.seed,
      lr: o.lr,
      schedule: o.schedule,
      warmup: o.warmup,
      weightDecay: o.weightDecay,
      epochs: o.epochs,
      stepsPerEpoch,
      every,
    };
    await team.attach(
      model,
      { ...run.layout, seed: o.seed },
      training,
      trainSet,
      classWeight,
      !modelClass(model.arch).hogwild,
    );
  }
  /** Words the threads have read (with a team; alone, the batch builder counts them). */
  let teamWords = 0;
  const wordsSeen = () => (team ? teamWords : batches.wordsSeen);
  const stopping = new EarlyStopping(o.patience, o.bestBy);
  let lossSum = 0;
  let correct = 0;
  let firstEpoch = 1;
  let firstBatch = 0;
  if (resume) {
    const p = resume.position;
    restore(model, resume.weights);
    model.loadOptimizer(resume.optimizer);
    order.set(resume.order);
    rng.setState(resume.shuffleRng);
    batches.dropRng.setState(resume.dropoutRng);
    batches.wordsSeen = p.wordsSeen;
    ({ lossSum, correct, epoch: firstEpoch, batch: firstBatch } = p);
    stopping.sinceBest = p.sinceBest;
    if (p.bestLoss !== null) stopping.best = { loss: p.bestLoss, weights: resume.best! };
  }
  run.checkpoint?.startModel(model);
  const started = performance.now();
  const memberField = member === undefined ? {} : { member };
  const memberReports = () => run.reports.filter((r) => (r.member ?? 1) === (member ?? 1));
  const state = (epoch: number, nextBatch: number): TrainingState => ({
    position: {
      member: memberIndex,
      epoch,
      batch: nextBatch,
      step: run.step,
      lossSum,
      correct,
      wordsSeen: batches.wordsSeen,
      sinceBest: stopping.sinceBest,
      bestLoss: stopping.best?.loss ?? null,
    },
    reports: run.reports,
    order,
    shuffleRng: rng.state(),
    dropoutRng: batches.dropRng.state(),
    weights: views(model),
    optimizer: model.saveOptimizer(),
    best: stopping.best?.weights,
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
    if (team) {
      // The threads' steps are counted as they report them; onBatch hears of them in the same way.
      const onProgress = (steps: number, loss: number, lr: number) => {
        run.step += steps;
        if (options.onBatch) {
          const now = performance.now();
          options.onBatch({
            epoch,
            step: run.step,
            totalSteps: run.totalSteps,
            loss,
            lr,
            tokensPerSecond: wordsSeen() / ((now - started) / 1000),
            seconds: (now - run.started) / 1000,
            ...memberField,
          });
        }
      };
      const done = await team.epoch(epoch, order, o.batch, onProgress, options.signal);
      run.step += done.steps;
      teamWords += done.words;
      if (done.diverged) throw new TrainingDivergedError(run.step, epoch, o.lr, member, defaultLr(o));
      lossSum = done.lossSum;
      correct = done.correct;
      // The threads changed the weights behind the model's back: caches derived from them are stale.
      model.weightsChanged();
      run.stopped = done.stopped;
    }
    for (
      let s = epoch === firstEpoch ? firstBatch : 0, start = s * o.batch;
      !team && start < n;
      start += o.batch, s++
    ) {
      const batch = batches.fill(order, start, Math.min(o.batch, n - start));
      // The schedule runs over this model's own steps.
      const lr = learningRate(o.lr, (epoch - 1) * stepsPerEpoch + s, stepsPerEpoch * o.epochs, {
        schedule: o.schedule,
        warmup: o.warmup,
      });
      const result = stepper.run(batches, batch, lr);
      if (run.checkpoint?.tracksRows) {
        const { rowIds, rowCount } = model.gradientBlocks();
        run.checkpoint.touch(model.runtime.i32(rowIds, rowCount));
      }
      const step = ++run.step;
      if (!Number.isFinite(result.loss)) throw new TrainingDivergedError(step, epoch, o.lr, member, defaultLr(o));
      lossSum += result.loss * batch;
      correct += result.correct;
      if (options.onBatch && (step % every === 0 || step === run.totalSteps)) {
        const now = performance.now();
        const tokensPerSecond = wordsSeen() / ((now - started) / 1000); // this model's own pace
        options.onBatch({
          epoch,
          step,
          totalSteps: run.totalSteps,
          loss: result.loss,
          lr,
          tokensPerSecond,
          seconds: (now - run.started) / 1000,
          ...memberField,
        });
      }
      const stopped = await run.stop.stopped();
      // A stopped run saves where it stopped too, so that resuming loses none of its steps.
      if (run.checkpoint && (stopped || run.checkpoint.clock.due(step))) {
        await run.checkpoint.write(state(epoch, s + 1));
        run.checkpoint.clock.saved();
      }
      if (stopped) {
        run.stopped = true;
        break;
      }
    }
    // A stopped epoch is not reported: it saw only part of the data.
    if (run.stopped) break;
    const report: EpochReport = {
      ...memberField,
      epoch,
      trainLoss: lossSum / n,
      trainAccuracy: correct / n,
      seconds: (performance.now() - epochStart) / 1000,
      tokensPerSecond: wordsSeen() / ((performance.now() - started) / 1000),
    };
    if (validSet) {
      const { loss, accuracy } = validationScore(model, validSet);
      report.validLoss = loss;
      report.validAccuracy = accuracy;
      stopping.observe(loss, model, accuracy);
    }
    run.reports.push(report);
    options.onEpoch?.(report);
    if (validSet && stopping.shouldStop) break;
    // Aborted as the epoch's last step ended: no next epoch.
    if (options.signal?.aborted) {
      run.stopped = true;
      break;
    }
  }
  const done = memberReports();
  // Stopped by the signal: the best validated weights so far, rather than a part-trained epoch's.
  if (run.stopped && stopping.best) restore(model, stopping.best.weights);
  else stopping.restoreBest(model, done.at(-1)?.validLoss, done.at(-1)?.validAccuracy);
  // A step whose update overflowed leaves a finite loss behind it but weights that are not.
  if (!weightsAreFinite(model))
    throw new TrainingDivergedError(run.step, done.at(-1)?.epoch ?? o.epochs, o.lr, member, defaultLr(o));
  // Steps an early stop skipped still count as done, so progress ends at totalSteps.
  run.step += stepsPerEpoch * (o.epochs - done.length);
}

/** The learning rate the model trains well at by default with this optimizer (what a diverged run suggests at most). */
function defaultLr(o: Resolved): number | undefined {
  // A member trained on a thread gets the settings of its steps only, not the architecture.
  return o.arch === undefined ? undefined : modelClass(o.arch).defaults.lr[o.optimizer];
}

/** Views of every tensor of the model, by name (no copies): for a checkpoint encoded before the next step. */
function views(model: TextModel): Record<string, Float32Array> {
  return Object.fromEntries(model.tensors().map((t) => [t.name, t.values()]));
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

/** An example as training uses it: its label as a string ("1" for 1). */
export interface Example {
  text: string;
  label: string;
}

/** The examples, checked one by one, with their labels as strings; and whether every label was given as a number. */
async function collectExamples(source: TrainingData<Label>): Promise<{ examples: Example[]; numericLabels: boolean }> {
  if (source === null || typeof source !== 'object' || !(Symbol.iterator in source || Symbol.asyncIterator in source)) {
    throw new TypeError(
      `train() wants labelled examples ({ text, label } objects, in an array or a stream) or the path of a data file, got ${describe(source)}`,
    );
  }
  const all: Example[] = [];
  let numericLabels = true;
  for await (const e of source as AsyncIterable<unknown>) {
    all.push(checkExample(e, all.length, 'training'));
    numericLabels &&= typeof (e as LabelledText).label === 'number';
  }
  return { examples: all, numericLabels: numericLabels && all.length > 0 };
}

/** An example given through the API, checked: a string text and a string or number label. */
export function checkExample(e: unknown, i: number, what: string): Example {
  if (e === null || typeof e !== 'object')
    throw new TypeError(`${what} example ${i + 1} is ${describe(e)}, not an object { text, label }`);
  const { text, label } = e as Record<string, unknown>;
  if (typeof text !== 'string')
    throw new TypeError(`${what} example ${i + 1}: text must be a string, got ${describe(text)}`);
  if (typeof label === 'number' && Number.isFinite(label)) return { text, label: String(label) };
  if (typeof label === 'string' && label !== '') return { text, label };
  throw new TypeError(
    `${what} example ${i + 1} has no label: label must be a string or a number, got ${describe(label)}`,
  );
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
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

/** Held-out examples given, or a seeded random fraction of the training examples. */
function splitValidation(
  all: Example[],
  validation: TrainOptions['validation'],
  rng: Random,
): { train: Example[]; valid: Example[] } {
  if (typeof validation !== 'number')
    return { train: all, valid: validation ? validation.map((e, i) => checkExample(e, i, 'validation')) : [] };
  if (!(validation > 0 && validation < 1))
    throw new RangeError(`validation fraction must be between 0 and 1, got ${validation}`);
  const order = rng.shuffle(Int32Array.from(all, (_, i) => i));
  const held = new Set(order.subarray(0, Math.round(all.length * validation)));
  return { train: all.filter((_, i) => !held.has(i)), valid: all.filter((_, i) => held.has(i)) };
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

/** Logits [n × classes] of an encoded set. */
function logitsOfSet(model: TextModel, set: Encoded): Float32Array {
  return model.logits(set.labels.length, (i, out) => {
    for (let f = set.offsets[i]; f < set.offsets[i + 1]; f++) out.push(set.rows[f]);
  });
}

function validationScore(model: TextModel, set: Encoded): { loss: number; accuracy: number } {
  const C = model.shape.classes;
  const logits = logitsOfSet(model, set);
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

function loadPretrained(model: TextModel, featurizer: Featurizer, vectors: Map<string, Float32Array>): void {
  const D = model.shape.dim;
  const table = model.rowVectors();
  const vocab = featurizer.vocabulary;
  for (const [word, vector] of vectors) {
    if (vector.length !== D)
      throw new RangeError(
        `pretrained vector of "${word}" has ${vector.length} dimensions, the model has ${D} (set dim to ${vector.length})`,
      );
    // A word after a negation is exported as "not:word" (export-vectors --include-negated).
    const id = vocab.id(word.startsWith(NEGATED_WORD_PREFIX) ? `NOT_${word.slice(NEGATED_WORD_PREFIX.length)}` : word);
    if (id >= 0) table.set(vector, id * D);
  }
  model.weightsChanged();
}
