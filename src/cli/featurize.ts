// `sentiwasm featurize MODEL [--json]`: the ids an exported ONNX graph reads for each line of
// standard input, made by the model's own featurizer (so a server in any language can ask for
// them): one output line per input line, the ids separated by spaces, or {"ids": [...]}.

import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { onnxFeatureIds } from '../export/inputs.js';
import { openModelForCli } from './export-onnx.js';

type Print = (line: string) => void;

export async function featurizeCommand(
  modelPath: string,
  flags: { json?: boolean },
  out: Print,
  input: NodeJS.ReadableStream = process.stdin,
): Promise<void> {
  const model = await openModelForCli(modelPath);
  try {
    const lines = createInterface({ input, crlfDelay: Infinity });
    for await (const line of lines) {
      const ids = onnxFeatureIds(model, line);
      out(flags.json ? JSON.stringify({ ids }) : ids.join(' '));
    }
  } finally {
    model.dispose();
  }
}

export function registerFeaturizeCommand(program: Command, out: Print): void {
  program
    .command('featurize <model>')
    .description(
      'Print the ids the exported ONNX graph reads (its "ids" input) for each line of standard input, one line each.',
    )
    .option('--json', 'one {"ids": [...]} object per line')
    .action((model: string, options: { json?: boolean }) => featurizeCommand(model, options, out));
}
