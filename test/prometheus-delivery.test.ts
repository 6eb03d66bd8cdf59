/**
 * Delivery against real HTTP servers on loopback: retries with backoff, the
 * deadline, permanent 4xx, credentials in headers only and never in errors.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { deliver, DEFAULT_RETRY } from '../src/sinks/delivery.js';
import type { DeliveryEnv } from '../src/sinks/delivery.js';
import { deliverAll } from '../src/sinks/index.js';
import { systemClock } from '../src/core/clock.js';
import { fixturePlan, fixtureResult, fixtureStore } from './support/prometheus-fixtures.js';
import { freePort } from './support/prometheus.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); })));
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const srv = createServer(handler);
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const addr = srv.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}

const env = (over: Partial<DeliveryEnv> = {}): DeliveryEnv => ({
  credentials: {}, retry: { ...DEFAULT_RETRY, baseDelayMs: 20 }, timeoutMs: 2000,
  clock: systemClock, sleep: (ms) => new Promise((r) => setTimeout(r, ms)), random: Math.random, ...over,
});
const body = { what: 'prometheus remote write', method: 'POST' as const, headers: {}, body: 'x' };

describe('delivery', () => {
  it('retries a closed port with backoff, then fails in one line within the deadline', async () => {
    const port = await freePort(); // nothing listens there any more
    const { store, checks } = fixtureStore({ loadRequests: 5 });
    const plan = fixturePlan({ prometheus: {
      remoteWriteUrl: `http://127.0.0.1:${port}/api/v1/write`, pushgatewayUrl: `http://127.0.0.1:${port}`,
      username: 'golive', password: 'hunter2-secret',
    } });
    const waits: number[] = [];
    const started = Date.now();
    const results = await deliverAll({
      result: fixtureResult(store, checks, { testid: 'down' }), store, plan,
      retry: { attempts: 3, baseDelayMs: 100, deadlineMs: 4000 },
      sleep: (ms) => { waits.push(ms); return new Promise((r) => setTimeout(r, ms)); },
    });
    expect(Date.now() - started).toBeLessThan(4000);
    expect(results.map((r) => r.error)).toEqual([
      `prometheus remote write to http://127.0.0.1:${port}/api/v1/write failed after 3 attempts: ECONNREFUSED`,
      `pushgateway push to http://127.0.0.1:${port}/metrics/job/golive failed after 3 attempts: ECONNREFUSED`,
    ]);
    // exponential with jitter: 1st wait in [50,100], 2nd in [100,200], per sink
    expect(waits.sort((a, b) => a - b).map((w) => w >= 50 && w <= 200)).toEqual([true, true, true, true]);
    expect(Math.max(...waits)).toBeGreaterThan(100);
  });

  it('stops at the deadline when the server hangs', async () => {
    const url = await serve(() => { /* never answers */ });
    const started = Date.now();
    const out = await deliver({ ...body, url }, env({ timeoutMs: 300, retry: { attempts: 10, baseDelayMs: 50, maxDelayMs: 100, deadlineMs: 1000 } }));
    const took = Date.now() - started;
    expect(out.ok).toBe(false);
    expect(took).toBeLessThan(1500);
    expect(out.attempts).toBeGreaterThanOrEqual(2);
    expect(out.attempts).toBeLessThan(10);
    expect(!out.ok && out.error).toMatch(/failed after \d attempts( \(deadline 1000 ms\))?: timed out after \d+ ms$/);
  });

  it('retries a 503 and succeeds, sending basic auth only in the header', async () => {
    const seen: (string | undefined)[] = [];
    const url = await serve((req, res) => {
      seen.push(req.headers.authorization);
      res.statusCode = seen.length === 1 ? 503 : 204;
      res.end();
    });
    const out = await deliver({ ...body, url: `${url}/api/v1/write` }, env({ credentials: { username: 'u', password: 'p@ss' } }));
    expect(out).toEqual({ ok: true, attempts: 2 });
    expect(seen).toEqual([`Basic ${Buffer.from('u:p@ss').toString('base64')}`, `Basic ${Buffer.from('u:p@ss').toString('base64')}`]);
  });

  it('does not retry a 400, and keeps URL credentials and tokens out of the error', async () => {
    let calls = 0;
    let auth: string | undefined;
    const url = await serve((req, res) => { calls++; auth = req.headers.authorization; res.statusCode = 400; res.end('out of order sample\nsecond line'); });
    const withUserinfo = url.replace('http://', 'http://admin:s3cr3t-pw@') + '/api/v1/write?token=abc123xyz';
    const out = await deliver({ ...body, url: withUserinfo }, env());
    expect(calls).toBe(1);
    expect(auth).toBe(`Basic ${Buffer.from('admin:s3cr3t-pw').toString('base64')}`);
    expect(out).toEqual({ ok: false, attempts: 1, error: `prometheus remote write to ${url}/api/v1/write?token=*** failed after 1 attempt: HTTP 400: out of order sample second line` });

    const bearer = await deliver({ ...body, url }, env({ credentials: { bearerToken: 'tok-very-secret' } }));
    expect(auth).toBe('Bearer tok-very-secret');
    expect(!bearer.ok && bearer.error).not.toContain('tok-very-secret');
  });
});
