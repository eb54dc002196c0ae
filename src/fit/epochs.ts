// The epoch loop of one model: seeded shuffled mini-batches (the step: forward → softmax
// cross-entropy → backward → update) under the learning-rate schedule, with validation, early
// stopping and checkpoints; each epoch on this thread alone, or handed to a team of threads
// (team.ts). Resumed from a checkpoint, it carries on as if it had never stopped.

import { modelClass } from '../models/registry.js';
import type { ModelLayout, TextModel } from '../models/text-model.js';
import { bagModel } from './members.js';
import type { Random } from '../nn/random.js';
import { BatchBuilder, type Encoded } from './batches.js';
import type { CheckpointWriter, TrainingState } from './checkpoint.js';
import { EarlyStopping, restore, weightsAreFinite } from './early-stopping.js';
import { TrainingDivergedError } from './errors.js';
import type { PretrainedRows } from './optimizer.js';
import { naiveBayesStart } from './naive-bayes-start.js';
import type { EpochReport, Resolved, TrainOptions } from './options.js';
import { learningRate } from './schedule.js';
import { TrainingStep } from './step.js';
import type { StopCheck } from './stop-signal.js';
import type { Team } from './team.js';

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
  team?: Team;
  /** How each model is laid out (the threads build their copies from it). */
  layout: Omit<ModelLayout, 'seed'>;
  /** The table rows pretrained vectors filled, when they step at another rate (vectorsLr). */
  pretrainedRows?: PretrainedRows;
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
  if (o.naiveBayesStart > 0 && !resume) naiveBayesStart(bagModel(model), trainSet, o.naiveBayesStart);
  const stepper = new TrainingStep(model, {
    optimizer: run.layout.optimizer,
    lr: o.lr,
    weightDecay: o.weightDecay,
    clipNorm: run.layout.clipNorm,
    classWeights: classWeight !== undefined,
    pretrainedRows: run.pretrainedRows,
  });
  const tables = model.parameterGroups().sparse;
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
      pretrainedRows: run.pretrainedRows,
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
    stepper.optimizer.load(resume.optimizer);
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
    optimizer: stepper.optimizer.save(),
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
      if (run.checkpoint?.tracksRows) for (const table of tables) run.checkpoint.touch(table.touchedRows());
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
export function views(model: TextModel): Record<string, Float32Array> {
  return Object.fromEntries(model.tensors().map((t) => [t.name, t.values()]));
}

/** Logits [n × classes] of an encoded set. */
export function logitsOfSet(model: TextModel, set: Encoded): Float32Array {
  return model.logits(set.labels.length, (i, out) => {
    for (let f = set.offsets[i]; f < set.offsets[i + 1]; f++) out.push(set.rows[f]);
  });
}

/** Mean cross-entropy and accuracy of the model on an encoded set. */
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
