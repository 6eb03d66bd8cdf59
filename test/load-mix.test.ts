/**
 * The load mix against a real server on port 0: requests sent by weight
 * (counted at the server), POST bodies on the raw client's hot path, setup
 * captures in the load's headers, per-check tags on every sample, and
 * thresholds per check — in the closed, open and staged models.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { validateDeclared, validatePlan } from '../src/config/validate.js';
import { systemClock } from '../src/core/clock.js';
import type { GoliveBlock, RunResult } from '../src/core/result.js';
import { runNodeEngine } from '../src/engine/node-engine.js';
import { mixCycle } from '../src/net/load/run-state.js';
import { scriptedServer } from './support/scripted-server.js';
import type { Script, ScriptedServer } from './support/scripted-server.js';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const SESSION = 'sess-0c1d2e3f';
const script: Script = {
  'POST /login': { body: { token: SESSION } },
  'GET /health': { body: { status: 'ok' } },
  'POST /market': (s) => (s.headers.authorization === `Bearer ${SESSION}` && JSON.parse(s.body).symbol === 'AAPL' ? { body: { bars: [] } } : { status: 401, body: {} }),
};
const checks = [
  { name: 'login', setup: true, steps: [{ method: 'POST', path: '/login', capture: { token: { jsonpath: '$.token' } } }] },
  { name: 'health', group: 'gateway', steps: [{ path: '/health', expect: [{ status: 200 }] }] },
  { name: 'market', group: 'data', steps: [{ method: 'POST', path: '/market', headers: { authorization: 'Bearer ${token}' }, json: { symbol: 'AAPL' }, expect: [{ status: 200 }] }] },
];

async function run(load: Record<string, unknown>, thresholds: Record<string, string[]> = {}): Promise<{ g: GoliveBlock; result: RunResult }> {
  server = await scriptedServer(script);
  const plan = validatePlan({ target: server.url, phases: ['checks', 'load'], checks, load, thresholds });
  validateDeclared(plan, {});
  const { result } = await runNodeEngine({
    plan, signal: new AbortController().signal, clock: systemClock, emit: () => {}, tty: { stdout: false, stderr: false }, runId: 'test', version: 'test', env: {},
  });
  return { g: result.golive, result };
}

const mix = [{ check: 'health', weight: 80 }, { check: 'market', weight: 20 }];

describe('load.mix', () => {
  it('the weighted cycle holds each share over any stretch', () => {
    const c = mixCycle([80, 20]);
    const first100 = Array.from(c.slice(0, 100));
    expect(first100.filter((i) => i === 1).length).toBe(20);
    // never two market requests in a row: the 20 % are spread, not bunched
    expect(first100.some((v, i) => v === 1 && first100[i + 1] === 1)).toBe(false);
    expect(Array.from(mixCycle([1, 1, 2])).filter((i) => i === 2).length).toBe(500);
  });

  it('closed model: 2,000 requests split 80/20 at the server, POST bodies and the setup token sent, samples tagged per check', async () => {
    const { g, result } = await run({ mix, workload: { model: 'closed', requests: 2000, concurrency: 10 } },
      { 'http_req_duration{check:market}': ['p(95)<5000'], 'http_req_failed{check:health}': ['rate==0'], 'http_reqs{group:data}': ['count>0'] });
    expect(g.phases.map((p) => [p.name, p.status])).toEqual([['checks', 'passed'], ['load', 'passed']]);
    expect(server?.count('POST /login')).toBe(1);
    const health = server?.count('GET /health') ?? 0;
    const market = server?.count('POST /market') ?? 0;
    // one each from the checks phase; the load's own 2,000 split exactly by the cycle
    expect([health - 1, market - 1]).toEqual([1600, 400]);
    expect(result.metrics['http_reqs{phase:load}']?.values.count).toBe(2000);
    expect(g.thresholds.every((t) => t.ok)).toBe(true);
    expect(g.thresholds.map((t) => t.metric)).toContain('http_req_duration{check:market}');
    expect(JSON.stringify(result)).not.toContain(SESSION);
    // the console and reports split the load per check
    // (other notes, e.g. a busy machine's event-loop delay, may come too)
    expect(g.notes?.filter((n) => n.startsWith('load mix:'))).toEqual([
      expect.stringMatching(/^load mix: health 1600 requests \(80\.0 %\), p\(95\)=[\d.]+ms, 0\.00 % failed$/),
      expect.stringMatching(/^load mix: market 400 requests \(20\.0 %\), p\(95\)=[\d.]+ms, 0\.00 % failed$/),
    ]);
  });

  it('open model: arrivals split by weight within 2 points', async () => {
    const { g } = await run({ mix, workload: { model: 'open', rate: 400, durationSeconds: 2, maxInFlight: 50 } });
    expect(g.phases.find((p) => p.name === 'load')?.status).not.toBe('failed');
    const health = (server?.count('GET /health') ?? 0) - 1;
    const market = (server?.count('POST /market') ?? 0) - 1;
    expect(health + market).toBeGreaterThan(600);
    expect(Math.abs(market / (health + market) - 0.2)).toBeLessThan(0.02);
  });

  it('staged model: the mix holds across stages', async () => {
    await run({ mix, workload: { model: 'staged', startRate: 100, stages: [{ durationSeconds: 1, target: 300 }, { durationSeconds: 1, target: 300 }], maxInFlight: 50 } });
    const health = (server?.count('GET /health') ?? 0) - 1;
    const market = (server?.count('POST /market') ?? 0) - 1;
    expect(health + market).toBeGreaterThan(300);
    expect(Math.abs(market / (health + market) - 0.2)).toBeLessThan(0.02);
  });

  it('a failing declared check leaves the load not sent (skipped, saying why)', async () => {
    server = await scriptedServer({ ...script, 'GET /health': { status: 503, body: {} } });
    const plan = validatePlan({ target: server.url, phases: ['checks', 'load'], checks, load: { mix, workload: { model: 'closed', requests: 100, concurrency: 2 } } });
    const { result } = await runNodeEngine({
      plan, signal: new AbortController().signal, clock: systemClock, emit: () => {}, tty: { stdout: false, stderr: false }, runId: 'test', version: 'test', env: {},
    });
    expect(result.golive.phases.find((p) => p.name === 'load')).toMatchObject({ status: 'skipped', reason: 'skipped because checks failed' });
    expect(server.count('GET /health')).toBe(1);
  });
});
