// Loading a model from wherever its bytes are: in memory, a Blob (a file input in a page), a
// fetch Response, or a URL (http(s) in browsers; file: in Node through the installed reader).

import type { RuntimeOptions } from '../runtime/runtime.js';
import { canReadFiles, readFileBytes } from '../runtime/wasm-source.js';
import { TextClassifier } from '../train/classifier.js';
import { ModelFileError } from '../format/model-file.js';

export type ModelSource = Uint8Array | ArrayBuffer | Blob | Response | URL | string;

/**
 * Loads a model saved with `model.toBytes()`; refuses a damaged or foreign file with a message
 * naming it.
 * @example const model = await loadModel(new URL('./sentiment.bin', import.meta.url));
 */
export async function loadModel(source: ModelSource, options: { runtime?: RuntimeOptions; name?: string } = {}): Promise<TextClassifier> {
  const { bytes, name } = await readSource(source);
  return TextClassifier.fromBytes(bytes, options.name ?? name, options.runtime);
}

async function readSource(source: ModelSource): Promise<{ bytes: Uint8Array | ArrayBuffer; name: string }> {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) return { bytes: source, name: 'model' };
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const name = 'name' in source && typeof source.name === 'string' ? source.name : 'model';
    return { bytes: await source.arrayBuffer(), name };
  }
  if (typeof Response !== 'undefined' && source instanceof Response) {
    if (!source.ok) throw new ModelFileError(source.url || 'model', `HTTP ${source.status}`, 'check the address of the model file', 'unreadable');
    return { bytes: await source.arrayBuffer(), name: source.url || 'model' };
  }
  if (typeof source === 'string' && !isUrl(source)) {
    // A path: read from disk in Node, resolved against the page in browsers.
    if (canReadFiles()) return { bytes: await readFile(source), name: source };
    source = new URL(source, typeof location !== 'undefined' ? location.href : undefined);
  }
  const url = typeof source === 'string' ? new URL(source) : (source as URL);
  if (url.protocol === 'file:') return { bytes: await readFile(url), name: decodeURIComponent(url.pathname) };
  const response = await fetch(url);
  if (!response.ok) throw new ModelFileError(url.href, `HTTP ${response.status}`, 'check the address of the model file', 'unreadable');
  return { bytes: await response.arrayBuffer(), name: url.href };
}

/** "https://…", "file:…", "blob:…" are URLs; "model.bin", "/tmp/m.bin" and "C:\\m.bin" are paths. */
function isUrl(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(s) && !/^[a-z]:[\\/]/i.test(s);
}

async function readFile(file: URL | string): Promise<Uint8Array> {
  try {
    return await readFileBytes(file);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const name = typeof file === 'string' ? file : decodeURIComponent(file.pathname);
    const hint = code === 'ENOENT' ? 'check the path' : 'check that it is a readable file';
    throw new ModelFileError(name, `cannot read the file (${code ?? (error as Error).message})`, hint, 'unreadable', { cause: error });
  }
}
