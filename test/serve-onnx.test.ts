// examples/serve-onnx: the Node HTTP server on ONNX Runtime, started on 127.0.0.1 as a user starts
// it, answering a bounded batch of POST /predict requests with sentiwasm's own predictions, and
// turning bad requests away with a status and a message.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinSplit, featurizerSettings, toOnnx, train, type TextClassifier } from '../src/index.node.js';

const SERVER = fileURLToPath(new URL('../examples/serve-onnx/server.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-serve-onnx-'));
let model: TextClassifier;
let server: ChildProcess;
let url = '';

beforeAll(async () => {
  model = await train(builtinSplit().train, { epochs: 5, seed: 1 });
  writeFileSync(join(dir, 'model.onnx'), await toOnnx(model));
  writeFileSync(join(dir, 'model.featurizer.json'), JSON.stringify(featurizerSettings(model)));
  server = spawn(process.execPath, [SERVER, join(dir, 'model.onnx'), '--port', '0', '--host', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  server.stderr!.on('data', (chunk) => (stderr += chunk));
  url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    server.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+\/predict)/.exec(stdout);
      if (found) resolve(found[1]);
    });
    server.on('exit', (code) => reject(new Error(`the server exited with ${code}: ${stderr}`)));
  });
});

afterAll(async () => {
  if (server?.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  model?.dispose();
});

async function post(
  body: string,
  method = 'POST',
  at = url,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(
    at,
    method === 'POST' ? { method, body, headers: { 'content-type': 'application/json' } } : { method },
  );
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('examples/serve-onnx', () => {
  it('answers 40 POST /predict requests, 8 at a time, with the labels and probabilities sentiwasm predicts (within 1e-5)', async () => {
    const texts = builtinSplit().dev.map((e) => e.text);
    const requests = Array.from({ length: 40 }, (_, i) =>
      [texts[i % texts.length], texts[(3 * i + 1) % texts.length], ''].slice(0, 1 + (i % 3)),
    );
    for (let start = 0; start < requests.length; start += 8) {
      const batch = requests.slice(start, start + 8);
      const answers = await Promise.all(batch.map((t) => post(JSON.stringify({ texts: t }))));
      answers.forEach(({ status, json }, k) => {
        expect(status).toBe(200);
        const want = model.predictBatch(batch[k]);
        const got = json.predictions as { label: string; probabilities: Record<string, number> }[];
        expect(got.map((p) => p.label)).toEqual(want.map((p) => p.label));
        got.forEach((p, i) =>
          model.labels.forEach((l) =>
            expect(Math.abs(p.probabilities[l] - want[i].probabilities[l])).toBeLessThan(1e-5),
          ),
        );
      });
    }
  });

  it('takes one text as {"text": …}', async () => {
    const { status, json } = await post(JSON.stringify({ text: 'What a wonderful film!' }));
    expect(status).toBe(200);
    expect((json.predictions as { label: string }[])[0].label).toBe(model.predict('What a wonderful film!').label);
  });

  it.each([
    ['a body that is not JSON', 'not json', 'POST', '/predict', 400, 'the body is not JSON'],
    ['no texts', '{"texts": []}', 'POST', '/predict', 400, 'with at least one text'],
    ['a text that is not a string', '{"texts": [3]}', 'POST', '/predict', 400, 'with at least one text'],
    [
      'more texts than one request may hold',
      JSON.stringify({ texts: Array(300).fill('x') }),
      'POST',
      '/predict',
      413,
      '300 texts in one request; send at most 256',
    ],
    ['GET', '', 'GET', '/predict', 405, 'use POST /predict'],
    ['another path', '{}', 'POST', '/other', 404, 'the service answers POST /predict'],
  ])('turns away %s with a status and a message', async (_, body, method, path, status, message) => {
    const answer = await post(body, method, url.replace('/predict', path));
    expect(answer.status).toBe(status);
    expect(answer.json.error).toContain(message);
  });
});
