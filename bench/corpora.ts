// The corpora the benchmarks read, by the data-set names a user gives (sst2, sst2:dev,
// chnsenticorp, chnsenticorp:dev), found as sentiwasm finds them: a local copy named by
// SENTIWASM_DATASET_SST2 / SENTIWASM_DATASET_CHNSENTICORP (a folder holding the split files), else
// the cache ($SENTIWASM_CACHE), else a download into the cache. Where none can be had, the error
// says how to provide one.

import { resolveDataset, standInVariable } from '../src/data/datasets/manager.node.js';

export type CorpusName = 'sst2' | 'sst2:dev' | 'chnsenticorp' | 'chnsenticorp:dev';

/** The split files a folder standing in for each corpus holds. */
const FILES: Record<string, string> = { sst2: 'train.tsv and dev.tsv', chnsenticorp: 'train.csv and dev.csv' };

const found = new Map<CorpusName, Promise<string>>();

/**
 * The file of a corpus's split, found once per process.
 * @example const devFile = await corpusFile('sst2:dev');
 */
export function corpusFile(name: CorpusName): Promise<string> {
  let file = found.get(name);
  if (!file) {
    file = find(name);
    found.set(name, file);
  }
  return file;
}

async function find(name: CorpusName): Promise<string> {
  const corpus = name.replace(/:.*$/, '');
  try {
    // A download that fails gives up after one retry: a benchmark is no place to wait for a network.
    return (await resolveDataset(name, { retries: 1, timeoutMs: 15_000 })).path;
  } catch (e) {
    throw new Error(
      `the benchmark reads ${name}, which cannot be had: ${(e as Error).message}\n` +
        `Give a local copy with ${standInVariable(corpus)}=/path/to/folder (holding ${FILES[corpus]}), ` +
        `or fetch it once with: npx sentiwasm datasets get ${corpus}`,
    );
  }
}
