// Reading labelled data files for the CLI: the readers' options spelled as flags, bad rows
// either stopping the command with the reader's message (file:line: problem) or skipped.

import { DataError } from '../data/errors.js';
import type { DataFormat, ReadReport } from '../data/examples.js';
import { readExamplesFromFile } from '../data/files.node.js';
import { CliError } from './errors.js';

export interface DataFlags {
  format?: DataFormat;
  textColumn?: string;
  labelColumn?: string;
  skipBad?: boolean;
}

export const OPTION_NAMES = { textColumn: '--text-column', labelColumn: '--label-column', skipBad: '--skip-bad' };

/** All examples of a file, and the reader's report of what it skipped. */
export async function readLabelled(file: string, flags: DataFlags, allowedLabels?: string[]): Promise<{ examples: { text: string; label: string }[]; report: ReadReport }> {
  try {
    const stream = readExamplesFromFile(file, {
      format: flags.format,
      textColumn: flags.textColumn,
      labelColumn: flags.labelColumn,
      skipBad: flags.skipBad,
      allowedLabels,
      optionNames: { ...OPTION_NAMES, allowedLabels: 'the labels the model was trained on' },
    });
    const { examples, report } = await stream.collect();
    return { examples: examples.map(({ text, label }) => ({ text, label })), report };
  } catch (error) {
    if (error instanceof DataError) throw new CliError(error.message);
    throw error;
  }
}

/** One line about skipped rows, or nothing. */
export function describeSkipped(file: string, report: ReadReport): string | undefined {
  if (!report.skipped) return undefined;
  const reasons = Object.entries(report.reasons).map(([r, n]) => `${n} ${r}`).join(', ');
  return `${file}: skipped ${report.skipped} bad row(s) (${reasons})`;
}
