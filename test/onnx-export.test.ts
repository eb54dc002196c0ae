// The ONNX export, checked against the engine its users serve with: every architecture, trained
// on a slice of SST-2's training file, is exported, run in onnxruntime-node on all 872 dev
// sentences in padded batches of mixed lengths, and must give the probabilities sentiwasm's own
// predict gives to within 1e-5; so must texts longer than the attention model reads, and empty
// ones. The file itself is checked too: its inputs, outputs, opset and metadata.

import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { readExamplesFromFile, train, type TextClassifier, type TrainOptions } from '../src/index.node.js';
import { exportOnnx, exportableArchitectures } from '../src/export/exporter.js';
import { toOnnx } from '../src/export/to-onnx.js';
import { featurizerFromSettings, featurizerSettings } from '../src/export/featurizer-settings.js';
import { onnxBatch, onnxFeatureIds } from '../src/export/inputs.js';
import { decodeModel } from '../src/export/onnx-schema.js';
import { architectures } from '../src/models/registry.js';
import { corpus } from './corpora.js';

const SST2_TRAIN = corpus('sst2');
const SST2_DEV = corpus('sst2:dev');
const TOLERANCE = 1e-5;

async function readSst2(file: string) {
  const { examples } = await readExamplesFromFile(file).collect();
  return examples.map(({ text, label }) => ({ text, label }));
}

/** The models under test: every architecture, and the encoder's other choices (norm first, first-token pooling, two layers). */
const CASES: Record<string, TrainOptions> = {
  // Two members averaged into one model, and a temperature fitted on the held-out tenth.
  bag: { arch: 'bag', dim: 64, members: 2, epochs: 2, validation: 0.1 },
  mlp: { arch: 'mlp', dim: 32, hidden: [32], epochs: 2, validation: 0.1 },
  // maxLen 16: about half of the dev sentences are longer and are truncated.
  // Without bigrams (on by default): the plain encoder's graph; the bigram case is below.
  attention: {
    arch: 'attention',
    dim: 32,
    heads: 4,
    ff: 64,
    maxLen: 16,
    epochs: 1,
    validation: 0.1,
    attentionBigrams: 0,
  },
  'attention (norm first, first-token pooling, 2 layers)': {
    arch: 'attention',
    dim: 16,
    heads: 2,
    ff: 32,
    maxLen: 24,
    layers: 2,
    normFirst: true,
    pooling: 'first',
    epochs: 1,
  },
  // Few buckets, so bigrams share rows; maxLen 16 truncates, so the graph must cut before it pairs.
  'attention (hashed bigrams)': {
    arch: 'attention',
    dim: 16,
    heads: 2,
    ff: 32,
    maxLen: 16,
    epochs: 1,
    attentionBigrams: 5003,
  },
};

const models: Record<string, { model: TextClassifier; session: ort.InferenceSession; bytes: Uint8Array }> = {};
let dev: { text: string; label: string }[] = [];

// Every test reads these models, trained on SST-2: without it, the file is skipped.
beforeAll(async () => {
  if (!SST2_TRAIN || !SST2_DEV) return;
  const trainSlice = (await readSst2(SST2_TRAIN)).slice(0, 4000);
  dev = await readSst2(SST2_DEV);
  for (const [name, options] of Object.entries(CASES)) {
    const model = await train(trainSlice, { seed: 3, ...options });
    const bytes = await toOnnx(model);
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    models[name] = { model, session, bytes };
  }
}, 120_000);

/** The graph's outputs for id lists, padded into one batch. */
async function runGraph(
  session: ort.InferenceSession,
  lists: number[][],
): Promise<{ probabilities: Float32Array; logits: Float32Array }> {
  const { ids, mask, dims } = onnxBatch(lists);
  const out = await session.run({
    ids: new ort.Tensor('int64', ids, dims),
    mask: new ort.Tensor('float32', mask, dims),
  });
  return { probabilities: out.probabilities.data as Float32Array, logits: out.logits.data as Float32Array };
}

/** sentiwasm's probabilities of texts, [n × classes] in the order of the labels. */
function predicted(model: TextClassifier, texts: string[]): Float32Array {
  const rows = model.predictBatch(texts).flatMap((p) => model.labels.map((l) => p.probabilities[l]));
  return Float32Array.from(rows);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

const idsOf = (model: TextClassifier, text: string) => onnxFeatureIds(model, text);

describe.skipIf(!SST2_TRAIN || !SST2_DEV)('ONNX export against ONNX Runtime', () => {
  it('every architecture sentiwasm has can be exported', () => {
    expect(exportableArchitectures().sort()).toEqual(architectures().sort());
  });

  it.each(Object.keys(CASES))(
    '%s: ONNX Runtime gives the probabilities sentiwasm predicts on all 872 SST-2 dev sentences, within 1e-5, in batches of 64 and in one of 872',
    async (name) => {
      const { model, session } = models[name];
      const texts = dev.map((e) => e.text);
      expect(texts).toHaveLength(872);
      const want = predicted(model, texts);
      const lists = texts.map((t) => idsOf(model, t));
      const C = model.labels.length;
      const got = new Float32Array(want.length);
      for (let start = 0; start < texts.length; start += 64) {
        const chunk = lists.slice(start, start + 64);
        got.set((await runGraph(session, chunk)).probabilities, start * C);
      }
      expect(maxAbsDiff(got, want)).toBeLessThan(TOLERANCE);
      const whole = await runGraph(session, lists);
      expect(maxAbsDiff(whole.probabilities, want)).toBeLessThan(TOLERANCE);
      // The logits output is the model's own, before calibration.
      expect(maxAbsDiff(whole.logits, model.logits(lists))).toBeLessThan(1e-4);
    },
  );

  it('the bag model trained as two members, calibrated, exports their average and its temperature', () => {
    const { model } = models.bag;
    expect(model.config.temperature).not.toBe(1);
    const metadata = Object.fromEntries(decodeModel(models.bag.bytes).metadataProps.map((e) => [e.key, e.value]));
    expect(Number(metadata['sentiwasm.temperature'])).toBe(model.config.temperature);
  });

  it.each(['attention', 'attention (norm first, first-token pooling, 2 layers)', 'attention (hashed bigrams)'])(
    '%s: a text longer than the model reads, given to the graph in full, gets the probabilities of its first maxLen tokens',
    async (name) => {
      const { model, session } = models[name];
      const maxLen = model.model.sequenceLength!;
      const long = dev.filter((e) => model.featurizer.tokenize(e.text).length > maxLen).map((e) => e.text);
      expect(long.length).toBeGreaterThan(100);
      const full = long.map((t) => model.featurizer.orderedIds(model.featurizer.tokenize(t), 10_000));
      expect(Math.max(...full.map((ids) => ids.length))).toBeGreaterThan(maxLen);
      const { probabilities } = await runGraph(session, full);
      expect(maxAbsDiff(probabilities, predicted(model, long))).toBeLessThan(TOLERANCE);
    },
  );

  it.each(Object.keys(CASES))(
    '%s: empty texts, alone or beside others, get what sentiwasm predicts for them',
    async (name) => {
      const { model, session } = models[name];
      const texts = ['', 'a gorgeous , witty , seductive movie .', '', '!!!'];
      const both = await runGraph(
        session,
        texts.map((t) => idsOf(model, t)),
      );
      expect(maxAbsDiff(both.probabilities, predicted(model, texts))).toBeLessThan(TOLERANCE);
      const alone = await runGraph(session, [idsOf(model, ''), idsOf(model, '')]);
      expect(maxAbsDiff(alone.probabilities, predicted(model, ['', '']))).toBeLessThan(TOLERANCE);
    },
  );

  it('the file declares ids int64 and mask float32 [batch, length], probabilities and logits [batch, classes], opset 17, IR 8, and the labels', async () => {
    for (const { model, session, bytes } of Object.values(models)) {
      expect(session.inputNames).toEqual(['ids', 'mask']);
      expect(session.outputNames).toEqual(['probabilities', 'logits']);
      const file = decodeModel(bytes);
      expect(file.irVersion).toBe(8);
      expect(file.opsetImport.map((o) => [o.domain ?? '', o.version])).toEqual([['', 17]]);
      const dims = (v: (typeof file.graph.input)[number]) =>
        v.type.tensorType.shape.dim.map((d) => ('dimParam' in d ? d.dimParam : d.dimValue));
      expect(file.graph.input.map((v) => [v.name, v.type.tensorType.elemType, dims(v)])).toEqual([
        ['ids', 7, ['batch', 'length']],
        ['mask', 1, ['batch', 'length']],
      ]);
      expect(file.graph.output.map((v) => [v.name, v.type.tensorType.elemType, dims(v)])).toEqual([
        ['probabilities', 1, ['batch', 2]],
        ['logits', 1, ['batch', 2]],
      ]);
      const metadata = Object.fromEntries(file.metadataProps.map((e) => [e.key, e.value]));
      expect(JSON.parse(metadata['sentiwasm.labels'])).toEqual(model.labels);
      expect(metadata['sentiwasm.arch']).toBe(model.config.arch);
    }
  });

  it.each<[string, string[]]>([
    ['bag', ['Add', 'Div', 'Gather', 'Identity', 'Max', 'Mul', 'ReduceSum', 'Softmax', 'Unsqueeze']],
    ['mlp', ['Div', 'Gather', 'Gemm', 'Identity', 'Max', 'Mul', 'ReduceSum', 'Relu', 'Softmax', 'Unsqueeze']],
    [
      'attention',
      [
        'Add',
        'Div',
        'Gather',
        'Gemm',
        'Identity',
        'LayerNormalization',
        'MatMul',
        'Max',
        'Mul',
        'ReduceSum',
        'Relu',
        'Reshape',
        'Shape',
        'Slice',
        'Softmax',
        'Split',
        'Sub',
        'Transpose',
        'Unsqueeze',
      ],
    ],
  ])('%s: the graph is made of standard ONNX operators only (no custom domain, no embedding-bag op)', (name, ops) => {
    const { node } = decodeModel(models[name].bytes).graph;
    expect([...new Set(node.map((n) => n.opType))].sort()).toEqual(ops);
    expect(node.filter((n) => n.domain)).toEqual([]);
  });

  it("the bag graph gathers per-row class scores, so the file is far smaller than the mlp's embedding table", () => {
    const { model, bytes } = models.bag;
    const rows = model.featurizer.rowCount;
    expect(bytes.length).toBeLessThan(rows * model.labels.length * 4 + 64 * 1024);
  });

  it.each(Object.keys(CASES))(
    '%s: the featurizer rebuilt from its settings JSON gives the same ids for every dev sentence',
    (name) => {
      const { model } = models[name];
      const rebuilt = featurizerFromSettings(
        JSON.parse(JSON.stringify(featurizerSettings(model))),
        'model.featurizer.json',
      );
      expect(rebuilt.sequenceLength).toBe(model.model.sequenceLength);
      expect(rebuilt.labels).toEqual(model.labels);
      for (const { text } of dev) expect(onnxFeatureIds(rebuilt, text)).toEqual(idsOf(model, text));
    },
  );

  it.each<[string, (s: Record<string, unknown>) => unknown, string]>([
    ['another kind of JSON', () => [1, 2], 'model.featurizer.json: not a JSON object'],
    [
      'a file of another format',
      (s) => ({ ...s, format: 'fastText' }),
      'model.featurizer.json: not a sentiwasm featurizer file (its "format" is "fastText"); export-onnx writes one beside the .onnx file',
    ],
    [
      'a newer version',
      (s) => ({ ...s, version: 2 }),
      'model.featurizer.json: version 2; this sentiwasm reads version 1',
    ],
    [
      'a bucket outside the buckets',
      (s) => ({ ...s, rowBuckets: [-4] }),
      'model.featurizer.json: row bucket 0 is -4, outside the buckets',
    ],
    [
      'a vocabulary with a number in it',
      (s) => ({ ...s, vocabulary: ['a', 3] }),
      'model.featurizer.json: "vocabulary" must be a list of words',
    ],
  ])('settings JSON: %s is refused, naming the file and the problem', (_, change, message) => {
    const settings = JSON.parse(JSON.stringify(featurizerSettings(models.bag.model))) as Record<string, unknown>;
    expect(() => featurizerFromSettings(change(settings), 'model.featurizer.json')).toThrow(message);
  });

  it('an architecture the export has no graph for is refused by name', () => {
    const source = {
      arch: 'lstm',
      shape: { rows: 1, dim: 1, hidden: [], classes: 2 },
      tensors: {},
      labels: ['a', 'b'],
      temperature: 1,
    };
    expect(() => exportOnnx(source)).toThrow(
      'the ONNX export has no graph for the architecture "lstm" (it exports bag, mlp, attention)',
    );
  });

  it('a disposed model cannot be exported', async () => {
    const model = await train(dev.slice(0, 50), { arch: 'bag', epochs: 1, dim: 8 });
    model.dispose();
    await expect(toOnnx(model)).rejects.toThrow('this model has been disposed');
  });
});
