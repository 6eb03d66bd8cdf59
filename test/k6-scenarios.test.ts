/**
 * The k6 scenarios' logic, unit by unit: each script is bundled as the build
 * bundles it, with `k6`, `k6/http` and `k6/execution` aliased to the test
 * doubles in test/doubles/k6, and Node-only globals shadowed. The doubles
 * record requests and checks and answer from scripted responses (exact request
 * shapes, hostile answers, in milliseconds). The same scripts run under the
 * real k6 in engine-parity, redirects, k6-prometheus-output and k8s/k6-runners.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { planSchema } from '../src/contract/plan.js';
import type { PlanInput } from '../src/contract/plan.js';
import { thresholdDefs } from '../src/engine/node-engine.js';
import { k6EnvFor } from '../src/contract/k6-plan.js';
import { buildK6 } from '../src/engine/k6/bundle.mjs';
import { checkMarketData, MARKET_CHECKS } from '../checks/index.js';
import { loadScenario, ROOT } from './doubles/k6/load-scenario.js';
import { K6TestAborted, resetK6Double } from './doubles/k6/state.js';
import type { RecordedRequest, Responder, ScriptedResponse } from './doubles/k6/state.js';

const TARGET = 'http://127.0.0.1:18080';
const TOKEN = 'test-token-7f3a';
const SUMMARY = '/tmp/golive-k6-summary.json';

function plan(input: Partial<PlanInput> = {}) {
  return planSchema.parse({ target: TARGET, token: TOKEN, ...input });
}

function envFor(input: Partial<PlanInput> = {}, segment?: { segment: string; sequence?: string }) {
  return k6EnvFor(plan(input), { summaryPath: SUMMARY, ...(segment ? { segment } : {}) });
}

const goodBars = {
  symbol: 'AAPL',
  start_date: '2025-09-01',
  end_date: '2025-09-03',
  bars: [
    { date: '2025-09-01', open: 10, high: 12, low: 9, close: 11, volume: 1000 },
    { date: '2025-09-02', open: 11, high: 13, low: 10, close: 12, volume: 900 },
  ],
};

/** A healthy reference-API look-alike: health ok, market data with a valid token, 401 without. */
const healthy: Responder = (req) => {
  const path = req.url.slice(TARGET.length);
  if (req.method === 'GET') return { status: 200, body: JSON.stringify({ status: 'ok' }), durationMs: 12 };
  if (path === '/api/v1/data/market') {
    if (req.params.headers?.authorization !== `Bearer ${TOKEN}`) return { status: 401, body: '{"error":"unauthorized"}' };
    return { status: 200, body: JSON.stringify(goodBars), durationMs: 30 };
  }
  return { status: 404, body: '' };
};

function withOverrides(overrides: Record<string, ScriptedResponse>): Responder {
  return (req) => overrides[`${req.method} ${req.url.slice(TARGET.length)}`] ?? healthy(req);
}

const pathOf = (r: RecordedRequest) => r.url.slice(TARGET.length);

beforeEach(() => {
  resetK6Double(healthy);
});


/** The thresholds k6 judges: the empty lists only make k6 keep a phase's sub-metrics in its summary. */
const judged = (t: Record<string, unknown[]> | undefined) => Object.fromEntries(Object.entries(t ?? {}).filter(([, v]) => v.length > 0));

describe('k6 options', () => {
  it('carry the node engine thresholds for the same plan, custom ones merged', async () => {
    const input: Partial<PlanInput> = { thresholds: { 'http_req_duration{phase:load}': ['p(99)<900'], 'checks': ['rate>0.99'] } };
    const mod = await loadScenario('golive', envFor(input));
    expect(judged(mod.options.thresholds)).toEqual(thresholdDefs(plan(input)));
    // every phase's metrics are kept in k6's summary, as the node engine reports them per phase
    for (const phase of ['health', 'market-data', 'load']) {
      for (const m of ['http_reqs', 'http_req_failed', 'http_req_duration', 'checks']) expect(mod.options.thresholds).toHaveProperty([`${m}{phase:${phase}}`]);
    }
    expect(mod.options.thresholds?.['http_req_duration{phase:load}']).toEqual(['p(99)<900']);
    expect(mod.options.thresholds?.['http_req_failed{phase:load}']).toEqual(['rate<0.01']);
    expect(mod.options.summaryTrendStats).toContain('count');
  });

  it('single-phase scripts keep only their phase thresholds', async () => {
    const health = await loadScenario('health', envFor());
    expect(judged(health.options.thresholds)).toEqual(thresholdDefs(plan({ phases: ['health'] })));
    expect(Object.keys(health.options.thresholds ?? {}).every((k) => k.includes('phase:health'))).toBe(true);
    const load = await loadScenario('load', envFor());
    expect(judged(load.options.thresholds)).toEqual(thresholdDefs(plan({ phases: ['load'] })));
  });

  it('closed model: shared-iterations with VUs = concurrency and iterations = requests', async () => {
    const mod = await loadScenario('golive', envFor({ load: { workload: { model: 'closed', requests: 250, concurrency: 7 } } }));
    expect(mod.options.scenarios).toEqual({
      load: expect.objectContaining({ executor: 'shared-iterations', vus: 7, iterations: 250, exec: 'load', tags: { phase: 'load' } }),
    });
  });

  it('open model: constant-arrival-rate, a fractional rate kept exact', async () => {
    const open = { model: 'open' as const, rate: 2.5, durationSeconds: 30, maxInFlight: 40 };
    const mod = await loadScenario('golive', envFor({ load: { workload: open } }));
    const s = mod.options.scenarios?.['load'];
    expect(s).toMatchObject({ executor: 'constant-arrival-rate', rate: 2500, timeUnit: '1000s', duration: '30s', maxVUs: 40, exec: 'load' });
    const whole = await loadScenario('load', envFor({ load: { workload: { ...open, rate: 20 } } }));
    expect(whole.options.scenarios?.['load']).toMatchObject({ executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', preAllocatedVUs: 20 });
    expect(whole.options.thresholds?.['http_reqs{phase:load}']).toEqual(['count>=1']);
  });

  it('staged model: ramping-arrival-rate with the same stages (fractional rates per 1000 s)', async () => {
    const staged = { model: 'staged' as const, startRate: 0, stages: [{ durationSeconds: 30, target: 50 }, { durationSeconds: 60, target: 100, name: '2x' }], maxInFlight: 300 };
    const mod = await loadScenario('golive', envFor({ load: { workload: staged } }));
    expect(mod.options.scenarios?.['load']).toMatchObject({
      executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '1s', preAllocatedVUs: 100, maxVUs: 300,
      stages: [{ duration: '30000ms', target: 50 }, { duration: '60000ms', target: 100 }],
    });
    const frac = await loadScenario('golive', envFor({ load: { workload: { ...staged, startRate: 0.5 } } }));
    expect(frac.options.scenarios?.['load']).toMatchObject({ startRate: 500, timeUnit: '1000s', stages: [{ target: 50_000 }, { target: 100_000 }] });
  });

  it('without a load phase an idle scenario runs, and setup gets enough time', async () => {
    const mod = await loadScenario('golive', envFor({ phases: ['health', 'market-data'], requestTimeoutMs: 5000 }));
    expect(Object.keys(mod.options.scenarios ?? {})).toEqual(['idle']);
    // 2 health + 2 market-data requests, plus one timeout and 10 s of slack
    expect(mod.options.setupTimeout).toBe('35s');
  });

  it('execution segments for parallel runners, with the runner share in the count threshold', async () => {
    const seg = { segment: '1/3:2/3', sequence: '0,1/3,2/3,1' };
    const mod = await loadScenario('golive', envFor({ load: { workload: { model: 'closed', requests: 1000, concurrency: 10 } } }, seg));
    expect(mod.options.executionSegment).toBe('1/3:2/3');
    expect(mod.options.executionSegmentSequence).toBe('0,1/3,2/3,1');
    // k6 scales the executor; the threshold asks for this runner's share as k6 stripes 1000: 334, 333, 333
    expect(mod.options.thresholds?.['http_reqs{phase:load}']).toEqual(['count>=333']);
    expect(mod.options.scenarios?.['load']).toMatchObject({ iterations: 1000, vus: 10 });
  });

  it('a missing target fails at init with one line naming GOLIVE_TARGET', async () => {
    const env = envFor();
    delete env['GOLIVE_TARGET'];
    await expect(loadScenario('golive', env)).rejects.toThrow(/^GOLIVE_TARGET: expected an http\(s\) URL/);
    await expect(loadScenario('golive', { ...envFor(), GOLIVE_PLAN: '{"load":{"workload":{"model":"open"}}}' }))
      .rejects.toThrow(/GOLIVE_PLAN: load\.workload\.rate/);
    await expect(loadScenario('load', { ...envFor(), GOLIVE_SEGMENT: 'half' })).rejects.toThrow(/GOLIVE_SEGMENT: expected FROM:TO/);
  });
});

describe('golive.ts setup(): health then market-data, with the shared checks', () => {
  it('good responses: every check passes under the node engine names, tagged with the phase', async () => {
    const mod = await loadScenario('golive', envFor());
    const state = resetK6Double(healthy);
    const data = mod.setup?.() as { health: { ok: boolean; unavailable: string[] }; marketData: { ok: boolean } };
    expect(data.health).toMatchObject({ ok: true, unavailable: [] });
    expect(data.marketData).toMatchObject({ ok: true });
    const names = state.checks.map((c) => c.name);
    expect(names.slice(0, 6)).toEqual([
      'GET /health status is 200', 'GET /health body is healthy', 'GET /health response time < 500ms',
      'GET /api/v1/data/health status is 200', 'GET /api/v1/data/health body is healthy', 'GET /api/v1/data/health response time < 500ms',
    ]);
    const md = checkMarketData({ symbol: 'AAPL', start_date: '2025-09-01', end_date: '2025-09-03' }, 200, goodBars).map((c) => c.name);
    expect(names.slice(6)).toEqual([...md, MARKET_CHECKS.authRefused]);
    expect(state.checks.every((c) => c.ok)).toBe(true);
    expect(state.checks.slice(0, 6).every((c) => c.tags['phase'] === 'health' && c.group === '::health')).toBe(true);
    expect(state.checks.slice(6).every((c) => c.tags['phase'] === 'market-data')).toBe(true);
  });

  it('requests carry phase and name tags, a timeout, and the token only in the header of the authenticated call', async () => {
    const mod = await loadScenario('golive', envFor({ requestTimeoutMs: 4000 }));
    const state = resetK6Double(healthy);
    mod.setup?.();
    expect(state.requests.map((r) => `${r.method} ${pathOf(r)} ${r.params.tags?.['phase']} ${r.params.tags?.['name']}`)).toEqual([
      'GET /health health /health',
      'GET /api/v1/data/health health /api/v1/data/health',
      'POST /api/v1/data/market market-data /api/v1/data/market',
      'POST /api/v1/data/market market-data /api/v1/data/market',
    ]);
    expect(state.requests.every((r) => r.params.timeout === 4000)).toBe(true);
    const [, , authed, anon] = state.requests;
    expect(authed?.params.headers?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(authed?.body ?? '')).toEqual({ symbol: 'AAPL', start_date: '2025-09-01', end_date: '2025-09-03' });
    expect(anon?.params.headers?.authorization).toBeUndefined();
    expect(anon?.params.responseCallback).toEqual({ expectedStatuses: [401, 403] });
    expect(state.requests.every((r) => !r.url.includes(TOKEN))).toBe(true);
  });

  it('bad responses: failing checks by name, reasons kept for the reports, unavailable endpoints listed', async () => {
    const mod = await loadScenario('golive', envFor());
    const bad = { ...goodBars, bars: [{ ...goodBars.bars[0], high: 1 }] };
    const state = resetK6Double(withOverrides({
      'GET /health': { status: 503, body: '{"status":"down"}' },
      'GET /api/v1/data/health': { status: 0, error: 'dial tcp 127.0.0.1:18080: connect: connection refused' },
      'POST /api/v1/data/market': { status: 200, body: JSON.stringify(bad) },
    }));
    const data = mod.setup?.() as {
      health: { ok: boolean; failed: number; unavailable: string[]; reasons: Record<string, string[]> };
      marketData: { ok: boolean; reasons: Record<string, string[]> };
    };
    expect(data.health.ok).toBe(false);
    expect(data.health.unavailable).toEqual([
      'GET /health returned 503',
      'GET /api/v1/data/health: dial tcp 127.0.0.1:18080: connect: connection refused',
    ]);
    const failed = state.checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed).toEqual(['GET /health status is 200', 'GET /health body is healthy', 'GET /api/v1/data/health answers', 'OHLC consistent', 'unauthenticated call refused']);
    expect(data.health.reasons['GET /health status is 200']).toEqual(['got status 503: {"status":"down"}']);
    expect(data.marketData.reasons['OHLC consistent']?.[0]).toMatch(/^bars\[0\]\.high: 1 is below/);
    expect(data.marketData.reasons['unauthenticated call refused']).toEqual(['expected 401 or 403, got 200']);
  });

  it('a slow health answer fails the response-time check with the measured time', async () => {
    const mod = await loadScenario('golive', envFor({ phases: ['health'] }));
    const state = resetK6Double(withOverrides({ 'GET /health': { status: 200, body: '{"status":"ok"}', durationMs: 612.5 } }));
    const data = mod.setup?.() as { health: { ok: boolean; reasons: Record<string, string[]> }; marketData?: unknown };
    expect(data.marketData).toBeUndefined();
    expect(state.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['GET /health response time < 500ms']);
    expect(data.health.reasons['GET /health response time < 500ms']).toEqual(['took 612.5ms']);
  });
});

describe('golive.ts load(): the health gate', () => {
  it('after healthy setup, one tagged request per iteration with the bearer header', async () => {
    const mod = await loadScenario('golive', envFor({ load: { path: '/api/v1/data/health' } }));
    const state = resetK6Double(healthy);
    mod.load?.({ health: { ok: true } });
    mod.load?.({ health: { ok: true } });
    expect(state.requests).toHaveLength(2);
    expect(state.requests[0]).toMatchObject({ method: 'GET', url: `${TARGET}/api/v1/data/health` });
    expect(state.requests[0]?.params.tags).toEqual({ phase: 'load', scenario: 'load', name: '/api/v1/data/health' });
    expect(state.requests[0]?.params.headers?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(state.checks).toEqual([]);
  });

  it('after failed health, load aborts the test before sending anything', async () => {
    const mod = await loadScenario('golive', envFor());
    const state = resetK6Double(healthy);
    // the bundle inlines its own copy of the double, so the class is matched by name
    expect(() => mod.load?.({ health: { ok: false } })).toThrow(expect.objectContaining({ name: K6TestAborted.name }));
    expect(state.aborted).toBe(mod.LOAD_SKIPPED);
    expect(state.requests).toEqual([]);
  });

  it('without a health phase, load is not gated', async () => {
    const mod = await loadScenario('golive', envFor({ phases: ['load'] }));
    const state = resetK6Double(healthy);
    mod.load?.(mod.setup?.());
    mod.load?.(undefined); // k6 run --no-setup
    expect(state.requests).toHaveLength(2);
  });
});

describe('single-phase scripts', () => {
  it('health.ts and market-data.ts run their phase from the default function', async () => {
    const health = await loadScenario('health', envFor());
    let state = resetK6Double(healthy);
    health.default?.();
    expect(state.requests.map(pathOf)).toEqual(['/health', '/api/v1/data/health']);
    const md = await loadScenario('market-data', envFor());
    state = resetK6Double(healthy);
    md.default?.();
    expect(state.checks.map((c) => c.name)).toContain('unauthenticated call refused');
    expect(state.checks.every((c) => c.ok && c.tags['phase'] === 'market-data')).toBe(true);
  });
});

describe('handleSummary', () => {
  const summary = {
    root_group: {
      name: '', path: '', id: 'r', checks: [],
      groups: [{ name: 'setup', path: '::setup', id: 's', checks: [], groups: [{
        name: 'health', path: '::setup::health', id: 'h', groups: [],
        checks: [{ name: 'GET /health status is 200', path: '::setup::health::GET /health status is 200', id: 'c', passes: 0, fails: 1 }],
      }] }],
    },
    options: { summaryTrendStats: ['avg'], summaryTimeUnit: '', noColor: true },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: 1234 },
    metrics: { checks: { type: 'rate', contains: 'default', values: { rate: 0, passes: 0, fails: 1 }, thresholds: { 'rate==1': { ok: false } } } },
    setup_data: { health: { ok: false } },
  };

  it('writes the summary JSON to GOLIVE_SUMMARY and a short text to stdout', async () => {
    const mod = await loadScenario('golive', envFor());
    const out = mod.handleSummary(summary);
    expect(Object.keys(out).sort()).toEqual([SUMMARY, 'stdout'].sort());
    expect(JSON.parse(out[SUMMARY] ?? '')).toEqual(summary);
    expect(out['stdout']).toContain('checks: 0 passed, 1 failed');
    expect(out['stdout']).toContain('x [setup/health] GET /health status is 200 (1 of 1 failed)');
    expect(out['stdout']).toContain('FAIL checks rate==1');
    expect(out['stdout']).not.toContain(TOKEN);
  });

  it('without GOLIVE_SUMMARY only stdout is written', async () => {
    const env = envFor();
    delete env['GOLIVE_SUMMARY'];
    const mod = await loadScenario('health', env);
    expect(Object.keys(mod.handleSummary(summary))).toEqual(['stdout']);
  });
});

describe('build:k6', () => {
  const out = mkdtempSync(join(tmpdir(), 'golive-k6-build-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('bundles one ESM file per scenario with only k6 modules left as imports', async () => {
    const files = await buildK6(ROOT, { outDir: out });
    expect(files.map((f) => f.slice(out.length + 1)).sort()).toEqual(['golive.js', 'health.js', 'load.js', 'market-data.js']);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const specifiers = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']/gm)].map((m) => m[1]);
      expect(specifiers.length).toBeGreaterThan(0);
      expect(specifiers.every((s) => s === 'k6' || s?.startsWith('k6/'))).toBe(true);
      // (booleans, not text matchers: a failure would print 400 KB of bundle)
      // ajv's runtime helpers name themselves in a string (`equal.code = 'require("ajv/dist/runtime/equal").default'`)
      // for its code generator; that text is data, never called in k6.
      const code = text.replace(/\.code = ['"]require\("ajv\/dist\/runtime\/[a-z0-9]+"\)\.default['"]/g, '');
      expect(/["']node:|\brequire\(\s*["'`]|\bimport\(\s*["'`]/.test(code)).toBe(false);
      // the k6 plan contract and zod are inlined
      expect(text.includes('GOLIVE_TARGET') && text.includes('$ZodObject')).toBe(true);
    }
    // the runbook preset runs through the shared evaluator and the runbook's own body rules
    const health = readFileSync(join(out, 'health.js'), 'utf8');
    expect(health.includes('function evaluateStep(') && health.includes('function healthBodyOutcome(')).toBe(true);
    const golive = readFileSync(join(out, 'golive.js'), 'utf8');
    expect(/from "k6\/execution"/.test(golive)).toBe(true);
    expect(/export\s*\{[^}]*handleSummary/.test(golive)).toBe(true);
  });

  it('is what `npm run build:k6` runs', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['build:k6']).toBe('node scripts/build.mjs --k6');
    expect(readFileSync(join(ROOT, 'scripts', 'build.mjs'), 'utf8')).toMatch(/import\('\.\.\/src\/engine\/k6\/bundle\.mjs'\)[\s\S]*buildK6\(root\)/);
  });
});
