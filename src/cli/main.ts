#!/usr/bin/env node
// The sentiwasm command line. The library never imports this file, so its dependencies
// (commander) stay out of what a bundler pulls into a web app.

import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { COMMANDER_ENDINGS, oneLineUsageErrors } from './usage.js';
import '../index.node.js';
import { demoSeed } from './demo-seed.js';
import { registerCvCommand } from './cv.js';
import { registerDatasetsCommand } from './datasets.js';
import { registerExportOnnxCommand } from './export-onnx.js';
import { registerFeaturizeCommand } from './featurize.js';
import { CliError } from './errors.js';
import {
  checkpointInterval,
  fraction,
  integer,
  nonNegativeInt,
  nonNegativeNumber,
  positiveInt,
  positiveNumber,
  quantizeBits,
  threadCount,
  threadNumber,
} from './options.js';
import { registerQuantizeCommand } from './quantize.js';
import { registerPretrainCommand } from './pretrain.js';
import { inspectCommand } from './inspect.js';
import { startCommand } from './start.js';
import { trainCommand } from './train.js';
import { evalCommand, explainCommand, exportVectorsCommand, predictCommand, similarCommand } from './use-model.js';

// Output piped into `head` and the like may close early; that ends the command quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

/** Options every command that reads a data file understands. */
function withDataOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--format <format>',
        "file format (default: from the extension; fastText's __label__ lines whatever it is)",
      ).choices(['csv', 'tsv', 'jsonl', 'fasttext']),
    )
    .option(
      '--no-header',
      'the first row is data, not column names: columns are numbered 1, 2, … (two columns: the label is found by itself)',
    )
    .option(
      '--text-column <name>',
      'column with the text (default: text, sentence, review, content, …; with --no-header a number)',
    )
    .option(
      '--label-column <name>',
      'column with the label (default: label, sentiment, polarity, …; with --no-header a number)',
    )
    .option('--skip-bad', 'skip rows that cannot be used (counted in the report) instead of stopping')
    .option('--offline', 'data-set names (sst2, sst2:dev, …) from the cache only; never download')
    .option(
      '--from <path>',
      'a local copy standing in for the data-set names given: the archive as published, or a folder (see datasets --help)',
    )
    .addOption(
      new Option(
        '--encoding-errors <mode>',
        'bytes that are not UTF-8: stop (fail), read them as U+FFFD (replace) or skip their rows (default: skip with --skip-bad, else fail)',
      ).choices(['fail', 'replace', 'skip']),
    );
}

export function buildProgram(): Command {
  const program = new Command('sentiwasm')
    .description('Train and run sentiment classifiers on a WebAssembly core.')
    .version(
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version,
      '-V, --version',
      'print the version of sentiwasm',
    );

  program
    .command('start')
    .description('Train on the built-in corpus (no download) and show predictions, explanations and word neighbours.')
    .option('--seed <n>', 'random seed', integer, 0)
    .action((options) => startCommand(options, out));

  withDataOptions(program.command('train <file>'))
    .description(
      'Train a classifier on a CSV, TSV or JSONL file of labelled text, or on a data set by name (sentiwasm datasets list).',
    )
    .requiredOption('--out <model>', 'where to save the model file')
    .option(
      '--dev <file>',
      'labelled file (or data set, e.g. sst2:dev) to validate on (early stopping, calibration) and report',
    )
    .option(
      '--validation-split <x>',
      'hold out this fraction of the training file for validation instead of --dev',
      fraction,
    )
    .addOption(
      new Option(
        '--arch <arch>',
        'bag: embedding bag → linear; mlp: bag → hidden layer → linear; attention: a Transformer encoder over the words in order',
      )
        .choices(['bag', 'mlp', 'attention'])
        .default('bag'),
    )
    .option('--epochs <n>', 'passes over the data (default: about 60,000 examples seen, 5 to 50 epochs)', positiveInt)
    .option('--dim <n>', "embedding dimension (default 64; with --init, the encoder's)", positiveInt)
    .option(
      '--members <n>',
      'bag: train as this many independent members averaged into one model (default: one per 32 dims)',
      positiveInt,
    )
    .option('--hidden <n>', 'hidden width of the mlp head', positiveInt)
    .option('--layers <n>', 'attention: encoder layers (default 1)', positiveInt)
    .option('--heads <n>', 'attention: heads per layer; --dim must split evenly among them (default 4)', positiveInt)
    .option('--ff <n>', 'attention: feed-forward width (default 128)', positiveInt)
    .option('--max-len <n>', 'attention: longest text in tokens; longer ones are truncated (default 64)', positiveInt)
    .option('--dropout <x>', 'attention: dropout in the encoder (default 0.1)', fraction)
    .option('--norm-first', 'attention: layer norm before each block instead of after each residual sum')
    .addOption(
      new Option('--pooling <how>', 'attention: pool the mean of the positions or the first one').choices([
        'mean',
        'first',
      ]),
    )
    .option(
      '--clip-norm <x>',
      "attention: clip the gradients' global norm to this (default 1; 0 = never)",
      nonNegativeNumber,
    )
    .option(
      '--attention-bigrams <n>',
      'attention: hashed word bigrams added to the token embeddings, in this many buckets (default 100000; 0: none)',
      nonNegativeInt,
    )
    .option(
      '--init <encoder>',
      'attention: start from a pretrained encoder (sentiwasm pretrain): its vocabulary, sizes and weights; a fresh head',
    )
    .option('--ngrams <n>', 'longest word n-gram', positiveInt, 2)
    .option('--buckets <n>', 'hash buckets for n-grams', positiveInt, 2_000_000)
    .option('--min-count <n>', 'drop words seen fewer times', positiveInt, 1)
    .option('--subwords <min-max>', 'character n-grams of words, as fastText -minn/-maxn (e.g. 3-6)')
    .option('--chars', 'cut Chinese and Japanese into characters instead of words')
    .option('--no-negation', 'do not mark words after a negation (by default "not good" → not NOT_good)')
    .option('--no-lowercase', 'keep capitals')
    .option(
      '--unique-features',
      'count each feature once per text however often it occurs (a binary bag; helps long reviews)',
    )
    .option('--end-of-text', 'add the end-of-text word (the default for the bag and the mlp)')
    .option(
      '--no-end-of-text',
      'leave out the end-of-text word that bag and mlp models add to every text, as fastText adds </s> (one more word feature, and a bigram of the last word)',
    )
    .option('--lr <x>', 'learning rate', positiveNumber)
    .option('--batch <n>', 'examples per step', positiveInt)
    .addOption(new Option('--optimizer <name>', 'optimiser').choices(['sgd', 'adam']))
    .addOption(new Option('--schedule <name>', 'learning-rate schedule').choices(['constant', 'linear', 'cosine']))
    .option('--warmup <x>', 'warm-up steps (≥ 1) or fraction of all steps (< 1)', Number)
    .option('--feature-dropout <x>', 'drop each feature of a training example with this probability', fraction)
    .option(
      '--nb-start <x>',
      'bag model: start feature vectors from naive-Bayes log-count ratios times x (0 = random start only)',
      nonNegativeNumber,
    )
    .option('--patience <n>', 'stop after this many epochs without a better validation loss (0: never)', nonNegativeInt)
    .addOption(new Option('--class-weights <mode>', 'weight classes by inverse frequency').choices(['auto']))
    .option(
      '--vectors <name|file>',
      'start from pretrained word vectors: a set by name (glove-6b-100d; fetched and verified into the cache), or a file (word2vec text .vec, or binary .bin); --dim must be their width',
    )
    .option('--pretrained-vectors <file>', 'the same as --vectors (its earlier name)')
    .option(
      '--vectors-lr <x>',
      "the pretrained vectors' learning rate as a multiple of --lr: 0 keeps them frozen, 0.1 tunes them slowly (default 1); other words' rows learn at --lr",
      nonNegativeNumber,
    )
    .option(
      '--fma',
      'matrix products with fused multiply-add (relaxed SIMD; faster mlp training, results differ in the last bits)',
    )
    .option('--seed <n>', 'random seed', integer, 0)
    .option(
      '--checkpoint <dir>',
      'save the state of the run in this folder every --checkpoint-every, to --resume from; removed once the run ends',
    )
    .option(
      '--checkpoint-every <time|steps>',
      "time (30s, 5m) or steps (a plain number) between checkpoints. Cost: the first checkpoint, and one whenever those since add up to it, writes about the model file's size (more with Adam or members); the others only what changed (a bag model: the rows used since), yet every few steps that still costs more than the training",
      checkpointInterval,
      '60s',
    )
    .option('--keep-checkpoint', 'keep the checkpoint after the run ends')
    .option(
      '--resume <dir>',
      'carry on from the checkpoint in this folder (same data and options; checkpoints go on there)',
    )
    .option(
      '--threads <n>',
      "threads to train on (at most the cores there are), or auto: the cores there are (up to 4) where that keeps the bytes of 1 thread or the model gains; see the README's Threads",
      threadCount,
      'auto',
    )
    .option(
      '--quantize [bits]',
      "save the embedding table as 8-bit codes with one scale per row, the rest packed (under a quarter of the file, as fastText's .ftz); 4 for an eighth",
      quantizeBits,
    )
    .option(
      '--autotune',
      'search the options by cross-validation of the training file (or on --dev) before training; prints the settings chosen',
    )
    .option('--budget <time>', 'how long --autotune searches: 60s, 5m, 90', '60s')
    .addOption(
      new Option('--metric <name>', 'what --autotune maximises').choices(['accuracy', 'macroF1']).default('accuracy'),
    )
    .option(
      '--strict',
      'stop at the first warning (labels spelled two ways, a class with very few examples, no word features, a quarter of the rows lost, …) instead of going on',
    )
    .option('--json', 'print a JSON summary (its "warnings" lists what was warned of)')
    .option('--no-progress', 'no progress bar')
    .action((file, options) => trainCommand(file, options, out, err));

  withDataOptions(program.command('eval <model> <file>'))
    .description(
      'Accuracy, per-class precision/recall/F1, macro-F1, confusion matrix, ROC-AUC and calibration on a labelled file or data set (e.g. sst2:dev).',
    )
    .option('--json', 'print the report as JSON')
    .option(
      '--threads <n>',
      'threads to predict on (each holds a copy of the model), or auto: the cores there are (up to 4), one per 20,000 examples',
      threadCount,
      'auto',
    )
    .action((model, file, options) => evalCommand(model, file, options, out, err));

  program
    .command('predict <model> [text...]')
    .description(
      'Label texts: the arguments, the lines of --input FILE, or lines on standard input (one output line per input line, blank ones too).',
    )
    .option('--input <file>', 'read texts from this file, one per line ("-" for standard input)')
    .option('-k <n>', 'show the k most likely labels, each with its probability', positiveInt)
    .option('--threshold <p>', 'show only labels at least this probable', fraction)
    .option(
      '--json',
      'one JSON object per line: text, label, probabilities (null for a blank line), and top with -k or --threshold',
    )
    .option(
      '--threads <n>',
      'threads to predict on (each holds a copy of the model; for many lines; at most the cores there are)',
      threadNumber,
      1,
    )
    .action((model, texts, options) => predictCommand(model, texts, options, out, err));

  program
    .command('explain <model> <text>')
    .description("Each token's contribution to the score.")
    .option('--json', 'print the explanation as JSON')
    .option('--attention', 'attention models: print the attention weights of the text, per layer and head')
    .action((model, text, options) => explainCommand(model, text, options, out));

  program
    .command('similar <model> <word>')
    .alias('nearest')
    .description(
      'The words nearest to a word by cosine similarity of their vectors, once the mean vector of all words is taken out (punctuation and particles are not ranked).',
    )
    .option('-k <n>', 'how many', positiveInt, 10)
    .option('--raw', 'plain cosine similarity, without taking out the mean vector')
    .option('--json', 'print JSON')
    .action((model, word, options) => similarCommand(model, word, options, out, err));

  program
    .command('inspect <model>')
    .description(
      'What a model file holds (sections: name, type, shape, bytes) and the memory plan it lays out when loaded.',
    )
    .option('--json', 'print {"sections": [...], "plan": [...]} as JSON')
    .action((model, options) => inspectCommand(model, options, out));

  program
    .command('export-vectors <model> <out>')
    .description('Write the word vectors in word2vec text format (.vec).')
    .option('--include-negated', 'also write the vectors of words after a negation, spelled not:word')
    .action((model, outPath, options) => exportVectorsCommand(model, outPath, options, out));

  const demo = program.command('demo').description('Worked examples that show each step of training.');
  demo
    .command('seed')
    .description('The tutorial network: Linear(3,5) → ReLU → Linear(5,1) → Sigmoid, BCE, SGD, 100 epochs.')
    .option(
      '--init <file>',
      'initial weights from a JSON file: {"0.weight", "0.bias", "2.weight", "2.bias"}, or an object holding them under "init" (default: the weights PyTorch starts from, shipped with sentiwasm)',
    )
    .option('--json', 'print {"losses","predictions","gradients"} as JSON')
    .option('--epochs <n>', 'epochs of full-batch training', positiveInt, 100)
    .option('--lr <x>', 'learning rate', positiveNumber, 0.01)
    .option('--seed <n>', "draw the initial weights from this seed (Kaiming-uniform) instead of PyTorch's", integer)
    .action((options) => demoSeed(options, out));

  registerDatasetsCommand(program, out, err);
  registerCvCommand(program, out, err);
  registerQuantizeCommand(program, out);
  registerPretrainCommand(program, out, err);
  registerExportOnnxCommand(program, out);
  registerFeaturizeCommand(program, out);

  oneLineUsageErrors(program);
  return program;
}

/**
 * Every failure ends as one message on standard error and a non-zero exit, never a stack trace:
 * the library's errors already say what went wrong and what to do. Anything unexpected (a bug)
 * is reported the same way, with its stack only when SENTIWASM_DEBUG is set.
 */
async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // The message is already on standard error (see oneLineUsageErrors); a usage error exits 2.
      process.exitCode = COMMANDER_ENDINGS.has(error.code) ? error.exitCode : 2;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`sentiwasm: ${message.replace(/^sentiwasm: /, '')}\n`);
    if (!(error instanceof CliError) && process.env.SENTIWASM_DEBUG)
      process.stderr.write(`${error instanceof Error ? (error.stack ?? '') : ''}\n`);
    process.exitCode = error instanceof CliError ? error.exitCode : 1;
  }
}

await main(process.argv);
