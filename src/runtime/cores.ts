// How threads start on this platform, and how many cores there are. The platform's entry point
// installs a starter (worker_threads in Node), as it installs the file reader; in a browser the
// threads' own module installs one where memory can be shared. The training options read the core
// count from here to resolve threads: 'auto'; the threads themselves are src/parallel/.

import type { Channel } from './channel.js';

/**
 * Starts one training or prediction thread, over a channel whose messages the threads' own
 * protocol gives (src/parallel/threads.ts); installed by the platform's entry point.
 */
export interface ThreadStarter {
  start(): Channel<unknown, unknown>;
  /** How many threads can run at once (navigator.hardwareConcurrency where not given). */
  cores?(): number;
}

let starter: ThreadStarter | undefined;

/**
 * Installs how threads are started (the Node entry point installs worker_threads).
 * @example
 * ```ts
 * setThreadStarter(nodeThreadStarter);
 * ```
 */
export function setThreadStarter(s: ThreadStarter | undefined): void {
  starter = s;
}

/** The installed starter, if any. */
export function threadStarter(): ThreadStarter | undefined {
  return starter;
}

/**
 * How many threads can run at once here: the installed starter's count of cores, else the
 * browser's (navigator.hardwareConcurrency; its starter is installed when threads are first
 * asked for), else 1.
 */
export function availableCores(): number {
  return knownCores() ?? 1;
}

/** The cores there are, when the starter or the browser says; undefined when nothing does. */
export function knownCores(): number | undefined {
  const cores = starter?.cores?.() ?? globalThis.navigator?.hardwareConcurrency;
  return cores === undefined ? undefined : Math.max(1, Math.floor(cores));
}

/** Whether threads can be started here (a starter is installed). */
export function threadsAvailable(): boolean {
  return starter !== undefined;
}
