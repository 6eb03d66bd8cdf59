/**
 * The engine-neutral parts of issue 12 under the real k6 (1.1.0): the token
 * is trimmed before k6 sees it, and an interrupt is no evidence against the
 * target (no rollback trigger), with the same hostile server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { k6Env } from '../support/k6.js';
import { leaks, runGolive, startHostile, stopAll, TOKEN } from './harness.js';

afterEach(stopAll);

describe('hostile suite under --engine k6', () => {
  it('a token with a trailing newline is trimmed: the real k6 run passes', async () => {
    const h = await startHostile('ok');
    const run = await runGolive(['--engine', 'k6', '--target', h.url, '--requests', '50'], {
      env: { ...k6Env() as Record<string, string>, GOLIVE_TOKEN: `${TOKEN}\n` }, deadlineMs: 120_000,
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.summary?.golive.rollback.triggered).toBe(false);
    expect(leaks(run.everything)).toEqual([]);
  }, 150_000);

  it('SIGTERM during the load: exit 105, partial report, no rollback trigger', async () => {
    const h = await startHostile('slow');
    const run = await runGolive(['--engine', 'k6', '--target', h.url, '--phases', 'health,load', '--requests', '100000', '--concurrency', '5'], {
      env: k6Env() as Record<string, string>, deadlineMs: 120_000,
      onSpawn: (child) => {
        const poll = setInterval(() => {
          void h.requests().then((n) => { if (n > 10) { clearInterval(poll); child.kill('SIGTERM'); } }, () => undefined);
        }, 100);
        child.on('exit', () => clearInterval(poll));
      },
    });
    expect(run.code, run.stdout + run.stderr).toBe(105);
    expect(run.summary?.golive.verdict).toBe('aborted');
    expect(run.summary?.golive.rollback).toEqual({ triggered: false, reasons: [] });
    expect(leaks(run.everything)).toEqual([]);
  }, 150_000);
});
