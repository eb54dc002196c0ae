// Vitest's global setup: every temporary file of a test run goes under one folder of its own,
// removed when the run ends, so that a run leaves nothing behind in the system's temporary
// folder however a test ends. Tests name folders with `tmpdir()` (node:os), which reads TMPDIR,
// TMP or TEMP when called; the forked test workers and the CLIs they start inherit them.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const outer = tmpdir();
  const dir = mkdtempSync(join(outer, 'sentiwasm-test-run-'));
  const saved = { TMPDIR: process.env.TMPDIR, TMP: process.env.TMP, TEMP: process.env.TEMP };
  process.env.TMPDIR = process.env.TMP = process.env.TEMP = dir;
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
