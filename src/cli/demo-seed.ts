// `sentiwasm demo seed`: the tutorial network, printed as the tutorial prints it.

import { readFile } from 'node:fs/promises';
import { defaultRuntime } from '../runtime/runtime.js';
import type { ParameterValues } from '../nn/parameters.js';
import { runSeedExample } from '../nn/seed-example.js';
import { PYTORCH_SEED_INIT } from '../nn/seed-init.js';
import { CliError } from './errors.js';
import { codeOf, is, isRecord, messageOf, record, SchemaError } from '../format/schema.js';

export interface DemoSeedOptions {
  init?: string;
  json?: boolean;
  epochs?: number;
  lr?: number;
  seed?: number;
}

export async function demoSeed(options: DemoSeedOptions, out: (line: string) => void): Promise<void> {
  // With neither a file nor a seed, PyTorch's own starting weights: the losses printed are the tutorial's.
  const init = options.init
    ? await readInitialWeights(options.init)
    : options.seed === undefined
      ? PYTORCH_SEED_INIT
      : undefined;
  const epochs = options.epochs ?? 100;
  const rt = await defaultRuntime();
  const every = Math.max(1, Math.round(epochs / 10));
  let result;
  try {
    result = runSeedExample(rt, {
      init,
      initSource: options.init ?? (init ? "PyTorch's initial weights" : undefined),
      epochs,
      lr: options.lr,
      seed: options.seed,
      onEpoch: (epoch, loss) => {
        if (!options.json && epoch % every === 0) out(`Epoch [${epoch}/${epochs}], Loss: ${loss.toFixed(4)}`);
      },
    });
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) throw new CliError(error.message);
    throw error;
  }
  if (options.json) {
    out(JSON.stringify({ losses: result.losses, predictions: result.predictions, gradients: result.gradients }));
    return;
  }
  out('Predictions:');
  result.predictions.forEach((p, i) => out(`  input ${i + 1}: ${p.toFixed(4)}`));
}

/** Reads initial weights from a JSON file: either the weights themselves or an object with an "init" key. */
async function readInitialWeights(file: string): Promise<ParameterValues> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`${file}: cannot read the file (${codeOf(error) ?? error})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file}: not valid JSON (${messageOf(error)})`);
  }
  const weights = isRecord(parsed) && 'init' in parsed ? parsed.init : parsed;
  if (!isRecord(weights)) {
    throw new CliError(
      `${file}: expected an object of weights keyed "0.weight", "0.bias", "2.weight", "2.bias" (or such an object under "init")`,
    );
  }
  try {
    return WEIGHTS(weights, 'weights');
  } catch (error) {
    if (error instanceof SchemaError) throw new CliError(`${file}: ${error.message}`);
    throw error;
  }
}

/** A tensor's values: a list of numbers, or a list of rows of numbers. */
const WEIGHTS = record(
  is(
    (v): v is number[] | number[][] =>
      Array.isArray(v) &&
      (v.every((x) => typeof x === 'number') ||
        v.every((row) => Array.isArray(row) && row.every((x) => typeof x === 'number'))),
    'a list of numbers, or of rows of numbers',
  ),
);
