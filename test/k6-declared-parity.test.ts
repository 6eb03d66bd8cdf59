/**
 * Declared checks under both engines, the real k6 (1.1.0 and 0.57.0, the two
 * ends of the supported range): the same config through the real CLI with
 * --engine node and --engine k6 must give the same exit code, the same check
 * outcomes (passes, fails, degraded, not run) with the same named reasons,
 * the same per-check thresholds, and a load mix whose per-check shares hold
 * the weights. Targets: the reference API (login -> session -> signals) and a
 * node:http server sending exactly the bytes the non-JSON case needs.
 */
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result.js';
import { withApi } from './support/reference-api-client.js';
import { k6Binary, k6Of } from './support/k6.js';
import { comparable, readSummary } from './support/parity.js';
import { ROOT, runCli } from './support/processes.js';

const TOKEN = 'tok-declared-parity-51f2';
const ENGINES = ['node', 'k6'] as const;
type Engine = (typeof ENGINES)[number];

interface Ran { code: number; result: RunResult; stderr: string }

async function run(engine: Engine, k6: string, target: string, config: unknown, env: Record<string, string> = {}): Promise<Ran> {
  const dir = await mkdtemp(join(tmpdir(), `golive-declared-${engine}-`));
  const file = join(dir, 'golive.config.json');
  await writeFile(file, JSON.stringify(config));
  const out = join(dir, 'reports');
  const res = await runCli(['check', '--config', file, '--target', target, '--out', out, '--no-color', '--engine', engine],
    { env: { K6_BINARY: k6, GOLIVE_TOKEN: TOKEN, ...env }, deadlineMs: 180_000 });
  return { code: res.code ?? -1, result: await readSummary(out), stderr: res.stderr };
}

/** What must be equal: every declared check's outcome, reasons with measured times and clocks masked. */
function declaredOutcomes(r: RunResult): Record<string, unknown>[] {
  const norm = (s: string) => s.replace(/\d+(\.\d+)?ms/g, 'Nms').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIME');
  return r.golive.checks.filter((c) => c.phase === 'checks').map((c) => ({
    name: c.name, group: c.group, passes: c.passes, fails: c.fails, degraded: c.degraded ?? 0,
    ...(c.notRun !== undefined ? { notRun: c.notRun } : {}), reasons: c.reasons.map(norm),
  }));
}

const get = (path: string, expect: unknown[], extra: Record<string, unknown> = {}) => ({ path, expect, ...extra });

/** Every assertion kind, passing and failing; a capture chain; a soft failure; a failed step's dependants. */
const MATRIX = {
  phases: ['checks'],
  checks: [
    {
      name: 'login', setup: true, group: 'auth',
      steps: [{ method: 'POST', path: '/api/v1/auth/login', json: { username: 'golive', password: '${env.GOLIVE_TOKEN}' },
        expect: [{ status: 200 }, { jsonpath: '$.token_type', equals: 'bearer' }], capture: { session: { jsonpath: '$.access_token' } } }],
    },
    {
      name: 'signals', group: 'signal-service',
      steps: [get('/api/v1/signals', [
        { status: 200 }, { header: 'content-type', matches: 'json' }, { header: 'x-absent', exists: false },
        { jsonpath: '$.signals', length: { gte: 1 } }, { maxMs: 5000 },
        { schema: { type: 'object', required: ['signals', 'generated_at'], properties: { signals: { type: 'array' }, generated_at: { type: 'string', format: 'date-time' } } } },
      ], { headers: { authorization: 'Bearer ${session}' } })],
    },
    {
      name: 'kinds-pass', group: 'kinds',
      steps: [get('/health', [
        { status: [200, 204] }, { status: { min: 200, max: 299 } }, { status: { matches: '^2' } },
        { header: 'content-type', exists: true }, { jsonpath: '$.status', equals: 'ok' }, { jsonpath: '$.service', matches: '^gate' },
        { jsonpath: '$.version', exists: true }, { jsonpath: '$.nope', exists: false }, { jsonpath: '$.version', gte: '1.0.0', lt: '9' },
        { jsonpath: '$.status', length: 2 }, { builtin: 'healthy-body' },
      ])],
    },
    {
      name: 'kinds-fail', group: 'failing',
      steps: [get('/health', [
        { status: 200 }, { jsonpath: '$.status', equals: 'down' }, { jsonpath: '$.service', matches: '^x' },
        { jsonpath: '$.nope', exists: true }, { jsonpath: '$.version', lt: '0.1' }, { jsonpath: '$.status', length: { gt: 5 } },
        { header: 'content-type', matches: '^text/' }, { header: 'x-missing', exists: true }, { header: 'content-type', equals: 'text/html' },
        { schema: { type: 'object', required: ['nope'] } }, { schema: { type: 'object', properties: { version: { type: 'number' } } } },
        { maxMs: 0.0001 }, { jsonpath: '$.status', equals: 'degraded', soft: true }, { builtin: 'ohlc-bars', name: 'bars on a health body' },
      ])],
    },
    { name: 'status-fail', group: 'failing', steps: [get('/health', [{ status: 201 }, { jsonpath: '$.status', equals: 'ok' }, { header: 'content-type', exists: true }], { capture: { v: { jsonpath: '$.version' } } }), get('/health', [])] },
    { name: 'plain', group: 'plain', steps: [{ url: '${env.PLAIN_URL}', expect: [{ status: 200 }, { header: 'x-case', equals: 'seven' }, { jsonpath: '$.x', exists: true }, { builtin: 'healthy-body' }], capture: { x: { jsonpath: '$.x' } } }] },
  ],
  thresholds: {
    'checks{group:kinds}': ['rate==1'],
    'checks{group:failing}': ['rate==1'],
    'checks_degraded{group:failing}': ['count==1'],
    'http_req_duration{check:signals}': ['p(95)<5000'],
  },
};

/** Three checks by weight in the closed model: 2,000 requests. */
const MIX = {
  phases: ['checks', 'load'],
  checks: [
    { name: 'gateway', group: 'gw', steps: [get('/health', [{ status: 200 }])] },
    { name: 'data', group: 'data', steps: [get('/api/v1/data/health', [{ status: 200 }])] },
    { name: 'market', group: 'data', steps: [{ method: 'POST', path: '/api/v1/data/market', auth: 'token', json: { symbol: 'AAPL', start_date: '2025-09-01', end_date: '2025-09-03' }, expect: [{ status: 200 }] }] },
  ],
  load: { mix: [{ check: 'gateway', weight: 50 }, { check: 'data', weight: 30 }, { check: 'market', weight: 20 }], workload: { model: 'closed', requests: 2000, concurrency: 10 } },
  // the load's samples only: the checks phase sent each check once before
  thresholds: { 'http_reqs{phase:load,check:gateway}': ['count>0'], 'http_reqs{phase:load,check:data}': ['count>0'], 'http_reqs{phase:load,check:market}': ['count>0'], 'http_req_failed{check:market}': ['rate==0'] },
};

let plain: ReturnType<typeof createServer>;
let plainUrl = '';

beforeAll(async () => {
  // exactly these bytes: not JSON, one custom header
  plain = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'x-case': 'seven' });
    res.end('hello, not json');
  });
  plain.listen(0, '127.0.0.1');
  await once(plain, 'listening');
  plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/plain`;
});
afterAll(() => new Promise<void>((done) => plain.close(() => done())));


describe.each(['1.1.0', '0.57.0'] as const)('declared checks: node vs the real k6 %s', (version) => {
  it('every assertion kind passes and fails with the same named reason, a capture chain, soft and not-run alike', async () => {
    const k6 = k6Of(version);
    const r: Partial<Record<Engine, Ran>> = {};
    for (const e of ENGINES) r[e] = await withApi({ token: TOKEN }, ({ url }) => run(e, k6, url, MATRIX, { PLAIN_URL: plainUrl }));
    const node = r.node as Ran;
    const k = r.k6 as Ran;
    expect(declaredOutcomes(k.result), `node stderr: ${node.stderr}\nk6 stderr: ${k.stderr}`).toEqual(declaredOutcomes(node.result));
    expect(comparable(k.result, k.code)).toEqual(comparable(node.result, node.code));
    expect(node.code).toBe(99);
    const byName = new Map(node.result.golive.checks.map((c) => [c.name, c]));
    const reason = (name: string) => byName.get(name)?.reasons[0] ?? `(no failure for ${name})`;
    const notRun = (name: string) => byName.get(name)?.notRun ?? `(ran: ${name})`;
    // the capture chain: login's session token opened the signals endpoint
    for (const c of node.result.golive.checks.filter((x) => x.name.startsWith('signals:') || x.name.startsWith('kinds-pass:'))) expect(c.fails, c.name).toBe(0);
    const f = 'kinds-fail: GET /health';
    expect(reason(`${f} $.status equals "down"`)).toBe('$.status: expected "down", got "ok"');
    expect(reason(`${f} $.service matches /^x/`)).toBe('$.service: expected to match /^x/, got "gateway"');
    expect(reason(`${f} $.nope exists`)).toBe('$.nope: matched nothing');
    expect(reason(`${f} $.version < "0.1"`)).toBe('$.version: expected < "0.1", got "1.0.0"');
    expect(reason(`${f} $.status length > 5`)).toBe('$.status length: expected > 5, got 2');
    expect(reason(`${f} header content-type matches /^text//`)).toBe('content-type: expected to match /^text//, got "application/json; charset=utf-8"');
    expect(reason(`${f} header content-type equals "text/html"`)).toBe('content-type: expected "text/html", got "application/json; charset=utf-8"');
    expect(reason(`${f} header x-missing exists`)).toBe('x-missing: missing');
    // two schema assertions of one step share a label: both reasons, in order
    expect(byName.get(`${f} body matches schema`)?.reasons).toEqual(['/nope: is required but missing (rule: required), got nothing', '/version: must be number (rule: type), got "1.0.0"']);
    expect(reason(`${f} response time < 0.0001ms`)).toMatch(/^took \d+\.\d+ms$/);
    expect(byName.get(`${f} $.status equals "degraded"`)?.degraded).toBe(1);
    expect(reason(`${f} bars on a health body`)).toBe('body matches schema: symbol: expected string, got nothing');
    expect(reason('status-fail: GET /health status is 201')).toMatch(/^got status 200: \{"status":"ok"/);
    expect(notRun('status-fail: GET /health $.status equals "ok"')).toBe('not run: step 1 returned 200');
    expect(notRun('status-fail: GET /health captures v')).toBe('not run: step 1 returned 200');
    expect(notRun('status-fail: GET /health status is 2xx')).toBe('not run: step 1 returned 200');
    const p = 'plain: GET ${env.PLAIN_URL}';
    expect(byName.get(`${p} header x-case equals "seven"`)?.passes).toBe(1);
    expect(reason(`${p} $.x exists`)).toBe('body is not JSON (got "hello, not json")');
    expect(notRun(`${p} body is healthy`)).toBe('not run: body is not JSON (got "hello, not json")');
    const failed = node.result.golive.thresholds.filter((t) => !t.ok).map((t) => `${t.metric} ${t.expression}`);
    expect(failed).toEqual(['checks{group:failing} rate==1']);
    // the session token is a secret capture: in no report
    for (const ran of [node, k]) expect(JSON.stringify(ran.result)).not.toMatch(/"access_token"|tok-declared/);
  }, 240_000);

  it('a weighted mix: per-check shares within 2 points of the weights over 2,000 requests, thresholds per check', async () => {
    const k6 = k6Of(version);
    for (const e of ENGINES) {
      const r = await withApi({ token: TOKEN }, ({ url }) => run(e, k6, url, MIX));
      expect(r.code, `${e}: ${r.stderr}`).toBe(0);
      const count = (check: string) => r.result.metrics[`http_reqs{phase:load,check:${check}}`]?.values['count'] ?? 0;
      const total = count('gateway') + count('data') + count('market');
      expect(total, e).toBe(2000);
      for (const [check, weight] of [['gateway', 0.5], ['data', 0.3], ['market', 0.2]] as const) {
        expect(Math.abs(count(check) / total - weight), `${e} ${check}: ${count(check)} of ${total}`).toBeLessThanOrEqual(0.02);
      }
      expect(r.result.golive.notes?.some((n) => /^load mix: market \d+ requests \(20\.0 %\)/.test(n)), `${e}: ${r.result.golive.notes?.join('\n')}`).toBe(true);
    }
  }, 240_000);
});

describe('declared checks under k6: the mix in the open model, and a failed setup', () => {
  it('open model: per-check shares within 2 points of the weights in both engines', async () => {
    const open = { ...MIX, load: { ...MIX.load, workload: { model: 'open', rate: 50, durationSeconds: 5, maxInFlight: 50 } } };
    for (const e of ENGINES) {
      const r = await withApi({ token: TOKEN }, ({ url }) => run(e, k6Binary(), url, open));
      expect(r.code, `${e}: ${r.stderr}`).toBe(0);
      const count = (check: string) => r.result.metrics[`http_reqs{phase:load,check:${check}}`]?.values['count'] ?? 0;
      const total = count('gateway') + count('data') + count('market');
      expect(total, e).toBeGreaterThan(200);
      for (const [check, weight] of [['gateway', 0.5], ['data', 0.3], ['market', 0.2]] as const) {
        expect(Math.abs(count(check) / total - weight), `${e} ${check}: ${count(check)} of ${total}`).toBeLessThanOrEqual(0.02);
      }
    }
  }, 240_000);

  it('a failed setup check: the others not run and the mix skipped, the same under both engines', async () => {
    const bad = { ...MIX, checks: [{ name: 'login', setup: true, group: 'auth', steps: [{ method: 'POST', path: '/api/v1/auth/login', json: { username: 'golive', password: 'wrong' }, expect: [{ status: 200 }], capture: { session: { jsonpath: '$.access_token' } } }] }, ...MIX.checks], thresholds: {} };
    const r: Partial<Record<Engine, Ran>> = {};
    for (const e of ENGINES) r[e] = await withApi({ token: TOKEN }, ({ url }) => run(e, k6Binary(), url, bad));
    const node = r.node as Ran;
    const k = r.k6 as Ran;
    expect(declaredOutcomes(k.result)).toEqual(declaredOutcomes(node.result));
    expect(comparable(k.result, k.code), k.stderr).toEqual(comparable(node.result, node.code));
    expect(node.code).toBe(99);
    expect(node.result.golive.phases.find((p) => p.name === 'load')?.reason).toBe('skipped because checks failed');
    expect(node.result.golive.checks.find((c) => c.name === 'gateway: GET /health status is 200')?.notRun)
      .toBe('not run: setup check login failed (step 1: status is 200)');
  }, 240_000);
});

describe('examples/golive.checks.yaml', () => {
  it.each(ENGINES)('passes against the reference API under --engine %s', async (engine) => {
    const out = await mkdtemp(join(tmpdir(), `golive-example-${engine}-`));
    const res = await withApi({ token: TOKEN }, ({ url }) => runCli(['check', '--config', join(ROOT, 'examples', 'golive.checks.yaml'), '--target', url, '--out', out, '--no-color', '--engine', engine],
      { env: { K6_BINARY: k6Binary(), GOLIVE_TOKEN: TOKEN }, deadlineMs: 180_000 }));
    expect(res.code, res.stderr).toBe(0);
    const result = await readSummary(out);
    expect(result.golive.checks.filter((c) => c.phase === 'checks' && c.passes > 0).length).toBeGreaterThan(10);
    expect(result.golive.thresholds.map((t) => t.metric)).toEqual(expect.arrayContaining(['http_req_duration{check:market}', 'checks{group:signal-service}', 'openapi_coverage']));
    // held against the reference API's own contract, covered whole, the load's responses too
    expect(result.golive.notes).toContain('openapi: covered 5 of 5 operations');
    const load = result.golive.checks.filter((c) => c.phase === 'load' && c.name.endsWith("conforms to the API's contract"));
    expect(load.map((c) => c.name).sort()).toEqual(["GET /health conforms to the API's contract", "POST /api/v1/data/market conforms to the API's contract"]);
    for (const c of load) expect([c.name, c.fails]).toEqual([c.name, 0]);
  }, 240_000);
});
