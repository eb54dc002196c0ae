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
import type { SparseOptimizer, SparseRows, SparseUpdate } from '../nn/sparse-rows.js';

/** An optimiser's state, by name: step counts and buffers (each as long as its tensor block). */
export interface OptimizerSnapshot {
  steps: Record<string, number>;
  buffers: Record<string, Float32Array>;
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
}

export class ModelOptimizer {
  /** Updates so far: made here, or counted (countStep) on a data-parallel thread that leaves them to another. */
  steps = 0;
  private readonly dense: { block: ParameterBlock; optimizer: SGD | AdamW }[];
  private readonly tables: readonly SparseRows[];
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
    if (kind === 'adam') for (const table of this.tables) table.layOutMoments();
  }

  /** Scales every gradient (dense blocks and touched rows) so their global L2 norm is at most maxNorm; returns the norm before. */
  clipGradients(maxNorm: number): number {
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
    for (const table of this.tables) table.update(update);
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
