// Early stopping: after each epoch the validation score is compared with the best so far, whose
// weights are kept; when it has not improved for `patience` epochs training stops and the best
// weights come back. The best is the lowest loss, or (bestBy 'accuracy') the highest accuracy
// with the lower loss among equals: a classifier's held-out loss can rise from its first epochs
// on (ever surer of the examples it gets wrong) while its accuracy still climbs, and the
// temperature fitted afterwards takes that over-confidence back out. Also the check that a
// trained model's weights are finite numbers.

import type { TextModel, WeightSnapshot } from '../models/text-model.js';

/** Which held-out score picks the epoch kept. */
export type BestBy = 'loss' | 'accuracy';

/** An epoch's held-out scores. */
interface Scores {
  loss: number;
  accuracy?: number;
}

export class EarlyStopping {
  best: (Scores & { weights: WeightSnapshot }) | undefined;
  /** Epochs since the best one. */
  sinceBest = 0;

  constructor(
    private readonly patience: number,
    private readonly by: BestBy = 'loss',
  ) {}

  /** Records an epoch's validation loss (and accuracy); keeps the model's weights when it is the best yet. */
  observe(loss: number, model: TextModel, accuracy?: number): void {
    if (!this.best || this.beats({ loss, accuracy }, this.best)) {
      this.best = { loss, accuracy, weights: snapshot(model) };
      this.sinceBest = 0;
    } else this.sinceBest++;
  }

  /** Whether scores `a` are better than `b`. */
  private beats(a: Scores, b: Scores): boolean {
    if (this.by === 'accuracy' && a.accuracy !== b.accuracy) return (a.accuracy ?? -1) > (b.accuracy ?? -1);
    return a.loss < b.loss;
  }

  get shouldStop(): boolean {
    return this.patience > 0 && this.sinceBest >= this.patience;
  }

  /** Puts the best weights back when the last epoch was not the best. */
  restoreBest(model: TextModel, lastLoss: number | undefined, lastAccuracy?: number): void {
    if (
      this.patience > 0 &&
      this.best &&
      lastLoss !== undefined &&
      this.beats(this.best, { loss: lastLoss, accuracy: lastAccuracy })
    )
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
