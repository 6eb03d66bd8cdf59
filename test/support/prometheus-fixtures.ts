/**
 * A RunResult + MetricStore shaped like a real node-engine run (same tags as
 * src/net/http.ts and the load phase), for the Prometheus sink tests.
 */
import { MetricStore, TREND_STATS } from '../../src/core/metrics.js';
import type { PhaseResult, RunResult, SummaryMetric, ThresholdResult } from '../../src/core/result.js';
import { CheckRecorder } from '../../src/core/check-recorder.js';
import { planSchema } from '../../src/contract/plan.js';
import type { Plan, PlanInput } from '../../src/contract/plan.js';

/** Deterministic pseudo-random numbers in [0, 1). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

function request(store: MetricStore, phase: string, name: string, method: string, status: number, ms: number): void {
  const expected = status >= 200 && status < 400;
  const tags = { phase, scenario: phase, name, method, status: String(status), expected_response: String(expected) };
  store.add('http_reqs', 1, tags);
  store.add('http_req_failed', expected ? 0 : 1, tags);
  store.add('http_req_duration', ms, tags);
}

export interface FixtureOptions { seed?: number; loadRequests?: number; errorEvery?: number; baseMs?: number; tailShare?: number }

/** health (2 endpoints), market-data (auth + refusal), load (many requests, a few 500s). */
export function fixtureStore(opts: FixtureOptions = {}): { store: MetricStore; checks: CheckRecorder } {
  const rnd = lcg(opts.seed ?? 42);
  const base = opts.baseMs ?? 20;
  const store = new MetricStore();
  const checks = new CheckRecorder(store);
  for (const path of ['/health', '/api/v1/data/health']) {
    request(store, 'health', path, 'GET', 200, base / 2 + rnd() * 5);
    checks.record('health', `GET ${path} answers`, true);
  }
  request(store, 'market-data', '/api/v1/data/market', 'POST', 200, base + rnd() * 30);
  request(store, 'market-data', '/api/v1/data/market', 'POST', 401, base / 4);
  checks.record('market-data', 'market data valid', true);
  const n = opts.loadRequests ?? 1000;
  const every = opts.errorEvery ?? 200;
  for (let i = 0; i < n; i++) {
    // Mostly fast with a long tail, so p95 sits well apart from the median.
    const ms = base + rnd() * 10 + (rnd() < (opts.tailShare ?? 0.08) ? 100 + rnd() * 300 : 0);
    request(store, 'load', '/health', 'GET', i % every === every - 1 ? 500 : 200, ms);
  }
  store.add('iterations', n, { phase: 'load', scenario: 'load' });
  store.add('vus', 10, { phase: 'load', scenario: 'load' });
  return { store, checks };
}

export function fixturePlan(input: Partial<PlanInput> = {}): Plan {
  return planSchema.parse({ target: 'http://127.0.0.1:1', ...input });
}

export function fixtureResult(store: MetricStore, checks: CheckRecorder, over: { testid: string; environment?: string; verdict?: RunResult['golive']['verdict']; phases?: PhaseResult[]; thresholds?: ThresholdResult[] }): RunResult {
  const durationMs = 12_345;
  const metrics: Record<string, SummaryMetric> = {};
  const put = (key: string, name: string, filter: Record<string, string> = {}) => {
    const agg = store.select(name, filter);
    if (agg) metrics[key] = { type: agg.info.type, contains: agg.info.contains, values: agg.summaryValues(durationMs / 1000) };
  };
  for (const name of store.names()) put(name, name);
  put('http_req_duration{phase:load}', 'http_req_duration', { phase: 'load' });
  put('http_req_failed{phase:load}', 'http_req_failed', { phase: 'load' });
  const now = new Date();
  const verdict = over.verdict ?? 'passed';
  return {
    root_group: { name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e', groups: [], checks: [] },
    options: { summaryTrendStats: [...TREND_STATS], summaryTimeUnit: 'ms', noColor: true },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: durationMs },
    metrics,
    golive: {
      version: '0.1.0', runId: `run-${over.testid}`, testid: over.testid, environment: over.environment,
      engine: 'node', target: 'http://127.0.0.1:1',
      startedAt: new Date(now.getTime() - durationMs).toISOString(), finishedAt: now.toISOString(), durationMs,
      verdict, exitCode: verdict === 'passed' ? 0 : 99,
      phases: over.phases ?? [
        { name: 'health', status: 'passed', durationMs: 10 },
        { name: 'market-data', status: 'passed', durationMs: 20 },
        { name: 'load', status: verdict === 'passed' ? 'passed' : 'failed', durationMs: 3000 },
        { name: 'cluster', status: 'skipped', reason: 'not selected', durationMs: 0 },
      ],
      checks: checks.all(),
      thresholds: over.thresholds ?? [
        { metric: 'http_req_duration{phase:load}', expression: 'p(95)<500', ok: true, message: 'ok', phase: 'load' },
        { metric: 'http_req_failed', expression: 'rate<0.01', ok: verdict === 'passed', message: 'rate', phase: 'load' },
      ],
      rollback: { triggered: false, reasons: [] },
      deliveries: [],
    },
  };
}
