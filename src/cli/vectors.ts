// --vectors NAME|FILE (and its older spelling --pretrained-vectors FILE): pretrained word vectors
// by name (a vector set, fetched and verified into the cache with progress on standard error) or
// from a file (word2vec text, .vec; word2vec binary, .bin).

import { codeOf, messageOf } from '../format/schema.js';
import { DatasetError } from '../data/datasets/registry.js';
import { findVectorSet, VECTOR_SETS } from '../data/datasets/vector-sets.js';
import { loadVectors } from '../io/load-vectors.node.js';
import { progressReporter, type DatasetFlags } from './datasets.js';
import { CliError } from './errors.js';

/** The flags that name pretrained vectors. */
export interface VectorsFlags {
  vectors?: string;
  pretrainedVectors?: string;
}

/** The vectors --vectors (or --pretrained-vectors) names, or undefined when neither is given. */
export async function readVectorsFlag(
  flags: VectorsFlags & DatasetFlags,
  err: (line: string) => void,
): Promise<Map<string, Float32Array> | undefined> {
  if (flags.vectors && flags.pretrainedVectors && flags.vectors !== flags.pretrainedVectors)
    throw new CliError('--vectors and --pretrained-vectors name the same thing: give one');
  const arg = flags.vectors ?? flags.pretrainedVectors;
  if (!arg) return undefined;
  try {
    return await loadVectors(arg, { offline: flags.offline, onProgress: progressReporter(flags, err) });
  } catch (error) {
    if (error instanceof DatasetError || error instanceof RangeError) throw new CliError(messageOf(error));
    if (codeOf(error) === 'ENOENT' && !findVectorSet(arg))
      throw new CliError(
        `${arg}: there is no such file, nor a set of word vectors of that name (${VECTOR_SETS.map((v) => v.name).join(', ')})`,
      );
    throw new CliError(`${arg}: cannot read the file (${codeOf(error) ?? messageOf(error)})`);
  }
}
