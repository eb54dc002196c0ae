// `sentiwasm train FILE --out MODEL`: read, train with a progress bar, evaluate on --dev, save atomically.

import { appendFileSync } from 'node:fs';
import { mkdir, readdir, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { checkCanSave, readModelFileBytes, saveModelFileAtomic } from '../io/save.node.js';
import { TextClassifier, type Architecture } from '../classifier/classifier.js';
import { formatReport } from '../eval/metrics.js';
import type { ScheduleName } from '../fit/schedule.js';
import { autotuneWithReport, toFlags } from '../tune/autotune.js';
import { keptRowsWarning } from '../fit/data-warnings.js';
import {
  trainWithReport,
  type BatchInfo,
  type EpochReport,
  type LabelledText,
  type TrainOptions,
  type TrainResult,
} from '../train/train.js';
import { DEFAULT_CHECKPOINT_INTERVAL } from '../fit/checkpoint-interval.js';
import type { SparseOptimizer } from '../nn/embedding-bag.js';
import { enableRelaxedSimd } from '../runtime/relaxed-simd.node.js';
import { describeSkipped, readLabelled, type DataFlags } from './data.js';
import { CliError } from './errors.js';
import { readVectorsFlag, type VectorsFlags } from './vectors.js';
import { codeOf } from '../format/schema.js';
import { readEncoder } from './read-encoder.js';

/** The attention model's options: the CLI's flags carry the API's names and types. */
type AttentionOption =
  'layers' | 'heads' | 'ff' | 'maxLen' | 'dropout' | 'normFirst' | 'pooling' | 'clipNorm' | 'attentionBigrams';

export interface TrainFlags extends DataFlags, VectorsFlags, Pick<TrainOptions, AttentionOption> {
  out: string;
  dev?: string;
  validationSplit?: number;
  arch?: Architecture;
  epochs?: number;
  dim?: number;
  members?: number;
  fma?: boolean;
  hidden?: number;
  ngrams?: number;
  buckets?: number;
  minCount?: number;
  lr?: number;
  batch?: number;
  optimizer?: SparseOptimizer;
  schedule?: ScheduleName;
  warmup?: number;
  seed?: number;
  patience?: number;
  featureDropout?: number;
  nbStart?: number;
  classWeights?: 'auto';
  vectorsLr?: number;
  /** A pretrained encoder file to start from. */
  init?: string;
  chars?: boolean;
  subwords?: string;
  lowercase?: boolean;
  negation?: boolean;
  uniqueFeatures?: boolean;
  endOfText?: boolean;
  checkpoint?: string;
  /** --checkpoint-every: steps ("1000") or a time ("60s"). */
  checkpointEvery?: string;
  keepCheckpoint?: boolean;
  resume?: string;
  threads?: number | 'auto';
  /** --quantize [bits]: true when given without a value (8 bits). */
  quantize?: boolean | 8 | 4;
  json?: boolean;
  progress?: boolean;
  autotune?: boolean;
  /** --budget: how long --autotune searches ("60s", "5m"). */
  budget?: string;
  metric?: 'accuracy' | 'macroF1';
  /** --strict: a warning stops the run as an error. */
  strict?: boolean;
}

/** The file a checkpoint folder holds. */
const CHECKPOINT_FILE = 'checkpoint.bin';

export async function trainCommand(
  file: string,
  flags: TrainFlags,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<void> {
  const started = performance.now();
  // Where the results go is checked before the work, not after an hour of it.
  await checkCanSave(flags.out);
  const checkpointDir = flags.checkpoint ?? flags.resume;
  const madeCheckpointDir = checkpointDir ? await prepareCheckpointDir(checkpointDir) : false;
  const resume = flags.resume
    ? await readModelFileBytes(join(flags.resume, CHECKPOINT_FILE), 'the checkpoint')
    : undefined;
  const { examples, report } = await readLabelled(file, flags);
  const skipped = describeSkipped(file, report);
  if (skipped) err(skipped);
  // Each warning once on standard error and in --json's "warnings"; with --strict, the end of the run.
  const warnings: string[] = [];
  const warn = (message: string) => {
    if (flags.strict) throw new CliError(`${message} (a warning; --strict makes it an error)`);
    warnings.push(message);
    err(`warning: ${message}`);
  };
  // Rows lost to skipping and to a held-out fraction, together; the library sees only the latter.
  const lost = report.skipped
    ? keptRowsWarning({
        given: examples.length + report.skipped,
        skipped: report.skipped,
        heldOut: Math.round(examples.length * (flags.validationSplit ?? 0)),
      })
    : undefined;
  if (lost) warn(lost);
  const labelsSeen = [...new Set(examples.map((e) => e.label))];
  let dev: { text: string; label: string }[] | undefined;
  if (flags.dev) {
    const read = await readLabelled(flags.dev, flags, labelsSeen);
    dev = read.examples;
    const devSkipped = describeSkipped(flags.dev, read.report);
    if (devSkipped) err(devSkipped);
  }
  const pretrainedVectors = await readVectorsFlag(flags, err);
  const init = flags.init ? await readEncoder(flags.init) : undefined;
  const bar =
    flags.progress !== false && !flags.json && process.stderr.isTTY
      ? new cliProgress.SingleBar(
          {
            format:
              'training {bar} {percentage}% | {epoch} | loss {loss} | acc {acc} | {tps} tok/s | {eta_formatted} left',
            stream: process.stderr,
            hideCursor: true,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  let lastAccuracy = '—';
  /** The last progress heard of: where a run stopped by Ctrl-C was. */
  let lastBatch: BatchInfo | undefined;
  // Node 20 keeps relaxed SIMD behind a flag: asked for the fma build, the CLI turns it on.
  if (flags.fma) enableRelaxedSimd();
  const base = trainOptionsFromFlags(flags, pretrainedVectors);
  const tuned = flags.autotune ? await autotuneFromFlags(examples, base, dev, flags, err, warn) : undefined;
  const options: TrainOptions = {
    ...base,
    ...tuned,
    validation: dev ?? flags.validationSplit,
    threads: flags.threads,
    init,
    resume,
    checkpoint: checkpointDir
      ? {
          every: flags.checkpointEvery ?? DEFAULT_CHECKPOINT_INTERVAL,
          save: (bytes) => saveModelFileAtomic(join(checkpointDir, CHECKPOINT_FILE), bytes, { what: 'the checkpoint' }),
          // Patches go after the whole checkpoint in the same file, unflushed: a kill leaves at worst a
          // cut-off last patch, which resuming leaves out (the whole checkpoint was flushed and renamed).
          append: (bytes) => appendFileSync(join(checkpointDir, CHECKPOINT_FILE), bytes),
        }
      : undefined,
    onWarning: (message) => {
      if (!(lost && message.startsWith('training uses '))) warn(message);
    },
    batchEvery: 50,
    onBatch: (info) => {
      lastBatch = info;
      if (!bar) return;
      const payload = {
        epoch: `${info.member ? `member ${info.member}, ` : ''}epoch ${info.epoch}`,
        loss: info.loss.toFixed(4),
        acc: lastAccuracy,
        tps: formatCount(info.tokensPerSecond),
      };
      if (info.step <= 50) bar.start(info.totalSteps, info.step, payload);
      else bar.update(info.step, payload);
    },
    onEpoch: (r) => {
      lastAccuracy = r.trainAccuracy.toFixed(3);
      if (bar || flags.json) return;
      const valid =
        r.validAccuracy !== undefined
          ? `, valid loss ${r.validLoss!.toFixed(4)}, valid acc ${r.validAccuracy.toFixed(4)}`
          : '';
      err(
        `${r.member ? `member ${r.member}, ` : ''}epoch ${r.epoch}: train loss ${r.trainLoss.toFixed(4)}, train acc ${r.trainAccuracy.toFixed(4)}${valid}, ${r.seconds.toFixed(2)} s, ${formatCount(r.tokensPerSecond)} tokens/s`,
      );
    },
  };
  // Ctrl-C stops training at the next step and saves the best model so far; a second one quits at once.
  const ctrlC = new CtrlC(err);
  let result: TrainResult;
  let bytes: Uint8Array;
  const quantize = flags.quantize === true ? 8 : flags.quantize || undefined;
  try {
    try {
      result = await trainWithReport(examples, { ...options, signal: ctrlC.signal });
    } catch (error) {
      if (ctrlC.signal.aborted && error instanceof Error && error.name === 'AbortError')
        throw new CliError('stopped by Ctrl-C before training began; nothing was saved', 130);
      throw error;
    } finally {
      bar?.stop();
    }
    bytes = result.model.toBytes({ quantize });
    await saveModelFileAtomic(flags.out, bytes);
  } finally {
    ctrlC.dispose();
  }
  if (result.stopped) err(describeStop(result.epochs, lastBatch, flags.out, checkpointDir, result.threads > 1));
  // The model is safe on disk: the checkpoint has nothing left to resume (a stopped run keeps it, to carry on from).
  else if (checkpointDir && !flags.keepCheckpoint) await removeCheckpoint(checkpointDir, madeCheckpointDir);
  const { model, epochs, trainSeconds } = result;
  const trainedOn = Object.values(result.classCounts).reduce((a, b) => a + b, 0);
  // The figures on --dev are the saved model's: quantized, its rows differ from the trained ones.
  const saved = quantize && (dev || result.heldOut) ? await TextClassifier.fromBytes(bytes, flags.out) : undefined;
  // Held out by --validation-split, the examples are as new to the model as a --dev file's.
  const evaluatedOn = dev ?? result.heldOut;
  const evaluation = evaluatedOn?.length ? (saved ?? model).evaluate(evaluatedOn) : undefined;
  saved?.dispose();
  const summary = {
    model: flags.out,
    modelBytes: bytes.length,
    // The examples trained on: those read, less any --validation-split held out.
    examples: trainedOn,
    ...(result.heldOut ? { heldOut: result.heldOut.length } : {}),
    skipped: report.skipped,
    labels: model.labels,
    // Epochs each member ran (the members train one after another over the same epochs).
    epochs: Math.max(...epochs.map((e) => e.epoch)),
    members: model.config.arch === 'bag' ? Math.max(1, ...epochs.map((e) => e.member ?? 1)) : 1,
    trainSeconds,
    threads: result.threads,
    ...(quantize ? { quantized: quantize } : {}),
    totalSeconds: (performance.now() - started) / 1000,
    tokensPerSecond: epochs.at(-1)?.tokensPerSecond,
    temperature: model.config.temperature,
    fma: model.runtime.fma,
    dev: evaluation ? { accuracy: evaluation.accuracy, macroF1: evaluation.macroF1, n: evaluation.n } : undefined,
    ...(tuned ? { autotuned: toFlags(tuned) } : {}),
    warnings,
  };
  model.dispose();
  if (flags.json) {
    out(JSON.stringify(summary));
    return;
  }
  out(
    `trained on ${trainedOn} examples${result.heldOut ? ` (${result.heldOut.length} more held out for validation)` : ''} (${listLabels(model.labels)}) in ${trainSeconds.toFixed(2)} s of training, ${summary.totalSeconds.toFixed(2)} s in all`,
  );
  if (evaluation) {
    if (!dev) out(`on the ${evaluatedOn!.length} examples held out:`);
    out(formatReport(evaluation));
  }
  if (tuned) out(`autotuned settings: ${toFlags(tuned)}`);
  out(
    `saved ${flags.out} (${formatBytes(bytes.length)}${quantize ? `, the embedding table in ${quantize}-bit rows` : ''})`,
  );
}

/**
 * The model and feature options the flags ask for (what `train` and `cv` share), without
 * validation data, callbacks or checkpoints.
 */
export function trainOptionsFromFlags(
  flags: Omit<TrainFlags, 'out'>,
  pretrainedVectors?: Map<string, Float32Array>,
): TrainOptions {
  return {
    arch: flags.arch,
    dim: flags.dim,
    members: flags.members,
    hidden: flags.hidden ? [flags.hidden] : undefined,
    layers: flags.layers,
    heads: flags.heads,
    ff: flags.ff,
    maxLen: flags.maxLen,
    dropout: flags.dropout,
    normFirst: flags.normFirst,
    pooling: flags.pooling,
    clipNorm: flags.clipNorm,
    attentionBigrams: flags.attentionBigrams,
    epochs: flags.epochs,
    lr: flags.lr,
    batch: flags.batch,
    optimizer: flags.optimizer,
    schedule: flags.schedule,
    warmup: flags.warmup,
    seed: flags.seed,
    patience: flags.patience,
    featureDropout: flags.featureDropout,
    naiveBayesStart: flags.nbStart,
    wordNgrams: flags.ngrams,
    buckets: flags.buckets,
    minCount: flags.minCount,
    classWeights: flags.classWeights,
    pretrainedVectors,
    vectorsLr: flags.vectorsLr,
    runtime: flags.fma ? { fma: true } : undefined,
    subwords: flags.subwords ? parseSubwords(flags.subwords) : undefined,
    uniqueFeatures: flags.uniqueFeatures,
    // Given neither way, the model's own default (on for the bag, off for a sequence model).
    endOfText: flags.endOfText,
    tokenizer: {
      cjk: flags.chars ? 'char' : undefined,
      lowercase: flags.lowercase,
      // `--no-negation` alone reads true when not given: only its false is the user's.
      negation: flags.negation === false ? false : undefined,
    },
    threads: flags.threads,
  };
}

/** --autotune: searches the options by cross-validation (or on --dev) within --budget, progress on stderr; prints the choice as flags. */
async function autotuneFromFlags(
  examples: LabelledText[],
  base: TrainOptions,
  dev: LabelledText[] | undefined,
  flags: TrainFlags,
  err: (line: string) => void,
  warn: (message: string) => void,
): Promise<TrainOptions> {
  const budgetSeconds = parseBudget(flags.budget ?? '60s');
  const metric = flags.metric ?? 'accuracy';
  err(
    `autotune: searching for ${budgetSeconds} s by ${dev ? 'score on --dev' : '3-fold cross-validation'} (${metric})`,
  );
  const result = await autotuneWithReport(examples, {
    ...base,
    budgetSeconds,
    metric,
    dev,
    onTrial: (t) =>
      err(
        `autotune: trial ${t.index + 1} ${t.complete ? '' : '(stopped early) '}${metric} ${t.score.toFixed(4)} on ${t.folds} fold(s), best ${t.best.toFixed(4)}, ${t.elapsed.toFixed(0)} s: ${toFlags(t.options)}`,
      ),
  });
  err(`autotune: ${result.trials.length} trials; chosen (${metric} ${result.score.toFixed(4)}):`);
  err(`  ${toFlags(result.options)}`);
  const complete = result.trials.filter((t) => t.complete).length;
  if (complete < 2) {
    // One trial is the options as given: nothing was searched. Ten trials of the first one's length is a search.
    const first = result.trials[0];
    const need = 10 * (first?.complete ? first.elapsed : budgetSeconds * 2);
    const finished =
      complete === 1
        ? `one trial finished (the options as given, in ${first.elapsed.toFixed(1)} s)`
        : 'no trial finished';
    warn(
      `--budget ${flags.budget ?? '60s'} was too short to search: ${finished}, so nothing was compared and the options are as given. ` +
        `Give --budget ${formatDuration(need)} or more`,
    );
  }
  return result.options;
}

/** Seconds as a --budget: 45s, 12m, 2h (rounded up). */
function formatDuration(seconds: number): string {
  if (seconds < 120) return `${Math.ceil(seconds)}s`;
  if (seconds < 7200) return `${Math.ceil(seconds / 60)}m`;
  return `${Math.ceil(seconds / 3600)}h`;
}

/** "60s", "2m", "90" (seconds). */
function parseBudget(spec: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(spec.trim());
  if (!m || !(Number(m[1]) > 0)) throw new CliError(`--budget takes a duration such as 60s, 5m or 90; got "${spec}"`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : m[2] === 'h' ? 3600 : 1);
}

/**
 * Makes the checkpoint folder, checks it takes files, and clears temporary files a killed save
 * left; returns whether the folder was made here (removing the checkpoint then removes it too).
 */
async function prepareCheckpointDir(dir: string): Promise<boolean> {
  let made: string | undefined;
  try {
    made = await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new CliError(`${dir}: cannot make the checkpoint folder (${codeOf(error) ?? error}); choose another place`);
  }
  await checkCanSave(join(dir, CHECKPOINT_FILE), 'the checkpoint');
  for (const name of await readdir(dir))
    if (name.startsWith(`${CHECKPOINT_FILE}.tmp-`)) await unlink(join(dir, name)).catch(() => undefined);
  return made !== undefined;
}

/** Removes the checkpoint of a run that ended, and its folder when this run made it and nothing else is in it. */
async function removeCheckpoint(dir: string, madeDir: boolean): Promise<void> {
  await unlink(join(dir, CHECKPOINT_FILE)).catch(() => undefined);
  if (madeDir) await rmdir(dir).catch(() => undefined);
}

/**
 * Ctrl-C while training: the first aborts `signal`, which the epoch loop sees at its next step,
 * so that the run ends with the best model so far and it is saved; a second quits at once.
 */
class CtrlC {
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  private readonly onSigint = () => {
    if (this.signal.aborted) {
      this.err('Ctrl-C again: quitting without saving');
      process.exit(130);
    }
    this.err('Ctrl-C: stopping at the next step to save the best model so far (Ctrl-C again quits at once)');
    this.controller.abort();
  };

  constructor(private readonly err: (line: string) => void) {
    process.on('SIGINT', this.onSigint);
  }

  dispose(): void {
    process.off('SIGINT', this.onSigint);
  }
}

/**
 * The line that tells what a run stopped by Ctrl-C saved: whose weights, from which epoch. With
 * members, the model is the mean of those trained so far, each from its best epoch (members
 * on threads side by side each stopped where it was; one after another, only the last had not ended).
 */
function describeStop(
  epochs: EpochReport[],
  last: BatchInfo | undefined,
  out: string,
  checkpointDir: string | undefined,
  sideBySide: boolean,
): string {
  const members = [...new Set([...epochs.map((r) => r.member), last?.member])]
    .filter((m): m is number => m !== undefined)
    .sort((a, b) => a - b);
  const resume = checkpointDir ? `; --resume ${checkpointDir} carries on from where it stopped` : '';
  if (members.length === 0) {
    const { where, what } = memberStop(epochs);
    return `stopped by Ctrl-C in ${where}: saved ${what} to ${out}${resume}`;
  }
  const each = members.map((m) => {
    const { where, what } = memberStop(epochs.filter((r) => r.member === m));
    // One after another, the members before the last one heard of had ended.
    const running = sideBySide || m === last?.member;
    return `member ${m} (${running ? `in ${where}` : 'trained to its end'}): ${what}`;
  });
  return `stopped by Ctrl-C: saved the mean of members ${members.join(', ')} to ${out}${resume}; ${each.join('; ')}`;
}

/** Where one model (or member) stopped, from its epoch reports, and which of its weights were kept. */
function memberStop(own: EpochReport[]): { where: string; what: string } {
  const best = own
    .filter((r) => r.validLoss !== undefined)
    .reduce<EpochReport | undefined>((b, r) => (!b || r.validLoss! < b.validLoss! ? r : b), undefined);
  const what = best
    ? `the best model so far, from epoch ${best.epoch} (validation loss ${best.validLoss!.toFixed(4)})`
    : own.length
      ? `the model as it stood (no validation data to choose an epoch: ${own.length} epoch(s) done and part of the next)`
      : 'the model as it stood (part of its first epoch)';
  return { where: `epoch ${own.length + 1}`, what };
}

function parseSubwords(spec: string): [number, number] {
  const m = /^(\d+)-(\d+)$/.exec(spec);
  if (!m) throw new CliError(`--subwords takes MIN-MAX, such as 3-6; got "${spec}"`);
  return [Number(m[1]), Number(m[2])];
}

/** The labels, or the first of them when there are many. */
function listLabels(labels: readonly string[], max = 10): string {
  return labels.length <= max ? labels.join(', ') : `${labels.slice(0, max).join(', ')}, … (${labels.length} labels)`;
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}

export function formatBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} bytes`;
}
