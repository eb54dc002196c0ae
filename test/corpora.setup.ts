// Vitest's global setup: finds the corpora the tests read (SST-2, ChnSentiCorp) once per run, the
// way a user's code finds them, by data-set name through the data-set manager: a local copy named
// by SENTIWASM_DATASET_SST2 / SENTIWASM_DATASET_CHNSENTICORP (a folder holding the split files),
// else the cache ($SENTIWASM_CACHE), else a download into the cache. Their paths, or their
// absence, reach the tests through `provide`; test/corpora.ts reads them.
//
// Only the corpora that this run's test files ask for (by calling corpus('…')) are looked for, so
// a run of tests that need none never downloads. A download is tried once more at most and given
// up after a few silent seconds: a machine with no network skips the tests that need a corpus
// and says so in one line, instead of waiting for retries.

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { defaultCacheDir } from '../src/data/datasets/cache.node.js';
import { resolveDataset, standInVariable } from '../src/data/datasets/manager.node.js';

/** A corpus the tests read, and the names of its splits they ask for. */
interface Corpus {
  name: 'sst2' | 'chnsenticorp';
  title: string;
  splits: readonly string[];
  /** The split files a folder standing in for it holds. */
  files: string;
}

const CORPORA = [
  { name: 'sst2', title: 'SST-2', splits: ['sst2', 'sst2:dev'], files: 'train.tsv and dev.tsv' },
  {
    name: 'chnsenticorp',
    title: 'ChnSentiCorp',
    splits: ['chnsenticorp', 'chnsenticorp:dev'],
    files: 'train.csv and dev.csv',
  },
] as const satisfies readonly Corpus[];

/** A data-set name a test may ask for: NAME (its train split) or NAME:dev. */
export type CorpusName = (typeof CORPORA)[number]['splits'][number];
/** The file of each split this run has. */
export type CorpusPaths = Partial<Record<CorpusName, string>>;

declare module 'vitest' {
  export interface ProvidedContext {
    corpora: CorpusPaths;
  }
}

/** One attempt and one retry, each given up after this long without a byte: a real download keeps sending. */
const DOWNLOAD = { retries: 1, timeoutMs: 5_000 } as const;

const TEST_DIR = fileURLToPath(new URL('.', import.meta.url));
const ASKS_FOR = /\bcorpus\(\s*['"](sst2|chnsenticorp)\b/g;

/** The test files of this run (their names without .test.ts) that ask for each corpus. */
function askedFor(project: TestProject): Map<Corpus['name'], string[]> {
  // The file filters given on the command line (`vitest run test/cli.test.ts`); none means every file.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern ?? [];
  const inRun = (file: string) =>
    filters.length === 0 || filters.some((f) => file.includes(f.replace(/^\.\//, '')) || resolve(f) === file);
  const asked = new Map<Corpus['name'], string[]>();
  for (const name of readdirSync(TEST_DIR).sort()) {
    const file = join(TEST_DIR, name);
    if (!name.endsWith('.test.ts') || !inRun(file)) continue;
    for (const [, corpus] of readFileSync(file, 'utf8').matchAll(ASKS_FOR)) {
      const files = asked.get(corpus as Corpus['name']) ?? [];
      const short = name.replace(/\.test\.ts$/, '');
      if (!files.includes(short)) asked.set(corpus as Corpus['name'], [...files, short]);
    }
  }
  return asked;
}

/** Every split of a corpus, or undefined when it cannot be had; a stand-in variable that names something unusable is an error. */
async function find(corpus: Corpus): Promise<Record<string, string> | undefined> {
  const variable = standInVariable(corpus.name);
  const paths: Record<string, string> = {};
  let announced = false;
  for (const split of corpus.splits) {
    try {
      const found = await resolveDataset(split, {
        ...DOWNLOAD,
        onProgress: (p) => {
          if (p.phase !== 'download' || announced) return;
          announced = true;
          console.log(
            `sentiwasm tests: downloading ${corpus.title} into ${defaultCacheDir()} (once; later runs read it there)`,
          );
        },
      });
      paths[split] = found.path;
    } catch (e) {
      if (process.env[variable])
        throw new Error(`${variable}=${process.env[variable]} cannot stand in for ${split}: ${(e as Error).message}`);
      // The train split fetches the whole source: without it, the dev split cannot be had either.
      return undefined;
    }
  }
  return paths;
}

/** The one line a run prints when corpora its tests read are missing. */
function missingLine(missing: { corpus: Corpus; files: string[] }[]): string {
  const titles = missing.map((m) => m.corpus.title).join(' and ');
  const files = [...new Set(missing.flatMap((m) => m.files))].sort();
  const variables = missing
    .map((m) => `${standInVariable(m.corpus.name)}=/path/to/folder (holding ${m.corpus.files})`)
    .join(' and ');
  const commands = missing.map((m) => `npx sentiwasm datasets get ${m.corpus.name}`).join(' and ');
  return (
    `sentiwasm tests: ${titles} not found, so the tests that read ${missing.length > 1 ? 'them' : 'it'} are skipped ` +
    `(in ${files.join(', ')}); to run them, set ${variables}, or fetch ${missing.length > 1 ? 'them' : 'it'} once with ${commands}`
  );
}

export default async function setup(project: TestProject): Promise<void> {
  const asked = askedFor(project);
  const corpora: CorpusPaths = {};
  const missing: { corpus: Corpus; files: string[] }[] = [];
  // Side by side: on a network that drops packets, the wait is one corpus's, not the sum.
  const wanted = CORPORA.filter((c) => asked.has(c.name));
  const found = await Promise.all(wanted.map(find));
  wanted.forEach((corpus, i) => {
    if (found[i]) Object.assign(corpora, found[i]);
    else missing.push({ corpus, files: asked.get(corpus.name)! });
  });
  project.provide('corpora', corpora);
  if (missing.length) console.log(missingLine(missing));
}
