/**
 * Issue 27 items 2 and 3 through the real CLI: a target that sends an
 * unasked-for `100 Continue` (and `102 Processing`) before every answer, or
 * gzip-codes every body, is healthy: the functional phases pass, no rollback
 * trigger.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { notLatency, roomyLatency, runGolive, startHostile, stopAll } from './harness.js';

afterEach(stopAll);

describe('legal HTTP a healthy target may send', () => {
  it.each(['continue', 'gzip'])('%s: health and market-data pass (exit 0), no rollback trigger', async (mode) => {
    const h = await startHostile(mode);
    const run = await runGolive(['--target', h.url, '--phases', 'health,market-data', ...roomyLatency({ load: false })]);
    expect(run.summary?.golive.rollback.triggered).toBe(false);
    expect(notLatency(run.summary), run.stdout).toEqual([]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
  });
});
