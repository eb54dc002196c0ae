// Debian's PyTorch (`/usr/bin/python3` with python3-torch) as a peer: whether it is there, and
// running one of the peer scripts in bench/peers/ on one thread (through measured.py), each of
// which prints one JSON object as its last line; measured.py adds what the process used.

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';

/** What a peer's process used: CPU seconds over all its threads, and wall seconds. */
export interface PeerUsage {
  cpuSeconds: number;
  wallSeconds: number;
}

/**
 * The environment that keeps every thread pool PyTorch may use to one thread. It must be set
 * before torch loads: torch.set_num_threads() does not reach the OpenBLAS pool of Debian's build.
 */
export const ONE_THREAD_ENV = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } as const;

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

/** Runs bench/peers/`script` with `args` on one thread; returns the JSON object it prints last and what it used. */
export function runPythonPeer<T>(script: string, args: string[] = []): T & { usage: PeerUsage } {
  const peer = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));
  const out = execFileSync(PYTHON, [peer('measured.py'), peer(script), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...ONE_THREAD_ENV },
    maxBuffer: 1 << 26,
  });
  const lines = out.trim().split('\n');
  const usage = JSON.parse(lines.at(-1)!) as PeerUsage;
  return { ...(JSON.parse(lines.at(-2)!) as T), usage };
}

/** The usage of several runs of a peer, added up: the fields a peer's bench record carries. */
export function usageOf(runs: readonly { usage: PeerUsage }[]): PeerUsage {
  return {
    cpuSeconds: runs.reduce((sum, run) => sum + run.usage.cpuSeconds, 0),
    wallSeconds: runs.reduce((sum, run) => sum + run.usage.wallSeconds, 0),
  };
}
