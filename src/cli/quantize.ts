// `sentiwasm quantize MODEL OUT [--bits 8|4]`: the model saved again with its embedding table as
// codes of 8 (or 4) bits and one scale per row (src/model-file/quantize.ts), its other sections packed
// (src/model-file/pack-sections.ts), for a file under a quarter (or about an eighth) of the size.

import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ModelFileError } from '../format/model-file.js';
import { checkCanSave, saveModelFileAtomic } from '../io/save.node.js';
import { TextClassifier } from '../classifier/classifier.js';
import { CliError } from './errors.js';
import { quantizeBits } from './options.js';
import { formatBytes } from './train.js';

export async function quantizeCommand(
  modelPath: string,
  outPath: string,
  bits: 8 | 4,
  out: (line: string) => void,
): Promise<void> {
  const asCliError = (error: unknown): never => {
    throw error instanceof ModelFileError ? new CliError(error.message) : error;
  };
  await checkCanSave(outPath).catch(asCliError);
  const input = await readFile(modelPath).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`${modelPath}: cannot read the model file (${error.code ?? error.message})`);
  });
  const model = await TextClassifier.fromBytes(input, modelPath).catch(asCliError);
  try {
    const bytes = model.toBytes({ quantize: bits });
    await saveModelFileAtomic(outPath, bytes).catch(asCliError);
    out(
      `saved ${outPath} (${formatBytes(bytes.length)}, ${((100 * bytes.length) / input.length).toFixed(1)}% of ${formatBytes(input.length)}): the embedding table in ${bits}-bit rows, one scale per row`,
    );
  } finally {
    model.dispose();
  }
}

export function registerQuantizeCommand(program: Command, out: (line: string) => void): void {
  program
    .command('quantize <model> <out>')
    .description(
      "Save a model smaller: its embedding table as 8-bit codes with one scale per row and the rest packed (under a quarter of the file, as fastText's .ftz), or 4-bit.",
    )
    .option('--bits <n>', 'bits per weight: 8 or 4', quantizeBits, 8)
    .action((model: string, outPath: string, options: { bits: 8 | 4 }) =>
      quantizeCommand(model, outPath, options.bits, out),
    );
}
