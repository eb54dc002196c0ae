// SST-2 as the benchmarks read it: by name (sst2, sst2:dev; see ./corpora.ts), through the
// library's own TSV reader.

import { readExamplesFromFile } from '../src/data/files.node.js';
import type { LabelledText } from '../src/train/train.js';
import { corpusFile } from './corpora.js';

export type Sst2Split = 'train' | 'dev';

/** The file of SST-2's train or dev split. */
export function sst2File(split: Sst2Split): Promise<string> {
  return corpusFile(split === 'train' ? 'sst2' : 'sst2:dev');
}

export async function readSst2(split: Sst2Split): Promise<LabelledText[]> {
  const { examples } = await readExamplesFromFile(await sst2File(split)).collect();
  return examples.map(({ text, label }) => ({ text, label }));
}
