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

/**
 * One token of an explained text, as the user wrote it. Negation marking reads "not worth the
 * money" as `not`, then `worth`, `the`, `money` each in the scope of "not" (to the next
 * punctuation), and the model gives a word in such a scope a vector of its own. Such a token
 * comes as `{ token: 'worth', negated: true }`; the CLI prints it as `worth (after "not")`, and
 * where a word stands alone (nearest, wordVector, similarity, `export-vectors --include-negated`)
 * it is spelled `not:worth` (see NEGATED_WORD_PREFIX).
 */
export interface TokenContribution {
  /** The token as the tokeniser cut it from the text (lowercased by default), without any negation mark. */
  token: string;
  /** True when the token is in the scope of a negation word ("not", "n't", "never", "不", …) before it. */
  negated: boolean;
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
   *
   * A file whose checksum is right may still not hold a model this class can run (written by
   * hand, by another program, or by a bug), and what is wrong with it would otherwise surface
   * later as a crash or a silently wrong prediction. So everything is checked, in this order,
   * before any memory is laid out: the config (kind, architecture, dims, hidden widths, labels,
   * temperature, row count), the sections (present, of their type), the vocabulary, the
   * featurizer's settings and row buckets, that the tensor sizes agree with all of these, that
   * the model fits in WebAssembly memory, and that every weight is a finite number. Anything
   * wrong is a ModelFileError naming `source`; a model is returned only whole.
   * @example const model = await TextClassifier.fromBytes(bytes, "model.bin");
   */
  static async fromBytes(bytes: Uint8Array | ArrayBuffer, source = 'model', runtime?: RuntimeOptions): Promise<TextClassifier> {
    const { config, sections } = decodeModelFile(bytes, source);
    const problem = (what: string, hint = 'save the model again with this version of sentiwasm'): never => {
      throw new ModelFileError(source, what, hint, 'invalid-contents');
    };
    if (config.kind !== MODEL_KIND) problem(`holds ${config.kind === undefined ? 'a model of no kind' : `a ${describeValue(config.kind)}`}, not a ${MODEL_KIND}`);
    const c = config as Record<string, unknown>;
    const { arch, dim, hidden, labels, rows } = c;
    if (arch !== 'bag' && arch !== 'mlp') problem(`unknown architecture ${describeValue(arch)}`);
    if (!isCount(dim) || dim < 1) problem(`the embedding width (dim) is ${describeValue(dim)}, not a positive integer`);
    if (!Array.isArray(hidden) || !hidden.every((h) => isCount(h) && h >= 1)) problem(`the hidden layer widths are ${describeValue(hidden)}, not a list of positive integers`);
    if (arch === 'bag' && (hidden as number[]).length > 0) problem(`a bag model has no hidden layers, but this one lists ${(hidden as number[]).length}`);
    if (!Array.isArray(labels) || labels.length < 2 || !labels.every((l) => typeof l === 'string')) problem(`the labels are ${describeValue(labels)}, not a list of two or more strings`);
    const labelList = labels as string[];
    const distinct = new Set(labelList);
    if (distinct.size !== labelList.length) problem(`the label ${JSON.stringify(labelList.find((l) => !distinct.delete(l)))} appears twice`);
    // Files from before calibration have no temperature: they were uncalibrated.
    const temperature = (c.temperature === undefined ? 1 : c.temperature) as number;
    if (typeof temperature !== 'number' || !(temperature > 0) || !Number.isFinite(temperature)) problem(`the temperature is ${describeValue(c.temperature)}, not a positive number`);
    if (!isCount(rows)) problem(`the row count is ${describeValue(rows)}, not an integer ≥ 0`);

    const expect = <T extends Float32Array | Int32Array | Uint8Array>(name: string, type: { name: string; prototype: T }): T => {
      const section = sections[name];
      if (section === undefined) problem(`section "${name}" is missing`);
      if (Object.getPrototypeOf(section) !== type.prototype) problem(`section "${name}" holds ${section.constructor.name} values, not ${type.name}`);
      return section as T;
    };
    const vocabBytes = expect('vocabulary', Uint8Array);
    const rowBuckets = expect('rowBuckets', Int32Array);
    const table = expect('embedding', Float32Array);
    const head = expect('head', Float32Array);

    let vocabulary: Vocabulary;
    try {
      vocabulary = Vocabulary.deserialize(vocabBytes);
    } catch (error) {
      return problem(`the vocabulary is damaged (${(error as Error).message})`);
    }
    let featurizer: Featurizer;
    try {
      featurizer = Featurizer.restore(c.features as ResolvedFeatureOptions, vocabulary, rowBuckets);
    } catch (error) {
      if (!(error instanceof RangeError || error instanceof TypeError)) throw error;
      return problem(`the featurizer settings are invalid: ${error.message}`);
    }
    const D = dim as number;
    const C = labelList.length;
    const rowCount = featurizer.rowCount;
    if (rowCount !== rows) problem(`the config says ${rows} embedding rows, the vocabulary (${vocabulary.size} words) and row buckets (${rowBuckets.length}) make ${rowCount}`);
    const tableRows = Math.max(1, rowCount);
    if (table.length !== tableRows * D) problem(`the embedding table has ${table.length} values, ${tableRows} rows of ${D} need ${tableRows * D}`);
    // The head's layers: dim → hidden… → classes, each a weight matrix and a bias.
    const widths = [D, ...(hidden as number[]), C];
    let headSize = 0;
    for (let i = 1; i < widths.length; i++) headSize += widths[i - 1] * widths[i] + widths[i];
    if (head.length !== headSize) problem(`the head has ${head.length} weights, the architecture (${widths.join(' → ')}) needs ${headSize}`);
    // The plan's largest blocks: the table, the bag's per-row class scores, the head and its
    // gradients, prediction's per-id scratch. Checked before any of it is allocated, so that a
    // file asking for more than WebAssembly can address is refused instead of half built.
    const floats = tableRows * D + (arch === 'bag' ? tableRows * C : 0) + 2 * headSize + PREDICT_BATCH * 64 * D;
    if (4 * floats > MAX_WASM_BYTES) problem(`the model needs at least ${(4 * floats / 2 ** 30).toFixed(1)} GiB of memory, more than the 4 GiB WebAssembly can address`);
    for (const [name, weights] of [['embedding', table], ['head', head]] as const) {
      const at = firstNonFinite(weights);
      if (at >= 0) {
        problem(`the model's weights hold NaN or infinite values (section "${name}", index ${at}); it was saved from a run that diverged: train it again with a lower learning rate`, '');
      }
    }

    const rt = await Runtime.create(runtime);
    const model = new TextClassifier(rt, { arch: arch as Architecture, dim: D, hidden: hidden as number[], labels: labelList, features: featurizer.options, temperature },
      featurizer, { maxBatch: PREDICT_BATCH, maxIds: PREDICT_BATCH * 64, optimizer: 'sgd', seed: 0, initialise: false });
    const params = model.head.parameters;
    if (head.length !== params.size) problem(`the head has ${head.length} weights, the architecture needs ${params.size}`);
    model.embedding.values().set(table);
    rt.f32(params.ptr, params.size).set(head);
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
            this.embedding.reserve(maxBatch, rows.length, { training: false });
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
   * uniqueFeatures a feature met several times among its occurrences. Tokens come as the user
   * wrote them, a word in a negation's scope marked `negated` (see TokenContribution).
   * @example model.explain("not good at all").tokens // [{ token: 'not', negated: false, … }, { token: 'good', negated: true, … }, …]
   */
  explain(text: string): Explanation {
    const tokens = this.featurizer.tokenize(text);
    const spans = this.featurizer.spans(tokens);
    const [prediction] = this.predictBatch([text]);
    const contributions = new Float64Array(tokens.length);
    const target = this.labels.length === 2 ? 1 : this.labels.indexOf(prediction.label);
    const base = { label: prediction.label, target: this.labels[target] };
    const tokenList = (): TokenContribution[] => tokens.map((t, i) => ({ ...userWord(t), contribution: contributions[i] }));
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
   * The learned vector of a word, or undefined for a word the model does not know. A word in a
   * negation's scope has a vector of its own, asked for as "not:word" (NEGATED_WORD_PREFIX).
   * @example model.wordVector("love")?.length // 64
   * @example model.wordVector("not:worth") // the vector of "worth" after a negation
   */
  wordVector(word: string): Float32Array | undefined {
    const id = this.wordId(word);
    if (id < 0) return undefined;
    const D = this.config.dim;
    return this.embedding.values().slice(id * D, (id + 1) * D);
  }

  /**
   * The vocabulary id of a word as a user spells it ("worth", "Worth", "not:worth"), or -1. The
   * model's own spelling of a negated word ("NOT_worth") is not accepted: it is internal.
   */
  private wordId(word: string): number {
    if (!this.rt) throw new Error('this model has been disposed');
    const vocab = this.featurizer.vocabulary;
    const negated = word.startsWith(NEGATED_WORD_PREFIX);
    const plain = negated ? word.slice(NEGATED_WORD_PREFIX.length) : word;
    const mark = negated ? NEGATION_MARK : '';
    // The word as the vocabulary has it (what words() lists), else as the tokeniser cuts it: "Love" → "love".
    if (isNegationMarked(plain)) return -1;
    const direct = vocab.id(mark + plain);
    if (direct >= 0) return direct;
    const tokens = this.featurizer.tokenize(plain);
    return tokens.length === 1 && !isNegationMarked(tokens[0]) ? vocab.id(mark + tokens[0]) : -1;
  }

  /**
   * Cosine similarity of two words' vectors (words spelled as for wordVector).
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
   * The k words whose vectors are closest to the word's by cosine similarity. Only words are
   * ranked: the vectors of negated words ("not:worth") are the model's own features, which a
   * user did not write and would read as noise, so they are left out.
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
      const token = vocab.token(r);
      if (isNegationMarked(token)) continue;
      let dot = 0;
      for (let d = 0; d < D; d++) dot += table[id * D + d] * table[r * D + d];
      scores.push({ word: token, similarity: dot / (norms[id] * norms[r]) });
    }
    scores.sort((x, y) => y.similarity - x.similarity);
    return scores.slice(0, k);
  }

  /**
   * The words the model has vectors for, most frequent first; with `includeNegated`, also the
   * negated words, spelled "not:word" (each accepted by wordVector).
   * @example model.words().slice(0, 3) // [',', '.', 'the']
   */
  words(options: { includeNegated?: boolean } = {}): string[] {
    if (!this.rt) throw new Error('this model has been disposed');
    const words: string[] = [];
    for (const token of this.featurizer.vocabulary.toArray()) {
      if (!isNegationMarked(token)) words.push(token);
      else if (options.includeNegated) words.push(NEGATED_WORD_PREFIX + token.slice(NEGATION_MARK.length));
    }
    return words;
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

/**
 * The mark negation marking (markNegation in src/text/tokenize.ts) puts on a token in a
 * negation's scope: "not worth it" → not NOT_worth NOT_it. Only marking makes a token that starts
 * with it, since the tokeniser cuts words at "_"; so the test below is exact.
 */
const NEGATION_MARK = 'NOT_';

/**
 * How a negated word is spelled where it stands alone, without the sentence that negated it:
 * "not:worth" is "worth" in the scope of a negation. nearest(), wordVector() and similarity()
 * accept it and `export-vectors --include-negated` writes it. The tokeniser cuts text at ":", so
 * no token of a user's text is spelled this way.
 */
export const NEGATED_WORD_PREFIX = 'not:';

function isNegationMarked(token: string): boolean {
  return token.startsWith(NEGATION_MARK);
}

/** A token as the user wrote it: "NOT_worth" → { token: "worth", negated: true }. */
function userWord(token: string): { token: string; negated: boolean } {
  return isNegationMarked(token) ? { token: token.slice(NEGATION_MARK.length), negated: true } : { token, negated: false };
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

/** WebAssembly's 32-bit address space: the most memory a runtime can have. */
const MAX_WASM_BYTES = 2 ** 32;

/** A JSON number that counts something: a safe integer ≥ 0. */
function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A config value in a message: its JSON, cut short (a damaged file may hold megabytes there). */
function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value); // 1e999 in the JSON reads as Infinity
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch {
    json = Array.isArray(value) ? '[…]' : '{…}'; // nested too deep to write out
  }
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/** The index of the first NaN or ±Infinity, or -1. */
function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // v - v is 0 for every finite v, NaN for NaN and ±Infinity.
    if (v - v !== 0) return i;
  }
  return -1;
}
