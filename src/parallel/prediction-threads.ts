// Prediction on several threads: the calling thread and N − 1 workers, each worker with its own
// copy of the model (loaded from the model file's bytes, so the same code predicts as on the
// calling thread), each thread predicting a contiguous share of a batch, tokenising included. The
// calling thread takes a share itself rather than wait idle: on N cores that is N shares at once,
// and only N − 1 of them cross a message channel. A text's probabilities do not depend on the
// texts predicted with it for the bag model, so its predictions are exactly those of one thread;
// the mlp and attention models' may differ in the last bits (their matrix products take another
// path for a batch of fewer than 4 texts).

import type { Label, Prediction, TextClassifier } from '../classifier/classifier.js';
import { evaluate as evaluateProbabilities, type EvaluationReport } from '../eval/metrics.js';
import { ensureThreadStarter } from './thread-starter.browser.js';
import { AUTO_THREADS_MAX } from '../fit/options.js';
import { availableCores } from '../runtime/cores.js';
import { ThreadTeam } from './threads.js';

/** Below this many texts per thread, a batch is predicted on the calling thread: sending it would cost more than it saves. */
export const MIN_TEXTS_PER_THREAD = 256;
/** The fewest texts per thread for which autoPredictionThreads starts one: a thread loads a copy of the model first. */
export const AUTO_TEXTS_PER_THREAD = 20_000;

/**
 * Threads worth starting to predict `texts` texts at once: the cores there are, up to
 * AUTO_THREADS_MAX, and no more than one per AUTO_TEXTS_PER_THREAD texts.
 * @example
 * ```ts
 * await PredictionThreads.start(model, autoPredictionThreads(lines.length));
 * ```
 */
export function autoPredictionThreads(texts: number): number {
  return Math.max(1, Math.min(availableCores(), AUTO_THREADS_MAX, Math.floor(texts / AUTO_TEXTS_PER_THREAD)));
}

/** A model's copies on several threads; `close()` when done. */
export class PredictionThreads<L extends Label = string> {
  private constructor(
    private readonly model: TextClassifier<L>,
    private readonly team: ThreadTeam | undefined,
  ) {}

  /**
   * Starts `threads` threads, each with its own copy of `model` (where threads cannot start,
   * everything is predicted on the calling thread).
   * @example
   * ```ts
   * const threads = await PredictionThreads.start(model, 2); const p = await threads.predictBatch(texts); await threads.close();
   * ```
   */
  static async start<L extends Label>(model: TextClassifier<L>, threads: number): Promise<PredictionThreads<L>> {
    if (!Number.isInteger(threads) || threads <= 0)
      throw new RangeError(`threads must be a positive integer, got ${threads}`);
    // In a browser the threads' starter is installed when first asked for (see thread-starter.browser.ts).
    if (threads === 1 || !ensureThreadStarter()) return new PredictionThreads(model, undefined);
    const team = new ThreadTeam(threads - 1);
    try {
      await team.load(model.toBytes(), { fma: model.runtime.fma });
    } catch (error) {
      await team.close();
      throw error;
    }
    return new PredictionThreads(model, team);
  }

  /** How many threads predict, the calling thread included (1: the calling thread alone). */
  get threads(): number {
    return (this.team?.threads ?? 0) + 1;
  }

  /** model.predictBatch(texts), the texts shared among the threads. */
  async predictBatch(texts: readonly string[]): Promise<Prediction<L>[]> {
    if (!Array.isArray(texts))
      throw new TypeError(`predictBatch wants an array of texts (strings), got ${typeof texts}`);
    return this.model.predictionsOf(await this.probabilities(texts));
  }

  /** model.evaluate(examples), the texts shared among the threads. */
  async evaluate(examples: readonly { text: string; label: Label }[]): Promise<EvaluationReport> {
    const classes = this.model.classesOf(examples);
    return evaluateProbabilities(classes, await this.probabilities(examples.map((e) => e.text)), this.model.labels);
  }

  /** Calibrated probabilities [n × C]: contiguous shares of the texts, one per thread, put back in order. */
  private async probabilities(texts: readonly string[]): Promise<Float32Array> {
    for (const text of texts)
      if (typeof text !== 'string') throw new TypeError(`expected a text (string), got ${typeof text}`);
    const { team } = this;
    const n = this.threads;
    if (!team || texts.length < MIN_TEXTS_PER_THREAD * n) return this.model.textProbabilities(texts);
    const chunks = Array.from({ length: n }, (_, t) =>
      texts.slice(Math.floor((texts.length * t) / n), Math.floor((texts.length * (t + 1)) / n)),
    );
    // The workers' shares are posted first (synchronously), so they run while this thread predicts the first.
    const theirs = team.probabilities(chunks.slice(1));
    let own: Float32Array;
    try {
      own = this.model.textProbabilities(chunks[0]);
    } catch (error) {
      theirs.catch(() => undefined);
      throw error;
    }
    const parts = [own, ...(await theirs)];
    const out = new Float32Array(texts.length * this.model.labels.length);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /** Ends the threads. */
  async close(): Promise<void> {
    await this.team?.close();
  }
}
