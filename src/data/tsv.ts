// TSV as SST-2 and GLUE write it: one record per line, fields split on tabs, no quoting, so a
// sentence may hold " characters freely. It is the CSV parser with quoting switched off; a
// quoted TSV (as pandas writes with quoting on) can still be read with `quote: '"'`.

import { CsvParser, type CsvOptions, type CsvRow } from './csv.js';

/** The TSV dialect: tab-separated, no quote character. */
export const TSV_DIALECT: Readonly<Required<Pick<CsvOptions, 'delimiter' | 'quote'>>> = Object.freeze({
  delimiter: '\t',
  quote: null,
});

/**
 * An incremental TSV parser (a CsvParser with the TSV dialect unless overridden).
 * @example
 * ```ts
 * createTsvParser({ fileName: "train.tsv" }).push("label\tsentence\n")
 * ```
 */
export function createTsvParser(options: CsvOptions = {}): CsvParser {
  // Spelled out so that an explicit `quote: undefined` still means "no quoting".
  return new CsvParser({
    ...options,
    delimiter: options.delimiter ?? TSV_DIALECT.delimiter,
    quote: options.quote === undefined ? TSV_DIALECT.quote : options.quote,
  });
}

/**
 * Parses a whole TSV text into records (header included), quotes kept as text.
 * @example
 * ```ts
 * parseTsv('label\tsentence\n1\ta "fine" film\n')[1].fields // ["1", 'a "fine" film']
 * ```
 */
export function parseTsv(text: string, options?: CsvOptions): CsvRow[] {
  const p = createTsvParser(options);
  return p.end(p.push(text));
}
