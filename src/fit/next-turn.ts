// A turn of the event loop, for long work that must let messages in: the epoch loop looking at
// its stop signal (stop-signal.ts), and a page loading a model in steps (worker/train-in-worker.ts).
// A module of its own so that the page, which only loads, leaves the epoch loop's StopCheck out.

/**
 * Resolves on a later turn of the event loop, after the messages already queued. A message on a
 * fresh channel is not throttled, where nested setTimeout(0) waits at least 4 ms in browsers.
 */
export function nextTurn(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((done) => setTimeout(done, 0));
  return new Promise((done) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      done();
    };
    channel.port2.postMessage(null);
  });
}
