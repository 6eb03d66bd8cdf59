/**
 * Remote write into a real Prometheus (remote-write receiver + native
 * histograms), then read back through its HTTP API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricStore } from '../src/core/metrics.js';
import { deliverAll } from '../src/sinks/index.js';
import { fixturePlan, fixtureResult, fixtureStore } from './support/prometheus-fixtures.js';
import { query, startPrometheus } from './support/prometheus.js';
import type { Server } from './support/prometheus.js';

let prom: Server;
beforeAll(async () => { prom = await startPrometheus({ nativeHistograms: true }); });
afterAll(async () => { await prom?.stop(); });

const one = async (expr: string): Promise<number> => {
  const rows = await query(prom.url, expr);
  expect(rows, expr).toHaveLength(1);
  return Number(rows[0]?.value[1]);
};

describe('prometheus remote write', () => {
  it('stores k6-named series whose values match summary.json', async () => {
    const { store, checks } = fixtureStore();
    const result = fixtureResult(store, checks, { testid: 'rw-values', environment: 'staging' });
    const plan = fixturePlan({ prometheus: { remoteWriteUrl: `${prom.url}/api/v1/write` } });
    const deliveries = await deliverAll({ result, store, plan });
    expect(deliveries).toEqual([{ sink: 'prometheus-remote-write', ok: true, attempts: 1 }]);

    const sel = 'testid="rw-values",environment="staging"';
    const p95Load = result.metrics['http_req_duration{phase:load}']?.values['p(95)'];
    expect(p95Load).toBeGreaterThan(20);
    expect(await one(`k6_http_req_duration_p95{${sel},scenario="load"}`)).toBeCloseTo((p95Load ?? 0) / 1000, 9);
    const avg = result.metrics['http_req_duration{phase:load}']?.values.avg ?? 0;
    expect(await one(`k6_http_req_duration_avg{${sel},scenario="load"}`)).toBeCloseTo(avg / 1000, 9);
    expect(await one(`sum(k6_http_reqs_total{${sel}})`)).toBe(result.metrics.http_reqs?.values.count);
    expect(await one(`sum(k6_iterations_total{${sel}})`)).toBe(1000);
    expect(await one(`k6_vus{${sel}}`)).toBe(10);
    // 5 of the 1000 load requests were 500s: their series has rate 1, the 200s rate 0
    expect(await one(`k6_http_req_failed_rate{${sel},scenario="load",status="500"}`)).toBe(1);
    expect(await one(`sum(k6_http_reqs_total{${sel},expected_response="false"})`)).toBe(6); // 5 x 500 + the 401
    expect(await one(`k6_checks_rate{${sel},scenario="health",check="GET /health answers"}`)).toBe(1);

    // Bounded labels only: no phase, url or error text.
    const rows = await query(prom.url, `{${sel}}`);
    const keys = new Set(rows.flatMap((r) => Object.keys(r.metric)));
    const allowed = ['__name__', 'testid', 'environment', 'scenario', 'name', 'method', 'status', 'expected_response', 'check'];
    expect([...keys].filter((k) => !allowed.includes(k))).toEqual([]);
  });

  it('native histograms let histogram_quantile merge runners within 3 %', async () => {
    // One fast runner, one with a slow tail: their p95s say little about the whole.
    const a = fixtureStore({ seed: 1, tailShare: 0 });
    const b = fixtureStore({ seed: 2, tailShare: 0.08 });
    const plan = fixturePlan({ testid: 'rw-native', prometheus: { remoteWriteUrl: `${prom.url}/api/v1/write`, nativeHistograms: true } });
    for (const [i, run] of [a, b].entries()) {
      const result = fixtureResult(run.store, run.checks, { testid: 'rw-native' });
      const [d] = await deliverAll({ result, store: run.store, plan, extraLabels: { runner: String(i) } });
      expect(d?.ok, d?.error).toBe(true);
    }
    const merged = new MetricStore();
    merged.merge(a.store);
    merged.merge(b.store);
    const exact = (merged.select('http_req_duration', { phase: 'load' })?.value('p(95)') ?? 0) / 1000;
    const fromProm = await one('histogram_quantile(0.95, sum(k6_http_req_duration_seconds{testid="rw-native",scenario="load"}))');
    expect(Math.abs(fromProm - exact) / exact).toBeLessThan(0.03);
    const count = await one('histogram_count(sum(k6_http_req_duration_seconds{testid="rw-native"}))');
    expect(count).toBe(merged.select('http_req_duration')?.samples);
    // Averaging the runners' p95 gauges is what the histograms avoid; show it is wrong here.
    const avgOfP95 = await one('avg(k6_http_req_duration_p95{testid="rw-native",scenario="load"})');
    expect(Math.abs(avgOfP95 - exact) / exact).toBeGreaterThan(0.5);
    console.log(`merged p95: exact ${exact}s, histogram_quantile ${fromProm}s, avg of runner p95s ${avgOfP95}s`);
  });

  it('reports a stopped Prometheus as a failed delivery after retrying, without throwing', async () => {
    const gone = await startPrometheus();
    const url = `${gone.url}/api/v1/write`;
    await gone.stop();
    const { store, checks } = fixtureStore({ loadRequests: 10 });
    const result = fixtureResult(store, checks, { testid: 'rw-down' });
    const plan = fixturePlan({ prometheus: { remoteWriteUrl: url } });
    const started = Date.now();
    const [d] = await deliverAll({ result, store, plan, retry: { attempts: 3, baseDelayMs: 50, deadlineMs: 5000 } });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(d).toEqual({
      sink: 'prometheus-remote-write', ok: false, attempts: 3,
      error: `prometheus remote write to ${url} failed after 3 attempts: ECONNREFUSED`,
    });
  });
});
