// A started worker or thread as the side that started it sees it: messages both ways, and an end.
// Web Workers and worker_threads each spell this differently; the platform's starter wraps its
// own in it, so that training in a worker and training on threads speak through one type.

/** A started worker or thread: what it is sent, what it answers, and how it ends. */
export interface Channel<Send, Receive> {
  post(message: Send): void;
  /** Calls `onMessage` with every message, and `onError` with the error that ends it (it could not start, or died). */
  listen(onMessage: (message: Receive) => void, onError: (error: Error) => void): void;
  terminate(): Promise<void>;
}
