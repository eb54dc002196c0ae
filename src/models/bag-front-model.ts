// What the bag and mlp models share: an embedding bag in front (each text is the mean of its
// feature rows' vectors) and a dense head behind it (Sequential: Linear for the bag model,
// Linear → ReLU → … → Linear for mlp). Forward is bag then head; backward is the head then the
// bag, read in reverse. The optimiser (src/fit/optimizer.ts) updates the table's rows the batch
// used and the head's block.

import { EmbeddingBag } from '../nn/embedding-bag.js';
import { Random } from '../nn/random.js';
import { Sequential } from '../nn/sequential.js';
import type { Layer } from '../nn/layer.js';
import type { Runtime } from '../runtime/runtime.js';
import type { FeatureSpan } from '../text/features.js';
import {
  scoreOf,
  type ModelExplanation,
  type ModelLayout,
  type ModelShape,
  type NamedTensor,
  type ParameterGroups,
  type TextModel,
} from './text-model.js';

/** Prediction batches: at least this many texts fit in one, and at least PREDICT_IDS feature ids. */
export const PREDICT_BATCH = 256;
export const PREDICT_IDS = 1024;

/** The widths from the embedding to the logits: dim, the hidden widths, classes. */
function widthsOf(shape: ModelShape): number[] {
  return [shape.dim, ...shape.hidden, shape.classes];
}

/** The tensors of an embedding bag and a head of Linear layers (each but the last followed by ReLU, at layer 2i). */
export function bagFrontTensorShapes(shape: ModelShape): { name: string; shape: number[] }[] {
  const widths = widthsOf(shape);
  const tensors = [{ name: 'embedding.weight', shape: [Math.max(1, shape.rows), shape.dim] }];
  for (let i = 1; i < widths.length; i++) {
    const layer = 2 * (i - 1);
    tensors.push(
      { name: `head.${layer}.weight`, shape: [widths[i], widths[i - 1]] },
      { name: `head.${layer}.bias`, shape: [widths[i]] },
    );
  }
  return tensors;
}

/**
 * The bag's input is a mean of rows, no larger than the table's largest value, and each layer's
 * output is at most in·max|w|·(its input) + max|b| (ReLU only shrinks): a bound for every text.
 */
export function bagFrontScoreBound(shape: ModelShape, tensors: Record<string, Float32Array>): number {
  const widths = widthsOf(shape);
  let bound = maxAbs(tensors['embedding.weight']);
  for (let i = 1; i < widths.length; i++) {
    const layer = 2 * (i - 1);
    const largest = Math.max(maxAbs(tensors[`head.${layer}.weight`]), maxAbs(tensors[`head.${layer}.bias`]));
    bound = widths[i - 1] * largest * bound + largest;
  }
  return bound;
}

function maxAbs(values: Float32Array): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

export abstract class BagFrontModel implements TextModel {
  abstract readonly arch: string;
  readonly shape: ModelShape;
  readonly runtime: Runtime;
  readonly maxBatch: number;
  /** @internal */ readonly embedding: EmbeddingBag;
  /** @internal */ readonly head: Sequential;
  /** logits()'s reusable buffers: rows of every item back to back, and where each starts. */
  private readonly rowBuffer: number[] = [];
  private readonly offsetBuffer: Int32Array;
  /** The mean vector of a long text, summed over its parts (see longItemLogits). */
  private readonly meanBuffer: Float64Array;

  protected constructor(rt: Runtime, shape: ModelShape, layout: ModelLayout, headLayers: Layer[]) {
    this.runtime = rt;
    this.shape = shape;
    this.maxBatch = Math.max(layout.maxBatch, PREDICT_BATCH);
    this.embedding = new EmbeddingBag(rt, Math.max(1, shape.rows), shape.dim, {
      maxBatch: this.maxBatch,
      maxIds: Math.max(layout.maxIds, PREDICT_IDS),
      optimizer: layout.optimizer,
      training: layout.training,
    });
    this.head = new Sequential(headLayers).build(rt, {
      inFeatures: shape.dim,
      maxBatch: this.maxBatch,
      seed: layout.seed,
      inputGrad: true,
      name: 'head',
    });
    if (layout.initialise ?? true) this.embedding.initialise(new Random(layout.seed ^ 0x51ed270b));
    this.offsetBuffer = new Int32Array(this.maxBatch + 1);
    this.meanBuffer = new Float64Array(shape.dim);
  }

  // ---- training -------------------------------------------------------------------------------

  load(rows: ArrayLike<number>, offsets: Int32Array, batch: number): void {
    this.embedding.load(rows, offsets, batch);
  }

  // logits[B×C] = head(mean of each bag's rows)
  forward(batch: number): number {
    this.embedding.forward(this.head.inputPtr);
    return this.head.forwardBatch(batch, true);
  }

  get logitsGradPtr(): number {
    return this.head.outputGradPtr;
  }

  /** Zeroes the head's parameter and activation gradients; the loss then writes ∂loss/∂logits. */
  zeroGrad(): void {
    this.head.parameters.zeroGrad();
    this.head.zeroActivationGrads();
  }

  // head backward, then dslots = Σ over uses of each row of ∂loss/∂mean / |bag|
  backward(batch: number): void {
    this.head.backwardBatch(batch);
    this.embedding.backward(this.head.inputGradPtr);
  }

  /** The head's block, and the table's rows. */
  parameterGroups(): ParameterGroups {
    return { dense: [this.head.parameters], sparse: [this.embedding.sparseRows] };
  }

  // ---- weights --------------------------------------------------------------------------------

  /** "embedding.weight" [rows × dim], then the head's as PyTorch's state_dict names them ("head.0.weight", …). */
  tensors(): NamedTensor[] {
    const { embedding, head } = this;
    const params = head.parameters;
    return [
      { name: 'embedding.weight', shape: [embedding.rows, embedding.dim], values: () => embedding.values() },
      ...params.params.map((p) => ({ name: `head.${p.name}`, shape: [...p.shape], values: () => params.values(p) })),
    ];
  }

  rowVectors(): Float32Array {
    return this.embedding.values();
  }

  weightsChanged(): void {}

  // ---- prediction -----------------------------------------------------------------------------

  logits(n: number, appendRows: (i: number, out: number[]) => void): Float32Array {
    const C = this.shape.classes;
    const out = new Float32Array(n * C);
    const { maxBatch, maxIds } = this.embedding.capacity;
    const rows = this.rowBuffer;
    const offsets = this.offsetBuffer;
    for (let start = 0; start < n;) {
      rows.length = 0;
      let batch = 0;
      let long: number[] | undefined;
      while (start + batch < n && batch < maxBatch) {
        offsets[batch] = rows.length;
        appendRows(start + batch, rows);
        if (rows.length <= maxIds) {
          batch++;
          continue;
        }
        // The item that overflowed waits for the next batch; one that cannot fit any batch alone is taken in parts.
        if (rows.length - offsets[batch] > maxIds) long = rows.slice(offsets[batch]);
        rows.length = offsets[batch];
        break;
      }
      if (batch > 0) {
        offsets[batch] = rows.length;
        this.embedding.load(rows, offsets, batch, { training: false });
        out.set(this.runtime.f32(this.predictLoaded(batch), batch * C), start * C);
        start += batch;
      }
      if (long) {
        out.set(this.longItemLogits(long), start * C);
        start++;
      }
    }
    return out;
  }

  /** Logits [batch × classes] of the batch loaded for prediction; returns their offset. */
  protected predictLoaded(batch: number): number {
    this.embedding.forward(this.head.inputPtr);
    return this.head.forwardBatch(batch, false);
  }

  /**
   * Logits of one item with more feature rows than a batch holds: the mean of its rows is the
   * mean of its parts' means weighted by their lengths, so the parts go through the bag one at
   * a time and the head sees the whole mean. Prediction memory stays what the model laid out,
   * however long the text (the sum is rounded differently from one pass, in the last bits).
   */
  private longItemLogits(rows: number[]): Float32Array {
    const { maxIds } = this.embedding.capacity;
    const D = this.shape.dim;
    const rt = this.runtime;
    const sum = this.meanBuffer.fill(0);
    const offsets = this.offsetBuffer;
    for (let from = 0; from < rows.length; from += maxIds) {
      const part = rows.slice(from, from + maxIds);
      offsets[0] = 0;
      offsets[1] = part.length;
      this.embedding.load(part, offsets, 1, { training: false });
      this.embedding.forward(this.head.inputPtr);
      const mean = rt.f32(this.head.inputPtr, D);
      for (let d = 0; d < D; d++) sum[d] += mean[d] * part.length;
    }
    const input = rt.f32(this.head.inputPtr, D);
    for (let d = 0; d < D; d++) input[d] = sum[d] / rows.length;
    return rt.f32(this.head.forwardBatch(1, false), this.shape.classes).slice();
  }

  /**
   * The head is not linear in the features in general: a token's contribution is how much the
   * score drops when every feature touching it is left out (occlusion).
   */
  explain(
    tokenCount: number,
    spans: readonly FeatureSpan[],
    uniqueFeatures: boolean,
    target: number,
  ): ModelExplanation {
    const bagOf = (rows: number[]) => (uniqueFeatures ? [...new Set(rows)] : rows);
    const bags = [
      bagOf(spans.map((s) => s.row)),
      [],
      ...Array.from({ length: tokenCount }, (_, i) =>
        bagOf(spans.filter((s) => i < s.start || i >= s.end).map((s) => s.row)),
      ),
    ];
    const logits = this.logits(bags.length, (i, out) => {
      for (const row of bags[i]) out.push(row);
    });
    const C = this.shape.classes;
    const score = scoreOf(logits, 0, C, target);
    const contributions = new Float64Array(tokenCount);
    for (let i = 0; i < tokenCount; i++) contributions[i] = score - scoreOf(logits, i + 2, C, target);
    return { score, bias: scoreOf(logits, 1, C, target), contributions, method: 'occlusion' };
  }
}
