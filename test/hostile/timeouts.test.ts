/**
 * Issue 12 item 1: --timeout bounds every request end to end, body included,
 * even after garbage collection; bodies are capped, memory stays flat.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { leaks, runGolive, startHostile, stopAll } from './harness.js';

afterEach(stopAll);

describe('hostile target: timeouts and body caps', () => {
  it('a body dripping one byte every 500 ms is cut at --timeout even when the GC runs', async () => {
    const h = await startHostile('drip');
    const run = await runGolive(['--target', h.url, '--phases', 'health', '--timeout', '1500', '--deadline', '40'], { gcEveryMs: 20 });
    expect(run.code, run.stderr).toBe(99);
    expect(run.summary?.golive.verdict).toBe('failed');
    const reasons = run.summary?.golive.checks.flatMap((c) => c.reasons) ?? [];
    expect(reasons.some((r) => r.includes('timeout'))).toBe(true);
    // two endpoints, 1.5 s each, plus start-up; before the fix: the 40 s deadline
    expect(run.wallMs).toBeLessThan(15_000);
    expect(leaks(run.everything)).toEqual([]);
  });

  it('an endless fast body fails the check at --max-body-bytes and memory stays flat', async () => {
    const h = await startHostile('endless');
    const run = await runGolive(['--target', h.url, '--phases', 'health', '--timeout', '2000', '--max-body-bytes', '1048576'], { deadlineMs: 60_000 });
    expect(run.code, run.stderr).toBe(99);
    const reasons = run.summary?.golive.checks.flatMap((c) => c.reasons) ?? [];
    expect(reasons).toContain('body larger than 1048576 bytes');
    expect(run.summary?.golive.rollback.triggered).toBe(false);
    expect(run.peakRssMiB).toBeLessThan(250);
  });

  it('a 600 MB body with content-length is refused by the default cap, not read into a string', async () => {
    const h = await startHostile('huge');
    const run = await runGolive(['--target', h.url, '--phases', 'health', '--timeout', '20000']);
    expect(run.code, run.stderr).toBe(99);
    const reasons = run.summary?.golive.checks.flatMap((c) => c.reasons) ?? [];
    expect(reasons.some((r) => /^body larger than \d+ bytes$/.test(r))).toBe(true);
    expect(run.summary?.golive.rollback.reasons ?? []).toEqual([]);
    expect(run.peakRssMiB).toBeLessThan(250);
  });

  it('the load phase counts an endless body without keeping it: timeout, flat memory', async () => {
    const h = await startHostile('endless');
    const run = await runGolive(['--target', h.url, '--phases', 'load', '--requests', '4', '--concurrency', '2', '--timeout', '1500']);
    expect(run.code, run.stderr).toBe(99);
    expect(run.summary?.metrics['http_req_failed{phase:load}']?.values.rate).toBe(1);
    expect(run.peakRssMiB).toBeLessThan(250);
    expect(run.wallMs).toBeLessThan(20_000);
  });

  it('a Prometheus that drips its answer is cut at --timeout too: the monitoring phase fails in time', async () => {
    const target = await startHostile('ok');
    const prom = await startHostile('drip');
    const run = await runGolive(['--target', target.url, '--phases', 'monitoring', '--prometheus-url', prom.url, '--timeout', '1500', '--deadline', '60'], { gcEveryMs: 20 });
    expect(run.code, run.stderr).toBe(99);
    const mon = run.summary?.golive.phases.find((p) => p.name === 'monitoring');
    expect(mon?.status).toBe('failed');
    expect(mon?.reason).toMatch(/Prometheus not reachable: .*timed out after 1500 ms/);
    expect(run.wallMs).toBeLessThan(20_000);
  });
});
