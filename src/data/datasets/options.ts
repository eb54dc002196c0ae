// What a caller may ask of the data-set manager (./manager.node.ts), and what it tells while it
// fetches. Types only, no Node APIs.

import type { DatasetSource } from './registry.js';

/** What happens while a data set is fetched, for progress bars and logs. */
export type DatasetProgress =
  /** Bytes arriving (told as they come, and once at the start). */
  | {
      /** What is happening. */
      phase: 'download';
      /** The data set's name. */
      dataset: string;
      /** The address downloaded from. */
      url: string;
      /** Bytes received so far, a resumed part included. */
      received: number;
      /** The file's size, when the server or the source says. */
      total?: number;
      /** Bytes a previous, broken download left, which this one carries on from. */
      resumedFrom?: number;
    }
  /** A connection broke; the download tries again after a pause. */
  | {
      /** What is happening. */
      phase: 'retry';
      /** The data set's name. */
      dataset: string;
      /** The address downloaded from. */
      url: string;
      /** Bytes kept so far, from which the next attempt resumes. */
      received: number;
      /** The attempt about to be made after the first, from 1. */
      attempt: number;
      /** The pause before it, in milliseconds. */
      delayMs: number;
      /** What went wrong. */
      error: string;
    }
  /** The file matched every published size and checksum. */
  | {
      /** What is happening. */
      phase: 'verified';
      /** The data set's name. */
      dataset: string;
      /** The file's SHA-256, lower-case hex. */
      sha256: string;
      /** What was compared: 'size', 'sha256' and/or 'md5'. */
      checked: string[];
    }
  /** Nothing was published to check the file against; it is used as it is. */
  | {
      /** What is happening. */
      phase: 'unverified';
      /** The data set's name. */
      dataset: string;
      /** The file's SHA-256, lower-case hex, for the record. */
      sha256: string;
      /** Why there was nothing to check (DatasetSource.checksumSource). */
      reason: string;
    }
  /** The file is being unpacked into the cache. */
  | {
      /** What is happening. */
      phase: 'unpack';
      /** The data set's name. */
      dataset: string;
      /** The cache folder it is unpacked into. */
      into: string;
    }
  /** The data set's files are in the cache. */
  | {
      /** What is happening. */
      phase: 'ready';
      /** The data set's name. */
      dataset: string;
      /** The cache folder holding them. */
      dir: string;
    }
  /** Rows of a split's file left out because their text is empty (see the csv-split recipe). */
  | {
      /** What is happening. */
      phase: 'dropped';
      /** The data set's name. */
      dataset: string;
      /** The split's file the rows were left out of. */
      file: string;
      /** How many rows were left out. */
      rows: number;
      /** Why they were left out. */
      reason: string;
    };

/** Where the checksums and address of a download may be replaced (mirrors, tests). */
export type SourceOverride = Partial<Pick<DatasetSource, 'url' | 'bytes' | 'sha256' | 'md5' | 'sha512'>>;

/** Where data sets are cached and fetched from, and how downloads behave. */
export interface DatasetOptions {
  /** The cache folder (default: $SENTIWASM_CACHE, else defaultCacheDir()). */
  cacheDir?: string;
  /** Use the cache only; never download. */
  offline?: boolean;
  /**
   * A local copy standing in for the data set: the archive as published (verified like a
   * download, then unpacked into the cache), a folder holding the split's file (train.tsv, …;
   * used where it is), or a folder holding the unpacked archive. Default:
   * $SENTIWASM_DATASET_<NAME> (upper case, - as _; e.g. SENTIWASM_DATASET_UCI_YELP).
   */
  from?: string;
  /**
   * Other addresses or checksums, by source id (see DATASET_SOURCES). An override that gives
   * any of bytes, sha256, sha512 or md5 replaces all four; one that gives only a url keeps them (a
   * mirror serves the same file). Default: the JSON file named by $SENTIWASM_DATASETS.
   */
  sources?: Readonly<Record<string, SourceOverride>>;
  /** Told about downloading, verifying and unpacking. */
  onProgress?: (progress: DatasetProgress) => void;
  /** Attempts after the first when a connection breaks (default 4; the first retry is immediate, then 1, 2, 4 s). */
  retries?: number;
  /** Give up on a connection that sends nothing for this long (default 60,000 ms). */
  timeoutMs?: number;
  /** The environment read for SENTIWASM_* (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}
