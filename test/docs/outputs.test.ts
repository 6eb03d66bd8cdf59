/**
 * Issue 23: output shown in the docs is regenerated from real runs, not typed.
 * `scripts/docs-output.mjs --check` runs each marked command against the
 * reference API and fails naming any block whose shape (numbers and pass marks
 * masked) is no longer what golive prints. In the timing project: the shown
 * outputs are a quiet machine's, and a run beside other tests can miss a budget.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collect, ROOT } from '../support/processes.js';
// @ts-expect-error plain JavaScript script, no declarations
import { shape } from '../../scripts/docs-output.mjs';

const shapeOf = shape as (text: string) => string;

describe('output shown in the docs', () => {
  it('masks what changes from run to run, and keeps what does not', () => {
    expect(shapeOf('  ✓  load  passed  2.1s\nNotes\n  lag 9 ms\n\nverdict: passed (exit 0)')).toBe('~ load passed Ns\nverdict: passed (exit N)');
    expect(shapeOf('verdict: passed (exit 0)')).not.toBe(shapeOf('verdict: failed (exit 99)'));
  });

  it('is what golive prints now (node scripts/docs-output.mjs regenerates it)', async () => {
    const done = await collect(spawn(process.execPath, [join(ROOT, 'scripts', 'docs-output.mjs'), '--check'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }), 240_000);
    expect(done.stdout).toBe('');
    expect(done.code).toBe(0);
  }, 300_000);
});
