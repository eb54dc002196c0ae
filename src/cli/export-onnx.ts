// `sentiwasm export-onnx MODEL OUT.onnx`: the model as an ONNX file for ONNX Runtime, and beside
// it OUT.featurizer.json, the featurizer's settings and vocabulary (what makes the graph's ids).

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { featurizerSettings } from '../export/featurizer-settings.js';
import { toOnnx } from '../export/to-onnx.js';
import { ModelFileError } from '../format/model-file.js';
import { loadModel } from '../io/load-model.js';
import { checkCanSave, saveModelFileAtomic } from '../io/save.node.js';
import type { TextClassifier } from '../classifier/classifier.js';
import { CliError } from './errors.js';

type Print = (line: string) => void;

/**
 * Where the featurizer's settings go: "model.onnx" → "model.featurizer.json".
 * @example
 * ```ts
 * featurizerPath('out/model.onnx') // 'out/model.featurizer.json'
 * ```
 */
export function featurizerPath(onnxPath: string): string {
  return `${onnxPath.replace(/\.onnx$/i, '')}.featurizer.json`;
}

/** A model file opened for the CLI: a damaged or missing file is one message, not a stack trace. */
export async function openModelForCli(path: string): Promise<TextClassifier> {
  try {
    return await loadModel(path);
  } catch (error) {
    if (error instanceof ModelFileError) throw new CliError(error.message);
    throw error;
  }
}

function packageVersion(): string {
  return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
}

export async function exportOnnxCommand(modelPath: string, outPath: string, out: Print): Promise<void> {
  const jsonPath = featurizerPath(outPath);
  if (jsonPath === modelPath || outPath === modelPath)
    throw new CliError(`${outPath}: the export would overwrite the model file ${modelPath}; choose another name`);
  const asCliError = (error: unknown): never => {
    throw error instanceof ModelFileError ? new CliError(error.message) : error;
  };
  await checkCanSave(outPath).catch(asCliError);
  const model = await openModelForCli(modelPath);
  try {
    const bytes = await toOnnx(model, {
      producerVersion: packageVersion(),
      metadata: { 'sentiwasm.featurizer': basename(jsonPath) },
    });
    const settings = featurizerSettings(model);
    await saveModelFileAtomic(outPath, bytes).catch(asCliError);
    await saveModelFileAtomic(jsonPath, new TextEncoder().encode(`${JSON.stringify(settings)}\n`)).catch(asCliError);
    const C = model.labels.length;
    out(`${outPath}: ${model.config.arch} model as ONNX (opset 17), ${bytes.length} bytes`);
    out(
      `  inputs   ids int64 [batch, length] (${settings.ids}; sentiwasm featurize ${modelPath} --json), mask float32 [batch, length]`,
    );
    out(`  outputs  probabilities float32 [batch, ${C}] (${model.labels.join(', ')}), logits float32 [batch, ${C}]`);
    out(`${jsonPath}: the featurizer's settings and vocabulary (${settings.vocabulary.length} words)`);
  } finally {
    model.dispose();
  }
}

export function registerExportOnnxCommand(program: Command, out: Print): void {
  program
    .command('export-onnx <model> <out>')
    .description(
      'Write the model as an ONNX file for ONNX Runtime (inputs ids and mask, outputs probabilities and logits), and OUT.featurizer.json beside it.',
    )
    .action((model: string, outPath: string) => exportOnnxCommand(model, outPath, out));
}
