// Downloading a data set's file into the cache's .partial/ folder: streamed to disk, resumed with
// an HTTP Range request after a broken connection (or by a later run), retried with a growing
// pause, given up on a connection that sends nothing for too long.

import { open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { exists } from './cache.node.js';
import type { DatasetOptions } from './options.js';
import { DatasetError, type DatasetSource } from './registry.js';

/** An HTTP status that retrying will not change. */
class FinalHttpError extends Error {}

interface PartMeta {
  url: string;
  etag?: string;
  lastModified?: string;
  total?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Streams the source to `part`, resuming what an earlier attempt (or run) left there when the
 * server honours Range, restarting when it does not. Returns the bytes received.
 */
export async function download(
  dataset: string,
  source: DatasetSource,
  part: string,
  options: DatasetOptions,
): Promise<number> {
  const metaPath = `${part}.json`;
  const retries = options.retries ?? 4;
  const timeoutMs = options.timeoutMs ?? 60_000;
  let meta: PartMeta | undefined;
  try {
    meta = JSON.parse(await readFile(metaPath, 'utf8')) as PartMeta;
  } catch {
    meta = undefined;
  }
  // What is left from a download of another address is not this file.
  if (meta?.url !== source.url) {
    await rm(part, { force: true });
    meta = { url: source.url };
  }
  for (let attempt = 0; ; attempt++) {
    let have = (await exists(part)) ? (await stat(part)).size : 0;
    try {
      if (meta.total !== undefined && have === meta.total) return have;
      return await downloadOnce(dataset, source, part, metaPath, meta, have, timeoutMs, options.onProgress);
    } catch (e) {
      have = (await exists(part)) ? (await stat(part)).size : 0;
      const error = e as Error;
      const message = describeFetchError(error);
      if (e instanceof FinalHttpError || attempt >= retries) {
        throw new DatasetError(
          `${dataset}: downloading ${source.url} failed${attempt > 0 ? ` after ${attempt + 1} attempts` : ''}: ${message}.` +
            (have > 0
              ? ` The ${have.toLocaleString('en')} bytes received are kept in ${part}; the next attempt resumes from there.`
              : '') +
            (e instanceof FinalHttpError
              ? ''
              : ' Check the connection and try again, or download the file yourself and give it with --from.'),
        );
      }
      const delayMs = attempt === 0 ? 0 : 1000 * 2 ** (attempt - 1);
      options.onProgress?.({
        phase: 'retry',
        dataset,
        url: source.url,
        received: have,
        attempt: attempt + 1,
        delayMs,
        error: message,
      });
      if (delayMs) await sleep(delayMs);
    }
  }
}

function describeFetchError(error: Error): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return 'the server stopped sending';
  if (error.message === 'terminated' || error.message === 'fetch failed')
    return cause?.message ? `${error.message} (${cause.message})` : error.message;
  return error.message;
}

async function downloadOnce(
  dataset: string,
  source: DatasetSource,
  part: string,
  metaPath: string,
  meta: PartMeta,
  have: number,
  timeoutMs: number,
  onProgress: DatasetOptions['onProgress'],
): Promise<number> {
  // identity: a server that gzips the response on the fly would hand over other bytes than the
  // published file's, and byte ranges of a compressed stream do not resume it.
  const headers: Record<string, string> = { 'accept-encoding': 'identity', 'user-agent': 'sentiwasm' };
  if (have > 0) {
    headers.range = `bytes=${have}-`;
    // If the file changed upstream since the first part came, the server sends all of it.
    const validator = meta.etag ?? meta.lastModified;
    if (validator) headers['if-range'] = validator;
  }
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), timeoutMs);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), timeoutMs);
  };
  try {
    const res = await fetch(source.url, { headers, signal: controller.signal, redirect: 'follow' });
    if (res.status === 416 && have > 0) {
      // The range starts at or past the end: what we have is either all of it or not this file.
      await res.body?.cancel();
      const total = Number(/\/(\d+)$/.exec(res.headers.get('content-range') ?? '')?.[1]);
      if (total === have) return have;
      await rm(part, { force: true });
      throw new Error('the server refused to resume; starting again');
    }
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel();
      const message = `HTTP ${res.status} ${res.statusText}`.trim();
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)
        throw new FinalHttpError(message);
      throw new Error(message);
    }
    let start = 0;
    let total: number | undefined;
    if (res.status === 206) {
      const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
      if (!range || Number(range[1]) !== have) {
        await res.body?.cancel();
        await rm(part, { force: true });
        throw new Error('the server resumed at another place; starting again');
      }
      start = have;
      total = range[3] === '*' ? undefined : Number(range[3]);
    } else {
      const length = res.headers.get('content-length');
      total = length !== null && !res.headers.get('content-encoding') ? Number(length) : undefined;
    }
    meta.etag = res.headers.get('etag') ?? meta.etag;
    meta.lastModified = res.headers.get('last-modified') ?? meta.lastModified;
    meta.total = total ?? meta.total;
    // Read the body from now on: a stream that fails drops what it holds unread, and the setup
    // below awaits the disk, while the bytes before a broken connection are what a resume keeps.
    const body = drain(res.body);
    await writeFile(metaPath, JSON.stringify(meta));
    const file = await open(part, start > 0 ? 'a' : 'w');
    let received = start;
    onProgress?.({
      phase: 'download',
      dataset,
      url: source.url,
      received,
      total,
      resumedFrom: start > 0 ? start : undefined,
    });
    try {
      for await (const chunk of body) {
        touch();
        await file.write(chunk);
        received += chunk.length;
        onProgress?.({ phase: 'download', dataset, url: source.url, received, total });
      }
    } finally {
      await file.close();
    }
    if (total !== undefined && received !== total)
      throw new Error(`the connection closed after ${received} of ${total} bytes`);
    return received;
  } finally {
    clearTimeout(timer);
    // Stops reading a body that is no longer wanted (after an error writing it, say).
    controller.abort();
  }
}

/** The chunks of a response body, read as fast as they come and handed on in order, then its error if it failed. */
function drain(body: ReadableStream<Uint8Array> | null): AsyncIterable<Uint8Array> {
  const queue: Uint8Array[] = [];
  let failure: { error: unknown } | undefined;
  let done = body === null;
  let wake: (() => void) | undefined;
  if (body) {
    void (async () => {
      try {
        for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
          queue.push(chunk);
          wake?.();
        }
      } catch (error) {
        failure = { error };
      }
      done = true;
      wake?.();
    })();
  }
  return (async function* () {
    for (;;) {
      while (queue.length) yield queue.shift()!;
      if (done) {
        if (failure) throw failure.error;
        return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  })();
}
