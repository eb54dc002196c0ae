import { execFileSync } from 'node:child_process';
import { basename } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';

// The run's temporary folder (test/setup/temp-folder.ts) is removed when the run ends, so that
// what tests write there never piles up in the system's temporary folder.
describe('a test run', () => {
  it('writes its temporary files in a folder of its own', () => {
    expect(basename(tmpdir())).toMatch(/^sentiwasm-test-run-/);
  });

  it('hands that folder to the programs its tests start', () => {
    const childTmp = execFileSync(process.execPath, ['-e', 'process.stdout.write(require("node:os").tmpdir())'], {
      encoding: 'utf8',
    });
    expect(childTmp).toBe(tmpdir());
  });
});
