// Loading a model from wherever its bytes are: in memory, a Blob (a file input in a page), a
// fetch Response, or a URL (http(s) in browsers; file: in Node through the installed reader).

import type { RuntimeOptions } from '../runtime/runtime.js';
import { canReadFiles, readFileBytes } from '../runtime/wasm-source.js';
import { TextClassifier, type Label } from '../classifier/classifier.js';
import { ModelFileError } from '../format/model-file.js';
import { codeOf, isRecord, messageOf } from '../format/schema.js';

/**
 * Where loadModel reads a model file from: its bytes, a Blob (a file input's File), a fetch Response, a URL, or a path
 * (read from disk in Node, resolved against the page in browsers).
 */
export type ModelSource = Uint8Array | ArrayBuffer | Blob | Response | URL | string;

/**
 * Loads a model saved with `model.toBytes()`; refuses a damaged or foreign file with a message
 * naming it.
 * @example
 * ```ts
 * const model = await loadModel(new URL('./sentiment.bin', import.meta.url));
 * ```
 */
export async function loadModel<L extends Label = string>(
  source: ModelSource,
  options: { runtime?: RuntimeOptions; name?: string } = {},
): Promise<TextClassifier<L>> {
  const { bytes, name } = await readSource(source);
  return TextClassifier.fromBytes<L>(bytes, options.name ?? name, options.runtime);
}

async function readSource(source: ModelSource): Promise<{ bytes: Uint8Array | ArrayBuffer; name: string }> {
  if (ArrayBuffer.isView(source) || source instanceof ArrayBuffer) return { bytes: source, name: 'model' };
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const blob = source;
    const name = 'name' in blob && typeof blob.name === 'string' ? blob.name : 'model';
    return { bytes: await readBody(() => blob.arrayBuffer(), name), name };
  }
  if (typeof Response !== 'undefined' && source instanceof Response) {
    const response = source;
    const name = response.url || 'model';
    if (!response.ok)
      throw new ModelFileError(name, `HTTP ${response.status}`, 'check the address of the model file', 'unreadable');
    return { bytes: await readBody(() => response.arrayBuffer(), name), name };
  }
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new TypeError(
      `loadModel takes a model file's bytes (Uint8Array, ArrayBuffer), a Blob, a Response, a URL or a path, not ${describeSource(source)}`,
    );
  }
  if (typeof source === 'string' && !isUrl(source)) {
    // A path: read from disk in Node, resolved against the page in browsers.
    if (canReadFiles()) return { bytes: await readFile(source), name: source };
    source = new URL(source, typeof location !== 'undefined' ? location.href : undefined);
  }
  const url = typeof source === 'string' ? new URL(source) : source;
  if (url.protocol === 'file:') return { bytes: await readFile(url), name: decodeURIComponent(url.pathname) };
  // A refused connection, or one dropped halfway through the body, is the file being unreadable.
  const response = await readBody(() => fetch(url), url.href);
  if (!response.ok)
    throw new ModelFileError(url.href, `HTTP ${response.status}`, 'check the address of the model file', 'unreadable');
  return { bytes: await readBody(() => response.arrayBuffer(), url.href), name: url.href };
}

/** What `read` gives, or, when it fails (the network, a file gone from under a Blob), a ModelFileError naming the source. */
async function readBody<T>(read: () => Promise<T>, name: string): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const cause = error instanceof Error && isRecord(error.cause) ? error.cause : undefined;
    const why = cause?.code ?? cause?.message ?? messageOf(error);
    throw new ModelFileError(
      name,
      `cannot read the file (${why})`,
      'check the address and the connection, then load it again',
      'unreadable',
      { cause: error },
    );
  }
}

function describeSource(source: unknown): string {
  if (source === null) return 'null';
  if (typeof source === 'object') return `a ${source.constructor?.name ?? 'object'}`;
  return `a ${typeof source}`;
}

/** "https://…", "file:…", "blob:…" are URLs; "model.bin", "/tmp/m.bin" and "C:\\m.bin" are paths. */
function isUrl(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(s) && !/^[a-z]:[\\/]/i.test(s);
}

async function readFile(file: URL | string): Promise<Uint8Array> {
  try {
    return await readFileBytes(file);
  } catch (error) {
    const code = codeOf(error);
    const name = typeof file === 'string' ? file : decodeURIComponent(file.pathname);
    const hint = code === 'ENOENT' ? 'check the path' : 'check that it is a readable file';
    throw new ModelFileError(name, `cannot read the file (${code ?? messageOf(error)})`, hint, 'unreadable', {
      cause: error,
    });
  }
}
