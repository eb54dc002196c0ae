// What the Node entry point installs: the shipped WebAssembly and data files read from disk,
// training threads as worker_threads workers, and train() reading a data file's path or a data
// set's name (fetched into the cache) and training in a worker_threads worker when asked to.
// The training worker installs the same, so that it trains as the calling thread would.

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { resolveDataPath } from '../data/datasets/manager.node.js';
import { readExamplesFromFile } from '../data/files.node.js';
import { setThreadStarter } from '../runtime/cores.js';
import { setFileReader } from '../runtime/wasm-source.js';
import { nodeThreadStarter } from '../parallel/thread-starter.node.js';
import { setTrainingPlatform } from '../train/train.js';
import { startWorkerThread } from './worker-thread.node.js';

/** Installs Node's file reader, thread starter and train() platform. */
export function installNodePlatform(): void {
  setFileReader(async (file) => new Uint8Array(await readFile(file)));
  // Training on several threads runs worker_threads workers over one shared memory.
  setThreadStarter(nodeThreadStarter);
  setTrainingPlatform({
    async readData(source, datasets) {
      const path = source instanceof URL ? fileURLToPath(source) : await resolveDataPath(source, datasets);
      return readExamplesFromFile(path);
    },
    startWorker: startWorkerThread,
    workerReadsFiles: true,
  });
}
