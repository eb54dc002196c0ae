// SST-2 as the benchmarks read it (shared/data/sst2): through the library's own TSV reader.

import { readExamplesFromFile } from '../src/data/files.node.js';
import type { LabelledText } from '../src/train/train.js';

export const SST2_TRAIN = new URL('../../shared/data/sst2/train.tsv', import.meta.url);
export const SST2_DEV = new URL('../../shared/data/sst2/dev.tsv', import.meta.url);

export async function readSst2(url: URL): Promise<LabelledText[]> {
  const { examples } = await readExamplesFromFile(url).collect();
  return examples.map(({ text, label }) => ({ text, label }));
}
