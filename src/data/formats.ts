// Which of the readers' formats a file is in: from its name's extension, or guessed from its
// first line. No Node APIs: this module also runs in browsers.

import { looksLikeFastText } from './fasttext.js';

/** The file formats the readers understand; 'fasttext' is fastText's `__label__pos text` lines (see ./fasttext.ts). */
export type DataFormat = 'csv' | 'tsv' | 'jsonl' | 'fasttext';

export const FORMATS: readonly DataFormat[] = ['csv', 'tsv', 'jsonl', 'fasttext'];
// fastText's own files end in .txt, .train or .valid, which do not tell: those are guessed.
const EXTENSIONS: Record<string, DataFormat> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  ft: 'fasttext',
};

/**
 * The format a file name's extension stands for, or undefined.
 * @example
 * ```ts
 * formatFromFileName("data/train.TSV") // "tsv"
 * ```
 */
export function formatFromFileName(fileName: string): DataFormat | undefined {
  const path = fileName.replace(/[?#].*$/, '');
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return undefined;
  return EXTENSIONS[path.slice(dot + 1).toLowerCase()];
}

/**
 * What to do when the format cannot be told, in the caller's words.
 * @example
 * ```ts
 * unknownFormatHint("--format csv|tsv|jsonl|fasttext")
 * ```
 */
export function unknownFormatHint(formatOption = "format: 'csv' | 'tsv' | 'jsonl' | 'fasttext'"): string {
  return `use the extension .csv, .tsv, .tab, .jsonl or .ndjson (fastText's __label__ lines are recognised whatever the extension), or pass ${formatOption}`;
}

/**
 * Guesses the format from the start of the text: "__label__" means fastText's, "{" JSONL, a tab
 * in the first line TSV, else CSV.
 * @example
 * ```ts
 * sniffFormat('label\tsentence\n') // "tsv"
 * ```
 * @example
 * ```ts
 * sniffFormat('__label__pos a lovely film\n') // "fasttext"
 * ```
 */
export function sniffFormat(head: string): DataFormat {
  if (looksLikeFastText(head)) return 'fasttext';
  const text = head.replace(/^\uFEFF?\s*/, '');
  if (text.startsWith('{')) return 'jsonl';
  const nl = text.search(/[\r\n]/);
  return (nl < 0 ? text : text.slice(0, nl)).includes('\t') ? 'tsv' : 'csv';
}
