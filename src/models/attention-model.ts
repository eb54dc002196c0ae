// The attention model: a text's words in order → token + learned position embeddings → a stack
// of Transformer encoder layers (src/nn/transformer.ts) → masked mean pooling (or the first
// position) → a linear layer to the class logits. It reads ordered token ids
// (Featurizer.orderedIds: PAD 0, UNK 1, word w as w + 2), at most maxLen per text: a longer text
// is truncated to its first maxLen tokens, in training and prediction alike.
//
// A batch's texts are packed back to back, without padding (see assembly/attention.ts). The token
// table's rows are kept as the bag's are (src/nn/sparse-rows.ts): backward adds into a gradient
// row per distinct token of the batch, and the optimiser (src/fit/optimizer.ts) updates only
// those rows (lazy Adam, as torch.optim.SparseAdam, or SGD), so a vocabulary of 15,000 words
// costs a step only the rows it used. Every other parameter lives in one block, as in llm.c
// ("attention.parameters", its gradients in "attention.gradients"), so zeroing gradients is one
// fill, clipping one sum of squares (with the table's rows) and the optimiser (AdamW, or SGD) one
// flat loop; activations are laid out once for the largest batch, and backward is forward read
// in reverse. Tensors are named as a PyTorch module of the same structure would name them in its
// state_dict: embedding.weight, position.weight, encoder.layers.{l}.self_attn.in_proj_weight, …,
// head.weight, head.bias (their shapes, and the checks of a shape, are in attention-config.ts).
//
// With bigram buckets B > 0, each position t also adds the row of its hashed word bigram
// (word t−1, word t; see bigramRow) to its embedding: x = token + position + bigram. The bigram
// rows sit after the token rows in the one table ([V + B, C]; in the file, embedding.weight and
// bigram.weight), so they are kept, merged between threads and updated lazily as the token rows
// are: a step touches only the bigram rows its batch used. The bigram is worked out here, from the
// ordered ids the model is given, so training, prediction and explanations cannot disagree on it.
//
// A model file records the architecture's sizes in `hidden` (the file's config has no other
// place for them), the feed-forward width first: [ff, layers, heads, maxLen, norm (1: after each
// block, PyTorch's default; 2: before), pooling (1: masked mean; 2: first token)], then the bigram
// buckets when there are any; see encoderHidden. A shorter list (a model built from code with
// `hidden: [ff]`) takes ENCODER_DEFAULTS for the rest; a file must give six sizes, or seven.

import { ParameterBlock } from '../nn/parameters.js';
import { Random } from '../nn/random.js';
import { SparseRows } from '../nn/sparse-rows.js';
import { EncoderLayer } from '../nn/transformer.js';
import type { Runtime } from '../runtime/runtime.js';
import { ORDERED_ID_OFFSET, PAD_ID, UNK_ID, type FeatureSpan } from '../text/features.js';
import { bigramModulus, type BigramModulus } from '../text/ngrams.js';
import {
  bigramRow,
  checkEncoder,
  encoderConfig,
  encoderExtraFloats,
  encoderScoreBound,
  predictSequences,
  tensorSpecs,
  type EncoderConfig,
} from './attention-config.js';
import {
  scoreOf,
  type ModelExplanation,
  type ModelLayout,
  type ModelShape,
  type NamedTensor,
  type ParameterGroups,
  type TextModel,
  type TextModelClass,
} from './text-model.js';

export {
  ENCODER_DEFAULTS,
  MAX_BIGRAM_BUCKETS,
  bigramRow,
  encoderConfig,
  encoderHidden,
  type EncoderConfig,
} from './attention-config.js';

export class AttentionModel implements TextModel {
  static readonly arch = 'attention';
  static readonly averagesMembers = false;
  static readonly linearHead = false;
  static readonly sequenceInput = true;
  /** A step's encoder passes outweigh its update by far: data-parallel threads pay. */
  static readonly parallelSteps = true;
  /** W5's settings: AdamW at 1e-3, batches of 32, no word dropout (the encoder has its own dropout). */
  static readonly defaults = {
    optimizer: 'adam',
    lr: { sgd: 0.05, adam: 1e-3 },
    batch: 32,
    featureDropout: 0,
  } as const;
  readonly arch = AttentionModel.arch;

  static tensorShapes(shape: ModelShape): { name: string; shape: number[] }[] {
    return tensorSpecs(shape).map((s) => ({ name: s.name, shape: [...s.shape] }));
  }

  /** Checks a shape read from a file (which must give all six sizes, and the bigram buckets if any). */
  static checkShape(shape: ModelShape): string | undefined {
    const h = shape.hidden;
    if (h.length !== 6 && h.length !== 7)
      return `the attention model's sizes ("hidden") are ${JSON.stringify(h)}, not [ff, layers, heads, maxLen, norm, pooling] and perhaps bigram buckets`;
    return checkEncoder(shape);
  }

  /** Activations of a loaded model (prediction batches; backward for one text, for explanations). */
  static readonly extraFloats = encoderExtraFloats;
  static readonly scoreBound = encoderScoreBound;

  static create(rt: Runtime, shape: ModelShape, layout: ModelLayout): AttentionModel {
    return new AttentionModel(rt, shape, layout);
  }

  readonly shape: ModelShape;
  readonly runtime: Runtime;
  readonly maxBatch: number;
  readonly sequenceLength: number;
  readonly config: EncoderConfig;
  /** @internal Every parameter but the token table, and their gradients. */
  readonly parameters: ParameterBlock;
  /** @internal */ readonly layers: EncoderLayer[];
  private readonly training: boolean;
  private readonly dropout: number;
  /** @internal Dropout's masks are drawn from this and the step count, so a run resumed from a checkpoint drops as the uninterrupted one. */
  readonly dropoutSeed: number;
  /** @internal The table [V + buckets, C]: token rows, then bigram rows. */
  readonly table: number;
  /** @internal The rows of the table a batch touched (their gradients, their update). */
  readonly sparseRows: SparseRows;
  /** Bigram buckets' modulus (undefined: no bigrams). */
  private readonly bigrams: BigramModulus | undefined;
  /** Each position's bigram row gathered [N, C], and the offsets 0, 1, …, N that make the bag kernel a gather. */
  private readonly bigramEmbedded: number = 0;
  private readonly unitOffsets: number = 0;
  // The batch: token ids (i32[N]) and where each text starts (i32[B+1]); the embeddings [N, C] and
  // their gradient; the pooled vectors [B, C]; the logits [B, K]; each with its gradient. The
  // masked-word model (masked-words.ts) reads the encoder's part of them.
  /** @internal */ readonly tokens: number;
  /** @internal */ readonly offsets: number;
  /** @internal */ readonly x0: number;
  /** @internal */ readonly dx0: number;
  private readonly pooled: number;
  private readonly dpooled: number;
  private readonly logitsPtr: number;
  readonly logitsGradPtr: number;
  /** The loaded batch: texts, positions. */
  private B = 0;
  /** @internal Positions loaded. */ N = 0;
  /** logits()'s reusable buffers. */
  private readonly idBuffer: number[] = [];
  private readonly offsetBuffer: Int32Array;

  private constructor(rt: Runtime, shape: ModelShape, layout: ModelLayout) {
    const problem =
      shape.hidden.length > 7
        ? `the attention model takes at most seven sizes ("hidden"), got ${JSON.stringify(shape.hidden)}`
        : checkEncoder(shape);
    if (problem) throw new RangeError(problem);
    this.runtime = rt;
    this.shape = shape;
    this.config = encoderConfig(shape);
    this.training = layout.training ?? true;
    this.dropout = layout.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout < 1))
      throw new RangeError(`dropout must be in [0, 1), got ${this.dropout}`);
    this.maxBatch = this.training
      ? Math.max(1, layout.maxBatch)
      : Math.min(Math.max(1, layout.maxBatch), predictSequences(this.config.maxLen));
    this.sequenceLength = this.config.maxLen;
    const { maxBatch: Bmax } = this;
    const Tmax = this.config.maxLen;
    const C = shape.dim;
    const K = shape.classes;
    const V = shape.rows + ORDERED_ID_OFFSET;
    const buckets = this.config.bigrams;
    this.bigrams = buckets > 0 ? bigramModulus(buckets) : undefined;
    const [tableSpec, ...rest] = tensorSpecs(shape);
    const bigramSpec = buckets > 0 ? rest.shift() : undefined;
    const specs = rest;
    const rng = new Random(layout.seed);
    this.table = rt.allocF32((V + buckets) * C, 'attention.embedding');
    this.sparseRows = new SparseRows(rt, {
      table: this.table,
      rows: V + buckets,
      dim: C,
      label: 'attention.embedding',
      name: 'embedding',
    });
    const initialise = layout.initialise ?? true;
    if (initialise) tableSpec.init(rt.f32(this.table, V * C), rng);
    if (initialise && bigramSpec) bigramSpec.init(rt.f32(this.table + V * C * 4, buckets * C), rng);
    this.parameters = new ParameterBlock(rt, specs, rng, 'attention');
    // Left uninitialised, the block is zeros; a thread's copy uses the host's block in place and leaves it be.
    if (!initialise && !rt.isShared('attention.parameters'))
      rt.kernels.fill_f32(this.parameters.ptr, this.parameters.size, 0);
    const gradBatch = this.training ? Bmax : 1;
    const params = this.parameters.params;
    this.layers = Array.from(
      { length: this.config.layers },
      (_, l) =>
        new EncoderLayer(
          rt,
          { dim: C, heads: this.config.heads, ff: this.config.ff, normFirst: this.config.normFirst },
          params.slice(1 + 12 * l, 13 + 12 * l),
          { batch: Bmax, length: Tmax, gradBatch, dropout: this.training && this.dropout > 0 },
          `encoder.layers.${l}`,
        ),
    );
    const rows = Bmax * Tmax;
    const gradRows = gradBatch * Tmax;
    // A position uses one table row, or two with bigrams (its token's, its bigram's).
    const rowsPerPosition = buckets > 0 ? 2 : 1;
    this.sparseRows.reserve(rowsPerPosition * gradRows, Math.min(V + buckets, rowsPerPosition * gradRows));
    this.tokens = rt.alloc(rowsPerPosition * rows * 4, undefined, 'attention.tokens');
    if (buckets > 0) {
      this.bigramEmbedded = rt.allocF32(rows * C, 'attention.bigramEmbedded');
      this.unitOffsets = rt.alloc((rows + 1) * 4, undefined, 'attention.unitOffsets');
      rt.i32(this.unitOffsets, rows + 1).set(Array.from({ length: rows + 1 }, (_, i) => i));
    }
    this.offsets = rt.alloc((Bmax + 1) * 4, undefined, 'attention.offsets');
    this.x0 = rt.allocF32(rows * C, 'attention.embedded');
    this.dx0 = rt.allocF32(gradRows * C, 'attention.embedded.grad');
    this.pooled = rt.allocF32(Bmax * C, 'attention.pooled');
    this.dpooled = rt.allocF32(Bmax * C, 'attention.pooled.grad');
    this.logitsPtr = rt.allocF32(Bmax * K, 'attention.logits');
    this.logitsGradPtr = rt.allocF32(Bmax * K, 'attention.logits.grad');
    this.dropoutSeed = (layout.seed ^ 0x6a09e667) >>> 0;
    this.offsetBuffer = new Int32Array(Bmax + 1);
  }

  private param(i: number) {
    return this.parameters.params[i];
  }

  // ---- training -------------------------------------------------------------------------------

  /**
   * Loads ordered ids (Featurizer.orderedIds) of `batch` texts, packed back to back, each cut to
   * maxLen; an empty text reads as one UNK. With bigrams, the N token ids are followed by the N
   * positions' bigram rows. Notes which table rows the batch uses (its slots).
   */
  load(ids: ArrayLike<number>, offsets: Int32Array, batch: number): void {
    if (batch > this.maxBatch)
      throw new RangeError(`a batch of ${batch} texts; the model was laid out for ${this.maxBatch}`);
    const Tmax = this.config.maxLen;
    const V = this.shape.rows + ORDERED_ID_OFFSET;
    const rt = this.runtime;
    const starts = rt.i32(this.offsets, batch + 1);
    let N = 0;
    for (let b = 0; b < batch; b++) N += Math.max(1, Math.min(Tmax, offsets[b + 1] - offsets[b]));
    const tokens = rt.i32(this.tokens, N);
    N = 0;
    for (let b = 0; b < batch; b++) {
      starts[b] = N;
      const from = offsets[b];
      const L = Math.min(Tmax, offsets[b + 1] - from);
      for (let t = 0; t < L; t++) {
        const id = ids[from + t];
        if (!(id >= 0 && id < V))
          throw new RangeError(`token id ${id} of text ${b} is outside the embedding table's ${V} rows`);
        tokens[N++] = id;
      }
      if (L <= 0) tokens[N++] = UNK_ID;
    }
    starts[batch] = N;
    this.B = batch;
    this.N = N;
    const used = this.bigrams ? 2 * N : N;
    if (this.bigrams) this.loadBigrams(rt.i32(this.tokens, used), batch, N);
    // The batch's distinct rows and each position's slot among them; a prediction batch has no backward.
    if (used > this.sparseRows.capacity) this.sparseRows.forget();
    else this.sparseRows.assign(rt.i32(this.tokens, used), used);
  }

  /** Writes each position's bigram row (bigramRow) after the N token ids; a text's first word follows padding. */
  private loadBigrams(ids: Int32Array, batch: number, N: number): void {
    const starts = this.runtime.i32(this.offsets, batch + 1);
    const V = this.shape.rows + ORDERED_ID_OFFSET;
    for (let b = 0; b < batch; b++)
      for (let r = starts[b]; r < starts[b + 1]; r++)
        ids[N + r] = bigramRow(r > starts[b] ? ids[r - 1] : PAD_ID, ids[r], this.bigrams!, V);
  }

  forward(batch: number, step = 0): number {
    return this.run(batch, this.training ? this.dropout : 0, step);
  }

  // logits[B,K] = head(pool(layers(embed(tokens))))
  private run(batch: number, dropout: number, step = 0): number {
    if (batch !== this.B) throw new RangeError(`forward of ${batch} texts; ${this.B} were loaded`);
    const rt = this.runtime;
    const k = rt.kernels;
    const { N } = this;
    const C = this.shape.dim;
    const K = this.shape.classes;
    k.encoder_embed_forward(this.x0, this.tokens, this.offsets, this.table, this.param(0).ptr, batch, C);
    if (this.bigrams) {
      // x0 += table[bigram row of each position]: the bag kernel over bags of one row is a gather.
      k.embedding_bag_forward(this.bigramEmbedded, this.table, this.tokens + N * 4, this.unitOffsets, N, C);
      k.add_f32(this.x0, this.bigramEmbedded, N * C);
    }
    let x = this.x0;
    this.layers.forEach((layer, l) => {
      // Each layer's three dropouts use seeds seed, seed + 1, seed + 2 (see EncoderLayer.forward).
      const seed = (this.dropoutSeed ^ Math.imul(step + 1, 0x9e3779b1) ^ Math.imul(l + 1, 0x85ebca6b)) >>> 0;
      x = layer.forward(x, this.offsets, batch, N, dropout, seed);
    });
    if (this.config.pooling === 'first') k.first_pool_forward(this.pooled, x, this.offsets, batch, C);
    else k.mean_pool_forward(this.pooled, x, this.offsets, batch, C);
    const n = this.parameters.params.length;
    k.matmul_nt(this.logitsPtr, this.pooled, this.param(n - 2).ptr, batch, C, K, 0, rt.matmulScratch);
    k.bias_forward(this.logitsPtr, this.param(n - 1).ptr, batch, K);
    return this.logitsPtr;
  }

  /** Zeroes the parameter gradients, the batch's table-row gradients and its activation gradients. */
  zeroGrad(): void {
    const k = this.runtime.kernels;
    const C = this.shape.dim;
    this.parameters.zeroGrad();
    for (const layer of this.layers) layer.zeroGrad(this.N);
    k.fill_f32(this.dx0, this.N * C, 0);
    this.sparseRows.zeroGradients();
    k.fill_f32(this.dpooled, this.maxBatch * C, 0);
    k.fill_f32(this.logitsGradPtr, this.maxBatch * this.shape.classes, 0);
  }

  // The forward pass in reverse: head, pooling, layers last to first, embeddings.
  backward(batch: number): void {
    const rt = this.runtime;
    const k = rt.kernels;
    const C = this.shape.dim;
    const K = this.shape.classes;
    const n = this.parameters.params.length;
    const head = this.param(n - 2);
    const dx = this.layers.length ? this.layers[this.layers.length - 1].outGrad : this.dx0;
    k.matmul_tn(head.gradPtr, this.logitsGradPtr, this.pooled, K, batch, C, 1, rt.matmulScratch);
    k.bias_backward(this.param(n - 1).gradPtr, this.logitsGradPtr, batch, K);
    k.matmul_nn(this.dpooled, this.logitsGradPtr, head.ptr, batch, K, C, 1, rt.matmulScratch);
    if (this.config.pooling === 'first') k.first_pool_backward(dx, this.dpooled, this.offsets, batch, C);
    else k.mean_pool_backward(dx, this.dpooled, this.offsets, batch, C);
    for (let l = this.layers.length - 1; l >= 0; l--)
      this.layers[l].backward(l > 0 ? this.layers[l - 1].outGrad : this.dx0);
    const rows = this.sparseRows;
    k.encoder_embed_backward(rows.gradientsPtr, this.param(0).gradPtr, this.dx0, rows.slotsPtr, this.offsets, batch, C);
    // Each position's gradient also goes to its bigram row, whose slots follow the tokens'.
    if (this.bigrams) k.add_rows(rows.gradientsPtr, this.dx0, rows.slotsPtr + this.N * 4, this.N, C);
  }

  /** The parameter block, and the table's rows (tokens' and bigrams'). */
  parameterGroups(): ParameterGroups {
    return { dense: [this.parameters], sparse: [this.sparseRows] };
  }

  // ---- weights --------------------------------------------------------------------------------

  tensors(): NamedTensor[] {
    const block = this.parameters;
    const C = this.shape.dim;
    const V = this.shape.rows + ORDERED_ID_OFFSET;
    const buckets = this.config.bigrams;
    const bigrams: NamedTensor[] = buckets
      ? [
          {
            name: 'bigram.weight',
            shape: [buckets, C],
            values: () => this.runtime.f32(this.table + V * C * 4, buckets * C),
          },
        ]
      : [];
    return [
      { name: 'embedding.weight', shape: [V, C], values: () => this.runtime.f32(this.table, V * C) },
      ...bigrams,
      ...block.params.map((p) => ({ name: p.name, shape: [...p.shape], values: () => block.values(p) })),
    ];
  }

  /** Word w's vector is row w + 2 of the token table (rows 0 and 1 are PAD and UNK). */
  rowVectors(): Float32Array {
    const C = this.shape.dim;
    return this.runtime.f32(this.table + ORDERED_ID_OFFSET * C * 4, this.shape.rows * C);
  }

  weightsChanged(): void {}

  // ---- prediction -----------------------------------------------------------------------------

  logits(n: number, appendRows: (i: number, out: number[]) => void): Float32Array {
    const K = this.shape.classes;
    const out = new Float32Array(n * K);
    const ids = this.idBuffer;
    const offsets = this.offsetBuffer;
    for (let start = 0; start < n; start += this.maxBatch) {
      const batch = Math.min(this.maxBatch, n - start);
      ids.length = 0;
      for (let b = 0; b < batch; b++) {
        offsets[b] = ids.length;
        appendRows(start + b, ids);
      }
      offsets[batch] = ids.length;
      this.load(ids, offsets, batch);
      out.set(this.runtime.f32(this.run(batch, 0), batch * K), start * K);
    }
    return out;
  }

  /**
   * Gradient × input: token i's contribution is the score's gradient with respect to its token
   * embedding, dotted with that embedding (Σ_c e[i,c]·∂score/∂x[i,c]), plus the same of its
   * bigram's row (the bigram ending at word i is word i's); the bias is what the tokens leave
   * unexplained (the score minus their sum). Tokens past maxLen contribute nothing.
   */
  explain(
    tokenCount: number,
    _spans: readonly FeatureSpan[],
    _unique: boolean,
    target: number,
    ids?: readonly number[],
  ): ModelExplanation {
    if (!ids) throw new Error('the attention model explains a text from its ordered ids');
    const rt = this.runtime;
    const C = this.shape.dim;
    const K = this.shape.classes;
    this.load(ids, Int32Array.of(0, ids.length), 1);
    const logits = rt.f32(this.run(1, 0), K).slice();
    const score = scoreOf(logits, 0, K, target);
    this.zeroGrad();
    const dlogits = rt.f32(this.logitsGradPtr, K);
    if (K === 2) dlogits.set([-1, 1]);
    else for (let c = 0; c < K; c++) dlogits[c] = (c === target ? 1 : 0) - 1 / K;
    this.backward(1);
    const contributions = new Float64Array(tokenCount);
    const table = rt.f32(this.table, (this.shape.rows + ORDERED_ID_OFFSET + this.config.bigrams) * C);
    const grad = rt.f32(this.dx0, this.N * C);
    const N = this.N;
    const tokens = rt.i32(this.tokens, this.bigrams ? 2 * N : N);
    let sum = 0;
    for (let i = 0; i < Math.min(tokenCount, ids.length); i++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += table[tokens[i] * C + c] * grad[i * C + c];
      if (this.bigrams) for (let c = 0; c < C; c++) s += table[tokens[N + i] * C + c] * grad[i * C + c];
      contributions[i] = s;
      sum += s;
    }
    this.zeroGrad();
    return { score, bias: score - sum, contributions, method: 'gradient×input' };
  }

  /** Each layer's and head's attention weights over one text: [layer][head], each [T × T] row-major (row = query). */
  attentionWeights(ids: readonly number[]): Float32Array[][] {
    this.load(ids, Int32Array.of(0, ids.length), 1);
    this.run(1, 0);
    const T = this.N;
    const NH = this.config.heads;
    return this.layers.map((layer) =>
      Array.from({ length: NH }, (_, h) => this.runtime.f32(layer.att + h * T * T * 4, T * T).slice()),
    );
  }
}

AttentionModel satisfies TextModelClass;
