// A tiny static file server for the browser tests: serves one folder on 127.0.0.1 at a random
// port, with the MIME types browsers insist on (application/wasm for streaming compilation,
// text/javascript for module scripts), plus a few in-memory routes (a generated test page, a
// model file) so that nothing has to be written into the folder being served.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';

export const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.bin': 'application/octet-stream',
};

/** The MIME type of a file by its extension (application/octet-stream when unknown). */
export function mimeType(path: string): string {
  return MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** An in-memory response: the body and, optionally, its type (default: by the path's extension). */
export interface Route {
  body: string | Uint8Array;
  type?: string;
}

export interface StaticServer {
  /** e.g. "http://127.0.0.1:41234" (no trailing slash). */
  readonly origin: string;
  /** Every request path served so far, with its status, in order (for assertions and for debugging). */
  readonly log: { path: string; status: number; type?: string }[];
  /** Adds or replaces an in-memory route, e.g. setRoute('/__test__/index.html', { body: html }). */
  setRoute(path: string, route: Route): void;
  close(): Promise<void>;
}

/**
 * Serves `root` (and the in-memory `routes`) on 127.0.0.1 at a free port. Only GET and HEAD;
 * "/dir/" serves "/dir/index.html"; nothing outside `root` is ever served. `headers` go on every
 * response (e.g. the two that make a page cross-origin isolated).
 * @example const server = await serveStatic('/tmp/web-dist'); await page.goto(`${server.origin}/`); await server.close();
 */
export async function serveStatic(
  root: string,
  routes: Record<string, Route> = {},
  headers: Record<string, string> = {},
): Promise<StaticServer> {
  const base = resolve(root);
  const memory = new Map(Object.entries(routes));
  const log: StaticServer['log'] = [];

  const send = (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    status: number,
    type: string,
    body: string | Uint8Array,
  ) => {
    log.push({ path, status, type });
    res.writeHead(status, {
      ...headers,
      'content-type': type,
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const server = createServer(async (req, res) => {
    let path = '/';
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return send(req, res, path, 405, 'text/plain', 'method not allowed\n');
      const route = memory.get(path);
      if (route) return send(req, res, path, 200, route.type ?? mimeType(path), route.body);
      let file = resolve(base, `.${path}`);
      if (file !== base && !file.startsWith(base + sep)) return send(req, res, path, 403, 'text/plain', 'forbidden\n');
      let info = await stat(file).catch(() => undefined);
      if (info?.isDirectory()) {
        file = resolve(file, 'index.html');
        info = await stat(file).catch(() => undefined);
      }
      if (!info?.isFile()) return send(req, res, path, 404, 'text/plain', `not found: ${path}\n`);
      const type = mimeType(file);
      log.push({ path, status: 200, type });
      res.writeHead(200, {
        ...headers,
        'content-type': type,
        'content-length': info.size,
        'cache-control': 'no-store',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
    } catch (error) {
      if (!res.headersSent) send(req, res, path, 500, 'text/plain', `${(error as Error).message}\n`);
      else res.destroy();
    }
  });

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    log,
    setRoute: (path, route) => void memory.set(path, route),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/**
 * Page code (a module that imports readExamples from 'sentiwasm'): `read(name, limit)` fetches a
 * served data file and reads its first `limit` examples with the library's own reader.
 */
export const PAGE_READ = `async function read(name, limit) {
  const bytes = new Uint8Array(await (await fetch(name)).arrayBuffer());
  const examples = [];
  for await (const e of readExamples(bytes, { fileName: name })) {
    if (examples.length === limit) break;
    examples.push({ text: e.text, label: e.label });
  }
  return examples;
}`;
