/**
 * Issue 27 item 4: remote write and the Pushgateway honour Retry-After on
 * 429 and 503 (seconds or an HTTP-date), within the delivery deadline; a
 * receiver that never recovers still fails (108) before the deadline.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../src/core/clock.js';
import { DEFAULT_RETRY, deliver, retryAfterMs, type DeliveryEnv } from '../src/sinks/delivery.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** Answers the n-th request (from 0) with answer(n); records when each arrived. */
async function receiver(answer: (n: number) => { status: number; headers?: Record<string, string> }) {
  const arrivals: number[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const a = answer(arrivals.length);
      arrivals.push(performance.now());
      res.writeHead(a.status, { 'content-length': 0, ...a.headers });
      res.end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`, arrivals };
}

const env = (deadlineMs = DEFAULT_RETRY.deadlineMs): DeliveryEnv => ({
  credentials: {}, retry: { ...DEFAULT_RETRY, deadlineMs }, timeoutMs: 5_000, clock: systemClock,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)), random: Math.random,
});
const push = (url: string) => ({ what: 'prometheus remote write', url, method: 'POST' as const, headers: {}, body: 'x' });
const gaps = (a: number[]) => a.slice(1).map((t, i) => t - (a[i] ?? 0));

describe('Retry-After', () => {
  it('parses delta-seconds and HTTP-dates, ignores what is neither', () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    expect(retryAfterMs('1', now)).toBe(1000);
    expect(retryAfterMs('Mon, 07 Dec 2026 12:00:03 GMT', now)).toBe(3000);
    expect(retryAfterMs('Mon, 07 Dec 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-1', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });

  it('a 429 asking for 1 s: the next attempt waits at least that long, then succeeds', async () => {
    const r = await receiver((n) => (n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 204 }));
    expect(await deliver(push(r.url), env())).toEqual({ ok: true, attempts: 2 });
    expect(gaps(r.arrivals)[0]).toBeGreaterThanOrEqual(990);
  });

  it('a 503 with an HTTP-date two seconds ahead: waited out (the date has whole seconds)', async () => {
    const r = await receiver((n) => (n === 0 ? { status: 503, headers: { 'retry-after': new Date(Date.now() + 2_000).toUTCString() } } : { status: 200 }));
    expect(await deliver(push(r.url), env())).toEqual({ ok: true, attempts: 2 });
    expect(gaps(r.arrivals)[0]).toBeGreaterThanOrEqual(990);
  });

  it('a receiver that never recovers: every wait honoured, failed within the deadline', async () => {
    const r = await receiver(() => ({ status: 429, headers: { 'retry-after': '1' } }));
    const t0 = performance.now();
    const out = await deliver(push(r.url), env(10_000));
    expect(out).toMatchObject({ ok: false, attempts: 3 });
    expect(out.ok ? '' : out.error).toMatch(/failed after 3 attempts: HTTP 429/);
    for (const g of gaps(r.arrivals)) expect(g).toBeGreaterThanOrEqual(990);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });

  it('a wait past the deadline is not started: failed at once, naming what it asked for', async () => {
    const r = await receiver(() => ({ status: 429, headers: { 'retry-after': '3600' } }));
    const t0 = performance.now();
    const out = await deliver(push(r.url), env(5_000));
    expect(out).toMatchObject({ ok: false, attempts: 1 });
    expect(out.ok ? '' : out.error).toMatch(/failed after 1 attempt \(deadline 5000 ms, it asked to retry after 3600 s\): HTTP 429/);
    expect(performance.now() - t0).toBeLessThan(4_000);
  });
});
