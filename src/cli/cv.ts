// `sentiwasm cv FILE [--folds 5] [--seeds N] [train options] [--compare "OPTIONS A" "OPTIONS B"] [--json]`:
// stratified, seeded k-fold cross-validation of a labelled file, or the paired comparison of two
// option sets on the same folds. It takes train's options, copied from the train command itself
// so that the two never drift apart.

import { Command, Option } from 'commander';
import {
  compareOptions,
  crossValidate,
  seedList,
  type CrossValidationResult,
  type FoldResult,
  type MeanSe,
} from '../tune/cv.js';
import { definedOnly, type TrainOptions } from '../fit/options.js';
import { describeSkipped, readLabelled } from './data.js';
import { CliError } from './errors.js';
import { positiveInt } from './options.js';
import { trainOptionsFromFlags, type TrainFlags } from './train.js';
import { messageOf } from '../format/schema.js';

/** train's options that mean nothing to cv (where the model goes, validation, checkpoints, output). */
const NOT_FOR_CV = new Set([
  '--out',
  '--dev',
  '--validation-split',
  '--checkpoint',
  '--checkpoint-every',
  '--resume',
  '--json',
  '--no-progress',
  '--autotune',
  '--budget',
  '--metric',
  '--pretrained-vectors',
  '--vectors',
  '--vectors-lr',
  // cv keeps no model, so there is nothing to quantize; and it has no --strict of its own.
  '--quantize',
  '--strict',
]);

export interface CvFlags extends Omit<TrainFlags, 'out'> {
  folds: number;
  seeds: number;
  compare?: string[];
}

/** Registers `cv` with the options of the already registered `train` command. */
export function registerCvCommand(program: Command, out: (line: string) => void, err: (line: string) => void): void {
  const train = program.commands.find((c) => c.name() === 'train');
  if (!train) throw new Error('register the train command before cv');
  const cv = program
    .command('cv <file>')
    .description(
      'Stratified, seeded k-fold cross-validation: accuracy and macro-F1 as mean ± sd over folds × seeds; --compare two option sets on the same folds.',
    )
    .option('--folds <k>', 'folds', positiveInt, 5)
    .option(
      '--seeds <n>',
      'repetitions, each with its own folds and training seed (--seed, --seed + 1, …)',
      positiveInt,
      1,
    )
    .option(
      '--compare <options>',
      'two quoted sets of train options, e.g. --compare "--lr 1" "--lr 2": both train on the same folds; prints B − A ± standard error',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--json', 'print the result as JSON, with every fold');
  const trainOptions = train.options.filter((o) => !NOT_FOR_CV.has(o.long ?? ''));
  for (const option of trainOptions) cv.addOption(option);
  // `--compare A B`: commander gives an option one value, and reads a value that starts with "--"
  // as an option of its own; so the pair is rewritten as --compare A --compare B first.
  const parseOptions = cv.parseOptions.bind(cv);
  cv.parseOptions = (args: string[]) => parseOptions(pairCompare(args));
  cv.action((file: string, flags: CvFlags) => cvCommand(file, flags, trainOptions, out, err));
}

async function cvCommand(
  file: string,
  flags: CvFlags,
  trainOptions: readonly Option[],
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<void> {
  if (flags.folds < 2) throw new CliError(`--folds must be at least 2, got ${flags.folds}`);
  const { examples, report } = await readLabelled(file, flags);
  const skipped = describeSkipped(file, report);
  if (skipped) err(skipped);
  const base = trainOptionsFromFlags(flags);
  const seeds = seedList({ seeds: flags.seeds, seed: flags.seed ?? 0 });
  const cvOptions = { ...base, folds: flags.folds, seeds, onWarning: (message: string) => err(`warning: ${message}`) };
  const showFold = (label: string) => (r: FoldResult) => {
    if (!flags.json)
      err(
        `${label}seed ${r.seed}, fold ${r.fold + 1}/${flags.folds}: accuracy ${r.accuracy.toFixed(4)}, macro-F1 ${r.macroF1.toFixed(4)} (${r.n} examples, ${r.trainSeconds.toFixed(1)} s)`,
      );
  };
  const what = `${flags.folds}-fold cross-validation of ${file} (${examples.length} examples), seed${seeds.length > 1 ? 's' : ''} ${seeds.join(', ')}`;
  if (!flags.compare) {
    const result = await crossValidate(examples, { ...cvOptions, onFold: showFold('') });
    if (flags.json) return out(JSON.stringify({ k: flags.folds, seeds, examples: examples.length, ...result }));
    out(what);
    out(summaryLine('', result));
    return;
  }
  if (flags.compare.length !== 2)
    throw new CliError(
      `--compare takes two quoted option sets, e.g. --compare "--lr 1" "--lr 2"; got ${flags.compare.length}`,
    );
  const [specA, specB] = flags.compare;
  const over = (spec: string): TrainOptions => {
    const given = parseTrainOptions(spec, trainOptions);
    return { ...base, ...given, tokenizer: { ...base.tokenizer, ...given.tokenizer } };
  };
  const a = over(specA);
  const b = over(specB);
  let pair = 0;
  const result = await compareOptions(examples, a, b, {
    ...cvOptions,
    onFoldPair: (x, y) => {
      if (!flags.json)
        err(
          `seed ${x.seed}, fold ${x.fold + 1}/${flags.folds}: A ${x.accuracy.toFixed(4)}, B ${y.accuracy.toFixed(4)}, B − A ${signed(y.accuracy - x.accuracy)} (${++pair} of ${flags.folds * seeds.length})`,
        );
    },
  });
  if (flags.json)
    return out(
      JSON.stringify({
        k: flags.folds,
        seeds,
        examples: examples.length,
        a: { options: specA, ...result.a },
        b: { options: specB, ...result.b },
        difference: result.difference,
      }),
    );
  out(what);
  out(summaryLine(`A (${specA || 'as given'}): `, result.a));
  out(summaryLine(`B (${specB || 'as given'}): `, result.b));
  out(
    `B − A, paired over ${result.a.folds.length} folds: accuracy ${meanSe(result.difference.accuracy)}, macro-F1 ${meanSe(result.difference.macroF1)} (mean ± standard error)`,
  );
}

function summaryLine(prefix: string, r: CrossValidationResult): string {
  return `${prefix}accuracy ${r.accuracy.mean.toFixed(4)} ± ${r.accuracy.sd.toFixed(4)}, macro-F1 ${r.macroF1.mean.toFixed(4)} ± ${r.macroF1.sd.toFixed(4)} (mean ± sd over ${r.folds.length} folds)`;
}

function meanSe(d: MeanSe): string {
  return `${signed(d.mean)} ± ${d.se.toFixed(4)}`;
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(4)}`;
}

/**
 * One --compare option set ("--lr 1 --no-negation") as train options: parsed by the same option
 * definitions as train's; only the options it names, so the rest come from the command line.
 */
export function parseTrainOptions(spec: string, options: readonly Option[]): TrainOptions {
  const parser = new Command('options')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  for (const option of options) parser.addOption(option);
  try {
    parser.parse(splitWords(spec), { from: 'user' });
  } catch (error) {
    throw new CliError(`--compare "${spec}": ${messageOf(error).replace(/^error: /, '')}`);
  }
  if (parser.args.length)
    throw new CliError(
      `--compare "${spec}": unexpected ${parser.args.join(' ')}; give train options only, such as --lr 1 --epochs 10`,
    );
  const given = Object.fromEntries(
    Object.entries(parser.opts()).filter(([key]) => parser.getOptionValueSource(key) === 'cli'),
  );
  const parsed: TrainOptions = definedOnly(trainOptionsFromFlags(given));
  // Only the tokenizer options named (the others are undefined and must not hide the command line's).
  if (parsed.tokenizer) parsed.tokenizer = definedOnly(parsed.tokenizer);
  return parsed;
}

/** Rewrites `--compare A B` as `--compare A --compare B`: the two words after --compare are always its two sets (B may be a lone flag such as "--no-negation"). */
export function pairCompare(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') return [...out, ...args.slice(i)];
    out.push(args[i]);
    if (args[i] !== '--compare' || i + 1 >= args.length) continue;
    out.push(args[++i]);
    if (i + 1 < args.length && args[i + 1] !== '--compare') out.push('--compare', args[++i]);
  }
  return out;
}

/** Words of an option string, with single or double quotes grouping. */
function splitWords(spec: string): string[] {
  const words: string[] = [];
  for (const m of spec.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}
