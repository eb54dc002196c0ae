// A model trained on threads lives in a shared WebAssembly memory, and browsers refuse to
// TextEncoder.encodeInto a view of shared memory (Node allows it). Here encodeInto refuses as a
// browser's does, and a model trained on 2 threads (Hogwild) still predicts, exactly as the same
// model loaded from its bytes into an ordinary memory.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinSplit, loadModel, train } from '../src/index.node.js';

const PROBES = [
  'I loved this movie, it was wonderful!',
  'This was a terrible, boring film. I hated it.',
  'NOT BAD AT ALL', // upper case: lowered before it is encoded
  'not good , not good at all',
  '这家酒店很干净，服务很好', // not ASCII: left to the JavaScript featurizer
  'meh',
];

const encodeInto = TextEncoder.prototype.encodeInto;

beforeAll(() => {
  TextEncoder.prototype.encodeInto = function (this: TextEncoder, text: string, into: Uint8Array) {
    if (!(into.buffer instanceof ArrayBuffer))
      throw new TypeError(
        "Failed to execute 'encodeInto' on 'TextEncoder': The provided Uint8Array value must not be shared.",
      );
    return encodeInto.call(this, text, into);
  };
});

afterAll(() => {
  TextEncoder.prototype.encodeInto = encodeInto;
});

describe('prediction with a model in shared memory, where encodeInto refuses shared views', () => {
  it('gives the predictions of the same model loaded into an ordinary memory', async () => {
    const model = await train(builtinSplit().train, { members: 1, threads: 2, epochs: 10, seed: 3 });
    expect(model.runtime.shared).toBe(true);
    const unshared = await loadModel(model.toBytes());
    expect(unshared.runtime.shared).toBe(false);
    const got = model.predictBatch(PROBES);
    expect(got).toEqual(unshared.predictBatch(PROBES));
    expect(got.slice(0, 2).map((p) => p.label)).toEqual(['positive', 'negative']);
  });
});
