// The training worker in a browser: a module Web Worker running train-worker.ts, wrapped in the
// channel type every worker and thread speaks through. The URL is spelled out so that bundlers
// find the worker's script and make it a bundle of its own.

import type { Channel } from '../runtime/channel.js';
import type { FromWorker, ToWorker } from './protocol.js';

/** The parts of the DOM's Worker used here (the published types do not need the DOM library). */
interface WebWorker {
  postMessage(message: ToWorker): void;
  addEventListener(type: 'message', handler: (event: { data: FromWorker }) => void): void;
  addEventListener(type: 'error', handler: (event: { message?: string }) => void): void;
  addEventListener(type: 'messageerror', handler: () => void): void;
  terminate(): void;
}
declare const Worker: new (url: URL, options: { type: 'module' }) => WebWorker;

/** Starts a module Web Worker running train-worker.js; throws where there are no Web Workers. */
export function startWebWorker(): Channel<ToWorker, FromWorker> {
  if (typeof Worker === 'undefined')
    throw new Error(
      'train(…, { worker: true }) needs Web Workers, which this environment lacks; leave `worker` out to train here',
    );
  const worker = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
  return {
    post: (message) => worker.postMessage(message),
    listen(onMessage, onError) {
      worker.addEventListener('message', (event) => onMessage(event.data));
      // A script that fails to load or to evaluate reports no more than this event.
      worker.addEventListener('error', (event) =>
        onError(
          new Error(
            `the training worker failed: ${event.message || 'its script could not be loaded or run (check that the bundler emitted train-worker.js next to the library)'}`,
          ),
        ),
      );
      worker.addEventListener('messageerror', () =>
        onError(new Error('the training worker sent a message that could not be read')),
      );
    },
    terminate: async () => worker.terminate(),
  };
}
