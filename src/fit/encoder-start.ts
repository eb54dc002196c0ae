// Starting an attention classifier from a pretrained encoder (train({ init }), `sentiwasm train
// --init FILE`): the file's vocabulary becomes the classifier's (the featurizer as pretraining
// fitted it, words only), its encoder sizes the classifier's, and its tensors (the token table,
// the positions, every encoder layer) the classifier's starting weights; the classification head
// alone starts fresh. Sizes the caller gives must agree with the file's; those left unset are
// taken from it.

import { encoderConfig } from '../models/attention-model.js';
import type { TextModel } from '../models/text-model.js';
import { decodeEncoder, type EncoderFile } from '../model-file/encoder-file.js';
import type { Featurizer } from '../text/features.js';
import type { TrainOptions } from './train-options.js';

/** What the file where `init` came from is called in messages. */
const SOURCE = 'the pretrained encoder (init)';

/**
 * `options` with the encoder's sizes filled in from the pretrained file `init` (checked), and
 * the file itself; `options` as they are when there is no `init`.
 */
export function encoderStart(options: TrainOptions): { options: TrainOptions; start?: EncoderFile } {
  if (options.init === undefined) return { options };
  if (!(options.init instanceof Uint8Array))
    throw new TypeError('init must be the bytes of a pretrained encoder file (a Uint8Array)');
  if (options.arch !== undefined && options.arch !== 'attention')
    throw new RangeError(
      `init starts an attention model from a pretrained encoder; arch is "${options.arch}": use arch "attention"`,
    );
  if (options.pretrainedVectors)
    throw new RangeError('init and pretrained vectors are two starting points for the token table: use one');
  const start = decodeEncoder(options.init, SOURCE);
  const c = encoderConfig({ rows: 0, dim: start.dim, hidden: start.hidden, classes: 2 });
  const sizes = {
    dim: start.dim,
    layers: c.layers,
    heads: c.heads,
    ff: c.ff,
    maxLen: c.maxLen,
    normFirst: c.normFirst,
  };
  for (const [name, value] of Object.entries(sizes)) {
    const asked = options[name as keyof typeof sizes];
    if (asked !== undefined && asked !== value)
      throw new RangeError(
        `init: the pretrained encoder has ${name} ${value}, the options ask for ${asked}; leave ${name} unset, or pretrain with ${name} ${asked}`,
      );
  }
  return { options: { ...options, arch: 'attention', ...sizes }, start };
}

/** Sets a freshly built model's tensors to the encoder's (all but the head, which keeps its fresh start). */
export function loadEncoder(model: TextModel, start: EncoderFile): void {
  for (const t of model.tensors()) {
    const values = start.tensors[t.name];
    if (values === undefined) continue;
    const into = t.values();
    if (into.length !== values.length)
      throw new RangeError(
        `init: the tensor "${t.name}" has ${values.length} values in the file, the model ${into.length}`,
      );
    into.set(values);
  }
  model.weightsChanged();
}

/** A pretrained encoder a run starts from: its featurizer, and what loads its weights into the model built (TrainingParts.start). */
export interface EncoderStart {
  featurizer: Featurizer;
  load(model: TextModel): void;
}

/**
 * `options` with the encoder's sizes from `init` filled in, and the run's start (none without
 * `init`): what train() gives the run.
 */
export function startFromEncoder(options: TrainOptions): { options: TrainOptions; start?: EncoderStart } {
  const { options: started, start: file } = encoderStart(options);
  return {
    options: started,
    start: file && { featurizer: file.featurizer, load: (model) => loadEncoder(model, file) },
  };
}
