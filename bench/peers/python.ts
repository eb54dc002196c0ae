// Debian's PyTorch (`/usr/bin/python3` with python3-torch) as a peer: whether it is there, and
// running one of the peer scripts in bench/peers/, which print one JSON object as their last line.

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';

let torchPresent: boolean | undefined;

/** Whether /usr/bin/python3 imports torch (asked once per process). */
export function hasTorch(): boolean {
  if (torchPresent === undefined) {
    try {
      execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
      torchPresent = true;
    } catch {
      torchPresent = false;
    }
  }
  return torchPresent;
}

/** Runs bench/peers/`script` with `args` and returns the JSON object it prints last. */
export function runPythonPeer<T>(script: string, args: string[] = []): T {
  const path = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const out = execFileSync(PYTHON, [path, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}
