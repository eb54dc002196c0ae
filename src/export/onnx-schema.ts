// The part of ONNX's protobuf schema (onnx/onnx.proto, proto2, package onnx) that an exported
// model uses, as a protobufjs JSON descriptor: the messages' field names, types and numbers as
// onnx.proto declares them, nothing else. protobufjs writes the bytes from it, so no byte of the
// file is laid out by hand. Messages and fields the export never writes (training info, sparse
// tensors, functions, sequence and map types) are left out; a reader skips nothing it needs,
// since protobuf readers ignore absent fields.
//
// This module is the only one that imports protobufjs, and only the ONNX exporter imports it
// (loaded on demand by TextClassifier.toOnnx), so it stays out of what a web app loads up front.

import protobuf from 'protobufjs/light.js';

/** TensorProto.DataType values the export uses. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values the export uses. */
export const AttributeType = { FLOAT: 1, INT: 2, INTS: 7 } as const;

/** TensorProto, as the export fills it: its values always as little-endian raw_data. */
export interface TensorMessage {
  name: string;
  dims: number[];
  dataType: DataTypeCode;
  rawData: Uint8Array;
}

export interface AttributeMessage {
  name: string;
  type: number;
  f?: number;
  i?: number;
  ints?: number[];
}

export interface NodeMessage {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: AttributeMessage[];
  domain?: string;
}

/** A dimension: a fixed size, or a name for a size given at run time ("batch", "length"). */
export type Dimension = { dimValue: number } | { dimParam: string };

export interface ValueInfoMessage {
  name: string;
  type: { tensorType: { elemType: DataTypeCode; shape: { dim: Dimension[] } } };
  docString?: string;
}

export interface GraphMessage {
  name: string;
  node: NodeMessage[];
  initializer: TensorMessage[];
  input: ValueInfoMessage[];
  output: ValueInfoMessage[];
  docString?: string;
}

export interface ModelMessage {
  irVersion: number;
  opsetImport: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  docString?: string;
  graph: GraphMessage;
  metadataProps: { key: string; value: string }[];
}

const field = (type: string, id: number, rule?: 'repeated') => (rule ? { type, id, rule } : { type, id });

/** onnx.proto's messages (the subset above), field numbers as the schema gives them. */
const ONNX_DESCRIPTOR = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: field('string', 1),
            refAttrName: field('string', 21),
            docString: field('string', 13),
            type: field('int32', 20),
            f: field('float', 2),
            i: field('int64', 3),
            s: field('bytes', 4),
            t: field('TensorProto', 5),
            g: field('GraphProto', 6),
            floats: field('float', 7, 'repeated'),
            ints: field('int64', 8, 'repeated'),
            strings: field('bytes', 9, 'repeated'),
            tensors: field('TensorProto', 10, 'repeated'),
            graphs: field('GraphProto', 11, 'repeated'),
          },
        },
        ValueInfoProto: {
          fields: { name: field('string', 1), type: field('TypeProto', 2), docString: field('string', 3) },
        },
        NodeProto: {
          fields: {
            input: field('string', 1, 'repeated'),
            output: field('string', 2, 'repeated'),
            name: field('string', 3),
            opType: field('string', 4),
            domain: field('string', 7),
            attribute: field('AttributeProto', 5, 'repeated'),
            docString: field('string', 6),
          },
        },
        ModelProto: {
          fields: {
            irVersion: field('int64', 1),
            opsetImport: field('OperatorSetIdProto', 8, 'repeated'),
            producerName: field('string', 2),
            producerVersion: field('string', 3),
            domain: field('string', 4),
            modelVersion: field('int64', 5),
            docString: field('string', 6),
            graph: field('GraphProto', 7),
            metadataProps: field('StringStringEntryProto', 14, 'repeated'),
          },
        },
        StringStringEntryProto: {
          fields: { key: field('string', 1), value: field('string', 2) },
        },
        GraphProto: {
          fields: {
            node: field('NodeProto', 1, 'repeated'),
            name: field('string', 2),
            initializer: field('TensorProto', 5, 'repeated'),
            docString: field('string', 10),
            input: field('ValueInfoProto', 11, 'repeated'),
            output: field('ValueInfoProto', 12, 'repeated'),
            valueInfo: field('ValueInfoProto', 13, 'repeated'),
          },
        },
        TensorProto: {
          fields: {
            dims: field('int64', 1, 'repeated'),
            dataType: field('int32', 2),
            floatData: { ...field('float', 4, 'repeated'), options: { packed: true } },
            int32Data: { ...field('int32', 5, 'repeated'), options: { packed: true } },
            stringData: field('bytes', 6, 'repeated'),
            int64Data: { ...field('int64', 7, 'repeated'), options: { packed: true } },
            name: field('string', 8),
            docString: field('string', 12),
            rawData: field('bytes', 9),
          },
        },
        TensorShapeProto: {
          fields: { dim: field('Dimension', 1, 'repeated') },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: { dimValue: field('int64', 1), dimParam: field('string', 2), denotation: field('string', 3) },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensorType'] } },
          fields: { tensorType: field('Tensor', 1), denotation: field('string', 6) },
          nested: {
            Tensor: { fields: { elemType: field('int32', 1), shape: field('TensorShapeProto', 2) } },
          },
        },
        OperatorSetIdProto: {
          fields: { domain: field('string', 1), version: field('int64', 2) },
        },
      },
    },
  },
};

let modelType: protobuf.Type | undefined;

function modelProto(): protobuf.Type {
  return (modelType ??= protobuf.Root.fromJSON(ONNX_DESCRIPTOR).lookupType('onnx.ModelProto'));
}

/**
 * The bytes of an ONNX file (a serialized ModelProto).
 * @example
 * ```ts
 * encodeModel(model) // Uint8Array [8, 8, …]
 * ```
 */
export function encodeModel(model: ModelMessage): Uint8Array {
  const type = modelProto();
  const problem = type.verify(model);
  if (problem) throw new Error(`the ONNX model to write is malformed: ${problem}`);
  return type.encode(type.fromObject(model)).finish();
}

/** A serialized ModelProto read back as plain objects (64-bit integers as numbers), for checks and tests. */
export function decodeModel(bytes: Uint8Array): ModelMessage {
  const type = modelProto();
  return type.toObject(type.decode(bytes), { longs: Number, defaults: false, arrays: true }) as ModelMessage;
}
