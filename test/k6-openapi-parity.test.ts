/**
 * The API's contract (openapi) under both engines, the real k6 1.1.0 and
 * 0.57.0: the same config through the real CLI with --engine node and
 * --engine k6 gives the same exit code, the same conformance checks with the
 * same named reasons (a wrong type, a missing required field, an undocumented
 * status, an undocumented operation), the same phase verdicts (a health phase
 * that broke the contract gates the load in both) and the same coverage.
 * The load is judged whole by node (within its CPU budget) and every 10th
 * response per VU by k6: there the counts differ, the verdict and reasons do not.
 * Targets: the reference API, and a node:http server that serves the
 * reference API's own document but answers exactly the drifted bytes each case needs.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, RunResult } from '../src/core/result.js';
import { OPENAPI_JSON } from '../src/reference-api/openapi-doc.js';
import { withApi } from './support/reference-api-client.js';
import { k6Of } from './support/k6.js';
import { comparable, readSummary } from './support/parity.js';
import { runCli } from './support/processes.js';
import { scriptedServer, type ScriptedServer } from './support/scripted-server.js';

const TOKEN = 'tok-openapi-parity-7c1e';
const ENGINES = ['node', 'k6'] as const;
type Engine = (typeof ENGINES)[number];
const CONFORMS = "conforms to the API's contract";

interface Ran { code: number; result: RunResult; stderr: string }

async function run(engine: Engine, k6: string, target: string, config: unknown): Promise<Ran> {
  const dir = await mkdtemp(join(tmpdir(), `golive-openapi-${engine}-`));
  const file = join(dir, 'golive.config.json');
  await writeFile(file, JSON.stringify(config));
  const out = join(dir, 'reports');
  const res = await runCli(['check', '--config', file, '--target', target, '--out', out, '--no-color', '--engine', engine],
    { env: { K6_BINARY: k6, GOLIVE_TOKEN: TOKEN }, deadlineMs: 180_000 });
  return { code: res.code ?? -1, result: await readSummary(out), stderr: res.stderr };
}

async function both(k6: string, target: string, config: unknown): Promise<Record<Engine, Ran>> {
  return { node: await run('node', k6, target, config), k6: await run('k6', k6, target, config) };
}

const contractChecks = (r: RunResult, load: boolean): Partial<CheckResult>[] => r.golive.checks
  .filter((c) => c.name.endsWith(CONFORMS) && (c.phase === 'load') === load)
  .map((c) => ({ phase: c.phase, name: c.name, passes: c.passes, fails: c.fails, reasons: c.reasons }))
  .sort((a, b) => `${a.phase} ${a.name}`.localeCompare(`${b.phase} ${b.name}`));
const notes = (r: RunResult, prefix: string) => (r.golive.notes ?? []).filter((n) => n.startsWith(prefix));
/** a phase as both engines must report it; the load's count of judged responses differs by design */
const phases = (r: RunResult) => r.golive.phases.map((p) => `${p.name}:${p.status}:${p.name === 'load' ? (p.reason ?? '').replace(/^\d+ response/, 'N response') : p.reason ?? ''}`);

const login = { name: 'login', setup: true, group: 'auth', steps: [{ method: 'POST', path: '/api/v1/auth/login', json: { username: 'golive', password: '${env.GOLIVE_TOKEN}' }, capture: { session: { jsonpath: '$.access_token', secret: true } } }] };

/** The reference API, healthy: every call conforms, every operation covered. */
const HEALTHY = {
  phases: ['health', 'market-data', 'checks', 'load'],
  openapi: { url: '/openapi.json' },
  checks: [login, { name: 'signals', group: 'signal-service', steps: [{ path: '/api/v1/signals', headers: { authorization: 'Bearer ${session}' }, expect: [{ status: 200 }] }] }],
  load: { path: '/api/v1/data/health', workload: { model: 'closed', requests: 200, concurrency: 4 } },
  thresholds: { openapi_coverage: ['rate>=1'], 'openapi_conformance{phase:load}': ['rate==1'] },
};

/** Against the drifting server: each step expects the status it gets, so only the contract can fail it. */
const DRIFT = {
  phases: ['checks', 'load'],
  openapi: { url: '/openapi.json' },
  checks: [
    { name: 'gateway', steps: [{ path: '/health', expect: [{ status: 200 }] }] },
    { name: 'data', steps: [{ path: '/api/v1/data/health', expect: [{ status: 200 }] }] },
    { name: 'teapot', steps: [{ path: '/api/v1/signals', expect: [{ status: 418 }] }] },
    { name: 'orders', steps: [{ path: '/api/v1/orders', expect: [{ status: 404 }] }] },
  ],
  load: { path: '/health', workload: { model: 'closed', requests: 40, concurrency: 2 } },
  thresholds: { openapi_coverage: ['rate>=1'] },
};

const stamp = '2025-09-01T00:00:00Z';
const json = { 'content-type': 'application/json' };

let drift: ScriptedServer;
let driftUrl = '';

beforeAll(async () => {
  drift = await scriptedServer({
    'GET /openapi.json': { headers: json, body: OPENAPI_JSON },
    'GET /health': { body: { status: 1, service: 'gateway', version: '1.0.0', timestamp: stamp } },
    'GET /api/v1/data/health': { body: { status: 'ok', service: 'data-service', timestamp: stamp } },
    'GET /api/v1/signals': { status: 418, body: { error: 'teapot' } },
  });
  driftUrl = drift.url;
});
afterAll(() => drift?.close());

describe.each(['1.1.0', '0.57.0'] as const)('the API contract: node vs the real k6 %s', (version) => {
  it('a healthy API: every functional call conforms alike, the load is judged, every operation covered', async () => {
    const r = await withApi({ token: TOKEN }, ({ url }) => both(k6Of(version), url, HEALTHY));
    for (const e of ENGINES) expect(r[e].code, `${e}: ${r[e].stderr}`).toBe(0);
    expect(contractChecks(r.k6.result, false)).toEqual(contractChecks(r.node.result, false));
    expect(contractChecks(r.node.result, false).map((c) => `${c.phase} ${c.name} ${c.passes}/${c.fails}`)).toEqual([
      "checks GET /api/v1/signals conforms to the API's contract 1/0",
      "checks POST /api/v1/auth/login conforms to the API's contract 1/0",
      "health GET /api/v1/data/health conforms to the API's contract 1/0",
      "health GET /health conforms to the API's contract 1/0",
      "market-data POST /api/v1/data/market conforms to the API's contract 2/0",
    ]);
    expect(comparable(r.k6.result, r.k6.code, { approxCounts: true })).toEqual(comparable(r.node.result, r.node.code, { approxCounts: true }));
    for (const e of ENGINES) {
      const res = r[e].result;
      expect(notes(res, 'openapi: covered'), e).toEqual(['openapi: covered 5 of 5 operations']);
      expect(res.metrics['openapi_coverage']?.values, e).toMatchObject({ rate: 1, passes: 5, fails: 0 });
      const [load] = contractChecks(res, true);
      expect(load, e).toMatchObject({ name: `GET /api/v1/data/health ${CONFORMS}`, fails: 0 });
      expect(load!.passes, e).toBeGreaterThan(0);
    }
    // node: every response (within its budget); k6: every 10th of each VU, the first included
    expect(notes(r.node.result, 'openapi: checked')).toEqual(['openapi: checked 200 of 200 load responses (100 %) against the contract (every response)']);
    const [k6Note] = notes(r.k6.result, 'openapi: checked');
    expect(k6Note).toMatch(/^openapi: checked (\d+) of 200 load responses \([\d.]+ %\) against the contract \(under k6 every 10th response of each request, per VU\)$/);
    const checked = Number(/checked (\d+)/.exec(k6Note!)![1]);
    expect(checked).toBeGreaterThanOrEqual(20);
    expect(checked).toBeLessThanOrEqual(24);
    expect(contractChecks(r.k6.result, true)[0]!.passes).toBe(checked);
  }, 240_000);

  it('a drifted API: a wrong type, a missing field, an undocumented status and operation, named alike; the load and coverage fail alike', async () => {
    const r = await both(k6Of(version), driftUrl, DRIFT);
    for (const e of ENGINES) expect(r[e].code, `${e}: ${r[e].stderr}`).toBe(99);
    expect(contractChecks(r.k6.result, false)).toEqual(contractChecks(r.node.result, false));
    expect(contractChecks(r.node.result, false).map((c) => [c.name, c.reasons])).toEqual([
      [`GET /api/v1/data/health ${CONFORMS}`, ['GET /api/v1/data/health 200: body /checks is required but missing (required)']],
      [`GET /api/v1/orders ${CONFORMS}`, ['GET /api/v1/orders is not a documented operation (no documented path matches)']],
      [`GET /api/v1/signals ${CONFORMS}`, ['GET /api/v1/signals: status 418 is not documented (documented: 200, 401)']],
      [`GET /health ${CONFORMS}`, ['GET /health 200: body /status must be string (type) (+1 more)']],
    ]);
    expect(phases(r.k6.result)).toEqual(phases(r.node.result));
    expect(phases(r.node.result)).toEqual([
      "checks:failed:4 response(s) do not conform to the API's contract: GET /health 200: body /status must be string (type) (+1 more)",
      "load:failed:N response(s) do not conform to the API's contract: GET /health 200: body /status must be string (type) (+1 more)",
    ]);
    for (const e of ENGINES) {
      const res = r[e].result;
      const [load] = contractChecks(res, true);
      expect(load, e).toMatchObject({ passes: 0, reasons: ['GET /health 200: body /status must be string (type) (+1 more)'] });
      expect(notes(res, 'openapi: covered'), e).toEqual(['openapi: covered 3 of 5 operations; not checked: POST /api/v1/data/market, POST /api/v1/auth/login']);
      expect(res.golive.thresholds.filter((t) => !t.ok).map((t) => `${t.metric} ${t.expression}`), e).toEqual(['openapi_coverage rate>=1']);
    }
  }, 240_000);

  it('a health phase that broke the contract fails and gates the load in both', async () => {
    const r = await both(k6Of(version), driftUrl, { phases: ['health', 'load'], openapi: { url: '/openapi.json' }, health: { endpoints: ['/api/v1/data/health'] }, load: { workload: { model: 'closed', requests: 20, concurrency: 2 } } });
    expect(r.k6.code, r.k6.stderr).toBe(r.node.code);
    expect(phases(r.k6.result)).toEqual(phases(r.node.result));
    expect(r.node.result.golive.phases.find((p) => p.name === 'load')).toMatchObject({ status: 'skipped', reason: 'skipped because health failed' });
  }, 240_000);
});
