// The module Web Worker that trains for the browser entry's train(…, { worker: true }). Bundlers
// find it through `new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' })`
// in web-worker.ts, and the WebAssembly it loads through the same pattern in runtime/wasm-source.ts.
//
// A bundler makes this worker a bundle of its own, loaded beside the page's, so it imports only
// what training runs: trainModel (examples arrive as an array, so no data reader) and the
// classifier's encoder (the model goes back as its model file, so no TextClassifier, whose
// prediction, explanation and evaluation run on the page, and no reader of model files, whose
// on-demand loading of each architecture's code would make the bundler wrap the models and
// the code under them in lazy initialisers). Its checkpoints are whole ones: `append` is a
// callback, which cannot cross to a worker, so the writer of patches (checkpoint-patches.ts) stays out.

import { wholeCheckpoints } from '../fit/checkpoint.js';
import { encodeClassifier } from '../model-file/classifier-encode.js';
import { trainModel } from '../fit/train-model.js';
import { startTeam } from '../parallel/start-team.js';
import { serveTraining } from './serve-training.js';
import type { FromWorker, ToWorker } from './protocol.js';

// The worker's global scope: the DOM library types it as a Window, whose postMessage also takes its transfer list in options.
serveTraining(
  {
    post: (message: FromWorker, transfer) => postMessage(message, { transfer }),
    listen: (handler) => addEventListener('message', (event: MessageEvent<ToWorker>) => handler(event.data)),
  },
  async (examples, options) => {
    const { model, config, featurizer, ...report } = await trainModel(examples, options, {
      checkpoints: wholeCheckpoints,
      startTeam,
    });
    return { ...report, model: { toBytes: () => encodeClassifier(config, featurizer, model) } };
  },
);
