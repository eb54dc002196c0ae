// The optimiser of a text model, apart from the model as tinygrad's Optimizer(params) is: given
// what the model updates (its dense parameter blocks and its sparse tables, TextModel.parameterGroups),
// it lays out its state once, clips, steps, counts steps (Adam's bias correction; dropout's masks
// follow the count) and saves and loads its state for checkpoints. Every dense block is stepped
// by one flat loop (AdamW, or SGD: src/nn/optimizers.ts); every table only in the rows the batch
// touched (src/nn/sparse-rows.ts), with the same settings (Adam's betas and eps; weight decay
// with SGD only: lazy Adam leaves the rows undecayed, as torch.optim.SparseAdam).

import type { ParameterGroups } from '../models/text-model.js';
import { ADAM_DEFAULTS, AdamW, SGD } from '../nn/optimizers.js';
import type { ParameterBlock } from '../nn/parameters.js';
import type { ScaledRows, SparseOptimizer, SparseRows, SparseUpdate } from '../nn/sparse-rows.js';

/** An optimiser's state, by name: step counts and buffers (each as long as its tensor block). */
export interface OptimizerSnapshot {
  steps: Record<string, number>;
  buffers: Record<string, Float32Array>;
}

/**
 * Rows of one table that step at `scale` times the learning rate: the rows pretrained vectors
 * filled (TrainOptions.vectorsLr; 0 keeps them frozen). Rows of words the vectors lack are not
 * listed, and learn at the full rate: they start random and have everything to learn.
 */
export interface PretrainedRows {
  /** The table's name (SparseRows.name: "embedding" in every model so far). */
  table: string;
  /** Rows of the table, as the table counts them. */
  rows: Int32Array;
  /** Their rate as a multiple of the others'. */
  scale: number;
}

export interface ModelOptimizerOptions {
  kind: SparseOptimizer;
  lr: number;
  /** SGD's L2 penalty, AdamW's decoupled decay (dense blocks only under Adam; train() gives the bag models none with Adam). */
  weightDecay: number;
  /** Adam's decay rates of the moments (default [0.9, 0.999], PyTorch's), for the blocks and the rows alike. */
  betas?: [number, number];
  /** Adam's term added to the denominator (default 1e-8). */
  eps?: number;
  /** Rows of a table that step at another rate (none: every row at lr). */
  pretrainedRows?: PretrainedRows;
}

export class ModelOptimizer {
  /** Updates so far: made here, or counted (countStep) on a data-parallel thread that leaves them to another. */
  steps = 0;
  private readonly dense: { block: ParameterBlock; optimizer: SGD | AdamW }[];
  private readonly tables: readonly SparseRows[];
  /** Each table's rows that step at another rate, or undefined. */
  private readonly scaled: (ScaledRows | undefined)[];
  /** The tables' update but for the learning rate and step, which each step sets. */
  private readonly rowUpdate: SparseUpdate;

  /**
   * Lays out the state of every group once (each dense block's, then each table's Adam moments
   * where its owner has not laid them out already).
   * @example
   * ```ts
   * new ModelOptimizer(model.parameterGroups(), { kind: 'adam', lr: 1e-3, weightDecay: 0.01 })
   * ```
   */
  constructor(groups: ParameterGroups, options: ModelOptimizerOptions) {
    const { kind, lr, weightDecay, betas = ADAM_DEFAULTS.betas, eps = ADAM_DEFAULTS.eps } = options;
    this.rowUpdate =
      kind === 'adam' ? { kind, lr, beta1: betas[0], beta2: betas[1], eps, step: 0 } : { kind, lr, weightDecay };
    this.dense = groups.dense.map((block) => {
      const optimizer = kind === 'adam' ? new AdamW({ lr, weightDecay, betas, eps }) : new SGD({ lr, weightDecay });
      optimizer.attach(block);
      return { block, optimizer };
    });
    this.tables = groups.sparse;
    this.scaled = this.tables.map((table) => scaledRowsOf(table, options.pretrainedRows));
    if (kind === 'adam') for (const table of this.tables) table.layOutMoments();
  }

  /** Scales every gradient (dense blocks and touched rows) so their global L2 norm is at most maxNorm; returns the norm before. */
  clipGradients(maxNorm: number): number {
    // Frozen rows take no step: their gradients are left out of the norm, as if never computed
    // (Kim's static vectors), so that they do not shrink the others' steps.
    this.tables.forEach((table, i) => {
      if (this.scaled[i]?.scale === 0) table.zeroMarkedGradients(this.scaled[i].marked);
    });
    let squares = 0;
    for (const { block } of this.dense) squares += block.rt.kernels.sum_squares_f32(block.gradPtr, block.size);
    for (const table of this.tables) squares += table.sumOfSquares();
    const norm = Math.sqrt(squares);
    if (norm > maxNorm) {
      const scale = maxNorm / (norm + 1e-6);
      for (const { block } of this.dense) block.rt.kernels.scale_f32(block.gradPtr, block.size, scale);
      for (const table of this.tables) table.scaleGradients(scale);
    }
    return norm;
  }

  /** One update of every parameter from the gradients of the last backward (or the merged ones). */
  step(lr: number): void {
    for (const { optimizer } of this.dense) {
      optimizer.lr = lr;
      optimizer.step();
    }
    this.steps++;
    const update = this.rowUpdate;
    update.lr = lr;
    if (update.kind === 'adam') update.step = this.steps;
    this.tables.forEach((table, i) => table.update(update, this.scaled[i]));
  }

  /** Notes an update another copy made (data-parallel training): what follows the count moves on as step() would move it. */
  countStep(): void {
    this.steps++;
  }

  /** The state, copied out: each dense block's under its label ("head.m"), each table's under its name ("embedding.m"). */
  save(): OptimizerSnapshot {
    const steps: Record<string, number> = {};
    const buffers: Record<string, Float32Array> = {};
    for (const { block, optimizer } of this.dense) {
      const state = optimizer.saveState();
      steps[block.label] = state.steps;
      for (const [name, values] of Object.entries(state.buffers)) buffers[`${block.label}.${name}`] = values;
    }
    for (const table of this.tables) {
      steps[table.name] = this.steps;
      const moments = table.saveMoments();
      if (moments) Object.assign(buffers, { [`${table.name}.m`]: moments.m, [`${table.name}.v`]: moments.v });
    }
    return { steps, buffers };
  }

  /** Puts back what save() gave, so that the next step is the one that would have followed. */
  load(state: OptimizerSnapshot): void {
    for (const { block, optimizer } of this.dense) {
      const prefix = `${block.label}.`;
      const buffers: Record<string, Float32Array> = {};
      for (const [name, values] of Object.entries(state.buffers))
        if (name.startsWith(prefix)) buffers[name.slice(prefix.length)] = values;
      optimizer.loadState({ steps: state.steps[block.label] ?? 0, buffers });
    }
    this.steps = this.tables.length ? (state.steps[this.tables[0].name] ?? 0) : 0;
    for (const table of this.tables)
      table.loadMoments(state.buffers[`${table.name}.m`], state.buffers[`${table.name}.v`]);
  }
}

/** The table's marked rows, when `pretrained` names it and scales them (a scale of 1 marks nothing: the plain update). */
function scaledRowsOf(table: SparseRows, pretrained: PretrainedRows | undefined): ScaledRows | undefined {
  if (!pretrained || pretrained.table !== table.name || pretrained.scale === 1) return undefined;
  const marked = new Uint8Array(table.rows);
  for (const row of pretrained.rows) marked[row] = 1;
  return { marked, scale: pretrained.scale };
}
