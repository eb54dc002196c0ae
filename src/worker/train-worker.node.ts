// The worker_threads worker that trains for the Node entry's train(…, { worker: true }). It reads
// files as the Node entry does (the shipped WebAssembly, a data file or a data set by name) and
// starts training threads as it does.

import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { trainWithReport } from '../io/train-by-name.node.js';
import { setFileReader } from '../runtime/wasm-source.js';
import { nodeThreadStarter } from '../parallel/thread-starter.node.js';
import { setThreadStarter } from '../runtime/cores.js';
import { serveTraining } from './serve-training.js';
import type { ToWorker } from './protocol.js';

setFileReader(async (file) => new Uint8Array(await readFile(file)));
// `threads` works here as on the calling thread: this worker starts the training threads.
setThreadStarter(nodeThreadStarter);

const port = parentPort;
if (!port)
  throw new Error('train-worker.node.js runs as a worker_threads worker, started by train(…, { worker: true })');
serveTraining(
  {
    post: (message, transfer) => port.postMessage(message, transfer ?? []),
    listen: (handler) => port.on('message', (message: ToWorker) => handler(message)),
  },
  trainWithReport,
);
