// Starting training threads in Node: worker_threads workers running thread-worker.node.ts.
// Installed by the Node entry point (src/index.node.ts); the browser entry installs none.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ThreadStarter } from '../runtime/cores.js';
import type { HostMessage, ThreadChannel, ThreadMessage } from './threads.js';

/** Starts worker_threads workers; from the TypeScript sources (tests, the benchmark) through tsx. */
export const nodeThreadStarter: ThreadStarter = {
  cores: () => availableParallelism(),
  start(): ThreadChannel {
    const worker = newWorker();
    // A worker keeps the process alive only while the host waits for its answer: threads that
    // were never closed (PredictionThreads without close()) do not hold a finished program open.
    worker.unref();
    return {
      post: (message: HostMessage) => {
        worker.ref();
        worker.postMessage(message);
      },
      listen(onMessage, onError) {
        worker.on('message', (m: ThreadMessage) => {
          if (m.type !== 'progress' && m.type !== 'report') worker.unref();
          onMessage(m);
        });
        worker.on('error', onError);
        worker.on('exit', (code) => {
          if (code !== 0) onError(new Error(`sentiwasm: a training thread exited with code ${code}`));
        });
      },
      terminate: async () => {
        worker.removeAllListeners('exit');
        await worker.terminate();
      },
    };
  },
};

function newWorker(): Worker {
  const built = new URL('./thread-worker.node.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return new Worker(built);
  // Running from the TypeScript sources: a worker does not inherit the parent's loader, so it
  // imports the worker module through tsx's API (a development dependency).
  const source = new URL('./thread-worker.node.ts', import.meta.url).href;
  // require.resolve finds the CommonJS build of tsx's API; its ES module sits beside it.
  const tsx = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const code = `import(${JSON.stringify(pathToFileURL(tsx).href)}).then((api) => api.tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)}))`;
  return new Worker(code, { eval: true });
}
