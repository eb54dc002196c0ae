// `sentiwasm pretrain FILE… --arch attention --out ENCODER`: masked-word pretraining of the
// attention model's encoder on unlabelled text (src/fit/pretrain.ts), saved as an encoder file
// that `sentiwasm train --init ENCODER` starts a classifier from. Its files are plain text, one
// text per line, or any labelled file `train` reads (CSV, TSV, JSONL, fastText's, a data-set
// name), whose labels are ignored.

import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { looksLikeFastText } from '../data/fasttext.js';
import { formatFromFileName } from '../data/formats.js';
import { pretrain, type PretrainOptions } from '../fit/pretrain.js';
import { ModelFileError } from '../format/model-file.js';
import { checkCanSave, saveModelFileAtomic } from '../io/save.node.js';
import { describeSkipped, readLabelled, type DataFlags } from './data.js';
import { resolveDataArgument } from './datasets.js';
import { CliError } from './errors.js';
import { fraction, integer, positiveInt, positiveNumber } from './options.js';
import { formatBytes } from './train.js';

export interface PretrainFlags extends DataFlags, Omit<PretrainOptions, 'onEpoch' | 'runtime' | 'features'> {
  out: string;
  arch: 'attention';
  /** Read the files as plain text, one text per line, whatever their names. */
  lines?: boolean;
}

/** The texts of one file: its lines, or the texts of a labelled file (labels ignored). */
async function textsOf(file: string, flags: PretrainFlags, err: (line: string) => void): Promise<string[]> {
  const path = await resolveDataArgument(file, flags);
  const labelled = flags.format !== undefined || formatFromFileName(path) !== undefined;
  if (!flags.lines) {
    const head = labelled ? '' : (await readFile(path, 'utf8').catch(() => '')).slice(0, 200);
    if (labelled || looksLikeFastText(head)) {
      const { examples, report } = await readLabelled(path, flags);
      const skipped = describeSkipped(file, report);
      if (skipped) err(skipped);
      return examples.map((e) => e.text);
    }
  }
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`${file}: cannot read the file (${error.code ?? error.message})`);
  });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliError(`${file}: not UTF-8 text; save it as UTF-8`);
  }
  return text.split(/\r?\n/).filter((line) => line.trim() !== '');
}

export async function pretrainCommand(
  files: string[],
  flags: PretrainFlags,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<void> {
  const asCliError = (error: unknown): never => {
    throw error instanceof ModelFileError ? new CliError(error.message) : error;
  };
  await checkCanSave(flags.out, 'the pretrained encoder').catch(asCliError);
  const texts: string[] = [];
  for (const file of files) texts.push(...(await textsOf(file, flags, err)));
  if (texts.length === 0) throw new CliError(`${files.join(', ')}: no text to pretrain on`);
  err(`pretraining on ${texts.length} texts`);
  const { out: _out, arch: _arch, lines: _lines, ...options } = flags;
  const result = await pretrain(texts, {
    dim: options.dim,
    heads: options.heads,
    layers: options.layers,
    ff: options.ff,
    maxLen: options.maxLen,
    normFirst: options.normFirst,
    dropout: options.dropout,
    epochs: options.epochs,
    lr: options.lr,
    batch: options.batch,
    seed: options.seed,
    maskRate: options.maskRate,
    negatives: options.negatives,
    onEpoch: (e) => err(`epoch ${e.epoch}: masked-word loss ${e.loss.toFixed(4)} (${e.seconds.toFixed(1)} s)`),
  }).catch((error: unknown) => {
    throw error instanceof RangeError ? new CliError(error.message) : error;
  });
  await saveModelFileAtomic(flags.out, result.bytes).catch(asCliError);
  out(
    `saved ${flags.out} (${formatBytes(result.bytes.length)}): a pretrained encoder of ${result.words} words; fine-tune it with sentiwasm train DATA --arch attention --init ${flags.out}`,
  );
}

export function registerPretrainCommand(program: Command, out: (line: string) => void, err: (line: string) => void) {
  program
    .command('pretrain <files...>')
    .description(
      "Pretrain the attention model's encoder on unlabelled text by masked-word prediction; `train --init` starts a classifier from it.",
    )
    .requiredOption('--out <file>', 'where to save the pretrained encoder')
    .addOption(
      new Option('--arch <arch>', 'the model whose encoder is pretrained').choices(['attention']).default('attention'),
    )
    .option(
      '--lines',
      'read every file as plain text, one text per line (default for files not named .csv, .tsv, .jsonl)',
    )
    .addOption(
      new Option('--format <format>', 'labelled file format (labels are ignored)').choices([
        'csv',
        'tsv',
        'jsonl',
        'fasttext',
      ]),
    )
    .option('--no-header', 'labelled files: the first row is data')
    .option('--text-column <name>', 'labelled files: the column with the text')
    .option('--label-column <name>', 'labelled files: the label column (read, then ignored)')
    .option('--skip-bad', 'skip rows that cannot be read instead of stopping')
    .option('--offline', 'data-set names from the cache only; never download')
    .option('--dim <n>', 'embedding dimension (default 64)', positiveInt)
    .option('--heads <n>', 'heads per layer; --dim must split evenly among them (default 4)', positiveInt)
    .option('--layers <n>', 'encoder layers (default 1)', positiveInt)
    .option('--ff <n>', 'feed-forward width (default 128)', positiveInt)
    .option('--max-len <n>', 'longest text in tokens; longer ones are cut (default 64)', positiveInt)
    .option('--norm-first', 'layer norm before each block instead of after each residual sum')
    .option('--dropout <x>', 'dropout in the encoder (default 0.1)', fraction)
    .option('--epochs <n>', 'passes over the texts (default 5)', positiveInt)
    .option('--lr <x>', 'learning rate of Adam, falling linearly to 0 (default 0.001)', positiveNumber)
    .option('--batch <n>', 'texts per step (default 32)', positiveInt)
    .option('--mask-rate <x>', 'share of the words hidden (default 0.15)', fraction)
    .option('--negatives <n>', 'sampled words each batch scores its hidden words against (default 128)', positiveInt)
    .option('--seed <n>', 'random seed', integer)
    .action((files: string[], flags: PretrainFlags) => pretrainCommand(files, flags, out, err));
}
