// `sentiwasm inspect MODEL [--json]`: what a model file holds (its sections: name, type, shape,
// bytes) and the memory plan the model lays out in WebAssembly when loaded (name, offset, bytes).

import { readModelFileBytes } from '../io/save.node.js';
import { decodeModelFile } from '../format/model-file.js';
import { TextClassifier } from '../classifier/classifier.js';
import { formatBytes } from './train.js';

type Print = (line: string) => void;

const DTYPES = new Map<unknown, string>([
  [Float32Array, 'f32'],
  [Int32Array, 'i32'],
  [Uint8Array, 'u8'],
]);

export async function inspectCommand(modelPath: string, flags: { json?: boolean }, out: Print): Promise<void> {
  const bytes = await readModelFileBytes(modelPath);
  const { config, sections } = decodeModelFile(bytes, modelPath);
  const model = await TextClassifier.fromBytes(bytes, modelPath);
  const shapes = model.tensorShapes();
  const sectionList = Object.entries(sections).map(([name, values]) => ({
    name,
    dtype: DTYPES.get(values.constructor) ?? values.constructor.name,
    shape: shapes[name] ?? [values.length],
    bytes: values.byteLength,
  }));
  const plan = model.runtime.plan().map(({ name, offset, bytes: size }) => ({ name, offset, bytes: size }));
  const summary = {
    file: modelPath,
    bytes: bytes.length,
    arch: model.config.arch,
    schema: config.schema ?? 1,
    labels: model.labels,
    sections: sectionList,
    plan,
    memoryBytes: model.runtime.byteLength,
  };
  model.dispose();
  if (flags.json) {
    out(JSON.stringify(summary));
    return;
  }
  out(
    `${modelPath}: ${/^[aeiou]/.test(summary.arch) ? 'an' : 'a'} ${summary.arch} model (classifier schema ${summary.schema}), ${formatBytes(summary.bytes)}, labels ${summary.labels.join(', ')}`,
  );
  out('');
  out('sections');
  const nameWidth = Math.max(...sectionList.map((s) => s.name.length), 4);
  for (const s of sectionList)
    out(
      `  ${s.name.padEnd(nameWidth)}  ${s.dtype.padEnd(3)}  ${`[${s.shape.join(' × ')}]`.padEnd(18)}  ${formatBytes(s.bytes)}`,
    );
  out('');
  out(`memory plan (${formatBytes(summary.memoryBytes)} of WebAssembly memory)`);
  const planWidth = Math.max(...plan.map((b) => b.name.length), 4);
  for (const b of plan)
    out(`  ${b.name.padEnd(planWidth)}  @${String(b.offset).padStart(10)}  ${formatBytes(b.bytes)}`);
}
