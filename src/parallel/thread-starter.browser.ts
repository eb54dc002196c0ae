// Starting training threads in browsers: module Web Workers running thread-worker.browser.ts over
// the host's shared WebAssembly.Memory. Shared memory needs a cross-origin isolated page (served
// with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp);
// elsewhere nothing is installed and training uses one thread with a note.
//
// It is installed where threads are asked for (trainModel and PredictionThreads.start call
// ensureThreadStarter), not when the browser entry loads: the package is free of side effects
// ("sideEffects": false), so a bundler drops a statement of the entry that no export needs. So
// threads work on a page and, with nested workers, inside `train(…, { worker: true })`, whose
// worker runs trainModel. A thread's script is fetched only when a thread starts.
//
// The host only posts and listens: it never waits with Atomics.wait, which a page's main thread
// may not do.

import { setThreadStarter, threadsAvailable, type ThreadStarter } from '../runtime/cores.js';
import type { ThreadChannel } from './threads.js';

/**
 * Whether this page or worker can share memory with its workers: cross-origin isolated, and
 * SharedArrayBuffer defined.
 * @example
 * ```ts
 * if (canShareMemory()) setThreadStarter(browserThreadStarter);
 * ```
 */
export function canShareMemory(): boolean {
  return globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
}

/** Starts module Web Workers; the URL is spelled out so that bundlers find and bundle the thread's script. */
export const browserThreadStarter: ThreadStarter = {
  start(): ThreadChannel {
    const worker = new Worker(new URL('./thread-worker.browser.js', import.meta.url), { type: 'module' });
    return {
      post: (message) => worker.postMessage(message),
      listen(onMessage, onError) {
        worker.addEventListener('message', (event) => onMessage(event.data));
        // A script that fails to load or to evaluate reports no more than this event.
        worker.addEventListener('error', (event) =>
          onError(new Error(`sentiwasm: a thread failed: ${event.message || 'its script could not be loaded'}`)),
        );
      },
      terminate: async () => worker.terminate(),
    };
  },
};

/**
 * Whether threads can start here: a starter is installed already (Node's entry installs its own),
 * or memory can be shared and Web Workers exist, and the browser's starter is installed now.
 * A page that is not cross-origin isolated gets false, and nothing changes.
 * @example
 * ```ts
 * if (threads > 1 && !ensureThreadStarter()) threads = 1;
 * ```
 */
export function ensureThreadStarter(): boolean {
  if (threadsAvailable()) return true;
  if (!canShareMemory() || typeof Worker !== 'function') return false;
  setThreadStarter(browserThreadStarter);
  return true;
}
