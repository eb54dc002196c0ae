// loadModel over HTTP, against a server on 127.0.0.1 serving a small model file.

import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinSplit, loadModel, ModelFileError, train, type TextClassifier } from '../src/index.node.js';

let server: Server;
let base: string;
let model: TextClassifier;
let bytes: Uint8Array;

beforeAll(async () => {
  model = await train(builtinSplit().train, { epochs: 5, seed: 2 });
  bytes = model.toBytes();
  server = createServer((req, res) => {
    if (req.url === '/model.bin') {
      res.setHeader('content-type', 'application/octet-stream');
      res.end(bytes);
    } else if (req.url === '/broken.bin') {
      res.end(bytes.subarray(0, bytes.length >> 1));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(() => {
  server.close();
  model.dispose();
});

describe('loadModel over HTTP', () => {
  it('loads a model from a URL and predicts as the original', async () => {
    const loaded = await loadModel(new URL('/model.bin', base));
    const texts = ['I loved it, wonderful!', 'Awful, a waste of money.', '房间很干净'];
    expect(loaded.predictBatch(texts)).toEqual(model.predictBatch(texts));
    loaded.dispose();
  });

  it('a missing file is refused with the HTTP status and the URL', async () => {
    await expect(loadModel(`${base}/nothing.bin`)).rejects.toThrow(new RegExp(`${base}/nothing.bin: HTTP 404`));
  });

  it('a file cut short in transit is refused, not half-loaded', async () => {
    await expect(loadModel(`${base}/broken.bin`)).rejects.toBeInstanceOf(ModelFileError);
  });
});
