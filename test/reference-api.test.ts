import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { barsFor } from '../src/reference-api/bars.js';
import { parseIsoDate } from '../src/reference-api/dates.js';
import { startReferenceApi, type ReferenceApi } from '../src/reference-api/server.js';
import { TOKEN, MARKET, call, market } from './support/reference-api-client.js';

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
