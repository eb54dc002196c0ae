// `sentiwasm export-onnx` and `sentiwasm featurize` as a user runs them (the built CLI in a child
// process): the exported file and its featurizer settings, the ids featurize prints fed to ONNX
// Runtime giving what `sentiwasm predict` prints, and the failures that must be one clear message.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinSplit, train, type TextClassifier } from '../src/index.node.js';
import { onnxBatch, onnxFeatureIds } from '../src/export/inputs.js';
import type { FeaturizerSettings } from '../src/export/featurizer-settings.js';
import { cli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-onnx-cli-'));
const LINES = ['What a wonderful film!', '', 'not worth the money , dull and far too long', '服务很好'];
const models: Record<string, { path: string; model: TextClassifier }> = {};

beforeAll(async () => {
  const { train: examples } = builtinSplit();
  for (const arch of ['bag', 'attention'] as const) {
    const model = await train(examples, {
      arch,
      epochs: 3,
      dim: 16,
      seed: 2,
      ...(arch === 'attention' ? { maxLen: 8 } : {}),
    });
    const path = join(dir, `${arch}.bin`);
    writeFileSync(path, model.toBytes());
    models[arch] = { path, model };
  }
});

describe('sentiwasm export-onnx', () => {
  it.each(['bag', 'attention'])(
    'writes the %s model as OUT.onnx and its featurizer as OUT.featurizer.json, and says what the graph takes and gives',
    async (arch) => {
      const { path, model } = models[arch];
      const out = join(dir, `${arch}.onnx`);
      const { stdout, stderr, code } = await cli(['export-onnx', path, out]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain(`${out}: ${arch} model as ONNX (opset 17)`);
      expect(stdout).toMatch(/inputs {3}ids int64 \[batch, length\].*mask float32 \[batch, length\]/);
      expect(stdout).toContain(
        'outputs  probabilities float32 [batch, 2] (negative, positive), logits float32 [batch, 2]',
      );
      const settings = JSON.parse(readFileSync(join(dir, `${arch}.featurizer.json`), 'utf8')) as FeaturizerSettings;
      expect(settings).toMatchObject({
        format: 'sentiwasm featurizer',
        version: 1,
        arch,
        labels: model.labels,
        temperature: model.config.temperature,
      });
      expect(settings.vocabulary).toEqual(model.featurizer.vocabulary.toArray());
      if (arch === 'bag') expect(settings.rowBuckets).toEqual(Array.from(model.featurizer.rowBuckets));
      else expect(settings.ordered).toEqual({ pad: 0, unknown: 1, offset: 2, maxLength: 8 });
    },
  );

  it('refuses a model file that is not there, naming it, without a stack trace', async () => {
    const { stderr, code } = await cli(['export-onnx', join(dir, 'missing.bin'), join(dir, 'x.onnx')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^sentiwasm: .*missing\.bin/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'x.onnx'))).toBe(false);
  });

  it('refuses an output in a folder that does not exist before it reads the model', async () => {
    const { stderr, code } = await cli(['export-onnx', models.bag.path, join(dir, 'no-such-folder', 'm.onnx')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^sentiwasm: .*no-such-folder.*check that the folder/);
  });
});

describe('sentiwasm featurize', () => {
  it.each(['bag', 'attention'])(
    '%s: --json prints one {"ids": [...]} per input line, the ids the graph reads, and ONNX Runtime then gives what predict prints',
    async (arch) => {
      const { path, model } = models[arch];
      const { stdout, code } = await cli(['featurize', path, '--json'], { input: `${LINES.join('\n')}\n` });
      expect(code).toBe(0);
      const lists = stdout
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as { ids: number[] }).ids);
      expect(lists).toEqual(LINES.map((t) => onnxFeatureIds(model, t)));
      if (arch === 'attention') expect(lists[1]).toEqual([1]);

      const onnx = join(dir, `${arch}-featurize.onnx`);
      expect((await cli(['export-onnx', path, onnx])).code).toBe(0);
      const session = await ort.InferenceSession.create(onnx, { intraOpNumThreads: 1 });
      const { ids, mask, dims } = onnxBatch(lists);
      const probabilities = (
        await session.run({ ids: new ort.Tensor('int64', ids, dims), mask: new ort.Tensor('float32', mask, dims) })
      ).probabilities.data as Float32Array;
      const nonBlank = LINES.map((t, i) => [t, i] as const).filter(([t]) => t !== '');
      const predicted = (await cli(['predict', path, '--json'], { input: nonBlank.map(([t]) => t).join('\n') })).stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { probabilities: Record<string, number> });
      nonBlank.forEach(([, i], k) =>
        model.labels.forEach((label, c) =>
          expect(Math.abs(probabilities[i * 2 + c] - predicted[k].probabilities[label])).toBeLessThan(1e-5),
        ),
      );
    },
  );

  it("without --json prints the ids separated by spaces; an empty text has the end-of-text word's alone", async () => {
    const { path, model } = models.bag;
    const { stdout } = await cli(['featurize', path], { input: 'great fun\n\n' });
    const empty = onnxFeatureIds(model, '');
    expect(empty).toHaveLength(1);
    expect(stdout).toBe(`${onnxFeatureIds(model, 'great fun').join(' ')}\n${empty.join(' ')}\n`);
  });

  it('prints a blank line for a text without any ids (a model without the end-of-text word)', async () => {
    const { train: examples } = builtinSplit();
    const model = await train(examples, { seed: 3, epochs: 2, endOfText: false });
    const path = join(dir, 'no-end-of-text.bin');
    writeFileSync(path, model.toBytes());
    const { stdout } = await cli(['featurize', path], { input: 'great fun\n\n' });
    expect(stdout).toBe(`${onnxFeatureIds(model, 'great fun').join(' ')}\n\n`);
    model.dispose();
  });

  it('refuses a file that is not a model, naming it', async () => {
    const notModel = join(dir, 'not-a-model.bin');
    writeFileSync(notModel, 'hello');
    const { stderr, code } = await cli(['featurize', notModel, '--json'], { input: 'x\n' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^sentiwasm: .*not-a-model\.bin/);
  });
});
