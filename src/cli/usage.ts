// Usage errors as one line: what was wrong, and where the help is.

import type { Command } from 'commander';

/**
 * A usage error (an unknown command or option, a value an option refuses) is one line naming
 * the problem and where the help is, not the whole help: the help of `train` alone is over a
 * hundred lines, and the problem scrolls out of sight above it. Commander copies its settings
 * to a command when it is made, so each command, already made, is given its own line here.
 */
export function oneLineUsageErrors(command: Command, path: string[] = []): void {
  const here = [...path, command.name()];
  const help = `see \`${here.join(' ')} --help\``;
  command
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(`${usageLine(message)}; ${help}\n`) });
  for (const sub of command.commands) oneLineUsageErrors(sub, here);
}

/** Commander's "error: unknown command 'trian'\n(Did you mean train?)" as "sentiwasm: unknown command 'trian' (did you mean train?)". */
export function usageLine(message: string): string {
  const line = message
    .trim()
    .replace(/^error: /, '')
    .replace(/\s*\n\(Did you mean (.*)\)$/s, ' (did you mean $1)')
    .replace(/\s*\n\s*/g, ' ')
    // Many programs print their version for -v; commander suggests only for long options.
    .replace(/^unknown option '-v'$/, "unknown option '-v' (did you mean -V, the version?)");
  return `sentiwasm: ${line}`;
}

/** Commander's ways of ending that are not failures of the user's: help, the version. */
export const COMMANDER_ENDINGS = new Set(['commander.helpDisplayed', 'commander.version', 'commander.help']);
