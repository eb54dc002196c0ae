// Reading labelled data files for the CLI: the readers' options spelled as flags, bad rows
// either stopping the command with the reader's message (file:line: problem) or skipped.

import { DataError } from '../data/errors.js';
import type { ReadReport } from '../data/examples.js';
import type { DataFormat } from '../data/formats.js';
import { readExamplesFromFile } from '../data/files.node.js';
import { resolveDataArgument, type DatasetFlags } from './datasets.js';
import { CliError } from './errors.js';

/** Also DatasetFlags: --offline, --from and --no-progress for data-set names (sst2, sst2:dev, …). */
export interface DataFlags extends DatasetFlags {
  format?: DataFormat;
  /** false with --no-header: the first row is data, and columns are named by position ("1", "2", …). */
  header?: boolean;
  textColumn?: string;
  labelColumn?: string;
  skipBad?: boolean;
  /** Bytes that are not UTF-8; 'fail' is the readers' 'throw'. Unset: 'skip' with --skip-bad, else 'fail'. */
  encodingErrors?: 'fail' | 'replace' | 'skip';
}

export const OPTION_NAMES = {
  textColumn: '--text-column',
  labelColumn: '--label-column',
  skipBad: '--skip-bad',
  encodingErrors: '--encoding-errors replace|skip',
  header: '--no-header',
  format: '--format csv|tsv|jsonl|fasttext',
};

/** All examples of a file, and the reader's report of what it skipped. */
export async function readLabelled(
  file: string,
  flags: DataFlags,
  allowedLabels?: string[],
): Promise<{ examples: { text: string; label: string }[]; report: ReadReport }> {
  try {
    // A data-set name becomes the path of its file in the cache (fetched first when needed).
    const path = await resolveDataArgument(file, flags);
    const stream = readExamplesFromFile(path, {
      format: flags.format,
      header: flags.header,
      textColumn: flags.textColumn,
      labelColumn: flags.labelColumn,
      skipBad: flags.skipBad,
      encodingErrors: flags.encodingErrors === 'fail' ? 'throw' : flags.encodingErrors,
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
  const reasons = Object.entries(report.reasons)
    .map(([r, n]) => `${n} ${r}`)
    .join(', ');
  return `${file}: skipped ${report.skipped} bad row(s) (${reasons})`;
}
