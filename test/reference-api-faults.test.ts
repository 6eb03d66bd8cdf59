import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { checkMarketData } from '../checks/index.js';
import { judgeHealth } from './support/runbook-eval.js';
import { createFaults } from '../src/reference-api/faults.js';
import { createTimers } from '../src/reference-api/timers.js';
import { startReferenceApi, type ReferenceApiOptions } from '../src/reference-api/server.js';
import { TOKEN, call, market, withApi } from './support/reference-api-client.js';

describe('reference API faults', () => {
  it('--down answers 503 on both health endpoints', async () => {
    await withApi({ down: true }, async (api) => {
      const gw = await call(api.url, '/health');
      expect(gw.status).toBe(503);
      expect(gw.json).toMatchObject({ status: 'unavailable', service: 'gateway' });
      const data = await call(api.url, '/api/v1/data/health');
      expect(data.status).toBe(503);
      expect(data.json).toMatchObject({ status: 'unavailable', service: 'data-service' });
    });
  });

  it('--bad-schema serves string prices without high; health stays fine', async () => {
    await withApi({ badSchema: true }, async (api) => {
      expect((await call(api.url, '/health')).status).toBe(200);
      expect((await call(api.url, '/api/v1/data/health')).status).toBe(200);
      const r = await market(api.url, { symbol: 'AAPL', start_date: '2025-09-01', end_date: '2025-09-02' });
      expect(r.status).toBe(200);
      const bars = r.json.bars as Array<Record<string, unknown>>;
      expect(bars).toHaveLength(2);
      for (const bar of bars) {
        expect(bar).not.toHaveProperty('high');
        expect(typeof bar.open).toBe('string');
      }
    });
  });

  it('--error-rate answers 500 to exactly that fraction, evenly spread, the same way for the same seed', async () => {
    const N = 200;
    const failing = async (opts: Partial<ReferenceApiOptions>): Promise<number[]> =>
      withApi({ errorRate: 0.2, ...opts }, async (api) => {
        const out: number[] = [];
        for (let n = 1; n <= N; n++) {
          const r = await call(api.url, n % 2 ? '/health' : '/api/v1/data/health');
          expect([200, 500]).toContain(r.status);
          if (r.status === 500) out.push(n);
        }
        return out;
      });
    // Without a seed the first requests (the health phase of a gate run) pass: the first failure is 1/0.2 = 5.
    const plain = await failing({});
    expect(plain).toHaveLength(N * 0.2);
    expect(plain.slice(0, 3)).toEqual([5, 10, 15]);
    const seeded = await failing({ seed: 7 });
    expect(seeded).toHaveLength(N * 0.2);
    expect(await failing({ seed: 7 })).toEqual(seeded);
    expect((await failing({ random: () => 0.5 })).slice(0, 3)).toEqual([3, 8, 13]);
  });

  it('an error rate of 0.03 fails 30 of 1000 requests and none of the first 33', () => {
    const faults = createFaults({ errorRate: 0.03 });
    const failed = Array.from({ length: 1000 }, (_, i) => faults.decide(i + 1, 0).fail);
    expect(failed.filter(Boolean)).toHaveLength(30);
    expect(failed.indexOf(true) + 1).toBe(34);
  });

  it('fixed latency is never shorter than configured', async () => {
    await withApi({ latency: { kind: 'fixed', ms: 50 } }, async (api) => {
      const times: number[] = [];
      for (let i = 0; i < 15; i++) times.push((await call(api.url, '/health')).ms);
      const m = await market(api.url, { symbol: 'AAPL', start_date: '2025-09-01', end_date: '2025-09-02' });
      times.push(m.ms);
      expect(Math.min(...times)).toBeGreaterThanOrEqual(50);
      // Not a tight bound (shared CI cores), but a delay added twice would show.
      expect([...times].sort((x, y) => x - y)[7]!).toBeLessThan(90);
    });
  });

  it('bimodal latency slows exactly every 10th request for fraction 0.1', async () => {
    const faults = createFaults({ latency: { kind: 'bimodal', fastMs: 5, slowMs: 200, slowFraction: 0.1 } });
    const delays = Array.from({ length: 1000 }, (_, i) => faults.decide(i + 1, 0).delayMs);
    expect(delays.filter((d) => d === 200)).toHaveLength(100);
    expect(delays.slice(0, 20).map((d, i) => (d === 200 ? i + 1 : 0)).filter(Boolean)).toEqual([10, 20]);
    await withApi({ latency: { kind: 'bimodal', fastMs: 0, slowMs: 150, slowFraction: 0.25 } }, async (api) => {
      const times: number[] = [];
      for (let i = 0; i < 8; i++) times.push((await call(api.url, '/health')).ms);
      expect(times[3]!).toBeGreaterThanOrEqual(150);
      expect(times[7]!).toBeGreaterThanOrEqual(150);
    });
  });

  it('a stall holds every response that falls due during it', async () => {
    await withApi({ latency: { kind: 'stall', ms: 300, every: 3 } }, async (api) => {
      await call(api.url, '/health');
      await call(api.url, '/health');
      const t0 = performance.now();
      const stalled = call(api.url, '/health');
      const deadline = Date.now() + 5_000;
      while (api.requests() < 3) {
        if (Date.now() > deadline) throw new Error('third request never arrived');
        await new Promise((r) => setImmediate(r));
      }
      const during = await call(api.url, '/health');
      expect(performance.now() - t0).toBeGreaterThanOrEqual(300);
      expect(during.status).toBe(200);
      expect((await stalled).ms).toBeGreaterThanOrEqual(300);
      expect((await call(api.url, '/health')).ms).toBeLessThan(300);
    });
  });

  it('timers never fire before their deadline, although setTimeout can be ~1 ms early', async () => {
    const timers = createTimers(() => performance.now());
    let early = 0;
    for (let i = 0; i < 60; i++) {
      // Burning a little first leaves the event loop's cached time stale, which is what makes setTimeout early.
      const spin = performance.now();
      while (performance.now() - spin < (i % 4) * 0.4);
      const due = performance.now() + 1 + (i % 7);
      await new Promise<void>((resolve) =>
        timers.at(due, () => 0, () => {
          if (performance.now() < due) early++;
          resolve();
        }),
      );
    }
    expect(early).toBe(0);
  });

  it('uniform latency stays inside its bounds', () => {
    const faults = createFaults({ latency: { kind: 'uniform', minMs: 10, maxMs: 20 }, seed: 3 });
    const delays = Array.from({ length: 500 }, (_, i) => faults.decide(i + 1, 0).delayMs);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...delays)).toBeLessThanOrEqual(20);
    expect(new Set(delays).size).toBeGreaterThan(400);
  });

  it('close() ends keep-alive sockets and pending delayed responses promptly', async () => {
    const api = await startReferenceApi({ token: TOKEN, latency: { kind: 'fixed', ms: 30_000 } });
    const pending = request(`${api.url}/health`, { headersTimeout: 60_000 }).catch((err: unknown) => err);
    const deadline = Date.now() + 5_000;
    while (api.requests() < 1 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    const t0 = performance.now();
    await api.close();
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(await pending).toBeInstanceOf(Error);
  });
});


describe('reference API against the shared checks', () => {
  const req = { symbol: 'AAPL', start_date: '2025-09-01', end_date: '2025-09-05' };
  const failed = (outcomes: Array<{ name: string; ok: boolean; reason?: string }>): string[] =>
    outcomes.filter((o) => !o.ok).map((o) => `${o.name}: ${o.reason ?? ''}`);

  it('a healthy server passes every health and market-data check', async () => {
    await withApi({}, async (api) => {
      for (const path of ['/health', '/api/v1/data/health']) {
        const r = await call(api.url, path);
        expect(failed(judgeHealth(r.status, r.json, r.ms))).toEqual([]);
      }
      const m = await market(api.url, req);
      expect(failed(checkMarketData(req, m.status, m.json))).toEqual([]);
    });
  });

  it('--bad-schema fails the schema check naming a bar field; --down fails health', async () => {
    await withApi({ badSchema: true }, async (api) => {
      const m = await market(api.url, req);
      expect(failed(checkMarketData(req, m.status, m.json)).join('\n')).toMatch(/bars\[0\]\.(open|high)/);
    });
    await withApi({ down: true }, async (api) => {
      const r = await call(api.url, '/health');
      expect(failed(judgeHealth(r.status, r.json, r.ms)).length).toBeGreaterThan(0);
    });
  });
});

describe('reference API --saturate', () => {
  const arrivals = (rate: number, seconds: number, capacity: number): number[] => {
    const faults = createFaults({ saturateRps: capacity });
    const out: number[] = [];
    for (let i = 0; i < rate * seconds; i++) out.push(faults.decide(i + 1, 1000 + (i * 1000) / rate).delayMs);
    return out;
  };

  it('adds nothing at or below capacity', () => {
    expect(Math.max(...arrivals(50, 3, 50))).toBe(0);
    expect(Math.max(...arrivals(20, 3, 50))).toBe(0);
  });

  it('grows with the overload: 2x capacity adds about a second once a full second of arrivals is seen', () => {
    const at2x = arrivals(100, 3, 50);
    expect(at2x[0]).toBe(0);
    const settled = at2x.slice(150);
    expect(Math.min(...settled)).toBeGreaterThanOrEqual(950);
    expect(Math.max(...settled)).toBeLessThanOrEqual(1050);
    const at15x = arrivals(75, 3, 50).slice(120);
    expect(Math.min(...at15x)).toBeGreaterThanOrEqual(450);
    expect(Math.max(...at15x)).toBeLessThanOrEqual(550);
  });

  it('recovers when the rate falls back under capacity', () => {
    const faults = createFaults({ saturateRps: 10 });
    for (let i = 0; i < 40; i++) faults.decide(i + 1, i * 25); // 40/s for a second
    expect(faults.decide(41, 1000).delayMs).toBeGreaterThan(0);
    expect(faults.decide(42, 2500).delayMs).toBe(0);
  });

  it('a real server slows down above capacity and not below', async () => {
    await withApi({ saturateRps: 5 }, async (api) => {
      const t0 = performance.now();
      const first = await call(api.url, '/health');
      expect(first.status).toBe(200);
      expect(performance.now() - t0).toBeLessThan(400);
      // 20 arrivals at once: the last ones find 4x capacity, +3 s.
      const started = performance.now();
      const burst = await Promise.all(Array.from({ length: 19 }, () => call(api.url, '/health').then(() => performance.now() - started)));
      expect(Math.max(...burst)).toBeGreaterThan(2000);
    });
  });
});

describe('reference API --saturate flag', () => {
  it('parses a capacity and refuses zero or junk with one line naming the flag', async () => {
    const { parseReferenceApiArgs } = await import('../src/reference-api/args.js');
    expect(parseReferenceApiArgs(['--token', 't', '--saturate', '50'], {}).saturateRps).toBe(50);
    expect(() => parseReferenceApiArgs(['--token', 't', '--saturate', '0'], {})).toThrow(/--saturate: expected requests per second above 0/);
    expect(() => parseReferenceApiArgs(['--token', 't', '--saturate', 'lots'], {})).toThrow(/--saturate: expected/);
  });
});
