/**
 * Issue 12 items 2 and 3: faults of our own are never blamed on the target,
 * and bad plans are exit 104 in one line before the first request.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { leaks, runGolive, startHostile, stopAll, TOKEN } from './harness.js';
import type { GoliveRun, Hostile } from './harness.js';

afterEach(stopAll);

/** Exit 104, one line on stderr naming `what`, and not one request at the target. */
async function refusedBeforeTheRun(h: Hostile, run: GoliveRun, what: RegExp): Promise<void> {
  expect(run.code, run.stderr).toBe(104);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(what);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(await h.requests()).toBe(0);
  expect(leaks(run.everything)).toEqual([]);
}

describe('hostile suite: client-side faults are golive\'s, not the target\'s', () => {
  it('a token with a trailing newline (kubectl create secret --from-file) is trimmed and works', async () => {
    const h = await startHostile('ok');
    const run = await runGolive(['--target', h.url, '--requests', '50'], { env: { GOLIVE_TOKEN: `${TOKEN}\n` } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.summary?.golive.rollback.triggered).toBe(false);
    expect(leaks(run.everything)).toEqual([]);
  });

  it('a token that cannot be a header value is exit 104 before the run, without quoting it', async () => {
    const h = await startHostile('ok');
    const run = await runGolive(['--target', h.url], { env: { GOLIVE_TOKEN: `${TOKEN}\nsecond-line` } });
    await refusedBeforeTheRun(h, run, /bearer token .*cannot be sent as an HTTP header value: character 25 of 36 is U\+000A/);
    expect(run.everything).not.toContain('second-line');
  });

  it('SIGTERM during the health phase is exit 105 with a partial report, never "service unavailable"', async () => {
    const h = await startHostile('drip');
    const run = await runGolive(['--target', h.url, '--timeout', '30000'], {
      onSpawn: (child) => {
        const poll = setInterval(() => {
          void h.requests().then((n) => { if (n > 0) { clearInterval(poll); child.kill('SIGTERM'); } }, () => undefined);
        }, 50);
        child.on('exit', () => clearInterval(poll));
      },
    });
    expect(run.code, run.stderr).toBe(105);
    expect(run.summary?.golive.verdict).toBe('aborted');
    expect(run.summary?.golive.rollback).toEqual({ triggered: false, reasons: [] });
    expect(run.summary?.golive.checks).toEqual([]);
    expect(run.everything).not.toContain('service unavailable');
    expect(run.wallMs).toBeLessThan(20_000);
  });

  it('EMFILE under load is exit 107 naming the cause: no failed gate, no rollback, counted by cause', async () => {
    const h = await startHostile('ok');
    // 150 descriptors held elsewhere in the process leave too few for 100 connections.
    const run = await runGolive(['--target', h.url, '--phases', 'health,load', '--requests', '600', '--concurrency', '100'], {
      nofile: 200, env: { HOSTILE_HOLD_FDS: '150' },
    });
    expect(run.code, run.stdout + run.stderr).toBe(107);
    expect(run.summary?.golive.verdict).toBe('error');
    expect(run.summary?.golive.rollback.triggered).toBe(false);
    const load = run.summary?.golive.phases.find((p) => p.name === 'load');
    expect(load?.status).toBe('error');
    expect(load?.reason).toMatch(/^client-side fault, not the target: EMFILE ×\d+ \(too many open files/);
    const emfile = run.summary?.golive.failedRequests?.find((f) => f.cause === 'EMFILE');
    expect(emfile).toMatchObject({ phase: 'load', side: 'golive' });
    expect(emfile?.count).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/Failed requests by cause[\s\S]*EMFILE/);
    // the target's requests were judged on what it answered: none counted as failed
    expect(run.summary?.metrics['http_req_failed{phase:load}']?.values.fails ?? 0).toBe(0);
  });
});

describe('hostile suite: bad plans are refused before the first request', () => {
  it('--concurrency beyond `ulimit -n` is exit 104 naming the limit', async () => {
    const h = await startHostile('ok');
    const run = await runGolive(['--target', h.url, '--concurrency', '400'], { nofile: 150 });
    await refusedBeforeTheRun(h, run, /--concurrency: 400 connections need 464 file descriptors .* `ulimit -n` is 150; lower --concurrency to at most 86/);
  });

  it('--timeout beyond Node\'s timer range is exit 104 (it used to overflow to 1 ms)', async () => {
    const h = await startHostile('ok');
    const run = await runGolive(['--target', h.url, '--timeout', '3000000000']);
    await refusedBeforeTheRun(h, run, /requestTimeoutMs \(--timeout\): above 2147483647 ms/);
  });

  it('a misspelt threshold metric is exit 104 suggesting the closest name', async () => {
    const h = await startHostile('ok');
    const run = await runGolive(['--target', h.url, '--threshold', 'http_req_duraton=p(95)<500']);
    await refusedBeforeTheRun(h, run, /threshold metric "http_req_duraton" .*did you mean "http_req_duration"\?/);
  });

  it('--out naming a regular file is exit 104 before the run', async () => {
    const h = await startHostile('ok');
    const file = join(tmpdir(), `golive-hostile-out-${process.pid}`);
    writeFileSync(file, 'not a directory');
    const run = await runGolive(['--target', h.url, '--out', file]);
    await refusedBeforeTheRun(h, run, /--out .*exists and is not a directory/);
  });

  it('--out /proc/x is exit 104 at once (no recursive-mkdir spin)', async () => {
    const h = await startHostile('ok');
    const run = await runGolive(['--target', h.url, '--out', '/proc/golive-x'], { deadlineMs: 20_000 });
    await refusedBeforeTheRun(h, run, /--out \/proc\/golive-x: cannot create \/proc\/golive-x: E[A-Z]+/);
    expect(run.wallMs).toBeLessThan(10_000);
  });
});
