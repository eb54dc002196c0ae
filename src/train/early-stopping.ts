// Early stopping: after each epoch the validation loss is compared with the best so far, whose
// weights are kept; when it has not improved for `patience` epochs training stops and the best
// weights come back. Also the check that a trained model's weights are finite numbers.

import type { TextModel, WeightSnapshot } from '../models/text-model.js';

export class EarlyStopping {
  best: { loss: number; weights: WeightSnapshot } | undefined;
  /** Epochs since the best one. */
  sinceBest = 0;

  constructor(private readonly patience: number) {}

  /** Records an epoch's validation loss; keeps the model's weights when it is the best yet. */
  observe(loss: number, model: TextModel): void {
    if (!this.best || loss < this.best.loss) {
      this.best = { loss, weights: snapshot(model) };
      this.sinceBest = 0;
    } else this.sinceBest++;
  }

  get shouldStop(): boolean {
    return this.patience > 0 && this.sinceBest >= this.patience;
  }

  /** Puts the best weights back when the last epoch was not the best. */
  restoreBest(model: TextModel, lastLoss: number | undefined): void {
    if (this.patience > 0 && this.best && lastLoss !== undefined && lastLoss > this.best.loss)
      restore(model, this.best.weights);
  }
}

/** Copies of every tensor of the model, by name. */
export function snapshot(model: TextModel): WeightSnapshot {
  return Object.fromEntries(model.tensors().map((t) => [t.name, t.values().slice()]));
}

/** Writes a snapshot's tensors back into the model. */
export function restore(model: TextModel, weights: WeightSnapshot): void {
  for (const t of model.tensors()) {
    const values = weights[t.name];
    if (!values || values.length !== t.values().length)
      throw new RangeError(`no weights of the right size for tensor "${t.name}"`);
    t.values().set(values);
  }
  model.weightsChanged();
}

/** Whether every weight of the model is a finite number. */
export function weightsAreFinite(model: TextModel): boolean {
  for (const t of model.tensors()) {
    const values = t.values();
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  }
  return true;
}
