// Building an ONNX graph by hand, one node at a time: each helper adds a node (or a constant)
// and returns the name of its output, so a builder reads as the forward pass it exports
// ("h = add(matmul(x, w), b)"). Names are made unique here, initializers are kept in the order
// they were added, and the nodes come out in the order they were called, which is a
// topological order because an output's name exists only once its node has been added.

import {
  AttributeType,
  DataType,
  type AttributeMessage,
  type Dimension,
  type GraphMessage,
  type NodeMessage,
  type TensorMessage,
  type ValueInfoMessage,
} from './onnx-schema.js';

/** A node attribute's value: an integer, a float, or a list of integers (all the export's operators need). */
export type AttributeValue = { int: number } | { float: number } | { ints: number[] };

/**
 * An int attribute.
 * @example
 * ```ts
 * int(1) // { int: 1 }
 * ```
 */
export const int = (value: number): AttributeValue => ({ int: value });
/**
 * A float attribute.
 * @example
 * ```ts
 * float(1e-5) // { float: 1e-5 }
 * ```
 */
export const float = (value: number): AttributeValue => ({ float: value });
/**
 * An ints attribute.
 * @example
 * ```ts
 * ints([0, 2, 1, 3]) // { ints: [0, 2, 1, 3] }
 * ```
 */
export const ints = (values: number[]): AttributeValue => ({ ints: values });

function attribute(name: string, value: AttributeValue): AttributeMessage {
  if ('int' in value) return { name, type: AttributeType.INT, i: value.int };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  return { name, type: AttributeType.INTS, ints: value.ints };
}

/** Whether typed arrays here are little-endian (every platform Node and browsers run on, in practice). */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function littleEndian(values: Float32Array | BigInt64Array): Uint8Array {
  // Typed arrays are in the platform's byte order; ONNX's raw_data is little-endian.
  if (LITTLE_ENDIAN)
    return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  const bytes = new Uint8Array(values.byteLength);
  const view = new DataView(bytes.buffer);
  if (values instanceof Float32Array) values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  else values.forEach((v, i) => view.setBigInt64(8 * i, v, true));
  return bytes;
}

export class GraphBuilder {
  private readonly nodes: NodeMessage[] = [];
  private readonly initializers: TensorMessage[] = [];
  private readonly inputs: ValueInfoMessage[] = [];
  private readonly outputs: ValueInfoMessage[] = [];
  private readonly used = new Set<string>();
  private readonly counts = new Map<string, number>();
  /** Int64 constants by value, so that the same one is stored once. */
  private readonly int64Constants = new Map<string, string>();

  /** A fresh name starting with `stem` ("layer0.qkv", then "layer0.qkv_1", …). */
  private fresh(stem: string): string {
    let name = stem;
    let n = this.counts.get(stem) ?? 0;
    while (this.used.has(name)) name = `${stem}_${++n}`;
    this.counts.set(stem, n);
    this.used.add(name);
    return name;
  }

  /** Declares a graph input (float32 or int64) with its dimensions; returns its name. */
  input(
    name: string,
    elemType: typeof DataType.FLOAT | typeof DataType.INT64,
    dims: (number | string)[],
    doc?: string,
  ): string {
    if (this.used.has(name)) throw new Error(`the graph already has a value named "${name}"`);
    this.used.add(name);
    this.inputs.push(valueInfo(name, elemType, dims, doc));
    return name;
  }

  /** Makes `value` a graph output under `name` (an Identity node, so the name is the one given). */
  output(name: string, value: string, dims: (number | string)[], doc?: string): void {
    if (this.used.has(name)) throw new Error(`the graph already has a value named "${name}"`);
    this.used.add(name);
    this.nodes.push({ name: `${name}.identity`, opType: 'Identity', input: [value], output: [name], attribute: [] });
    this.outputs.push(valueInfo(name, DataType.FLOAT, dims, doc));
  }

  /** A float32 weight of the given shape (values row-major); returns its name. */
  weight(stem: string, shape: number[], values: Float32Array): string {
    const count = shape.reduce((a, b) => a * b, 1);
    if (values.length !== count)
      throw new RangeError(`weight "${stem}": ${values.length} values for shape [${shape.join(', ')}] (${count})`);
    const name = this.fresh(stem);
    this.initializers.push({ name, dims: shape, dataType: DataType.FLOAT, rawData: littleEndian(values) });
    return name;
  }

  /** An int64 constant (a 1-D list, or a scalar when `scalar`), shared by every node that asks for the same values. */
  int64(values: number[], scalar = false): string {
    const key = `${scalar ? 's' : 'v'}${values.join(',')}`;
    const known = this.int64Constants.get(key);
    if (known) return known;
    const name = this.fresh(`const.i64.${values.join('_').replace(/-/g, 'm') || 'empty'}`);
    this.initializers.push({
      name,
      dims: scalar ? [] : [values.length],
      dataType: DataType.INT64,
      rawData: littleEndian(BigInt64Array.from(values, BigInt)),
    });
    this.int64Constants.set(key, name);
    return name;
  }

  /** A float32 scalar constant. */
  scalar(stem: string, value: number): string {
    const name = this.fresh(stem);
    this.initializers.push({ name, dims: [], dataType: DataType.FLOAT, rawData: littleEndian(Float32Array.of(value)) });
    return name;
  }

  /** Adds a node with one output; returns the output's name (`stem`, made unique). */
  node(opType: string, inputs: string[], stem: string, attributes: Record<string, AttributeValue> = {}): string {
    return this.nodeWithOutputs(opType, inputs, [stem], attributes)[0];
  }

  /** Adds a node with several outputs; returns their names. */
  nodeWithOutputs(
    opType: string,
    inputs: string[],
    stems: string[],
    attributes: Record<string, AttributeValue> = {},
  ): string[] {
    const output = stems.map((s) => this.fresh(s));
    this.nodes.push({
      name: `${output[0]}.${opType}`,
      opType,
      input: inputs,
      output,
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
    });
    return output;
  }

  /** The finished graph. */
  build(name: string, doc: string): GraphMessage {
    if (this.outputs.length === 0) throw new Error('the graph has no outputs');
    return {
      name,
      docString: doc,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    };
  }
}

function valueInfo(
  name: string,
  elemType: typeof DataType.FLOAT | typeof DataType.INT64,
  dims: (number | string)[],
  doc?: string,
): ValueInfoMessage {
  const dim: Dimension[] = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } }, ...(doc ? { docString: doc } : {}) };
}

/** The transpose of a row-major [rows × cols] matrix, as [cols × rows]: ONNX's MatMul takes x·W with W [in × out]. */
export function transposed(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}
