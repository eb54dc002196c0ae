// A trained model as an ONNX file: the graph of its architecture (one builder each), between
// the inputs every export shares and the outputs ONNX Runtime users read.
//
//   inputs   ids   int64   [batch, length]  the featurizer's ids (see inputs.ts), padded with 0
//            mask  float32 [batch, length]  1 for a real id, 0 for padding
//   outputs  probabilities float32 [batch, classes]  softmax(logits / temperature), the model's labels' order
//            logits        float32 [batch, classes]  before calibration
//
// Opset 17 (ONNX Runtime 1.12 and later; LayerNormalization is the newest operator used, the
// encoder's feed-forward block uses ReLU), IR version 8. The labels, the temperature and the
// architecture are in the file's metadata as well.

import { attentionGraph } from './attention-graph.js';
import { bagGraph, mlpGraph } from './bag-front-graph.js';
import { GraphBuilder, int } from './graph.js';
import { DataType, encodeModel } from './onnx-schema.js';
import type { ExportSource } from './source.js';

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;
/** What the weights may take: a protobuf message is at most 2 GB, and the graph and metadata need a little room. */
const MAX_WEIGHT_BYTES = 2 ** 31 - 2 ** 24;

/** Adds an architecture's nodes from (ids, mask) to its raw logits [batch × classes]; returns the logits' name. */
type LogitsGraph = (g: GraphBuilder, ids: string, mask: string, source: ExportSource) => string;

const GRAPHS: Record<string, LogitsGraph> = {
  bag: bagGraph,
  mlp: mlpGraph,
  attention: attentionGraph,
};

/**
 * The architectures the export has a graph for.
 * @example
 * ```ts
 * exportableArchitectures() // ['bag', 'mlp', 'attention']
 * ```
 */
export function exportableArchitectures(): string[] {
  return Object.keys(GRAPHS);
}

/** What toOnnx writes into the file besides the graph. */
export interface OnnxExportOptions {
  /** The producer's version written in the file (default: none). */
  producerVersion?: string;
  /** More metadata entries (key → value). */
  metadata?: Record<string, string>;
}

/**
 * The bytes of an ONNX model computing `source`'s logits and calibrated probabilities from
 * padded feature ids; refuses an architecture it has no graph for.
 * @example
 * ```ts
 * writeFileSync('model.onnx', exportOnnx(source));
 * ```
 */
export function exportOnnx(source: ExportSource, options: OnnxExportOptions = {}): Uint8Array {
  const build = Object.hasOwn(GRAPHS, source.arch) ? GRAPHS[source.arch] : undefined;
  if (!build)
    throw new RangeError(
      `the ONNX export has no graph for the architecture "${source.arch}" (it exports ${exportableArchitectures().join(', ')})`,
    );
  const T = source.temperature;
  if (!(T > 0 && Number.isFinite(T)))
    throw new RangeError(`the model's temperature is ${T}; it must be a finite number > 0`);
  const C = source.labels.length;
  if (C !== source.shape.classes) throw new RangeError(`the model has ${source.shape.classes} classes but ${C} labels`);

  const g = new GraphBuilder();
  const ids = g.input(
    'ids',
    DataType.INT64,
    ['batch', 'length'],
    'feature ids of each text (sentiwasm featurize), left-aligned, padded with 0',
  );
  const mask = g.input('mask', DataType.FLOAT, ['batch', 'length'], '1 for a real id, 0 for padding');
  const logits = build(g, ids, mask, source);
  const scaled = T === 1 ? logits : g.node('Div', [logits, g.scalar('temperature', T)], 'logits.calibrated');
  const probabilities = g.node('Softmax', [scaled], 'softmax', { axis: int(-1) });
  g.output(
    'probabilities',
    probabilities,
    ['batch', C],
    `softmax(logits / ${T}); classes in the order ${JSON.stringify(source.labels)}`,
  );
  g.output('logits', logits, ['batch', C], "the model's logits, before calibration");

  const graph = g.build(`sentiwasm_${source.arch}`, `labels ${JSON.stringify(source.labels)}`);
  const weightBytes = graph.initializer.reduce((sum, t) => sum + t.rawData.length, 0);
  if (weightBytes > MAX_WEIGHT_BYTES)
    throw new RangeError(
      `the ${source.arch} model's weights take ${weightBytes} bytes; an ONNX file is one protobuf message of at most 2 GB, and the export writes no external data files. Train a smaller model (a lower --dim, fewer --buckets or a higher --min-count)`,
    );
  const metadata = {
    'sentiwasm.arch': source.arch,
    'sentiwasm.labels': JSON.stringify(source.labels),
    'sentiwasm.temperature': String(T),
    ...options.metadata,
  };
  return encodeModel({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'sentiwasm',
    producerVersion: options.producerVersion ?? '',
    docString: `sentiwasm ${source.arch} model: ids and mask in, probabilities and logits out`,
    graph,
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
}
