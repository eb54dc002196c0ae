// A sentiment service on ONNX Runtime: the model exported by `sentiwasm export-onnx`, the text
// featurized by sentiwasm's featurizer (rebuilt from the settings file written beside the model),
// answering POST /predict. Needs the .onnx file and its .featurizer.json, not the model file.
//
//   npx sentiwasm export-onnx model.bin model.onnx
//   node examples/serve-onnx/server.mjs model.onnx [--port 8080] [--host 127.0.0.1]
//   curl -s localhost:8080/predict -d '{"texts": ["What a lovely film", "dull and far too long"]}'
//   → {"predictions":[{"label":"positive","probabilities":{"negative":0.03,"positive":0.97}}, …]}
//
// A request holds {"text": "…"} or {"texts": ["…", …]} (at most MAX_TEXTS texts, MAX_BODY bytes);
// the texts of one request go through the graph as one padded batch, on one thread. Inside this
// repository 'sentiwasm' resolves to the package itself (run `npm run build` first).

import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { featurizerFromSettings, onnxBatch, onnxFeatureIds } from 'sentiwasm';

const MAX_BODY = 1 << 20;
const MAX_TEXTS = 256;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { port: { type: 'string', default: '8080' }, host: { type: 'string', default: '127.0.0.1' } },
});
const modelPath = positionals[0];
if (!modelPath) {
  process.stderr.write('usage: node examples/serve-onnx/server.mjs MODEL.onnx [--port 8080] [--host 127.0.0.1]\n');
  process.exit(2);
}
const settingsPath = `${modelPath.replace(/\.onnx$/i, '')}.featurizer.json`;
const settings = featurizerFromSettings(JSON.parse(await readFile(settingsPath, 'utf8')), settingsPath);
const { labels } = settings;
const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });

/** An error the client caused: answered with its status and message. */
class RequestError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** @param {import('node:http').IncomingMessage} request */
async function readBody(request) {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  for await (const chunk of request) {
    size += chunk.length;
    if (size > MAX_BODY) throw new RequestError(413, `the request is larger than ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * @param {string} body
 * @returns {string[]}
 */
function textsOf(body) {
  let parsed;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new RequestError(400, 'the body is not JSON; send {"text": "…"} or {"texts": ["…", …]}');
  }
  const texts = typeof parsed?.text === 'string' ? [parsed.text] : parsed?.texts;
  if (!Array.isArray(texts) || texts.length === 0 || !texts.every((t) => typeof t === 'string')) {
    throw new RequestError(400, 'send {"text": "…"} or {"texts": ["…", …]} with at least one text');
  }
  if (texts.length > MAX_TEXTS)
    throw new RequestError(413, `${texts.length} texts in one request; send at most ${MAX_TEXTS}`);
  return texts;
}

/** @param {string[]} texts */
async function predict(texts) {
  const { ids, mask, dims } = onnxBatch(texts.map((text) => onnxFeatureIds(settings, text)));
  const output = await session.run({
    ids: new ort.Tensor('int64', ids, dims),
    mask: new ort.Tensor('float32', mask, dims),
  });
  const p = output.probabilities.data;
  // The exported graph's probabilities are float32; anything else is another graph.
  if (!(p instanceof Float32Array)) throw new Error(`${modelPath}: "probabilities" is not a float32 output`);
  const C = labels.length;
  return texts.map((_, i) => {
    /** @type {Record<string, number>} */
    const probabilities = {};
    let best = 0;
    for (let c = 0; c < C; c++) {
      probabilities[labels[c]] = p[i * C + c];
      if (p[i * C + c] > p[i * C + best]) best = c;
    }
    return { label: labels[best], probabilities };
  });
}

const server = createServer(async (request, response) => {
  /** @type {(status: number, body: unknown) => void} */
  const reply = (status, body) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  try {
    if (request.url !== '/predict') throw new RequestError(404, 'the service answers POST /predict');
    if (request.method !== 'POST') throw new RequestError(405, 'use POST /predict');
    reply(200, { predictions: await predict(textsOf(await readBody(request))) });
  } catch (error) {
    if (error instanceof RequestError) reply(error.status, { error: error.message });
    else {
      process.stderr.write(`${(error instanceof Error && error.stack) || error}\n`);
      reply(500, { error: 'the model could not answer' });
    }
  }
});

server.listen(Number(values.port), values.host, () => {
  // A server listening on a TCP port (not a pipe) has an address and a port.
  const { address, port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  process.stdout.write(`listening on http://${address}:${port}/predict\n`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
