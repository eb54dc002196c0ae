// The training code itself (the epoch loop, incremental checkpoints, the platform's threads), as
// train() runs it on this thread. train.ts imports this module only when a run trains here: a page
// that trains only in a worker leaves the training code out of its own bundle.

import { startFromEncoder } from '../fit/encoder-start.js';
import { trainModel as trainParts, type TrainingParts } from '../fit/train-model.js';
import type { Label } from '../classifier/classifier.js';
import type { TrainingData, TrainOptions } from '../fit/train-options.js';
export { patchedCheckpoints } from '../fit/checkpoint-patches.js';
export { startTeam } from '../parallel/start-team.js';

/** trainModel(), starting from the pretrained encoder `init` when given (read here, so that the browser's training worker, which runs trainModel itself, leaves the encoder's reader out). */
export function trainModel(examples: TrainingData<Label>, options: TrainOptions, parts: TrainingParts) {
  const { options: started, start } = startFromEncoder(options);
  return trainParts(examples, started, { ...parts, start });
}
