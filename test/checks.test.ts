import { fileURLToPath } from 'node:url';
import { runInContext, createContext } from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { checkMarketData, healthBodySchema, marketDataSchema } from '../checks/index.js';
import type { CheckOutcome } from '../checks/index.js';
import { isNotRun } from '../checks/causes.js';
import { judgeAuthRefused, judgeHealth } from './support/runbook-eval.js';

const byName = (outcomes: CheckOutcome[]): Record<string, CheckOutcome> =>
  Object.fromEntries(outcomes.map((o) => [o.name, o]));

/** The failures that name a cause; those that only did not run are listed by notRun. */
function failures(outcomes: CheckOutcome[]): [string, string | undefined][] {
  return outcomes.filter((o) => !o.ok && !isNotRun(o.reason)).map((o) => [o.name, o.reason]);
}

function notRun(outcomes: CheckOutcome[]): string[] {
  return outcomes.filter((o) => !o.ok && isNotRun(o.reason)).map((o) => o.name);
}

describe('the runbook preset\'s health step, judged by the shared evaluator', () => {
  it('passes a healthy answer in time, with stable names', () => {
    const r = judgeHealth(200, { status: 'ok', version: '1.2.3', checks: { db: 'up' } }, 12.3, 500);
    expect(r).toEqual([
      { name: 'status is 200', ok: true },
      { name: 'body is healthy', ok: true },
      { name: 'response time < 500ms', ok: true },
    ]);
  });

  it.each(['ok', 'OK', 'healthy', 'Healthy', 'up', 'UP', 'pass', ' pass '])('status %j is healthy', (status) => {
    expect(healthBodySchema.safeParse({ status }).success).toBe(true);
    expect(byName(judgeHealth(200, { status }, 1, 500))['body is healthy']!.ok).toBe(true);
  });

  it('reads a text body (k6 res.body)', () => {
    expect(failures(judgeHealth(200, '{"status":"healthy"}', 1, 500))).toEqual([]);
  });

  it.each([
    ['status', 503, { status: 'ok' }, 10, 'status is 200', 'got status 503: {"status":"ok"}'],
    ['time equal to the budget', 200, { status: 'ok' }, 500, 'response time < 500ms', 'took 500.0ms'],
    ['time over', 200, { status: 'ok' }, 612.44, 'response time < 500ms', 'took 612.4ms'],
    ['unhealthy word', 200, { status: 'degraded' }, 1, 'body is healthy', 'status: expected one of ok|healthy|up|pass, got "degraded"'],
    ['status missing', 200, { healthy: true }, 1, 'body is healthy', 'status: expected string, got nothing'],
    ['status not a string', 200, { status: 1 }, 1, 'body is healthy', 'status: expected string, got number'],
    ['not an object', 200, ['ok'], 1, 'body is healthy', 'body: expected object, got array'],
    ['null body', 200, null, 1, 'body is healthy', 'body: expected object, got null'],
    ['text not JSON', 200, 'OK', 1, 'body is healthy', 'body: expected JSON, got text that does not parse'],
    ['empty text', 200, '', 1, 'body is healthy', 'body: expected JSON, got an empty body'],
  ])('fails on %s', (_label, status, body, elapsed, name, reason) => {
    expect(failures(judgeHealth(status, body, elapsed, 500))).toEqual([[name, reason]]);
  });

  it('a wrong status quotes the body once and leaves the body check not run (one cause, one line)', () => {
    const r = judgeHealth(503, '{"status":"down","db":"unreachable"}', 10, 500);
    expect(failures(r)).toEqual([['status is 200', 'got status 503: {"status":"down","db":"unreachable"}']]);
    expect(byName(r)['body is healthy']!.reason).toBe('not run: status is 503, not 200');
    expect(byName(r)['response time < 500ms']!.ok).toBe(true);
  });

  it('caps the quoted body and strips control characters from it', () => {
    const reason = byName(judgeHealth(500, `\u001b[2J${'x'.repeat(5000)}`, 1, 500))['status is 200']!.reason!;
    expect(reason).not.toMatch(/\u001b/);
    expect(reason.length).toBeLessThan(200);
    expect(reason).toContain('(5004 characters)');
  });

  it('names the budget it was given', () => {
    expect(judgeHealth(200, { status: 'ok' }, 300, 250)[2]).toEqual({ name: 'response time < 250ms', ok: false, reason: 'took 300.0ms' });
  });
});

const request = { symbol: 'AAPL', start_date: '2025-09-01', end_date: '2025-09-03' };

function bar(date: string, o = 100, h = 105, l = 95, c = 102, volume = 1_000_000): Record<string, unknown> {
  return { date, open: o, high: h, low: l, close: c, volume };
}

function goodBody(): { symbol: string; start_date: string; end_date: string; interval: string; bars: Record<string, unknown>[]; source: string } {
  return {
    symbol: 'AAPL', start_date: '2025-09-01', end_date: '2025-09-03', interval: '1d', source: 'reference',
    bars: [bar('2025-09-01'), bar('2025-09-02', 102, 102, 101, 101, 0), bar('2025-09-03', 101, 110, 99, 109)],
  };
}

const MARKET_NAMES = [
  'status is 200', 'body matches schema', 'symbol echoed', 'bars inside date range',
  'bars sorted by date', 'OHLC consistent', 'volume >= 0', 'at least one bar',
];

describe('checkMarketData', () => {
  it('passes good market data, with the eight checks in order', () => {
    const r = checkMarketData(request, 200, goodBody());
    expect(r.map((o) => o.name)).toEqual(MARKET_NAMES);
    expect(failures(r)).toEqual([]);
    expect(marketDataSchema.safeParse(goodBody()).success).toBe(true);
  });

  it('accepts a text body, a lower-case symbol echo and repeated intraday dates', () => {
    const b = goodBody();
    b.symbol = 'aapl';
    b.bars.splice(1, 0, bar('2025-09-01'));
    expect(failures(checkMarketData(request, 200, JSON.stringify(b)))).toEqual([]);
  });

  type Case = [string, (b: ReturnType<typeof goodBody>) => unknown, [string, string][]];
  const cases: Case[] = [
    ['a wrong type in a bar (schema)', (b) => { b.bars[2]!['high'] = '110'; return b; },
      [['body matches schema', 'bars[2].high: expected number, got string']]],
    ['a missing field (schema)', (b) => { delete b.bars[1]!['close']; return b; },
      [['body matches schema', 'bars[1].close: expected number, got nothing']]],
    ['a fractional volume (schema)', (b) => { b.bars[0]!['volume'] = 1.5; return b; },
      [['body matches schema', 'bars[0].volume: expected int, got number']]],
    ['a malformed date (schema)', (b) => { b.end_date = '2025/09/03'; return b; },
      [['body matches schema', 'end_date: expected a date YYYY-MM-DD, got "2025/09/03"']]],
    ['an impossible date (schema)', (b) => { b.start_date = '2025-02-30'; return b; },
      [['body matches schema', 'start_date: expected a date YYYY-MM-DD, got "2025-02-30"']]],
    ['another symbol', (b) => { b.symbol = 'MSFT'; return b; },
      [['symbol echoed', 'symbol: expected "AAPL", got "MSFT"']]],
    ['a bar after the range', (b) => { b.bars[2]!['date'] = '2025-09-04'; return b; },
      [['bars inside date range', 'bars[2].date: 2025-09-04 is outside 2025-09-01..2025-09-03']]],
    ['a bar before the range, unsorted too', (b) => { b.bars[1]!['date'] = '2025-08-29'; return b; },
      [['bars inside date range', 'bars[1].date: 2025-08-29 is outside 2025-09-01..2025-09-03'],
        ['bars sorted by date', 'bars[1].date: 2025-08-29 comes after 2025-09-01']]],
    ['bars out of order', (b) => { b.bars.reverse(); return b; },
      [['bars sorted by date', 'bars[1].date: 2025-09-02 comes after 2025-09-03']]],
    ['high below close', (b) => { b.bars[2]!['high'] = 108; return b; },
      [['OHLC consistent', 'bars[2].high: 108 is below max(open, close)=109']]],
    ['high below open', (b) => { b.bars[0]!['high'] = 101; return b; },
      [['OHLC consistent', 'bars[0].high: 101 is below max(open, close)=102']]],
    ['low above open', (b) => { b.bars[2]!['low'] = 101.5; return b; },
      [['OHLC consistent', 'bars[2].low: 101.5 is above min(open, close)=101']]],
    ['low above high', (b) => { b.bars[0] = bar('2025-09-01', 100, 100, 120, 100); return b; },
      [['OHLC consistent', 'bars[0].low: 120 is above min(open, close)=100']]],
    ['a negative volume (schema; the rule is not run on bars the schema rejects)', (b) => { b.bars[1]!['volume'] = -5; return b; },
      [['body matches schema', 'bars[1].volume: Too small: expected number to be >=0']]],
    ['no bars', (b) => { b.bars = []; return b; },
      [['at least one bar', 'bars: empty']]],
  ];

  it.each(cases)('fails on %s', (_label, mutate, expected) => {
    expect(failures(checkMarketData(request, 200, mutate(goodBody())))).toEqual(expected);
  });

  it('names the first offending bar only', () => {
    const b = goodBody();
    b.bars[1]!['high'] = 50;
    b.bars[2]!['high'] = 50;
    expect(byName(checkMarketData(request, 200, b))['OHLC consistent']!.reason).toBe('bars[1].high: 50 is below max(open, close)=102');
  });

  it('a rejected token is one failure naming it, with the body; every body rule is not run, keeping all names', () => {
    const r = checkMarketData(request, 401, { error: 'unauthorized' });
    expect(r.map((o) => o.name)).toEqual(MARKET_NAMES);
    expect(failures(r)).toEqual([['status is 200', 'the token was rejected: got status 401: {"error":"unauthorized"}']]);
    expect(notRun(r)).toEqual(MARKET_NAMES.slice(1));
    expect(byName(r)['OHLC consistent']!.reason).toBe('not run: status is 401, not 200');
  });

  it('another wrong status is not called a rejected token', () => {
    expect(failures(checkMarketData(request, 500, 'boom'))).toEqual([['status is 200', 'got status 500: boom']]);
  });

  it('prices as strings fail the schema once; OHLC and volume are not run, not a false green', () => {
    const b = goodBody();
    for (const x of b.bars) for (const k of ['open', 'high', 'low', 'close']) x[k] = String(x[k]);
    const r = checkMarketData(request, 200, b);
    expect(failures(r)).toEqual([['body matches schema', 'bars[0].open: expected number, got string']]);
    expect(notRun(r)).toEqual(['bars inside date range', 'bars sorted by date', 'OHLC consistent', 'volume >= 0']);
    expect(byName(r)['OHLC consistent']!.ok).toBe(false);
  });

  it.each([
    ['text that is not JSON', '<html>', 'body: expected JSON, got text that does not parse'],
    ['an array', [1, 2], 'body: expected object, got array'],
    ['bars as an object', { ...goodBody(), bars: { 0: {} } }, 'bars: expected array, got object'],
  ])('bar rules say why they were not checked: %s', (_label, body, why) => {
    const r = byName(checkMarketData(request, 200, body));
    for (const name of MARKET_NAMES.slice(3)) expect(r[name]).toEqual({ name, ok: false, reason: `not run: ${why}` });
    expect(r['body matches schema']!.ok).toBe(false);
  });
});

describe('the runbook preset\'s unauthenticated call, judged by the shared evaluator', () => {
  it.each([
    [401, true], [403, true], [200, false], [400, false], [500, false],
  ])('status %i -> %s', (status, ok) => {
    const r = judgeAuthRefused(status);
    expect(r.name).toBe('unauthenticated call refused');
    expect(r.ok).toBe(ok);
    expect(r.reason).toBe(ok ? undefined : `expected 401 or 403, got ${status}`);
  });
});

describe('runtime neutrality (k6 is not Node)', () => {
  it('checks/ and the threshold parser bundle for a neutral platform and run without Node globals', async () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const out = await build({
      stdin: {
        contents: [
          "export * from './checks/index.ts';",
          "export { parseThreshold, parseMetricSelector } from './thresholds/parse.ts';",
        ].join('\n'),
        resolveDir: root,
        loader: 'ts',
      },
      bundle: true, platform: 'neutral', mainFields: ['module', 'main'], format: 'iife', globalName: 'G',
      target: 'es2020', write: false, logLevel: 'silent',
    });
    const code = out.outputFiles[0]!.text;
    expect(code).not.toMatch(/\bnode:|\brequire\(/);
    // A bare context: no process, Buffer, console, setTimeout.
    const ctx = createContext({});
    runInContext(`${code};globalThis.G = G;`, ctx);
    const json = runInContext(`JSON.stringify({
      health: G.healthBodyOutcome('{"status":"up"}').ok,
      market: G.checkMarketData({ symbol: 'AAPL', start_date: '2025-09-01', end_date: '2025-09-03' }, 200,
        '{"symbol":"AAPL","start_date":"2025-09-01","end_date":"2025-09-03","bars":[{"date":"2025-09-02","open":1,"high":"2","low":0.5,"close":1.5,"volume":3}]}')
        .filter((o) => !o.ok).map((o) => o.reason),
      threshold: G.parseThreshold('p(95)<500').aggName,
      noNode: typeof process === 'undefined' && typeof Buffer === 'undefined',
    })`, ctx) as string;
    expect(JSON.parse(json)).toEqual({
      health: true,
      market: ['bars[0].high: expected number, got string', ...Array(4).fill('not run: the bars do not match the schema')],
      threshold: 'p(95)', noNode: true,
    });
  });
});

describe('a redirect fails the status check naming where it pointed (no engine follows one)', () => {
  it('names the location, redacted, stripped of control and bidi characters, capped', async () => {
    const { statusReason } = await import('../checks/outcome.js');
    expect(statusReason(503)).toBe('got status 503');
    expect(statusReason(301, 'https://example.test/x')).toBe('got status 301 redirecting to https://example.test/x (not followed: golive follows no redirects)');
    expect(statusReason(302)).toMatch(/302 \(a redirect without Location/);
    const hostile = statusReason(307, 'http://u:p@w@evil.test/\u001b[2J\u202ex?token=abc');
    expect(hostile).toContain('http://evil.test/[2Jx?token=***');
    expect(hostile).not.toMatch(/[\u0000-\u001f\u202e]|p@w|abc/);
    expect(statusReason(302, `http://h/${'a'.repeat(5000)}`).length).toBeLessThan(300);
  });
});
