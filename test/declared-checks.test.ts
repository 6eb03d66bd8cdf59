/**
 * Declared checks through the node engine against real servers on port 0:
 * every assertion kind passing and failing with its named reason, one root
 * cause giving one red line, capture chains, setup captures, soft failures
 * degrading a check, and per-check tags on the samples.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { validateDeclared, validatePlan } from '../src/config/validate.js';
import { systemClock } from '../src/core/clock.js';
import type { CheckResult, GoliveBlock, RunResult } from '../src/core/result.js';
import { runNodeEngine } from '../src/engine/node-engine.js';
import { scriptedServer } from './support/scripted-server.js';
import type { Script, ScriptedServer } from './support/scripted-server.js';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Env = Record<string, string>;

async function run(script: Script, checks: unknown[], extra: Record<string, unknown> = {}, env: Env = {}): Promise<{ g: GoliveBlock; result: RunResult; byName: Record<string, CheckResult> }> {
  server = await scriptedServer(script);
  const plan = validatePlan({ target: server.url, phases: ['checks'], checks, ...extra });
  validateDeclared(plan, env);
  const { result } = await runNodeEngine({
    plan, signal: new AbortController().signal, clock: systemClock, emit: () => {}, tty: { stdout: false, stderr: false }, runId: 'test', version: 'test', env,
  });
  return { g: result.golive, result, byName: Object.fromEntries(result.golive.checks.map((c) => [c.name, c])) };
}

const one = (expect: unknown[], extra: Record<string, unknown> = {}) => [{ name: 'c', steps: [{ path: '/x', expect, ...extra }] }];
const failed = (g: GoliveBlock) => g.checks.filter((c) => c.fails > 0).map((c) => [c.name, c.reasons[0]]);

describe('assertions: each kind passes, and fails with its named reason', () => {
  it('status: a value, a list, a range and a regex', async () => {
    const ok = await run({ 'GET /x': { status: 201, body: {} } }, one([{ status: 201 }, { status: [200, 201] }, { status: { min: 200, max: 299 } }, { status: { matches: '^2' } }]));
    expect(ok.g.verdict).toBe('passed');
    expect(Object.keys(ok.byName)).toEqual(['c: GET /x status is 201', 'c: GET /x status in [200, 201]', 'c: GET /x status in 200..299', 'c: GET /x status matches /^2/']);
    await server?.close();
    const bad = await run({ 'GET /x': { status: 503, body: {} } }, one([{ status: [200, 201], soft: true }, { status: { min: 200, max: 299 }, soft: true }, { status: { matches: '^2' }, soft: true }, { status: 200 }]));
    expect(bad.g.verdict).toBe('failed');
    // A wrong status quotes what came with it; a list names what it wanted.
    expect(failed(bad.g)).toEqual([['c: GET /x status is 200', 'got status 503: {}']]);
    expect(bad.byName['c: GET /x status in [200, 201]']).toMatchObject({ degraded: 1, reasons: ['expected 200 or 201, got 503'] });
    for (const n of ['c: GET /x status in 200..299', 'c: GET /x status matches /^2/']) {
      expect(bad.byName[n]).toMatchObject({ degraded: 1, reasons: ['got status 503: {}'] });
    }
  });

  it('header: equals, regex, exists and absent', async () => {
    const script: Script = { 'GET /x': { body: {}, headers: { 'x-version': '1.4.2', 'cache-control': 'no-store' } } };
    const ok = await run(script, one([{ header: 'X-Version', equals: '1.4.2' }, { header: 'x-version', matches: '^1\\.' }, { header: 'cache-control', exists: true }, { header: 'x-debug', exists: false }]));
    expect(ok.g.verdict).toBe('passed');
    await server?.close();
    const bad = await run(script, one([{ header: 'x-version', equals: '2.0.0' }, { header: 'x-version', matches: '^2' }, { header: 'etag', exists: true }, { header: 'cache-control', exists: false }]));
    expect(failed(bad.g)).toEqual([
      ['c: GET /x header x-version equals "2.0.0"', 'x-version: expected "2.0.0", got "1.4.2"'],
      ['c: GET /x header x-version matches /^2/', 'x-version: expected to match /^2/, got "1.4.2"'],
      ['c: GET /x header etag exists', 'etag: missing'],
      ['c: GET /x header cache-control is absent', 'cache-control: present, got "no-store"'],
    ]);
  });

  it('latency: maxMs', async () => {
    const bad = await run({ 'GET /x': { body: {}, delayMs: 120 } }, one([{ maxMs: 60 }, { maxMs: 10_000 }]));
    expect(bad.byName['c: GET /x response time < 60ms']?.reasons[0]).toMatch(/^took \d+\.\dms$/);
    expect(bad.byName['c: GET /x response time < 10000ms']?.fails).toBe(0);
  });

  it('JSONPath: equals, matches, exists, < <= > >=, length', async () => {
    const body = { status: 'ok', n: 5, day: '2025-09-02', items: [{ id: 1 }, { id: 2 }], meta: { tags: ['a', 'b'] } };
    const script: Script = { 'GET /x': { body } };
    const ok = await run(script, one([
      { jsonpath: '$.status', equals: 'ok' }, { jsonpath: '$.meta', equals: { tags: ['a', 'b'] } }, { jsonpath: '$.status', matches: '^o' },
      { jsonpath: '$.items[0].id', exists: true }, { jsonpath: '$.missing', exists: false },
      { jsonpath: '$.n', lt: 6 }, { jsonpath: '$.n', lte: 5 }, { jsonpath: '$.n', gt: 4 }, { jsonpath: '$.n', gte: 5 }, { jsonpath: '$.day', gte: '2025-09-01' },
      { jsonpath: '$.items', length: 2 }, { jsonpath: '$.items[*].id', length: { gte: 2 } }, { jsonpath: '$.status', length: 2 },
    ]));
    expect(failed(ok.g)).toEqual([]);
    expect(ok.g.verdict).toBe('passed');
    await server?.close();
    const bad = await run(script, one([
      { jsonpath: '$.status', equals: 'down' }, { jsonpath: '$.status', matches: '^x' }, { jsonpath: '$.nope', exists: true }, { jsonpath: '$.status', exists: false },
      { jsonpath: '$.n', lt: 5 }, { jsonpath: '$.n', lte: 4 }, { jsonpath: '$.n', gt: 5 }, { jsonpath: '$.n', gte: 6 }, { jsonpath: '$.status', gt: 3 },
      { jsonpath: '$.items', length: 3 }, { jsonpath: '$.n', length: 1 }, { jsonpath: '$.nope', equals: 1 },
    ]));
    expect(failed(bad.g).map(([, why]) => why)).toEqual([
      '$.status: expected "down", got "ok"',
      '$.status: expected to match /^x/, got "ok"',
      '$.nope: matched nothing',
      '$.status: expected nothing, got "ok"',
      '$.n: expected < 5, got 5',
      '$.n: expected <= 4, got 5',
      '$.n: expected > 5, got 5',
      '$.n: expected >= 6, got 5',
      '$.status: expected a number > 3, got "ok"',
      '$.items: expected length 3, got 2',
      '$.n: expected an array or string, got 5',
      '$.nope: matched nothing',
    ]);
  });

  it('JSON Schema: the pointer and the rule broken', async () => {
    const schema = { type: 'object', required: ['id', 'count'], properties: { id: { type: 'string' }, count: { type: 'integer' } } };
    const ok = await run({ 'GET /x': { body: { id: 'a', count: 3 } } }, one([{ schema }]));
    expect(ok.g.verdict).toBe('passed');
    await server?.close();
    const wrong = await run({ 'GET /x': { body: { id: 'a', count: '3' } } }, one([{ schema }]));
    expect(failed(wrong.g)).toEqual([['c: GET /x body matches schema', '/count: must be integer (rule: type), got "3"']]);
    await server?.close();
    const missing = await run({ 'GET /x': { body: { id: 'a' } } }, one([{ schema }]));
    expect(failed(missing.g)[0]?.[1]).toBe("/count: is required but missing (rule: required), got nothing");
  });

  it('built-ins: healthy-body and ohlc-bars', async () => {
    const bars = [{ date: '2025-09-01', open: 10, high: 9, low: 8, close: 9.5, volume: 100 }];
    const script: Script = {
      'GET /x': { body: { status: 'down' } },
      'POST /m': { body: { symbol: 'AAPL', start_date: '2025-09-01', end_date: '2025-09-03', bars } },
    };
    const r = await run(script, [
      { name: 'h', steps: [{ path: '/x', expect: [{ builtin: 'healthy-body' }] }] },
      { name: 'm', steps: [{ method: 'POST', path: '/m', json: { symbol: 'AAPL', start_date: '2025-09-01', end_date: '2025-09-03' }, expect: [{ builtin: 'ohlc-bars' }] }] },
    ]);
    expect(failed(r.g)).toEqual([
      ['h: GET /x body is healthy', 'status: expected one of ok|healthy|up|pass, got "down"'],
      ['m: POST /m OHLC consistent', 'bars[0].high: 9 is below max(open, close)=10'],
    ]);
    expect(r.byName['m: POST /m symbol echoed']?.passes).toBe(1);
  });
});

describe('one root cause, one red line', () => {
  it('a 405 fails the status only: the rest of the step and the later steps are not run, saying why', async () => {
    const r = await run({ 'GET /x': { status: 405, body: { error: 'no' } }, 'GET /y': { body: {} } }, [{
      name: 'c',
      steps: [
        { path: '/x', expect: [{ status: 200 }, { header: 'x-a', exists: true }, { jsonpath: '$.a', exists: true }, { schema: { type: 'object' } }, { builtin: 'ohlc-bars' }], capture: { a: { jsonpath: '$.a' } } },
        { path: '/y?a=${a}', expect: [{ status: 200 }] },
      ],
    }]);
    expect(failed(r.g)).toEqual([['c: GET /x status is 200', 'got status 405: {"error":"no"}']]);
    const notRun = r.g.checks.filter((c) => c.notRun !== undefined);
    expect(notRun.length).toBe(r.g.checks.length - 1);
    expect(new Set(notRun.map((c) => c.notRun))).toEqual(new Set(['not run: step 1 returned 405']));
    expect(notRun.map((c) => c.name)).toContain('c: GET /y?a=${a} status is 200');
    expect(server?.count('GET /y')).toBe(0);
  });

  it('a non-JSON body fails the first body assertion with "body is not JSON", capped and clean; the next are not run', async () => {
    const html = `<html>\u001b[31m${'x'.repeat(5000)}</html>`;
    const r = await run({ 'GET /x': { body: html } }, one([{ jsonpath: '$.a', exists: true }, { jsonpath: '$.b', equals: 1 }]));
    const [[, why]] = failed(r.g) as [[string, string]];
    expect(why).toMatch(/^body is not JSON \(got "<html>\\u001b\[31mxxx.*\(5018 characters\)\)$/);
    expect(why).not.toContain('\u001b');
    expect(why.length).toBeLessThan(200);
    expect(r.byName['c: GET /x $.b equals 1']?.notRun).toBe(`not run: ${why}`);
  });
});

describe('captures, setup and soft assertions', () => {
  const LOGIN_TOKEN = 'sess-7f3a9c2e1b';
  const login: Script = {
    'POST /login': (s) => (JSON.parse(s.body).user === 'ops' ? { body: { access_token: LOGIN_TOKEN, user: { id: 42 } }, headers: { 'x-session-id': 'sid-1' } } : { status: 403, body: {} }),
    'GET /me': (s) => (s.headers.authorization === `Bearer ${LOGIN_TOKEN}` && s.headers['x-session'] === 'sid-1'
      ? { body: { id: 42 } } : { status: 401, body: { error: `bad token ${s.headers.authorization ?? ''}` } }),
    'GET /orders': (s) => (s.url === '/orders?user=42' ? { body: { orders: [] } } : { status: 400, body: {} }),
  };

  it('login -> token and header -> the next call, captured values never shown', async () => {
    const r = await run(login, [{
      name: 'flow',
      steps: [
        { name: 'login', method: 'POST', path: '/login', json: { user: '${env.USER_NAME}' }, capture: { token: { jsonpath: '$.access_token' }, uid: { jsonpath: '$.user.id' }, sid: { header: 'x-session-id' } } },
        { name: 'me', path: '/me', headers: { authorization: 'Bearer ${token}', 'x-session': '${sid}' }, expect: [{ status: 200 }, { jsonpath: '$.id', equals: 42 }] },
        { name: 'orders', path: '/orders', query: { user: '${uid}' }, expect: [{ status: 200 }] },
      ],
    }], {}, { USER_NAME: 'ops' });
    expect(failed(r.g)).toEqual([]);
    expect(r.g.verdict).toBe('passed');
    expect(server?.count()).toBe(3);
  });

  it('a target echoing a captured token: the reason masks it', async () => {
    const r = await run({ ...login, 'GET /me': (s) => ({ status: 200, body: { echo: s.headers.authorization } }) }, [{
      name: 'flow',
      steps: [
        { method: 'POST', path: '/login', json: { user: 'ops' }, capture: { token: { jsonpath: '$.access_token' } } },
        { path: '/me', headers: { authorization: 'Bearer ${token}' }, expect: [{ jsonpath: '$.echo', equals: 'nope' }] },
      ],
    }]);
    const why = failed(r.g)[0]?.[1] ?? '';
    expect(why).toContain('***');
    expect(JSON.stringify(r.result)).not.toContain(LOGIN_TOKEN);
  });

  it('a setup check runs once and its captures feed every other check; a failed setup leaves them not run', async () => {
    const checks = [
      { name: 'a', steps: [{ path: '/me', headers: { authorization: 'Bearer ${token}', 'x-session': 'sid-1' } }] },
      { name: 'b', steps: [{ path: '/me', headers: { authorization: 'Bearer ${token}', 'x-session': 'sid-1' } }] },
      { name: 'login', setup: true, steps: [{ method: 'POST', path: '/login', json: { user: '${env.U}' }, capture: { token: { jsonpath: '$.access_token' } } }] },
    ];
    const ok = await run(login, checks, {}, { U: 'ops' });
    expect(ok.g.verdict).toBe('passed');
    expect(server?.count('POST /login')).toBe(1);
    expect(server?.count('GET /me')).toBe(2);
    await server?.close();
    const bad = await run(login, checks, {}, { U: 'intruder' });
    expect(failed(bad.g)).toEqual([['login: POST /login status is 2xx', 'got status 403: {}']]);
    expect(bad.byName['a: GET /me status is 2xx']?.notRun).toBe('not run: setup check login failed (step 1: status is 2xx)');
    expect(server?.count('GET /me')).toBe(0);
  });

  it('a soft failure degrades the check: shown, counted in checks_degraded, the gate passes', async () => {
    const r = await run({ 'GET /x': { body: { v: 2 } } }, [{ name: 'c', group: 'signal-service', steps: [{ path: '/x', expect: [{ jsonpath: '$.v', equals: 1, soft: true }] }] }],
      { thresholds: { 'checks{group:signal-service}': ['rate==1'], 'checks_degraded': ['count<2'], 'http_req_duration{check:c}': ['p(95)<5000'] } });
    expect(r.g.verdict).toBe('passed');
    expect(r.byName['c: GET /x $.v equals 1']).toMatchObject({ fails: 0, degraded: 1, group: 'signal-service', reasons: ['$.v: expected 1, got 2'] });
    expect(r.g.thresholds.map((t) => [t.metric, t.ok])).toEqual([
      ['checks{group:signal-service}', true], ['checks_degraded', true], ['http_req_duration{check:c}', true],
    ]);
  });
});
