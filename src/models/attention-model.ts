// The attention model: a text's words in order → token + learned position embeddings → a stack
// of Transformer encoder layers (src/nn/transformer.ts) → masked mean pooling (or the first
// position) → a linear layer to the class logits. It reads ordered token ids
// (Featurizer.orderedIds: PAD 0, UNK 1, word w as w + 2), at most maxLen per text: a longer text
// is truncated to its first maxLen tokens, in training and prediction alike.
//
// A batch's texts are packed back to back, without padding (see assembly/attention.ts). The token
// table is updated as the bag's is: backward adds into a gradient row per distinct token of the
// batch, and the step updates only those rows (lazy Adam, as torch.optim.SparseAdam, or SGD), so
// a vocabulary of 15,000 words costs a step only the rows it used. Every other parameter lives in
// one block, as in llm.c ("attention.parameters", its gradients in "attention.gradients"), so
// zeroing gradients is one fill, clipping one sum of squares (with the table's rows) and the
// optimiser (AdamW, or SGD) one flat loop; activations are laid out once for the largest batch,
// and backward is forward read in reverse. Tensors are named as a PyTorch module of the same
// structure would name them in its state_dict: embedding.weight, position.weight,
// encoder.layers.{l}.self_attn.in_proj_weight, …, head.weight, head.bias.
//
// A model file records the architecture's sizes in `hidden` (the file's config has no other
// place for them), the feed-forward width first: [ff, layers, heads, maxLen, norm (1: after each
// block, PyTorch's default; 2: before), pooling (1: masked mean; 2: first token)]; see
// encoderHidden. A shorter list (a model built from code with `hidden: [ff]`) takes
// ENCODER_DEFAULTS for the rest; a file must give all six.

import { AdamW, SGD, type Optimizer } from '../nn/optimizers.js';
import { ParameterBlock, type ParameterSpec } from '../nn/parameters.js';
import { Random } from '../nn/random.js';
import { EncoderLayer, encoderLayerParameters } from '../nn/transformer.js';
import type { Runtime } from '../runtime/runtime.js';
import { ORDERED_ID_OFFSET, UNK_ID, type FeatureSpan } from '../text/features.js';
import {
  scoreOf,
  type GradientBlocks,
  type ModelExplanation,
  type ModelLayout,
  type ModelShape,
  type NamedTensor,
  type OptimizerSnapshot,
  type TextModel,
  type TextModelClass,
} from './text-model.js';

/** The encoder's sizes and choices (what `hidden` records in a model file). */
export interface EncoderConfig {
  layers: number;
  heads: number;
  /** Feed-forward width. */
  ff: number;
  /** Longest text in tokens; longer ones are truncated. */
  maxLen: number;
  /** Layer normalisation before each block (true) or after each residual sum (false). */
  normFirst: boolean;
  pooling: 'mean' | 'first';
}

/** The encoder `sentiwasm train FILE --arch attention` builds (W5's): one layer, 4 heads, feed-forward 128, texts of up to 64 tokens. */
export const ENCODER_DEFAULTS: EncoderConfig = {
  layers: 1,
  heads: 4,
  ff: 128,
  maxLen: 64,
  normFirst: false,
  pooling: 'mean',
};

/**
 * An EncoderConfig as a model file's `hidden` list.
 * @example
 * ```ts
 * encoderHidden({ layers: 1, heads: 4, ff: 128, maxLen: 64, normFirst: false, pooling: 'mean' }) // [128, 1, 4, 64, 1, 1]
 * ```
 */
export function encoderHidden(c: EncoderConfig): number[] {
  return [c.ff, c.layers, c.heads, c.maxLen, c.normFirst ? 2 : 1, c.pooling === 'first' ? 2 : 1];
}

/** The EncoderConfig a shape's `hidden` records (see encoderHidden); entries it lacks are ENCODER_DEFAULTS'. */
export function encoderConfig(shape: ModelShape): EncoderConfig {
  const d = encoderHidden(ENCODER_DEFAULTS);
  const [ff, layers, heads, maxLen, norm, pooling] = d.map((v, i) => shape.hidden[i] ?? v);
  return { layers, heads, ff, maxLen, normFirst: norm === 2, pooling: pooling === 2 ? 'first' : 'mean' };
}

/** Texts per prediction batch (a loaded model lays its activations out for this many) at max length 64 or less. */
const PREDICT_SEQUENCES = 64;

/**
 * Texts per prediction batch of a loaded model: PREDICT_SEQUENCES, fewer for a longer max length,
 * so that the attention weights (texts × heads × maxLen² floats per layer) stay as large as at 64.
 */
function predictSequences(maxLen: number): number {
  return Math.max(1, Math.min(PREDICT_SEQUENCES, Math.floor((PREDICT_SEQUENCES * 64 * 64) / (maxLen * maxLen))));
}

/** Draws N(0, 1) values (Box–Muller), as nn.Embedding initialises its rows. */
function normal(values: Float32Array, rng: Random): void {
  for (let i = 0; i < values.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
    const a = 2 * Math.PI * rng.next();
    values[i] = r * Math.cos(a);
    if (i + 1 < values.length) values[i + 1] = r * Math.sin(a);
  }
}

function tensorSpecs(shape: ModelShape): ParameterSpec[] {
  const c = encoderConfig(shape);
  const C = shape.dim;
  const layer = { dim: C, heads: c.heads, ff: c.ff, normFirst: c.normFirst };
  const bound = 1 / Math.sqrt(C);
  const uniform = (values: Float32Array, rng: Random) => {
    for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-bound, bound);
  };
  return [
    { name: 'embedding.weight', shape: [shape.rows + ORDERED_ID_OFFSET, C], init: normal },
    { name: 'position.weight', shape: [c.maxLen, C], init: normal },
    ...Array.from({ length: c.layers }, (_, l) => encoderLayerParameters(layer, `encoder.layers.${l}.`)).flat(),
    { name: 'head.weight', shape: [shape.classes, C], init: uniform },
    { name: 'head.bias', shape: [shape.classes], init: uniform },
  ];
}

function maxAbs(values: Float32Array | undefined): number {
  let m = 0;
  if (values) for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

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

  /** Checks a shape read from a file (which must give all six sizes). */
  static checkShape(shape: ModelShape): string | undefined {
    const h = shape.hidden;
    if (h.length !== 6)
      return `the attention model's sizes ("hidden") are ${JSON.stringify(h)}, not [ff, layers, heads, maxLen, norm, pooling]`;
    return AttentionModel.checkConfig(shape);
  }

  private static checkConfig(shape: ModelShape): string | undefined {
    const c = encoderConfig(shape);
    const [norm = 1, pooling = 1] = shape.hidden.slice(4);
    if (shape.dim % c.heads !== 0) return `dim (${shape.dim}) does not split evenly among ${c.heads} heads`;
    if (!(norm === 1 || norm === 2) || !(pooling === 1 || pooling === 2))
      return `the attention model's norm (${norm}) and pooling (${pooling}) must each be 1 or 2`;
    if (c.maxLen > 65536 || c.layers > 64)
      return `the attention model's sizes (${c.layers} layers, max length ${c.maxLen}) are beyond what sentiwasm builds`;
    return undefined;
  }

  /** Activations of a loaded model (prediction batches; backward for one text, for explanations). */
  static extraFloats(shape: ModelShape): number {
    const c = encoderConfig(shape);
    const texts = predictSequences(c.maxLen);
    const rows = texts * c.maxLen;
    return (
      c.layers * (rows * (16 * shape.dim + 4 * c.ff) + texts * c.heads * c.maxLen * c.maxLen) + 2 * rows * shape.dim
    );
  }

  /**
   * A bound on any logit from the weights, layer by layer: a layer norm's output is at most
   * √C·max|γ| + max|β| per value, a linear layer multiplies a bound by in·max|W| and adds max|b|,
   * attention averages values, ReLU only shrinks.
   */
  static scoreBound(shape: ModelShape, t: Record<string, Float32Array>): number {
    const c = encoderConfig(shape);
    const C = shape.dim;
    const lin = (x: number, w: string, b: string, inF: number) => inF * maxAbs(t[w]) * x + maxAbs(t[b]);
    let x = maxAbs(t['embedding.weight']) + maxAbs(t['position.weight']);
    for (let l = 0; l < c.layers; l++) {
      const p = `encoder.layers.${l}.`;
      const norm = (i: number) => Math.sqrt(C) * maxAbs(t[`${p}norm${i}.weight`]) + maxAbs(t[`${p}norm${i}.bias`]);
      const sa = (h: number) =>
        lin(
          lin(h, `${p}self_attn.in_proj_weight`, `${p}self_attn.in_proj_bias`, C),
          `${p}self_attn.out_proj.weight`,
          `${p}self_attn.out_proj.bias`,
          C,
        );
      const ff = (h: number) =>
        lin(lin(h, `${p}linear1.weight`, `${p}linear1.bias`, C), `${p}linear2.weight`, `${p}linear2.bias`, c.ff);
      if (c.normFirst) {
        x += sa(norm(1));
        x += ff(norm(2));
      } else {
        x = norm(2); // the layer ends with a layer norm, whatever came before
      }
    }
    return lin(x, 'head.weight', 'head.bias', C);
  }

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
  private readonly clipNorm: number;
  /** Dropout's masks are drawn from this and the step count, so a run resumed from a checkpoint drops as the uninterrupted one. */
  private readonly dropoutSeed: number;
  private optimizer?: Optimizer;
  private readonly optimizerKind: ModelLayout['optimizer'];
  private weightDecay = 0;
  // The token table [V, C]; its Adam moments (laid out with the optimiser); the gradient of each
  // distinct row of the batch [U, C], which rows they are (i32[U]) and each position's slot (i32[N]).
  private readonly table: number;
  private tableM = 0;
  private tableV = 0;
  private tableSteps = 0;
  private readonly rowGrads: number;
  private readonly uniqueRows: number;
  private readonly slots: number;
  /** Where each row of another copy's gradients lands among this batch's rows (addGradients). */
  private readonly mergeTargets: number;
  /** Host-side: the slot of each table row in the loaded batch, −1 for rows it does not use. */
  private readonly slotOfRow: Int32Array;
  // The batch: token ids (i32[N]) and where each text starts (i32[B+1]); the embeddings [N, C] and
  // their gradient; the pooled vectors [B, C]; the logits [B, K]; each with its gradient.
  private readonly tokens: number;
  private readonly offsets: number;
  private readonly x0: number;
  private readonly dx0: number;
  private readonly pooled: number;
  private readonly dpooled: number;
  private readonly logitsPtr: number;
  readonly logitsGradPtr: number;
  /** The loaded batch: texts, positions, distinct tokens. */
  private B = 0;
  private N = 0;
  private U = 0;
  /** logits()'s reusable buffers. */
  private readonly idBuffer: number[] = [];
  private readonly offsetBuffer: Int32Array;

  private constructor(rt: Runtime, shape: ModelShape, layout: ModelLayout) {
    const problem =
      shape.hidden.length > 6
        ? `the attention model takes at most six sizes ("hidden"), got ${JSON.stringify(shape.hidden)}`
        : AttentionModel.checkConfig(shape);
    if (problem) throw new RangeError(problem);
    this.runtime = rt;
    this.shape = shape;
    this.config = encoderConfig(shape);
    this.training = layout.training ?? true;
    this.dropout = layout.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout < 1))
      throw new RangeError(`dropout must be in [0, 1), got ${this.dropout}`);
    this.clipNorm = layout.clipNorm ?? 0;
    this.optimizerKind = layout.optimizer;
    this.maxBatch = this.training
      ? Math.max(1, layout.maxBatch)
      : Math.min(Math.max(1, layout.maxBatch), predictSequences(this.config.maxLen));
    this.sequenceLength = this.config.maxLen;
    const { maxBatch: Bmax } = this;
    const Tmax = this.config.maxLen;
    const C = shape.dim;
    const K = shape.classes;
    const V = shape.rows + ORDERED_ID_OFFSET;
    const [tableSpec, ...specs] = tensorSpecs(shape);
    const rng = new Random(layout.seed);
    this.table = rt.allocF32(V * C, 'attention.embedding');
    const initialise = layout.initialise ?? true;
    if (initialise) tableSpec.init(rt.f32(this.table, V * C), rng);
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
    this.rowGrads = rt.allocF32(Math.min(V, gradRows) * C, 'attention.embedding.rowGrads');
    this.uniqueRows = rt.alloc(gradRows * 4, undefined, 'attention.embedding.rows');
    this.slots = rt.alloc(gradRows * 4, undefined, 'attention.embedding.slots');
    this.mergeTargets = rt.alloc(gradRows * 4, undefined, 'attention.embedding.mergeTargets');
    this.slotOfRow = new Int32Array(V).fill(-1);
    this.tokens = rt.alloc(rows * 4, undefined, 'attention.tokens');
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
   * maxLen; an empty text reads as one UNK. Notes which table rows the batch uses (its slots).
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
    this.U = 0;
    const gradRows = (this.training ? this.maxBatch : 1) * Tmax;
    if (N > gradRows) return; // a prediction batch: no backward
    // The batch's distinct rows, in first-use order, and each position's slot among them.
    const slotOf = this.slotOfRow;
    const slots = rt.i32(this.slots, N);
    const unique = rt.i32(this.uniqueRows, N);
    let U = 0;
    for (let r = 0; r < N; r++) {
      const id = tokens[r];
      let slot = slotOf[id];
      if (slot < 0) {
        slot = slotOf[id] = U;
        unique[U++] = id;
      }
      slots[r] = slot;
    }
    for (let u = 0; u < U; u++) slotOf[unique[u]] = -1;
    this.U = U;
  }

  forward(batch: number): number {
    return this.run(batch, this.training ? this.dropout : 0);
  }

  // logits[B,K] = head(pool(layers(embed(tokens))))
  private run(batch: number, dropout: number): number {
    if (batch !== this.B) throw new RangeError(`forward of ${batch} texts; ${this.B} were loaded`);
    const rt = this.runtime;
    const k = rt.kernels;
    const { N } = this;
    const C = this.shape.dim;
    const K = this.shape.classes;
    k.encoder_embed_forward(this.x0, this.tokens, this.offsets, this.table, this.param(0).ptr, batch, C);
    let x = this.x0;
    this.layers.forEach((layer, l) => {
      // Each layer's three dropouts use seeds seed, seed + 1, seed + 2 (see EncoderLayer.forward).
      const seed = (this.dropoutSeed ^ Math.imul(this.tableSteps + 1, 0x9e3779b1) ^ Math.imul(l + 1, 0x85ebca6b)) >>> 0;
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
    k.fill_f32(this.rowGrads, this.U * C, 0);
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
    k.encoder_embed_backward(this.rowGrads, this.param(0).gradPtr, this.dx0, this.slots, this.offsets, batch, C);
  }

  /** AdamW (decoupled weight decay) with lazy Adam on the table's rows when the layout asked for Adam, else SGD; the learning rate follows the schedule. */
  attachOptimizer({ lr, weightDecay }: { lr: number; weightDecay: number }): void {
    if (this.optimizer) throw new Error('the optimiser is already attached');
    this.weightDecay = weightDecay;
    this.optimizer = this.optimizerKind === 'adam' ? new AdamW({ lr, weightDecay }) : new SGD({ lr, weightDecay });
    this.optimizer.attach(this.parameters);
    if (this.optimizerKind === 'adam') {
      const floats = (this.shape.rows + ORDERED_ID_OFFSET) * this.shape.dim;
      this.tableM = this.runtime.allocF32(floats, 'attention.embedding.adam.m');
      this.tableV = this.runtime.allocF32(floats, 'attention.embedding.adam.v');
    }
  }

  /** Clips the gradients' global norm (when the layout asked: the table's rows included), then one update of every parameter. */
  step(lr: number): void {
    const optimizer = this.optimizer;
    if (!optimizer) throw new Error('attach the optimiser before stepping');
    const k = this.runtime.kernels;
    const C = this.shape.dim;
    const rowFloats = this.U * C;
    if (this.clipNorm > 0) {
      const block = this.parameters;
      const norm = Math.sqrt(
        k.sum_squares_f32(block.gradPtr, block.size) + k.sum_squares_f32(this.rowGrads, rowFloats),
      );
      if (norm > this.clipNorm) {
        const scale = this.clipNorm / (norm + 1e-6);
        k.scale_f32(block.gradPtr, block.size, scale);
        k.scale_f32(this.rowGrads, rowFloats, scale);
      }
    }
    optimizer.lr = lr;
    optimizer.step();
    this.tableSteps++;
    if (this.optimizerKind === 'adam')
      k.adam_rows(
        this.table,
        this.tableM,
        this.tableV,
        this.rowGrads,
        this.uniqueRows,
        this.U,
        C,
        lr,
        0.9,
        0.999,
        1e-8,
        this.tableSteps,
      );
    else k.sgd_rows(this.table, this.rowGrads, this.uniqueRows, this.U, C, lr, this.weightDecay);
  }

  gradientBlocks(): GradientBlocks {
    const block = this.parameters;
    return {
      dense: block.gradPtr,
      denseFloats: block.size,
      rowIds: this.uniqueRows,
      rowGrads: this.rowGrads,
      rowCount: this.U,
    };
  }

  /** Adds another copy's gradients: the parameter block's value by value, the table's rows by id (new ones after this batch's own, in the other's order). */
  addGradients(other: GradientBlocks): void {
    const rt = this.runtime;
    const k = rt.kernels;
    const C = this.shape.dim;
    const block = this.parameters;
    if (other.denseFloats !== block.size)
      throw new RangeError(`gradients of ${other.denseFloats} parameters added to a block of ${block.size}`);
    k.add_f32(block.gradPtr, other.dense, block.size);
    const capacity = Math.min(
      this.shape.rows + ORDERED_ID_OFFSET,
      (this.training ? this.maxBatch : 1) * this.config.maxLen,
    );
    const own = rt.i32(this.uniqueRows, capacity);
    const ids = rt.i32(other.rowIds, other.rowCount);
    const targets = rt.i32(this.mergeTargets, other.rowCount);
    const slotOf = this.slotOfRow;
    for (let u = 0; u < this.U; u++) slotOf[own[u]] = u;
    const before = this.U;
    for (let u = 0; u < other.rowCount; u++) {
      const id = ids[u];
      if (slotOf[id] < 0) {
        if (this.U >= capacity)
          throw new RangeError(`the merged batch uses more than the ${capacity} table rows laid out`);
        slotOf[id] = this.U;
        own[this.U++] = id;
      }
      targets[u] = slotOf[id];
    }
    for (let u = 0; u < this.U; u++) slotOf[own[u]] = -1;
    k.fill_f32(this.rowGrads + before * C * 4, (this.U - before) * C, 0);
    k.add_rows(this.rowGrads, other.rowGrads, this.mergeTargets, other.rowCount, C);
  }

  /** Dropout's masks follow the step count: a copy that did not update moves it on all the same. */
  countStep(): void {
    this.tableSteps++;
  }

  saveOptimizer(): OptimizerSnapshot {
    const state = this.optimizer?.saveState() ?? { steps: 0, buffers: {} };
    const buffers: Record<string, Float32Array> = Object.fromEntries(
      Object.entries(state.buffers).map(([name, v]) => [`attention.${name}`, v]),
    );
    const floats = (this.shape.rows + ORDERED_ID_OFFSET) * this.shape.dim;
    if (this.tableM)
      Object.assign(buffers, {
        'embedding.m': this.runtime.f32(this.tableM, floats).slice(),
        'embedding.v': this.runtime.f32(this.tableV, floats).slice(),
      });
    return { steps: { attention: state.steps, embedding: this.tableSteps }, buffers };
  }

  loadOptimizer(state: OptimizerSnapshot): void {
    const buffers: Record<string, Float32Array> = {};
    for (const [name, values] of Object.entries(state.buffers))
      if (name.startsWith('attention.')) buffers[name.slice(10)] = values;
    this.optimizer?.loadState({ steps: state.steps.attention ?? 0, buffers });
    this.tableSteps = state.steps.embedding ?? 0;
    const floats = (this.shape.rows + ORDERED_ID_OFFSET) * this.shape.dim;
    for (const [name, ptr] of [
      ['embedding.m', this.tableM],
      ['embedding.v', this.tableV],
    ] as const) {
      if (!ptr) continue;
      const values = state.buffers[name];
      if (!(values instanceof Float32Array) || values.length !== floats)
        throw new RangeError(
          `optimiser state "${name}" has ${values?.length ?? 'no'} values, the token table ${floats}`,
        );
      this.runtime.f32(ptr, floats).set(values);
    }
  }

  // ---- weights --------------------------------------------------------------------------------

  tensors(): NamedTensor[] {
    const block = this.parameters;
    const C = this.shape.dim;
    const V = this.shape.rows + ORDERED_ID_OFFSET;
    return [
      { name: 'embedding.weight', shape: [V, C], values: () => this.runtime.f32(this.table, V * C) },
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
   * embedding, dotted with that embedding (Σ_c e[i,c]·∂score/∂x[i,c]); the bias is what the
   * tokens leave unexplained (the score minus their sum). Tokens past maxLen contribute nothing.
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
    const table = rt.f32(this.table, (this.shape.rows + ORDERED_ID_OFFSET) * C);
    const grad = rt.f32(this.dx0, this.N * C);
    const tokens = rt.i32(this.tokens, this.N);
    let sum = 0;
    for (let i = 0; i < Math.min(tokenCount, ids.length); i++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += table[tokens[i] * C + c] * grad[i * C + c];
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
