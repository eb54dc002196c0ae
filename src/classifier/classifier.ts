// A trained text classifier: the text-facing shell around a text model (src/models). It holds
// the featurizer (tokeniser, vocabulary, n-gram rows), the labels and the calibration, and the
// model that turns feature rows into logits; it predicts, explains, compares word vectors,
// evaluates, and turns itself into the bytes of a model file (classifier-file.ts). It never asks
// which architecture it holds: each model answers the same calls.

import { isContentWord } from '../text/content-words.js';
import { NEGATED_WORD_PREFIX } from '../text/negated-word.js';
import { END_OF_TEXT, Featurizer } from '../text/features.js';
import type { TextModel } from '../models/text-model.js';
import type { RuntimeOptions, Runtime } from '../runtime/runtime.js';
import { encodeClassifier, type ClassifierConfig } from '../model-file/classifier-encode.js';
import { decodeClassifier } from '../model-file/classifier-file.js';
import { encodeQuantizedClassifier, type EncodeOptions } from '../model-file/quantized-file.js';
import { evaluate as evaluateProbabilities, type EvaluationReport } from '../eval/metrics.js';
import { WasmFeaturizer } from '../text/wasm-featurizer.js';
import type { Explanation, Label, Neighbour, Prediction, TokenContribution } from './predictions.js';
import { cosine, isNegationMarked, meanRow, NEGATION_MARK, rowNorms, userWord } from './word-vectors.js';
import { textRows } from '../text/text-rows.js';

export { NEGATED_WORD_PREFIX } from '../text/negated-word.js';
export type { Architecture } from '../models/registry.js';
export type { ClassifierConfig } from '../model-file/classifier-encode.js';
export type { EncodeOptions } from '../model-file/quantized-file.js';

export type { Explanation, Label, Neighbour, Prediction, TokenContribution } from './predictions.js';

/**
 * A trained classifier whose labels are of type L: strings, or numbers when the training data
 * gave every label as a number (`train([{ text, label: 1 }, …])` gives a TextClassifier<number>).
 */
export class TextClassifier<L extends Label = string> {
  /** What the model file records about the network: architecture, widths, labels, features, temperature. */
  readonly config: ClassifierConfig;
  /** The featurizer that turns texts into the model's inputs. */
  readonly featurizer: Featurizer;
  private textModel: TextModel | undefined;
  private norms?: Float32Array;
  /** Prediction's WebAssembly featurizer, laid out with the model; null where it does not apply. */
  private readonly wasmFeaturizer: WasmFeaturizer | null;

  /**
   * @internal Use train() or loadModel(). Lays out what prediction needs, then seals the model's
   * runtime: nothing allocates after this, whatever is predicted.
   */
  constructor(model: TextModel, config: ClassifierConfig, featurizer: Featurizer) {
    this.textModel = model;
    this.config = config;
    this.featurizer = featurizer;
    // A sequence model reads ordered ids, which the WebAssembly featurizer (bag rows) does not give.
    this.wasmFeaturizer = model.sequenceLength ? null : (WasmFeaturizer.create(model.runtime, featurizer) ?? null);
    model.runtime.seal('a trained model');
  }

  /**
   * The model as the bytes of a model file (config, tokeniser settings, vocabulary, every tensor by
   * name). `quantize: 8` stores the embedding table as 8-bit codes with one scale per row, as
   * fastText's .ftz, and packs the file's other sections (under a quarter of the float file; 4:
   * about an eighth); the model loaded back predicts from those rows.
   * @example
   * ```ts
   * await writeFile("model.bin", model.toBytes());
   * ```
   * @example
   * ```ts
   * await writeFile("model.q8.bin", model.toBytes({ quantize: 8 }));
   * ```
   */
  toBytes(options: EncodeOptions = {}): Uint8Array {
    return options.quantize === undefined
      ? encodeClassifier(this.config, this.featurizer, this.model)
      : encodeQuantizedClassifier(this.config, this.featurizer, this.model, options.quantize);
  }

  /**
   * Rebuilds a model from the bytes of a model file, refusing anything damaged or foreign (see
   * classifier-file.ts for every check). Files of 0.1.0 load as they were.
   * @example
   * ```ts
   * const model = await TextClassifier.fromBytes(bytes, "model.bin");
   * ```
   */
  static async fromBytes<L extends Label = string>(
    bytes: Uint8Array | ArrayBuffer,
    source = 'model',
    runtime?: RuntimeOptions,
  ): Promise<TextClassifier<L>> {
    const { config, featurizer, model } = await decodeClassifier(bytes, source, runtime);
    return new TextClassifier<L>(model, config, featurizer);
  }

  /** Class names, index = class id. */
  get labels(): string[] {
    return this.config.labels;
  }

  /** @internal The text model, or an error once disposed. */
  get model(): TextModel {
    if (!this.textModel) throw new Error('this model has been disposed');
    return this.textModel;
  }

  private assertNotDisposed(): void {
    void this.model;
  }

  /** @internal The runtime, or an error once disposed. */
  get runtime(): Runtime {
    return this.model.runtime;
  }

  /** Each tensor's shape, by name (as a model file names its sections). */
  tensorShapes(): Record<string, number[]> {
    return Object.fromEntries(this.model.tensors().map((t) => [t.name, t.shape]));
  }

  /**
   * The most likely label of a text and the probability of every class.
   * @example
   * ```ts
   * model.predict("What a wonderful film!") // { label: 'positive', probabilities: { negative: 0.03, positive: 0.97 } }
   * ```
   */
  predict(text: string): Prediction<L> {
    return this.predictBatch([text])[0];
  }

  /**
   * predict() for many texts at once (faster per text).
   * @example
   * ```ts
   * model.predictBatch(["great", "awful"]).map((p) => p.label)
   * ```
   */
  predictBatch(texts: readonly string[]): Prediction<L>[] {
    if (!Array.isArray(texts))
      throw new TypeError(
        `predictBatch wants an array of texts (strings), got ${typeof texts === 'string' ? 'one string: for one text use predict()' : typeof texts}`,
      );
    return this.predictionsOf(this.textProbabilities(texts));
  }

  /** @internal Predictions from calibrated probabilities [n × C] (what textProbabilities gives). */
  predictionsOf(probs: Float32Array): Prediction<L>[] {
    const C = this.labels.length;
    const n = probs.length / C;
    // Plain loops over the flat array: no subarray view or closure per text.
    const labels = this.labels;
    const result = new Array<Prediction<L>>(n);
    for (let i = 0, r = 0; i < n; i++, r += C) {
      let best = 0;
      const probabilities: Record<string, number> = {};
      for (let c = 0; c < C; c++) {
        // A label may be called "__proto__": defined as an own property, it stays one.
        if (labels[c] === '__proto__')
          Object.defineProperty(probabilities, labels[c], {
            value: probs[r + c],
            enumerable: true,
            writable: true,
            configurable: true,
          });
        else probabilities[labels[c]] = probs[r + c];
        if (probs[r + c] > probs[r + best]) best = c;
      }
      result[i] = { label: (this.config.numericLabels ? Number(labels[best]) : labels[best]) as L, probabilities };
    }
    return result;
  }

  /** @internal Calibrated class probabilities [n × C] of texts, featurized straight into the batch buffer. */
  textProbabilities(texts: readonly string[]): Float32Array {
    const { featurizer } = this;
    for (const text of texts)
      if (typeof text !== 'string') throw new TypeError(`expected a text (string), got ${typeof text}`);
    const fast = this.wasmFeaturizer;
    const maxLen = this.model.sequenceLength;
    const probs = this.model.logits(
      texts.length,
      maxLen
        ? (i, out) => featurizer.orderedIds(featurizer.tokenize(texts[i]), maxLen, out)
        : fast
          ? (i, out) => {
              if (!fast.rows(texts[i], out)) textRows(featurizer, texts[i], out);
            }
          : (i, out) => textRows(featurizer, texts[i], out),
    );
    softmaxRows(probs, this.labels.length, this.config.temperature);
    return probs;
  }

  /** @internal Raw logits [n × C] for bags of rows. */
  logits(bags: readonly (readonly number[])[]): Float32Array {
    return this.model.logits(bags.length, (i, out) => {
      for (const row of bags[i]) out.push(row);
    });
  }

  /** @internal Calibrated class probabilities [n × C]. */
  probabilities(bags: readonly (readonly number[])[]): Float32Array {
    const logits = this.logits(bags);
    softmaxRows(logits, this.labels.length, this.config.temperature);
    return logits;
  }

  /**
   * Each token's contribution to the score. For the bag model the score is the logit margin,
   * a sum over features of (1/n)·(w_target − w_other)·e_f plus the bias margin, so the split is
   * exact: a feature spanning several tokens (an n-gram) is shared equally among them, and under
   * uniqueFeatures a feature met several times among its occurrences. Other models split it by
   * occlusion (mlp) or by gradient × input (attention): see their explain. Tokens come as the user wrote them, a word in a negation's
   * scope marked `negated` (see TokenContribution).
   * @example
   * ```ts
   * model.explain("not good at all").tokens // [{ token: 'not', negated: false, … }, { token: 'good', negated: true, … }, …]
   * ```
   */
  explain(text: string): Explanation<L> {
    const tokens = this.featurizer.tokenize(text);
    const spans = this.featurizer.spans(tokens);
    const [prediction] = this.predictBatch([text]);
    const target = this.labels.length === 2 ? 1 : this.labels.indexOf(String(prediction.label));
    const maxLen = this.model.sequenceLength;
    const ids = maxLen ? this.featurizer.orderedIds(tokens, maxLen) : undefined;
    // The bag's spans then cover one token more, the end-of-text word, after the text's own.
    const endOfText = !maxLen && this.featurizer.options.endOfText;
    const explained = this.model.explain(
      tokens.length + (endOfText ? 1 : 0),
      spans,
      this.featurizer.options.uniqueFeatures,
      target,
      ids,
    );
    const { score, contributions, method } = explained;
    // Its share goes to the bias where shares add up to the score (exact); occlusion's bias is
    // already the score of no features at all.
    const bias = endOfText && method === 'exact' ? explained.bias + contributions[tokens.length] : explained.bias;
    const tokenList = tokens.map((t, i): TokenContribution => ({ ...userWord(t), contribution: contributions[i] }));
    return { label: prediction.label, target: this.labels[target], score, bias, tokens: tokenList, method };
  }

  /**
   * The attention weights of a text, for models that attend (the attention architecture; else
   * undefined): the tokens the model read (truncated to its maximum length) and, per layer and
   * head, a [tokens × tokens] matrix whose row i is how much token i attends to each token.
   * @example
   * ```ts
   * model.attentionWeights("not good")?.layers[0][0] // [[0.7, 0.3], [0.4, 0.6]]
   * ```
   */
  attentionWeights(text: string):
    | {
        /** The tokens the model read, as the user wrote them. */
        tokens: TokenContribution['token'][];
        /** Whether each token is in a negation's scope. */
        negated: boolean[];
        /** Per layer, per head, row i: how much token i attends to each token. */
        layers: number[][][][];
      }
    | undefined {
    const { model, featurizer } = this;
    if (!model.sequenceLength || !model.attentionWeights) return undefined;
    const tokens = featurizer.tokenize(text).slice(0, model.sequenceLength);
    const ids = featurizer.orderedIds(tokens, model.sequenceLength);
    const n = Math.max(1, tokens.length);
    const T = Math.max(1, ids.length);
    const layers = model
      .attentionWeights(ids)
      .map((heads) => heads.map((w) => Array.from({ length: n }, (_, i) => Array.from(w.subarray(i * T, i * T + n)))));
    const words = tokens.map(userWord);
    return { tokens: words.map((w) => w.token), negated: words.map((w) => w.negated), layers };
  }

  /**
   * The learned vector of a word, or undefined for a word the model does not know. A word in a
   * negation's scope has a vector of its own, asked for as "not:word" (NEGATED_WORD_PREFIX).
   * @example
   * ```ts
   * model.wordVector("love")?.length // 64
   * ```
   * @example
   * ```ts
   * model.wordVector("not:worth") // the vector of "worth" after a negation
   * ```
   */
  wordVector(word: string): Float32Array | undefined {
    const id = this.wordId(word);
    if (id < 0) return undefined;
    const D = this.config.dim;
    return this.model.rowVectors().slice(id * D, (id + 1) * D);
  }

  /**
   * The vocabulary id of a word as a user spells it ("worth", "Worth", "not:worth"), or -1. The
   * model's own spelling of a negated word ("NOT_worth") is not accepted: it is internal.
   */
  private wordId(word: string): number {
    this.assertNotDisposed();
    const vocab = this.featurizer.vocabulary;
    const negated = word.startsWith(NEGATED_WORD_PREFIX);
    const plain = negated ? word.slice(NEGATED_WORD_PREFIX.length) : word;
    const mark = negated ? NEGATION_MARK : '';
    // The word as the vocabulary has it (what words() lists), else as the tokeniser cuts it: "Love" → "love".
    // The end-of-text word is no user's word either.
    if (isNegationMarked(plain) || plain === END_OF_TEXT) return -1;
    const direct = vocab.id(mark + plain);
    if (direct >= 0) return direct;
    const tokens = this.featurizer.tokenize(plain);
    return tokens.length === 1 && !isNegationMarked(tokens[0]) ? vocab.id(mark + tokens[0]) : -1;
  }

  /**
   * Cosine similarity of two words' vectors (words spelled as for wordVector).
   * @example
   * ```ts
   * model.similarity("great", "excellent") // 0.83
   * ```
   */
  similarity(a: string, b: string): number {
    const va = this.wordVector(a);
    const vb = this.wordVector(b);
    if (!va) throw new RangeError(`the model does not know the word "${a}"`);
    if (!vb) throw new RangeError(`the model does not know the word "${b}"`);
    return cosine(va, vb);
  }

  /**
   * The k words whose vectors are closest to the word's by cosine similarity. Only words are
   * ranked: the vectors of negated words ("not:worth") are the model's own features, which a
   * user did not write and would read as noise, so they are left out. Options:
   * - `centred`: subtract the mean vector of the words ranked from each vector first. In a model
   *   of two classes every vector shares one large common direction, so plain cosines all read
   *   near 1; centred, 1 is the same direction, 0 unrelated, −1 opposite (as the web app's map).
   * - `wordsOnly`: rank words only, not punctuation, emoji or Chinese and Japanese particles
   *   (see isContentWord).
   * @example
   * ```ts
   * model.nearest("love", 5).map((n) => n.word)
   * model.nearest("love", 5, { centred: true, wordsOnly: true })
   * ```
   */
  nearest(word: string, k = 10, options: { centred?: boolean; wordsOnly?: boolean } = {}): Neighbour[] {
    const id = this.wordId(word);
    if (id < 0) throw new RangeError(`the model does not know the word "${word}"`);
    const D = this.config.dim;
    const table = this.model.rowVectors();
    const vocab = this.featurizer.vocabulary;
    const ranked = (r: number) => {
      const token = vocab.token(r);
      return !isNegationMarked(token) && token !== END_OF_TEXT && (!options.wordsOnly || isContentWord(token));
    };
    const mean = options.centred ? meanRow(table, vocab.size, D, ranked) : new Float32Array(D);
    const norms = options.centred
      ? rowNorms(table, vocab.size, D, mean)
      : (this.norms ??= rowNorms(table, vocab.size, D));
    const scores: Neighbour[] = [];
    for (let r = 0; r < vocab.size; r++) {
      if (r === id || norms[r] === 0 || !ranked(r)) continue;
      let dot = 0;
      for (let d = 0; d < D; d++) dot += (table[id * D + d] - mean[d]) * (table[r * D + d] - mean[d]);
      scores.push({ word: vocab.token(r), similarity: dot / (norms[id] * norms[r]) });
    }
    scores.sort((x, y) => y.similarity - x.similarity);
    return scores.slice(0, k);
  }

  /**
   * The words the model has vectors for, most frequent first; with `includeNegated`, also the
   * negated words, spelled "not:word" (each accepted by wordVector).
   * @example
   * ```ts
   * model.words().slice(0, 3) // [',', '.', 'the']
   * ```
   */
  words(options: { includeNegated?: boolean } = {}): string[] {
    this.assertNotDisposed();
    const words: string[] = [];
    for (const token of this.featurizer.vocabulary.toArray()) {
      if (token === END_OF_TEXT) continue;
      if (!isNegationMarked(token)) words.push(token);
      else if (options.includeNegated) words.push(NEGATED_WORD_PREFIX + token.slice(NEGATION_MARK.length));
    }
    return words;
  }

  /** @internal Forgets what was worked out from the weights; called whenever they change. */
  invalidateCaches(): void {
    this.norms = undefined;
    this.model.weightsChanged();
  }

  /**
   * Accuracy, per-class precision/recall/F1, macro-F1, confusion matrix, ROC-AUC (two classes)
   * and calibration error on labelled examples.
   * @example
   * ```ts
   * model.evaluate([{ text: "great", label: "positive" }]).accuracy
   * ```
   */
  evaluate(examples: readonly { text: string; label: Label }[]): EvaluationReport {
    return evaluateProbabilities(
      this.classesOf(examples),
      this.textProbabilities(examples.map((e) => e.text)),
      this.labels,
    );
  }

  /** @internal Each example's class index, or an error naming the first label the model does not know. */
  classesOf(examples: readonly { label: Label }[]): number[] {
    const index = new Map(this.labels.map((l, i) => [l, i]));
    return examples.map((e, i) => {
      const c = index.get(String(e.label));
      if (c === undefined)
        throw new RangeError(
          `example ${i + 1}: label "${e.label}" is not one the model knows (${this.labels.join(', ')})`,
        );
      return c;
    });
  }

  /** Lets go of the model's WebAssembly memory (reclaimed once nothing else references the model); the model cannot be used afterwards. */
  dispose(): void {
    this.textModel = undefined;
  }
}

/**
 * In-place softmax of each row of logits/T.
 * @example
 * ```ts
 * const p = Float32Array.of(0, 0, 1, 3);
 * softmaxRows(p, 2); // p ≈ [0.5, 0.5, 0.119, 0.881]
 * ```
 */
export function softmaxRows(values: Float32Array, C: number, temperature = 1): void {
  for (let r = 0; r < values.length; r += C) {
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, values[r + c] / temperature);
    let sum = 0;
    for (let c = 0; c < C; c++) {
      const e = Math.exp(values[r + c] / temperature - max);
      values[r + c] = e;
      sum += e;
    }
    for (let c = 0; c < C; c++) values[r + c] /= sum;
  }
}
