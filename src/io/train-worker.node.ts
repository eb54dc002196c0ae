// The worker_threads worker that trains for train(…, { worker: true }) in Node. It installs what
// the Node entry installs (files, threads, data sets by name), then trains with train() itself.

import { parentPort } from 'node:worker_threads';
import { trainWithReport } from '../train/train.js';
import { serveTraining } from '../worker/serve-training.js';
import type { ToWorker } from '../worker/protocol.js';
import { installNodePlatform } from './platform.node.js';

installNodePlatform();

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
