/**
 * Issue 27 item 5: the `verdict:` line says the exit code the process
 * returns. A report that cannot be written (here summary.json is a directory,
 * as unwritable as a full disk) turns a passing run into 107, and stdout says
 * so instead of "passed (exit 0)".
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runGolive, startHostile, stopAll } from './harness.js';

afterEach(stopAll);

describe('the verdict line', () => {
  it('a report write error: stdout prints the 107 the process returns, stderr names the report', async () => {
    const h = await startHostile('ok');
    const run = await runGolive(['--target', h.url, '--phases', 'health'], {
      prepareOut: (out) => { mkdirSync(join(out, 'summary.json')); },
    });
    expect(run.code, run.stdout + run.stderr).toBe(107);
    expect(run.stderr).toMatch(/report not written: .*summary\.json/);
    expect(run.stdout).toMatch(/^verdict: error \(exit 107\)$/m);
    expect(run.stdout).not.toMatch(/exit 0\)/);
  });

  it('the same run with a writable directory passes with "exit 0" on its verdict line', async () => {
    const h = await startHostile('ok');
    const run = await runGolive(['--target', h.url, '--phases', 'health']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^verdict: passed \(exit 0\)$/m);
  });
});
