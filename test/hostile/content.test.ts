/**
 * Issue 12 item 8: hostile content. Deep JSON does not crash the checks,
 * every target- or sink-supplied string is capped and reaches no terminal or
 * report with control, C1 or bidi characters in it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { leaks, runGolive, startHostile, stopAll, URL_PASSWORD } from './harness.js';

afterEach(stopAll);

// ESC, BEL, NUL, CSI (C1), RLO/PDF and isolates: what the hostile server sends.
const FORBIDDEN = /[\u0000\u0007\u001b\u0080-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('hostile suite: hostile content', () => {
  it('a 100k-deep JSON symbol fails the market-data checks instead of overflowing the stack', async () => {
    const h = await startHostile('deep-json');
    const run = await runGolive(['--target', h.url, '--phases', 'health,market-data']);
    expect(run.code, run.stderr).toBe(99);
    const md = run.summary?.golive.phases.find((p) => p.name === 'market-data');
    expect(md?.status).toBe('failed');
    const symbol = run.summary?.golive.checks.find((c) => c.name === 'symbol echoed');
    expect(symbol?.fails).toBe(1);
    expect(symbol?.reasons[0]).toMatch(/^symbol: expected "AAPL", got /);
    expect(run.everything).not.toMatch(/Maximum call stack/);
  });

  it('a 3 MB status string is capped in every reason: reports stay small', async () => {
    const h = await startHostile('long-status');
    const run = await runGolive(['--target', h.url, '--phases', 'health']);
    expect(run.code, run.stderr).toBe(99);
    expect(run.summary?.golive.rollback.triggered).toBe(true);
    for (const c of run.summary?.golive.checks ?? []) for (const r of c.reasons) expect(r.length).toBeLessThanOrEqual(500);
    // stdout + stderr + three reports, each with the reason in it a few times
    expect(run.everything.length).toBeLessThan(512 * 1024);
  });

  it('escape, C1, NUL and bidi characters from the target reach no output or report', async () => {
    const h = await startHostile('control');
    const run = await runGolive(['--target', h.url, '--phases', 'health,market-data']);
    expect(run.code, run.stderr).toBe(99);
    const reasons = run.summary?.golive.checks.flatMap((c) => c.reasons) ?? [];
    expect(reasons.some((r) => r.includes('degraded'))).toBe(true);
    expect(run.everything).not.toMatch(FORBIDDEN);
    expect(leaks(run.everything)).toEqual([]);
  });

  it('a sink answering with terminal escapes: the delivery failure line is clean, its URL credentials nowhere (exit 108)', async () => {
    const target = await startHostile('ok');
    const sink = await startHostile('sink-control');
    const withCreds = `${sink.url.replace('http://', `http://golive:${URL_PASSWORD}@`)}/?token=${URL_PASSWORD}`;
    const run = await runGolive(['--target', target.url, '--phases', 'health', '--pushgateway-url', withCreds]);
    expect(run.code, run.stdout + run.stderr).toBe(108);
    expect(run.stderr).toMatch(/pushgateway.*HTTP 500: boom/);
    expect(run.everything).not.toMatch(FORBIDDEN);
    expect(leaks(run.everything)).toEqual([]);
  });

  it('a redirect is a failed check naming where it pointed; nothing follows it with the token', async () => {
    const h = await startHostile('redirect');
    const run = await runGolive(['--target', h.url, '--phases', 'health,market-data']);
    expect(run.code, run.stderr).toBe(99);
    const reasons = run.summary?.golive.checks.flatMap((c) => c.reasons) ?? [];
    expect(reasons.some((r) => /got status 302 redirecting to .*\/__capture/.test(r))).toBe(true);
    expect(await h.captured()).toBe(0);
    expect(leaks(run.everything)).toEqual([]);
  });
});
