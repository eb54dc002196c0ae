// sentiwasm on a held-out split: the option sets the accuracy harness knows by name, and one
// training and scoring run.

import type { LabelledText, TrainOptions } from '../../src/fit/options.js';
import { loadVectors } from '../../src/io/load-vectors.node.js';
import { pretrain, type PretrainOptions } from '../../src/fit/pretrain.js';
import { trainWithReport } from '../../src/train/train.js';
import type { Split } from './splits.js';

/**
 * An option set: train()'s options, and `eos` (a word appended to every text), `vectors`
 * (pretrained vectors by name or file, loaded once per process and given as pretrainedVectors)
 * and `vectorsScale` (every vector times this: GloVe's numbers have a spread of 0.41, the
 * attention model's random rows and positions of 1) and `pretrain` (pretrain()'s options):
 * pretrain the attention model's encoder on the split's training texts (never its held-out ones,
 * which would leak) and fine-tune from it (init).
 */
export type Config = TrainOptions & {
  eos?: boolean | string;
  vectors?: string;
  vectorsScale?: number;
  pretrain?: PretrainOptions;
};

/** Vectors loaded so far, by name or file: a set of a third of a million words takes seconds to read. */
const loadedVectors = new Map<string, Promise<Map<string, Float32Array>>>();

function vectorsOf(nameOrFile: string, scale = 1): Promise<Map<string, Float32Array>> {
  const key = `${nameOrFile}×${scale}`;
  let vectors = loadedVectors.get(key);
  if (!vectors) {
    vectors =
      scale === 1
        ? loadVectors(nameOrFile)
        : vectorsOf(nameOrFile).then(
            (v) => new Map([...v].map(([word, x]) => [word, x.map((value) => value * scale)] as const)),
          );
    loadedVectors.set(key, vectors);
  }
  return vectors;
}

/** Option sets by name. */
export const PRESETS: Record<string, Config> = {
  defaults: {},
  // fastText's end-of-line token </s>, as the featurizer's own end-of-text word.
  eos: { endOfText: true },
  // The same measured before the featurizer had it: a word appended to every text.
  'eos-word': { eos: true },
  // fastText's supervised recipe spelled in sentiwasm's options.
  'fasttext-recipe': {
    members: 1,
    batch: 1,
    lr: 0.1,
    schedule: 'linear',
    featureDropout: 0,
    tokenizer: { negation: false },
  },
};

/** How the end-of-text token was measured before the featurizer had one: a word appended to every text. */
const EOS = ' eostoken';

export interface RunResult {
  /** 'sentiwasm' or the peer ('fasttext'). */
  system: string;
  /** The option set's name (the peer's recipe for a peer). */
  config: string;
  split: string;
  /** 1-based index of the split among the data set's splits. */
  fold: number;
  seed: number;
  accuracy: number;
  trainSeconds: number;
}

/** Trains and scores one option set on one split with one seed. */
export async function sentiwasmAccuracy(
  split: Split,
  config: Config,
  seed: number,
): Promise<{ accuracy: number; trainSeconds: number }> {
  const { eos, vectors, vectorsScale, pretrain: pretraining, ...options } = config;
  const suffix = eos === true ? EOS : typeof eos === 'string' ? eos : '';
  const add = (e: LabelledText) => (suffix ? { text: e.text + suffix, label: e.label } : e);
  let init: Uint8Array | undefined;
  let pretrainSeconds = 0;
  if (pretraining) {
    const { dim, layers, heads, ff, maxLen, normFirst, dropout } = options;
    const started = performance.now();
    const result = await pretrain(
      split.train.map((e) => add(e).text),
      { dim, layers, heads, ff, maxLen, normFirst, dropout, seed, ...pretraining },
    );
    pretrainSeconds = (performance.now() - started) / 1000;
    init = result.bytes;
    const losses = result.epochs.map((e) => e.loss.toFixed(3)).join(' ');
    process.stderr.write(`  pretrained ${pretrainSeconds.toFixed(1)} s, masked-word loss by epoch ${losses}\n`);
  }
  const { model, trainSeconds } = await trainWithReport(split.train.map(add), {
    ...options,
    ...(vectors ? { pretrainedVectors: await vectorsOf(vectors, vectorsScale) } : {}),
    ...(init ? { init } : {}),
    seed,
    onWarning: () => undefined,
  });
  try {
    return { accuracy: model.evaluate(split.test.map(add)).accuracy, trainSeconds: trainSeconds + pretrainSeconds };
  } finally {
    model.dispose();
  }
}
