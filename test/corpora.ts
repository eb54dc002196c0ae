// The corpora a test reads (SST-2, ChnSentiCorp), by the data-set names a user gives: `sst2`,
// `sst2:dev`, `chnsenticorp`, `chnsenticorp:dev`. test/corpora.setup.ts finds them once per run;
// a test that needs one is skipped where the run has none:
//
//   const SST2_TRAIN = corpus('sst2');
//   describe.skipIf(!SST2_TRAIN)('…', () => { … readFileSync(SST2_TRAIN!) … });
//
// The setup looks only for the corpora that a test file of the run names in a call of corpus(…),
// so name them literally.

import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import type { CorpusName } from './corpora.setup.js';

/** The file of a data set's split, or undefined when this run has none (the tests reading it skip). */
export function corpus(name: CorpusName): string | undefined {
  return inject('corpora')?.[name];
}

/** The texts of an SST-2 split's file (label, tab, text per line, after a header); none without a file. */
export function sst2Texts(file: string | undefined): string[] {
  if (!file) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split('\t').slice(1).join('\t'));
}
