// A team of training threads, where this platform can start them: with the starter its entry
// point installed (worker_threads in Node), or in a browser with Web Workers where memory can be
// shared (the starter is installed when first asked for). train() gives it to the epoch loop.

import type { StartTeam } from '../fit/team.js';
import { ensureThreadStarter } from './thread-starter.browser.js';
import { ThreadTeam } from './threads.js';

/**
 * Starts `threads` training threads, or gives undefined where none can start.
 * @example
 * ```ts
 * const team = startTeam(2); // undefined on a page that is not cross-origin isolated
 * ```
 */
export const startTeam: StartTeam = (threads) => (ensureThreadStarter() ? new ThreadTeam(threads) : undefined);
