// A training thread in a browser: a module Web Worker (started by thread-starter.browser.ts) that
// hands the host's messages to threadWorker (thread-worker.ts) and posts its answers back. It
// loads the WebAssembly it needs itself (a bag model's member, a model to predict with) from the
// URL next to the library, as the page does; a thread that joins the host's model gets the
// compiled module and the shared memory in its first message.

import { threadWorker } from './thread-worker.js';
import type { HostMessage, ThreadMessage } from './threads.js';

// The worker's global scope: the DOM library types it as a Window, whose postMessage also takes options.
const handle = threadWorker((message: ThreadMessage) => postMessage(message));
addEventListener('message', (event: MessageEvent<HostMessage>) => void handle(event.data));
