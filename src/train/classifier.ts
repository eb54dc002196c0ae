// A trained text classifier: featurizer (tokeniser, vocabulary, n-gram rows), an embedding bag
// and a small dense head, all in one runtime of its own. It predicts, explains, compares word
// vectors, evaluates, and turns itself into the bytes of a model file.

import { Runtime, type RuntimeOptions } from '../runtime/runtime.js';
import { decodeModelFile, encodeModelFile, ModelFileError } from '../io/model-file.js';
import { Vocabulary } from '../text/vocabulary.js';
import { ReLU } from '../nn/activations.js';
import { EmbeddingBag, type SparseOptimizer } from '../nn/embedding-bag.js';
import { Linear } from '../nn/linear.js';
import { Sequential } from '../nn/sequential.js';
import { Random } from '../nn/random.js';
import { Featurizer, type ResolvedFeatureOptions } from '../text/features.js';
import { evaluate as evaluateProbabilities, type EvaluationReport } from './metrics.js';
import { WasmFeaturizer } from './wasm-featurizer.js';

export type Architecture = 'bag' | 'mlp';

/** What a model file records about the network. */
export interface ClassifierConfig {
  arch: Architecture;
  dim: number;
  /** Widths of the hidden layers of the mlp head ([] for bag). */
  hidden: number[];
  /** Class names, index = class id. */
  labels: string[];
  features: ResolvedFeatureOptions;
  /** Softmax temperature fitted on validation data (1 = uncalibrated). */
  temperature: number;
}

export interface Prediction {
  label: string;
  /** Probability of every class, by name. */
  probabilities: Record<string, number>;
}

export interface TokenContribution {
  token: string;
  /** How much the token moved the score; the contributions and `bias` add up to `score`. */
  contribution: number;
}

export interface Explanation {
  label: string;
  /** The class the explanation is about: with two classes the second (e.g. positive), else the predicted one. */
  target: string;
  /**
   * Two classes: the logit margin (target minus the other); more classes: the target's logit
   * minus the mean logit. Exact sum of contributions and bias for the bag model.
   */
  score: number;
  bias: number;
  tokens: TokenContribution[];
  /** 'exact' for the bag model, 'occlusion' (drop one token at a time) for mlp. */
  method: 'exact' | 'occlusion';
}

export interface Neighbour {
  word: string;
  similarity: number;
}

/** What a model file of a text classifier says it holds. */
const MODEL_KIND = 'sentiwasm text classifier';

/** Batches used for prediction: the largest that keeps the id buffer small. */
const PREDICT_BATCH = 256;

export class TextClassifier {
  readonly config: ClassifierConfig;
  readonly featurizer: Featurizer;
  /** @internal */ readonly embedding: EmbeddingBag;
  /** @internal */ readonly head: Sequential;
  private rt: Runtime | undefined;
  private norms?: Float32Array;
  /**
   * Bag models only: every row's class scores W·e_r ([rows × C]) and an output buffer. The bag
   * head is linear, so W·mean(e) + b = mean(W·e) + b: prediction then averages C numbers per
   * feature instead of dim, out of a table dim/C times smaller. Filled on first use, and again
   * after the weights change (invalidateCaches).
   */
  private readonly rowScores?: { table: number; out: number };
  private scoresFresh = false;
  /** logitsOf's batch buffers (rows of every item back to back, and where each item starts). */
  private readonly rowBuffer: number[] = [];
  /** Prediction's WebAssembly featurizer: undefined until first used, null where it does not apply. */
  private wasmFeaturizer: WasmFeaturizer | null | undefined;
  private offsetBuffer = new Int32Array(0);

  /** @internal Use train() or loadModel(). */
  constructor(rt: Runtime, config: ClassifierConfig, featurizer: Featurizer, options: { maxBatch: number; maxIds: number; optimizer: SparseOptimizer; seed: number; initialise?: boolean }) {
    this.rt = rt;
    this.config = config;
    this.featurizer = featurizer;
    const maxBatch = Math.max(options.maxBatch, PREDICT_BATCH);
    this.embedding = new EmbeddingBag(rt, Math.max(1, featurizer.rowCount), config.dim, { maxBatch, maxIds: Math.max(options.maxIds, 1024), optimizer: options.optimizer });
    const layers = [];
    let width = config.dim;
    for (const h of config.hidden) {
      layers.push(new Linear(width, h), new ReLU());
      width = h;
    }
    layers.push(new Linear(width, config.labels.length));
    this.head = new Sequential(layers).build(rt, { inFeatures: config.dim, maxBatch, seed: options.seed, inputGrad: true });
    if (options.initialise ?? true) this.embedding.initialise(new Random(options.seed ^ 0x51ed270b));
    // Laid out with the model, so that validating during training allocates nothing.
    const C = config.labels.length;
    if (config.arch === 'bag') this.rowScores = { table: rt.allocF32(this.embedding.rows * C), out: rt.allocF32(maxBatch * C) };
  }

  /**
   * The model as the bytes of a model file (config, tokeniser settings, vocabulary, weights).
   * @example await writeFile("model.bin", model.toBytes());
   */
  toBytes(): Uint8Array {
    const params = this.head.parameters;
    return encodeModelFile({
      config: { kind: MODEL_KIND, ...this.config, rows: this.embedding.rows },
      sections: {
        vocabulary: this.featurizer.vocabulary.serialize(),
        rowBuckets: this.featurizer.rowBuckets,
        embedding: this.embedding.values(),
        head: this.runtime.f32(params.ptr, params.size),
      },
    });
  }

  /**
   * Rebuilds a model from the bytes of a model file, refusing anything damaged or foreign.
   * @example const model = await TextClassifier.fromBytes(bytes, "model.bin");
   */
  static async fromBytes(bytes: Uint8Array | ArrayBuffer, source = 'model', runtime?: RuntimeOptions): Promise<TextClassifier> {
    const { config, sections } = decodeModelFile(bytes, source);
    const problem = (what: string): never => {
      throw new ModelFileError(source, what, 'save the model again with this version of sentiwasm', 'invalid-contents');
    };
    if (config.kind !== MODEL_KIND) problem(`holds a "${String(config.kind)}", not a ${MODEL_KIND}`);
    const c = config as unknown as ClassifierConfig & { rows: number };
    if (c.arch !== 'bag' && c.arch !== 'mlp') problem(`unknown architecture "${String(c.arch)}"`);
    if (!Number.isInteger(c.dim) || c.dim <= 0 || !Array.isArray(c.labels) || c.labels.length < 2 || !Array.isArray(c.hidden)) problem('the model description is incomplete');
    const vocabBytes = sections.vocabulary;
    const rowBuckets = sections.rowBuckets;
    const table = sections.embedding;
    const head = sections.head;
    if (!(vocabBytes instanceof Uint8Array) || !(rowBuckets instanceof Int32Array) || !(table instanceof Float32Array) || !(head instanceof Float32Array)) {
      problem('a section is missing or has the wrong type');
    }
    let vocabulary: Vocabulary;
    try {
      vocabulary = Vocabulary.deserialize(vocabBytes as Uint8Array);
    } catch (error) {
      return problem(`the vocabulary is damaged (${(error as Error).message})`);
    }
    const featurizer = Featurizer.restore(c.features, vocabulary, rowBuckets as Int32Array);
    if (featurizer.rowCount !== c.rows || (table as Float32Array).length !== Math.max(1, c.rows) * c.dim) problem('the embedding table does not match the vocabulary');
    const rt = await Runtime.create(runtime);
    const model = new TextClassifier(rt, { arch: c.arch, dim: c.dim, hidden: c.hidden, labels: c.labels, features: c.features, temperature: c.temperature ?? 1 },
      featurizer, { maxBatch: PREDICT_BATCH, maxIds: PREDICT_BATCH * 64, optimizer: 'sgd', seed: 0, initialise: false });
    const params = model.head.parameters;
    if ((head as Float32Array).length !== params.size) problem(`the head has ${(head as Float32Array).length} weights, the architecture needs ${params.size}`);
    model.embedding.values().set(table as Float32Array);
    rt.f32(params.ptr, params.size).set(head as Float32Array);
    return model;
  }

  get labels(): string[] {
    return this.config.labels;
  }

  /** @internal The runtime, or an error once disposed. */
  get runtime(): Runtime {
    if (!this.rt) throw new Error('this model has been disposed');
    return this.rt;
  }

  /**
   * The most likely label of a text and the probability of every class.
   * @example model.predict("What a wonderful film!") // { label: 'positive', probabilities: { negative: 0.03, positive: 0.97 } }
   */
  predict(text: string): Prediction {
    return this.predictBatch([text])[0];
  }

  /**
   * predict() for many texts at once (faster per text).
   * @example model.predictBatch(["great", "awful"]).map((p) => p.label)
   */
  predictBatch(texts: readonly string[]): Prediction[] {
    const probs = this.textProbabilities(texts);
    const C = this.labels.length;
    // Plain loops over the flat array: no subarray view or closure per text.
    const labels = this.labels;
    const result = new Array<Prediction>(texts.length);
    for (let i = 0, r = 0; i < texts.length; i++, r += C) {
      let best = 0;
      const probabilities: Record<string, number> = {};
      for (let c = 0; c < C; c++) {
        probabilities[labels[c]] = probs[r + c];
        if (probs[r + c] > probs[r + best]) best = c;
      }
      result[i] = { label: labels[best], probabilities };
    }
    return result;
  }

  /** Calibrated class probabilities [n × C] of texts, featurized straight into the batch buffer. */
  private textProbabilities(texts: readonly string[]): Float32Array {
    const { featurizer } = this;
    for (const text of texts) if (typeof text !== 'string') throw new TypeError(`expected a text (string), got ${typeof text}`);
    const fast = (this.wasmFeaturizer ??= WasmFeaturizer.create(this.runtime, featurizer) ?? null);
    const probs = this.logitsOf(texts.length, fast
      ? (i, out) => {
        if (!fast.rows(texts[i], out)) featurizer.textRows(texts[i], out);
      }
      : (i, out) => featurizer.textRows(texts[i], out));
    softmaxRows(probs, this.labels.length, this.config.temperature);
    return probs;
  }

  /** @internal Raw logits [n × C] for bags of rows. */
  logits(bags: readonly (readonly number[])[]): Float32Array {
    return this.logitsOf(bags.length, (i, out) => {
      for (const row of bags[i]) out.push(row);
    });
  }

  /**
   * Raw logits [n × C] of n items, where `appendRows(i, out)` appends the rows of item i.
   * Items are featurized straight into one batch buffer, as many as the reserved space holds.
   */
  private logitsOf(n: number, appendRows: (i: number, out: number[]) => void): Float32Array {
    const rt = this.runtime;
    const C = this.labels.length;
    const out = new Float32Array(n * C);
    let { maxBatch, maxIds } = this.embedding.capacity;
    // Reused across calls: prediction is called in loops, one text at a time too.
    const rows = this.rowBuffer;
    const offsets = this.offsetBuffer.length > maxBatch ? this.offsetBuffer : (this.offsetBuffer = new Int32Array(maxBatch + 1));
    for (let start = 0; start < n; ) {
      rows.length = 0;
      let batch = 0;
      while (start + batch < n && batch < maxBatch) {
        offsets[batch] = rows.length;
        appendRows(start + batch, rows);
        batch++;
        if (rows.length > maxIds) {
          // Leave the item that overflowed for the next batch, unless it is alone: then make room.
          if (batch > 1) rows.length = offsets[--batch];
          else {
            this.embedding.reserve(maxBatch, rows.length);
            ({ maxBatch, maxIds } = this.embedding.capacity);
          }
          break;
        }
      }
      offsets[batch] = rows.length;
      this.embedding.load(rows, offsets, batch, { training: false });
      let ptr: number;
      if (this.config.arch === 'bag') {
        const scores = this.scoreTable();
        ptr = scores.out;
        this.embedding.forwardFrom(scores.table, C, ptr);
        const bias = this.head.parameters.get('0.bias');
        rt.kernels.bias_forward(ptr, bias.ptr, batch, C);
      } else {
        this.embedding.forward(this.head.inputPtr);
        ptr = this.head.forwardBatch(batch, false);
      }
      out.set(rt.f32(ptr, batch * C), start * C);
      start += batch;
    }
    return out;
  }

  /** The bag head's per-row class scores (see rowScores), worked out again if the weights changed. */
  private scoreTable(): { table: number; out: number } {
    const scores = this.rowScores!;
    if (!this.scoresFresh) {
      const weight = this.head.parameters.get('0.weight');
      this.runtime.kernels.matmul_nt(scores.table, this.embedding.table, weight.ptr, this.embedding.rows, this.config.dim, this.labels.length, 0);
      this.scoresFresh = true;
    }
    return scores;
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
   * uniqueFeatures a feature met several times among its occurrences.
   * @example model.explain("not good at all").tokens
   */
  explain(text: string): Explanation {
    const tokens = this.featurizer.tokenize(text);
    const spans = this.featurizer.spans(tokens);
    const [prediction] = this.predictBatch([text]);
    const contributions = new Float64Array(tokens.length);
    const target = this.labels.length === 2 ? 1 : this.labels.indexOf(prediction.label);
    const base = { label: prediction.label, target: this.labels[target] };
    const tokenList = () => tokens.map((token, i) => ({ token, contribution: contributions[i] }));
    // With uniqueFeatures a row that occurs k times is one feature of the bag, shared by its k spans.
    const unique = this.featurizer.options.uniqueFeatures;
    if (this.config.arch === 'bag') {
      const { w, bias } = this.bagScoreWeights(target);
      const D = this.config.dim;
      const table = this.embedding.values();
      let occurrences: Map<number, number> | undefined;
      if (unique) {
        occurrences = new Map();
        for (const span of spans) occurrences.set(span.row, (occurrences.get(span.row) ?? 0) + 1);
      }
      const features = occurrences?.size ?? spans.length;
      let score = bias;
      for (const span of spans) {
        let dot = 0;
        for (let d = 0; d < D; d++) dot += w[d] * table[span.row * D + d];
        const value = dot / features / (occurrences?.get(span.row) ?? 1);
        score += value;
        const share = value / (span.end - span.start);
        for (let i = span.start; i < span.end; i++) contributions[i] += share;
      }
      return { ...base, score, bias, tokens: tokenList(), method: 'exact' };
    }
    // The mlp head is not linear in the features: a token's contribution is how much the score
    // drops when every feature touching it is left out.
    const bagOf = (rows: number[]) => (unique ? [...new Set(rows)] : rows);
    const bags = [bagOf(spans.map((s) => s.row)), [], ...tokens.map((_, i) => bagOf(spans.filter((s) => i < s.start || i >= s.end).map((s) => s.row)))];
    const [score, bias, ...without] = this.margins(bags, target);
    without.forEach((m, i) => (contributions[i] = score - m));
    return { ...base, score, bias, tokens: tokenList(), method: 'occlusion' };
  }

  /** The bag head's score as one linear map of the mean bag vector: direction w and bias. */
  private bagScoreWeights(target: number): { w: Float64Array; bias: number } {
    const C = this.labels.length;
    const D = this.config.dim;
    const params = this.head.parameters;
    const W = params.values(params.get('0.weight'));
    const b = params.values(params.get('0.bias'));
    const w = new Float64Array(D);
    for (let d = 0; d < D; d++) {
      let mean = 0;
      for (let c = 0; c < C; c++) mean += W[c * D + d] / C;
      w[d] = C === 2 ? W[D + d] - W[d] : W[target * D + d] - mean;
    }
    let meanB = 0;
    for (let c = 0; c < C; c++) meanB += b[c] / C;
    return { w, bias: C === 2 ? b[1] - b[0] : b[target] - meanB };
  }

  /** The score of each bag: logit margin for two classes, target logit minus the mean otherwise. */
  private margins(bags: readonly (readonly number[])[], target: number): number[] {
    const C = this.labels.length;
    const logits = this.logits(bags);
    return bags.map((_, i) => {
      const row = logits.subarray(i * C, (i + 1) * C);
      if (C === 2) return row[1] - row[0];
      let mean = 0;
      for (let c = 0; c < C; c++) mean += row[c] / C;
      return row[target] - mean;
    });
  }

  /**
   * The learned vector of a word, or undefined for a word the model does not know.
   * @example model.wordVector("love")?.length // 64
   */
  wordVector(word: string): Float32Array | undefined {
    const id = this.wordId(word);
    if (id < 0) return undefined;
    const D = this.config.dim;
    return this.embedding.values().slice(id * D, (id + 1) * D);
  }

  private wordId(word: string): number {
    if (!this.rt) throw new Error('this model has been disposed');
    const vocab = this.featurizer.vocabulary;
    const direct = vocab.id(word);
    if (direct >= 0) return direct;
    const tokens = this.featurizer.tokenize(word);
    return tokens.length === 1 ? vocab.id(tokens[0]) : -1;
  }

  /**
   * Cosine similarity of two words' vectors.
   * @example model.similarity("great", "excellent") // 0.83
   */
  similarity(a: string, b: string): number {
    const va = this.wordVector(a);
    const vb = this.wordVector(b);
    if (!va) throw new RangeError(`the model does not know the word "${a}"`);
    if (!vb) throw new RangeError(`the model does not know the word "${b}"`);
    return cosine(va, vb);
  }

  /**
   * The k words whose vectors are closest to the word's by cosine similarity.
   * @example model.nearest("love", 5).map((n) => n.word)
   */
  nearest(word: string, k = 10): Neighbour[] {
    const id = this.wordId(word);
    if (id < 0) throw new RangeError(`the model does not know the word "${word}"`);
    const D = this.config.dim;
    const table = this.embedding.values();
    const vocab = this.featurizer.vocabulary;
    const norms = (this.norms ??= rowNorms(table, vocab.size, D));
    const scores: Neighbour[] = [];
    for (let r = 0; r < vocab.size; r++) {
      if (r === id || norms[r] === 0) continue;
      let dot = 0;
      for (let d = 0; d < D; d++) dot += table[id * D + d] * table[r * D + d];
      scores.push({ word: vocab.token(r), similarity: dot / (norms[id] * norms[r]) });
    }
    scores.sort((x, y) => y.similarity - x.similarity);
    return scores.slice(0, k);
  }

  /** @internal Forgets what was worked out from the weights (norms, row scores); called whenever they change. */
  invalidateCaches(): void {
    this.norms = undefined;
    this.scoresFresh = false;
  }

  /**
   * Accuracy, per-class precision/recall/F1, macro-F1, confusion matrix, ROC-AUC (two classes)
   * and calibration error on labelled examples.
   * @example model.evaluate([{ text: "great", label: "positive" }]).accuracy
   */
  evaluate(examples: readonly { text: string; label: string }[]): EvaluationReport {
    const index = new Map(this.labels.map((l, i) => [l, i]));
    const truth = examples.map((e, i) => {
      const c = index.get(e.label);
      if (c === undefined) throw new RangeError(`example ${i + 1}: label "${e.label}" is not one the model knows (${this.labels.join(', ')})`);
      return c;
    });
    return evaluateProbabilities(truth, this.textProbabilities(examples.map((e) => e.text)), this.labels);
  }

  /** Lets go of the model's WebAssembly memory (reclaimed once nothing else references the model); the model cannot be used afterwards. */
  dispose(): void {
    this.rt = undefined;
  }
}

/** In-place softmax of each row of logits/T. */
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

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

function rowNorms(table: Float32Array, rows: number, D: number): Float32Array {
  const norms = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += table[r * D + d] ** 2;
    norms[r] = Math.sqrt(s);
  }
  return norms;
}
