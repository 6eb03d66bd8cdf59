import { spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHealthResponse, checkMarketData } from '../checks/index.js';
import { GoliveError } from '../src/core/errors.js';
import { parseReferenceApiArgs } from '../src/reference-api/args.js';
import { barsFor } from '../src/reference-api/bars.js';
import { parseIsoDate } from '../src/reference-api/dates.js';
import { createFaults } from '../src/reference-api/faults.js';
import { createTimers } from '../src/reference-api/timers.js';
import { startReferenceApi, type ReferenceApi, type ReferenceApiOptions } from '../src/reference-api/server.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN = 'test-token-1234';
const MARKET = '/api/v1/data/market';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
  ms: number;
}

async function call(base: string, path: string, init: { method?: string; token?: string | null; body?: string; auth?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.auth !== undefined) headers.authorization = init.auth;
  else if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TOKEN}`;
  const t0 = performance.now();
  const res = await request(`${base}${path}`, {
    method: (init.method ?? 'GET') as 'GET',
    headers,
    body: init.body,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const json = (await res.body.json()) as Record<string, unknown>;
  return { status: res.statusCode, headers: res.headers, json, ms: performance.now() - t0 };
}

const market = (base: string, body: unknown, token?: string | null): Promise<Reply> =>
  call(base, MARKET, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), token });

async function withApi<T>(opts: Partial<ReferenceApiOptions>, fn: (api: ReferenceApi) => Promise<T>): Promise<T> {
  const api = await startReferenceApi({ token: TOKEN, ...opts });
  try {
    return await fn(api);
  } finally {
    await api.close();
  }
}

describe('reference API endpoints', () => {
  let api: ReferenceApi;
  beforeAll(async () => {
    api = await startReferenceApi({ token: TOKEN });
  });
  afterAll(() => api.close());

  it('serves both health endpoints', async () => {
    const gw = await call(api.url, '/health');
    expect(gw.status).toBe(200);
    expect(gw.json).toMatchObject({ status: 'ok', service: 'gateway', version: '1.0.0' });
    expect(Number.isNaN(Date.parse(String(gw.json.timestamp)))).toBe(false);
    const data = await call(api.url, '/api/v1/data/health');
    expect(data.status).toBe(200);
    expect(data.json).toMatchObject({ status: 'ok', service: 'data-service', checks: { database: 'ok', cache: 'ok' } });
    expect(String(data.headers['content-type'])).toContain('application/json');
  });

  it('returns one valid bar per calendar day, sorted, deterministic', async () => {
    const body = { symbol: 'AAPL', start_date: '2025-09-01', end_date: '2025-09-03' };
    const a = await market(api.url, body);
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({ ...body, interval: '1d', source: 'reference-api' });
    const bars = a.json.bars as Array<Record<string, number | string>>;
    expect(bars.map((b) => b.date)).toEqual(['2025-09-01', '2025-09-02', '2025-09-03']);
    const b = await market(api.url, body);
    expect(b.json.bars).toEqual(bars);
    // A sub-range is a slice of the larger range: bars depend on (symbol, date) only.
    const one = await market(api.url, { symbol: 'AAPL', start_date: '2025-09-02', end_date: '2025-09-02' });
    expect(one.json.bars).toEqual([bars[1]]);
    const other = await market(api.url, { ...body, symbol: 'MSFT' });
    expect(other.json.bars).not.toEqual(bars);
  });

  it('keeps the OHLCV invariants over a year for many symbols', () => {
    const start = parseIsoDate('2024-01-01')!;
    for (const symbol of ['A', 'AAPL', 'BRK.B', 'X-Y', 'ZZZZZZZZZZ', 'PENNY']) {
      const bars = barsFor(symbol, start, start + 365);
      expect(bars).toHaveLength(366);
      for (const [i, bar] of bars.entries()) {
        expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
        expect(Math.min(bar.open, bar.close)).toBeGreaterThanOrEqual(bar.low);
        expect(bar.low).toBeGreaterThan(0);
        expect(Number.isInteger(bar.volume) && bar.volume >= 0).toBe(true);
        if (i > 0) expect(bar.date > bars[i - 1]!.date).toBe(true);
      }
    }
  });

  it.each([
    ['not json', '{"symbol":', /^body: .*JSON/],
    ['an array', '[]', /^body: /],
    ['no symbol', { start_date: '2025-09-01', end_date: '2025-09-02' }, /^symbol: /],
    ['lowercase symbol', { symbol: 'aapl', start_date: '2025-09-01', end_date: '2025-09-02' }, /^symbol: /],
    ['symbol too long', { symbol: 'ABCDEFGHIJK', start_date: '2025-09-01', end_date: '2025-09-02' }, /^symbol: /],
    ['bad start_date', { symbol: 'AAPL', start_date: '2025/09/01', end_date: '2025-09-02' }, /^start_date: /],
    ['impossible end_date', { symbol: 'AAPL', start_date: '2025-02-01', end_date: '2025-02-30' }, /^end_date: /],
    ['numeric end_date', { symbol: 'AAPL', start_date: '2025-02-01', end_date: 20250202 }, /^end_date: /],
    ['start after end', { symbol: 'AAPL', start_date: '2025-09-03', end_date: '2025-09-01' }, /^start_date: .*after end_date/],
    ['range of 367 days', { symbol: 'AAPL', start_date: '2024-01-01', end_date: '2025-01-01' }, /^end_date: .*366 days/],
  ])('answers 400 naming the field for %s', async (_name, body, reason) => {
    const r = await market(api.url, body);
    expect(r.status).toBe(400);
    expect(String(r.json.error)).toMatch(reason);
  });

  it('accepts a range of exactly 366 days', async () => {
    const r = await market(api.url, { symbol: 'AAPL', start_date: '2024-01-01', end_date: '2024-12-31' });
    expect(r.status).toBe(200);
    expect(r.json.bars).toHaveLength(366);
  });

  it.each([
    ['no Authorization header', { token: null }],
    ['a wrong token', { token: 'wrong-token' }],
    ['a token prefix', { token: TOKEN.slice(0, -1) }],
    ['Basic instead of Bearer', { auth: `Basic ${TOKEN}` }],
  ])('answers 401 for %s, before validating the body', async (_name, init) => {
    const r = await call(api.url, MARKET, { method: 'POST', body: 'not json', ...init });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ error: 'missing or invalid bearer token' });
    expect(JSON.stringify(r)).not.toContain(TOKEN);
  });

  it('answers 404 for unknown paths and 405 with Allow for wrong methods', async () => {
    expect((await call(api.url, '/api/v1/nope')).status).toBe(404);
    const r = await call(api.url, '/health', { method: 'POST', body: '{}' });
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('GET');
    expect((await call(api.url, MARKET)).status).toBe(405);
  });

  it('refuses an oversized body with 413 and keeps serving', async () => {
    const r = await market(api.url, { symbol: 'AAPL', pad: 'x'.repeat(70_000) });
    expect(r.status).toBe(413);
    expect((await call(api.url, '/health')).status).toBe(200);
  });

  it('reuses one keep-alive connection and counts requests', async () => {
    const before = api.requests();
    const client = new Client(api.url, { headersTimeout: 5_000, bodyTimeout: 5_000 });
    let connects = 0;
    client.on('connect', () => connects++);
    try {
      for (let i = 0; i < 5; i++) {
        const res = await client.request({ path: '/health', method: 'GET' });
        await res.body.dump();
        expect(res.statusCode).toBe(200);
      }
    } finally {
      await client.close();
    }
    expect(connects).toBe(1);
    expect(api.requests() - before).toBe(5);
  });
});

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
        expect(failed(checkHealthResponse(r.status, r.json, r.ms, 500))).toEqual([]);
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
      expect(failed(checkHealthResponse(r.status, r.json, r.ms, 500)).length).toBeGreaterThan(0);
    });
  });
});

describe('reference API arguments', () => {
  const parse = (argv: string[], env: NodeJS.ProcessEnv = {}, read?: (p: string) => string): ReturnType<typeof parseReferenceApiArgs> =>
    parseReferenceApiArgs(argv, env, read);
  const usageError = (argv: string[], env: NodeJS.ProcessEnv = {}): GoliveError => {
    try {
      parse(argv, env);
    } catch (err) {
      expect(err).toBeInstanceOf(GoliveError);
      expect((err as GoliveError).code).toBe('GOLIVE_USAGE');
      expect((err as GoliveError).message).not.toContain('\n');
      return err as GoliveError;
    }
    throw new Error(`expected a usage error for ${argv.join(' ')}`);
  };

  it('parses every flag', () => {
    expect(
      parse(['--port', '8080', '--host', '::1', '--token', 'T', '--latency', 'fixed:600', '--error-rate', '0.03', '--seed', '9', '--down', '--bad-schema']),
    ).toEqual({ port: 8080, host: '::1', token: 'T', latency: { kind: 'fixed', ms: 600 }, errorRate: 0.03, seed: 9, down: true, badSchema: true });
    expect(parse(['--latency', 'uniform:10-50'], { GOLIVE_TOKEN: 'E' })).toEqual({ token: 'E', latency: { kind: 'uniform', minMs: 10, maxMs: 50 } });
    expect(parse(['--token', 'T', '--latency', 'bimodal:5,200,0.1']).latency).toEqual({ kind: 'bimodal', fastMs: 5, slowMs: 200, slowFraction: 0.1 });
    expect(parse(['--token', 'T', '--latency', 'stall:1000/500']).latency).toEqual({ kind: 'stall', ms: 1000, every: 500 });
    expect(parse(['--token', 'T', '--latency', 'stall:1000/500,2']).latency).toEqual({ kind: 'stall', ms: 1000, every: 500, baseMs: 2 });
    expect(parse(['--token-file', '/x'], {}, () => 'from-file\n').token).toBe('from-file');
    expect(parse(['--token', 'flag'], { GOLIVE_TOKEN: 'env' }).token).toBe('flag');
  });

  it('reads a real token file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-ra-'));
    writeFileSync(join(dir, 'token'), 'file-token\n');
    expect(parse(['--token-file', join(dir, 'token')]).token).toBe('file-token');
    expect(usageError(['--token-file', join(dir, 'missing')]).message).toMatch(/--token-file: cannot read .*ENOENT/);
  });

  it.each([
    [['--token', 'T', '--port', '70000'], /--port: expected an integer from 0 to 65535/],
    [['--token', 'T', '--port', 'abc'], /--port: /],
    [['--token', 'T', '--latency', 'fixed:-5'], /--latency fixed MS: expected milliseconds/],
    [['--token', 'T', '--latency', 'slow'], /--latency: expected none, fixed:MS/],
    [['--token', 'T', '--latency', 'uniform:50-10'], /--latency: uniform MIN must not exceed MAX/],
    [['--token', 'T', '--latency', 'bimodal:5,200'], /--latency: expected bimodal:FAST,SLOW,FRACTION/],
    [['--token', 'T', '--latency', 'stall:1000/0'], /--latency stall EVERY: expected an integer/],
    [['--token', 'T', '--error-rate', '1.5'], /--error-rate: expected a fraction from 0 to 1/],
    [['--token', 'T', '--error-rate', 'lots'], /--error-rate: /],
    [['--token', 'T', '--bogus'], /Unknown option '--bogus'/],
    [['--token', 'T', '--port'], /--port/],
    [[], /--token: required/],
    [['--token', 'a', '--token-file', 'f'], /give only one/],
    [['--token', 'has space'], /--token: expected a non-empty token/],
  ])('rejects %j', (argv, reason) => {
    expect(usageError(argv).message).toMatch(reason);
  });

  it('never echoes the token', () => {
    expect(usageError(['--token', 'sekrit value']).message).not.toContain('sekrit');
    expect(usageError(['--token', 'sekrit', 'stray']).message).not.toContain('stray');
    expect(usageError([], { GOLIVE_TOKEN: 'sek rit' }).message).toMatch(/^reference-api: GOLIVE_TOKEN: /);
  });
});

describe('dist/reference-api.js', () => {
  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, timeout: 120_000 });
  });

  it('prints its URL, serves, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/reference-api.js'), '--port', '0', '--token', 't'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(child, 'exit');
    try {
      const lines = createInterface({ input: child.stdout });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const [first] = (await once(lines, 'line')) as [string];
      clearTimeout(timer);
      const m = /^reference-api listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(first);
      expect(m, first).not.toBeNull();
      const health = await call(m![1]!, '/health');
      expect(health.json).toMatchObject({ status: 'ok', service: 'gateway' });
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
      clearTimeout(killer);
      expect({ code, signal }).toEqual({ code: 0, signal: null });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 104 with one line on a usage error', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/reference-api.js'), '--token', 't', '--latency', 'fixed:x'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(killer);
    expect(code).toBe(104);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^reference-api: --latency fixed MS: expected milliseconds/);
  });
});
