// The training code itself (the epoch loop, incremental checkpoints, the platform's threads), as
// train() runs it on this thread. train.ts imports this module only when a run trains here: a page
// that trains only in a worker leaves the training code out of its own bundle.

export { trainModel } from '../fit/train-model.js';
export { patchedCheckpoints } from '../fit/checkpoint-patches.js';
export { startTeam } from '../parallel/start-team.js';
