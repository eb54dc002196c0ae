// `sentiwasm datasets list|info|get`, and the name resolution every command that reads labelled
// data goes through: a path that exists is read as a file, a data-set name (sst2, sst2:dev,
// imdb:test, …) is fetched into the cache first, with a progress bar on a terminal.

import { stat } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import {
  DATASET_SOURCES,
  DATASETS,
  DatasetError,
  isDatasetSpec,
  SPLIT_ALIASES,
  type DatasetEntry,
} from '../data/datasets/registry.js';
import {
  datasetCacheStatus,
  getDataset,
  resolveDataPath,
  resolveDataset,
  standInVariable,
  type ResolvedDataset,
} from '../data/datasets/manager.node.js';
import type { DatasetOptions, DatasetProgress } from '../data/datasets/options.js';
import { findVectorSet, VECTOR_SETS, VECTOR_SOURCES, type VectorSetEntry } from '../data/datasets/vector-sets.js';
import { resolveVectors, vectorsCacheStatus } from '../data/datasets/vectors.node.js';
import { defaultCacheDir } from '../data/datasets/cache.node.js';
import { CliError } from './errors.js';

type Print = (line: string) => void;

/** The flags of any command that may be given a data-set name. */
export interface DatasetFlags {
  offline?: boolean;
  from?: string;
  progress?: boolean;
}

/** How the progress lines spell each checksum. */
const CHECKSUM_NAMES: Record<string, string> = { sha256: 'SHA-256', sha512: 'SHA-512', md5: 'MD5' };

/** 7439277 → "7.1 MiB". */
function bytes(n: number | undefined): string {
  if (n === undefined) return '?';
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

/**
 * Progress on standard error: a bar while downloading on a terminal, otherwise one line per
 * step (where it downloads from, each retry, what was verified, where the files went).
 */
export function progressReporter(
  flags: DatasetFlags,
  err: Print = (line) => process.stderr.write(`${line}\n`),
): (p: DatasetProgress) => void {
  const tty = flags.progress !== false && process.stderr.isTTY;
  let bar: cliProgress.SingleBar | undefined;
  let announced = '';
  return (p) => {
    switch (p.phase) {
      case 'download': {
        if (announced !== p.url) {
          announced = p.url;
          err(
            `${p.dataset}: downloading ${p.url}${p.total !== undefined ? ` (${bytes(p.total)})` : ''}${p.resumedFrom ? `, resuming at ${bytes(p.resumedFrom)}` : ''}`,
          );
        }
        if (!tty || p.total === undefined) return;
        const payload = { got: bytes(p.received), all: bytes(p.total) };
        if (!bar) {
          bar = new cliProgress.SingleBar(
            {
              format: `${p.dataset} {bar} {percentage}% | {got} of {all} | {eta_formatted} left`,
              stream: process.stderr,
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(p.total, p.received, payload);
        } else bar.update(p.received, payload);
        return;
      }
      case 'retry':
        bar?.stop();
        bar = undefined;
        announced = '';
        err(
          `${p.dataset}: ${p.error}; trying again${p.delayMs ? ` in ${p.delayMs / 1000} s` : ''} (attempt ${p.attempt + 1}), keeping the ${bytes(p.received)} received`,
        );
        return;
      case 'verified':
        bar?.stop();
        bar = undefined;
        err(`${p.dataset}: verified (${p.checked.map((c) => CHECKSUM_NAMES[c] ?? c).join(', ')}); SHA-256 ${p.sha256}`);
        return;
      case 'unverified':
        bar?.stop();
        bar = undefined;
        err(
          `${p.dataset}: warning: not verified: no checksum is published for this download (${p.reason}). Its SHA-256 is ${p.sha256}`,
        );
        return;
      case 'unpack':
      case 'dropped': // said where the split is used (resolveDataArgument, datasets get)
        return;
      case 'ready':
        err(`${p.dataset}: unpacked into ${p.dir}`);
        return;
    }
  };
}

function datasetOptions(flags: DatasetFlags, err?: Print): DatasetOptions {
  return { offline: flags.offline, from: flags.from, onProgress: progressReporter(flags, err) };
}

/**
 * A data file's path as given, or the file of the data set it names, fetched first when needed.
 * @example
 * ```ts
 * await resolveDataArgument("sst2:dev", {}) // "…/sentiwasm/sst2/dev.tsv"
 * ```
 */
export async function resolveDataArgument(
  arg: string,
  flags: DatasetFlags,
  err: Print = (line) => process.stderr.write(`${line}\n`),
): Promise<string> {
  let path;
  try {
    if (
      isDatasetSpec(arg) &&
      !(await stat(arg).then(
        () => true,
        () => false,
      ))
    ) {
      const split = await resolveDataset(arg, datasetOptions(flags));
      if (split.dropped) err(droppedLine(split));
      return split.path;
    }
    path = await resolveDataPath(arg, datasetOptions(flags));
  } catch (error) {
    if (error instanceof DatasetError) throw new CliError(error.message);
    throw error;
  }
  // Spelled like a name, yet neither a data set nor a file that exists: say both, not only the latter.
  if (
    path === arg &&
    !isDatasetSpec(arg) &&
    /^[a-z0-9][a-z0-9-]*(:[a-z]+)?$/i.test(arg) &&
    !(await stat(arg).then(
      () => true,
      () => false,
    ))
  ) {
    throw new CliError(
      `${arg}: there is no such file, nor a data set of that name. The data sets are ${DATASETS.map((d) => d.name).join(', ')} (sentiwasm datasets list)`,
    );
  }
  return path;
}

/** "chnsenticorp:train: 1 row of the published data left out, its review empty". */
function droppedLine(split: ResolvedDataset): string {
  const column = (split.source.recipe.kind === 'csv-split' && split.source.recipe.text) || 'text';
  return `${split.id}: ${split.dropped} row${split.dropped === 1 ? '' : 's'} of the published data left out, ${split.dropped === 1 ? 'its' : 'their'} ${column} empty`;
}

function splitsOf(entry: DatasetEntry, rows?: Record<string, number>): string {
  return Object.entries(entry.splits)
    .map(([name, s]) => {
      const n = rows?.[name] ?? s.rows;
      return n === undefined ? name : `${name} ${n.toLocaleString('en')}`;
    })
    .join(', ');
}

function pad(cells: string[][]): string[] {
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}

async function listCommand(flags: { json?: boolean }, out: Print): Promise<void> {
  const rows = await Promise.all(
    DATASETS.map(async (entry) => ({ entry, status: await datasetCacheStatus(entry.name).catch(() => undefined) })),
  );
  if (flags.json) {
    out(
      JSON.stringify(
        rows.map(({ entry, status }) => ({
          ...entry,
          download: DATASET_SOURCES[entry.source],
          cached: status?.cached ?? false,
          cacheDir: status?.dir,
        })),
        null,
        2,
      ),
    );
    return;
  }
  const table = [['name', 'splits (rows)', 'download', 'cached', 'licence']];
  for (const { entry, status } of rows) {
    const source = DATASET_SOURCES[entry.source];
    table.push([
      entry.name,
      splitsOf(entry, status?.rows),
      bytes(source.bytes),
      status?.cached ? 'yes' : 'no',
      entry.license,
    ]);
  }
  for (const line of pad(table)) out(line);
  out('');
  const vectors = [['word vectors', 'words', 'download', 'cached', 'licence']];
  for (const entry of VECTOR_SETS) {
    const source = VECTOR_SOURCES[entry.source];
    const cached = (await vectorsCacheStatus(entry.name).catch(() => undefined))?.cached;
    vectors.push([
      entry.name,
      `${entry.words.toLocaleString('en')} × ${entry.dim}`,
      bytes(source.bytes),
      cached ? 'yes' : 'no',
      entry.license,
    ]);
  }
  for (const line of pad(vectors)) out(line);
  out('train --vectors NAME starts a model from a set of word vectors (its --dim their width).');
  out('');
  out(
    `NAME:SPLIT picks a split (${Object.keys(SPLIT_ALIASES).join(', ')} = dev); a bare name is its first split. Cache: ${defaultCacheDir()}`,
  );
  out('"sentiwasm datasets info NAME" shows where it comes from, its checksums, licence and citation.');
}

/** `datasets info` of a set of word vectors. */
function vectorsInfo(entry: VectorSetEntry, out: Print): void {
  const source = VECTOR_SOURCES[entry.source];
  const lines: [string, string][] = [
    ['name', entry.name],
    ['title', entry.title],
    ['about', entry.description],
    ['language', entry.language],
    ['vectors', `${entry.words.toLocaleString('en')} words × ${entry.dim}${entry.lowerCase ? ', lower case' : ''}`],
    ['download', `${source.url} (${source.kind}, ${bytes(source.bytes)})`],
    ['SHA-512', source.sha512 ?? 'none published'],
    ['checksums from', source.checksumSource],
    ['homepage', entry.homepage],
    ['licence', entry.license],
    ['citation', entry.citation],
    ['use', `sentiwasm train FILE --vectors ${entry.name} --dim ${entry.dim} [--vectors-lr 0]`],
  ];
  for (const [k, v] of lines) out(`${`${k}:`.padEnd(16)}${v}`);
}

async function infoCommand(name: string, out: Print): Promise<void> {
  const vectors = findVectorSet(name);
  if (vectors) return vectorsInfo(vectors, out);
  const entry = DATASETS.find((d) => d.name === name.toLowerCase().replace(/:.*$/, ''));
  if (!entry)
    throw new CliError(`"${name}" is not a data-set name; the names are ${DATASETS.map((d) => d.name).join(', ')}`);
  const source = DATASET_SOURCES[entry.source];
  const status = await datasetCacheStatus(entry.name).catch(() => undefined);
  const lines: [string, string][] = [
    ['name', entry.name],
    ['title', entry.title],
    ['about', entry.description],
    ['language', entry.language],
    ['splits', `${splitsOf(entry)} (default ${entry.defaultSplit})`],
    [
      'labels',
      Object.entries(entry.labels)
        .map(([k, v]) => `${k} = ${v}`)
        .join(', '),
    ],
    ['download', `${source.url} (${source.kind}, ${bytes(source.bytes)})`],
    ['SHA-256', source.sha256 ?? 'none published'],
    ['MD5', source.md5 ?? 'none published'],
    ['checksums from', source.checksumSource],
    ...leftOut(entry, status),
    ['homepage', entry.homepage],
    ['licence', entry.license],
    ['citation', entry.citation],
    ['stand-in', `--from PATH or ${standInVariable(entry.name)}=PATH`],
  ];
  for (const [k, v] of lines) out(`${`${k}:`.padEnd(16)}${v}`);
}

/** The rows a recipe leaves out for an empty text: counted in the cache when it is there, else as published. */
function leftOut(
  entry: DatasetEntry,
  status: { cached: boolean; dropped: Record<string, number> } | undefined,
): [string, string][] {
  const source = DATASET_SOURCES[entry.source];
  const column = source.recipe.kind === 'csv-split' ? source.recipe.text : undefined;
  if (!column) return [];
  const counts = status?.cached
    ? status.dropped
    : Object.fromEntries(Object.entries(entry.splits).map(([split, s]) => [split, s.empty ?? 0]));
  const splits = Object.keys(entry.splits).map((split) => `${split} ${counts[split] ?? 0}`);
  return [
    [
      'left out',
      `rows whose ${column} is empty: ${splits.join(', ')} (${status?.cached ? 'counted in the cache' : 'in the published data; counted again when fetched'})`,
    ],
  ];
}

async function getCommand(
  name: string,
  flags: DatasetFlags & { json?: boolean },
  out: Print,
  err: Print,
): Promise<void> {
  let splits;
  try {
    if (findVectorSet(name)) {
      const got = await resolveVectors(name, datasetOptions(flags, err));
      if (flags.json)
        out(JSON.stringify({ name: got.name, path: got.path, words: got.words, origin: got.origin }, null, 2));
      else out(`${got.name}\t${got.path}\t${got.words} words`);
      err(`licence: ${got.entry.license}`);
      err(`cite: ${got.entry.citation}`);
      return;
    }
    splits = await getDataset(name, datasetOptions(flags, err));
  } catch (error) {
    if (error instanceof DatasetError) throw new CliError(error.message);
    throw error;
  }
  if (flags.json) {
    out(
      JSON.stringify(
        splits.map((s) => ({
          id: s.id,
          path: s.path,
          rows: s.rows,
          ...(s.dropped ? { dropped: s.dropped } : {}),
          origin: s.origin,
          license: s.entry.license,
          citation: s.entry.citation,
        })),
        null,
        2,
      ),
    );
    return;
  }
  for (const s of splits) out(`${s.id}\t${s.path}${s.rows !== undefined ? `\t${s.rows} rows` : ''}`);
  for (const s of splits) if (s.dropped) err(droppedLine(s));
  const entry = splits[0].entry;
  err(`licence: ${entry.license}`);
  err(`cite: ${entry.citation}`);
}

/** Adds `sentiwasm datasets` and its subcommands. */
export function registerDatasetsCommand(program: Command, out: Print, err: Print): void {
  const datasets = program
    .command('datasets')
    .description(
      'The well-known sentiment data sets and pretrained word vectors by name: list them, show where they come from, fetch them into the cache.',
    )
    .addHelpText(
      'after',
      `
A data set is named NAME or NAME:SPLIT (sst2, sst2:dev, sst2:validation, imdb:test, chnsenticorp:dev,
uci-yelp); train and eval take a name wherever they take a file (a path that exists is always a file).
Downloads are verified against published checksums before use and unpacked into the cache:
$SENTIWASM_CACHE, else ${defaultCacheDir()}. --offline uses the cache only. A local copy stands in for
a name with --from PATH or SENTIWASM_DATASET_<NAME>=PATH: the archive as published (verified), or a
folder holding the split's file (train.tsv, dev.tsv, …) or the unpacked archive.`,
    );

  datasets
    .command('list')
    .description('The data sets, their splits, download sizes, licences and whether they are in the cache.')
    .option('--json', 'every entry in full, as JSON')
    .action((flags) => listCommand(flags, out));

  datasets
    .command('info <name>')
    .description('Where a data set comes from: address, size, checksums and their source, licence, citation.')
    .action((name) => infoCommand(name, out));

  datasets
    .command('get <name>')
    .description('Fetch a data set (every split, or NAME:SPLIT) into the cache and print the paths of its files.')
    .option('--from <path>', 'a local copy instead of downloading: the archive as published, or a folder')
    .option('--offline', 'use the cache (or --from) only; never download')
    .option('--json', 'print the files as JSON')
    .option('--no-progress', 'no progress bar')
    .action((name, flags) => getCommand(name, flags, out, err));
}
