// The training worker in Node: a worker_threads worker running train-worker.node.ts, wrapped in
// the channel type every worker and thread speaks through.

import { Worker } from 'node:worker_threads';
import type { WorkerChannel } from '../worker/train-in-worker.js';
import type { FromWorker } from '../worker/protocol.js';

/** Starts the worker that trains for train(…, { worker: true }); from the TypeScript sources (tests) through tsx. */
export function startWorkerThread(): WorkerChannel {
  const fromSources = import.meta.url.endsWith('.ts');
  const script = new URL(fromSources ? './train-worker.node.ts' : './train-worker.node.js', import.meta.url);
  const worker = fromSources
    ? new Worker(
        `import('tsx/esm/api').then((tsx) => tsx.register()).then(() => import(${JSON.stringify(script.href)}))`,
        { eval: true },
      )
    : new Worker(script);
  return {
    post: (message) => worker.postMessage(message),
    listen(onMessage, onError) {
      worker.on('message', (message: FromWorker) => onMessage(message));
      worker.on('error', (error) => onError(error));
      worker.on('exit', (code) =>
        onError(new Error(`the training worker stopped (exit code ${code}) before it answered`)),
      );
    },
    terminate: async () => void (await worker.terminate()),
  };
}
