#!/usr/bin/env node
// The sentiwasm command line. The library never imports this file, so its dependencies
// (commander) stay out of what a bundler pulls into a web app.

import { Command, InvalidArgumentError } from 'commander';
import '../index.node.js';
import { demoSeed } from './demo-seed.js';
import { CliError } from './errors.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected an integer');
  return n;
}

export function buildProgram(): Command {
  const program = new Command('sentiwasm')
    .description('Train and run sentiment classifiers on a WebAssembly core.')
    .showHelpAfterError();

  const demo = program.command('demo').description('Worked examples that show each step of training.');
  demo
    .command('seed')
    .description('The tutorial network: Linear(3,5) → ReLU → Linear(5,1) → Sigmoid, BCE, SGD, 100 epochs.')
    .option('--init <file>', 'initial weights from a JSON file (as shared/reference/w1-reference.json, or its "init" object)')
    .option('--json', 'print {"losses","predictions","gradients"} as JSON')
    .option('--epochs <n>', 'epochs of full-batch training', positiveInt, 100)
    .option('--lr <x>', 'learning rate', positiveNumber, 0.01)
    .option('--seed <n>', 'seed for the initial weights when --init is not given', integer, 0)
    .action((options) => demoSeed(options, out));

  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`sentiwasm: ${error.message}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    throw error;
  }
}

await main(process.argv);
