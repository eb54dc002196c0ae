// A training thread in Node: a worker_threads worker that hands the host's messages to
// threadWorker (thread-worker.ts) and posts its answers back.

import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { setFileReader } from '../runtime/wasm-source.js';
import { threadWorker } from './thread-worker.js';

// A thread that loads a model reads the shipped WebAssembly from disk, as the Node entry does.
setFileReader(async (file) => new Uint8Array(await readFile(file)));

const port = parentPort;
if (!port) throw new Error('sentiwasm: thread-worker.node.js runs as a worker thread, started by the thread starter');
const handle = threadWorker((message) => port.postMessage(message));
port.on('message', (message) => void handle(message));
