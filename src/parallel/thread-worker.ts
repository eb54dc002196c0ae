// A training thread's side (see threads.ts): it builds its copy of the host's model in its own
// region of the shared memory, then trains on the share of each epoch the host sends, updating
// the shared weights in place. Platform code (worker_threads, Web Workers) only delivers the
// messages: thread-worker.node.ts for Node.

import { modelClass } from '../models/registry.js';
import { Runtime } from '../runtime/runtime.js';
import { BatchBuilder } from '../fit/batches.js';
import { learningRate } from '../fit/schedule.js';
import { TrainingStep } from '../fit/step.js';
import { Random } from '../nn/random.js';
import { TextClassifier } from '../classifier/classifier.js';
import { snapshot } from '../fit/early-stopping.js';
import { TrainingDivergedError } from '../fit/errors.js';
import type { EpochReport, Resolved } from '../fit/options.js';
import { StopCheck } from '../fit/stop-signal.js';
import { fitModel, type Run } from '../fit/epochs.js';
import type { ThreadTraining } from '../fit/team.js';
import { globalStep, type HostMessage, type ThreadMessage } from './threads.js';
import { DataParallelThread } from './data-parallel.js';
import { controlWords, PartnerFailed, stopRequested } from './thread-control.js';

interface Trainer {
  thread: number;
  threads: number;
  step: TrainingStep;
  batches: BatchBuilder;
  training: ThreadTraining;
  /** The team's control block (thread-control.ts). */
  words: Int32Array;
  /** Set when the team trains data-parallel (see data-parallel.ts); else each thread updates the weights itself (Hogwild). */
  dataParallel?: DataParallelThread;
}

/** Answers the host's messages one at a time; `post` sends an answer back. */
export function threadWorker(post: (message: ThreadMessage) => void): (message: HostMessage) => Promise<void> {
  let trainer: Trainer | undefined;
  let classifier: TextClassifier | undefined;
  /** Aborted by the host's 'stop': the member in training stops after its current step. */
  let memberStop: AbortController | undefined;
  return async (message) => {
    try {
      if (message.type === 'init') {
        const rt = await Runtime.forThread(message.memory, message.module, message.layout, message.fma);
        const { arch, shape, layout } = message.model;
        const model = modelClass(arch).create(rt, shape, layout);
        const { training } = message;
        const step = new TrainingStep(model, {
          optimizer: layout.optimizer,
          lr: training.lr,
          weightDecay: training.weightDecay,
          clipNorm: layout.clipNorm,
          classWeights: message.classWeight !== undefined,
          pretrainedRows: training.pretrainedRows,
        });
        rt.seal(`thread ${message.thread + 1}`);
        const batches = new BatchBuilder(message.set, training, message.classWeight);
        const words = rt.i32(message.control, controlWords(message.threads));
        const dataParallel = message.dataParallel
          ? new DataParallelThread(
              message.thread,
              message.threads,
              model,
              step,
              batches,
              message.set,
              training,
              words,
              message.classWeight,
            )
          : undefined;
        trainer = { thread: message.thread, threads: message.threads, step, batches, training, words, dataParallel };
        post({ type: 'ready' });
      } else if (message.type === 'epoch') {
        if (!trainer) throw new Error('sentiwasm: a thread was asked to train before it was given a model');
        post(
          trainer.dataParallel
            ? trainer.dataParallel.epoch(message.epoch, message.order, post)
            : runEpoch(trainer, message.epoch, message.order, post),
        );
      } else if (message.type === 'member') {
        memberStop = new AbortController();
        post(await trainMember(message, post, memberStop.signal));
      } else if (message.type === 'stop') {
        // Handled while the member trains: its loop gives the event loop a turn every so often to hear this.
        memberStop?.abort();
      } else if (message.type === 'load') {
        classifier = await TextClassifier.fromBytes(message.bytes, 'model', message.runtime);
        // The first prediction lays out what every later one reuses (the bag model's per-row class scores): done now, not in the first batch.
        classifier.textProbabilities(['a']);
        post({ type: 'ready' });
      } else if (message.type === 'probabilities') {
        if (!classifier) throw new Error('sentiwasm: a thread was asked to predict before it was given a model');
        post({ type: 'probabilities', values: classifier.textProbabilities(message.texts) });
      }
    } catch (e) {
      // The thread that failed reports why; its partners, stopped by its failure, say nothing.
      if (e instanceof PartnerFailed) return;
      const error = e instanceof Error ? e : new Error(String(e));
      const diverged =
        error instanceof TrainingDivergedError
          ? { step: error.step, epoch: error.epoch, lr: error.lr, member: error.member }
          : undefined;
      post({ type: 'error', message: error.message, stack: error.stack, diverged });
    }
  };
}

/** The thread's share of one epoch, batch after batch, as the single-thread loop in train-model.ts runs it. */
function runEpoch(
  trainer: Trainer,
  epoch: number,
  order: Int32Array,
  post: (message: ThreadMessage) => void,
): ThreadMessage {
  const { thread, threads, step, batches, training: o } = trainer;
  const n = order.length;
  const total = o.stepsPerEpoch * o.epochs;
  const wordsBefore = batches.wordsSeen;
  let lossSum = 0;
  let correct = 0;
  let steps = 0;
  let reported = 0;
  for (let s = 0, start = 0; start < n; start += o.batch, s++) {
    const batch = batches.fill(order, start, Math.min(o.batch, n - start));
    const lr = learningRate(o.lr, globalStep(epoch, s, thread, threads, o.stepsPerEpoch), total, {
      schedule: o.schedule,
      warmup: o.warmup,
    });
    const result = step.run(batches, batch, lr);
    steps++;
    if (!Number.isFinite(result.loss))
      return {
        type: 'epoch',
        steps,
        lossSum,
        correct,
        words: batches.wordsSeen - wordsBefore,
        diverged: true,
        stopped: false,
      };
    lossSum += result.loss * batch;
    correct += result.correct;
    if (steps - reported >= o.every) {
      post({ type: 'progress', steps: steps - reported, loss: result.loss, lr });
      reported = steps;
    }
    if (stopRequested(trainer.words))
      return {
        type: 'epoch',
        steps: steps - reported,
        lossSum,
        correct,
        words: batches.wordsSeen - wordsBefore,
        diverged: false,
        stopped: true,
      };
  }
  return {
    type: 'epoch',
    steps: steps - reported,
    lossSum,
    correct,
    words: batches.wordsSeen - wordsBefore,
    diverged: false,
    stopped: false,
  };
}

/**
 * One member of a bag model, trained whole in this thread's own memory by the very loop that
 * trains it on one thread (train-model.ts): the same weights, to the bit. Progress and epoch reports
 * go to the host as they come.
 */
async function trainMember(
  message: Extract<HostMessage, { type: 'member' }>,
  post: (message: ThreadMessage) => void,
  signal: AbortSignal,
): Promise<ThreadMessage> {
  const model = modelClass(message.arch).create(await Runtime.create(message.runtime), message.shape, message.layout);
  const rng = new Random(0);
  rng.setState(message.rng);
  let reported = 0;
  const reports: EpochReport[] = [];
  const run: Run = {
    options: {
      batchEvery: message.every,
      onBatch: (b) => {
        post({
          type: 'progress',
          steps: b.step - reported,
          loss: b.loss,
          lr: b.lr,
          epoch: b.epoch,
          member: b.member,
          tokensPerSecond: b.tokensPerSecond,
        });
        reported = b.step;
      },
      onEpoch: (report) => post({ type: 'report', report }),
    },
    totalSteps: message.totalSteps,
    step: 0,
    started: performance.now(),
    reports,
    stop: new StopCheck(signal),
    stopped: false,
    layout: message.layout,
  };
  // Only the settings the loop reads cross to a thread; they are all it reads of the resolved options.
  const o = message.training as Resolved;
  await fitModel(model, message.sets, o, rng, message.classWeight, run, message.member, message.member + 1);
  return { type: 'member', weights: snapshot(model), reports, steps: run.step - reported, stopped: run.stopped };
}
