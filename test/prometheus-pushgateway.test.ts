/**
 * The verdict series in a real Pushgateway, grouped by job and environment,
 * and scraped from it by a real Prometheus (honor_labels).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverAll } from '../src/sinks/index.js';
import { groupingPath } from '../src/sinks/pushgateway-format.js';
import { STALE_RETRIES } from '../src/net/failures.js';
import { fixturePlan, fixtureResult, fixtureStore } from './support/prometheus-fixtures.js';
import { query, startScrapedPushgateway, waitFor } from './support/prometheus.js';
import type { Server } from './support/prometheus.js';

let pgw: Server;
let prom: Server;
let stopBoth: (() => Promise<void>) | undefined;
beforeAll(async () => { ({ pgw, prom, stop: stopBoth } = await startScrapedPushgateway()); });
afterAll(async () => { await stopBoth?.(); });

async function metricsText(): Promise<string> {
  const res = await fetch(`${pgw.url}/metrics`, { signal: AbortSignal.timeout(5000) });
  return res.text();
}

describe('pushgateway sink', () => {
  it('groups by job and environment, base64 for values with a slash', () => {
    expect(groupingPath('golive')).toBe('/metrics/job/golive');
    expect(groupingPath('golive', 'prod eu')).toBe('/metrics/job/golive/environment/prod%20eu');
    expect(groupingPath('golive', 'eu/prod')).toBe('/metrics/job/golive/environment@base64/ZXUvcHJvZA');
  });

  it('holds the verdict series of the last run, replacing the previous one', async () => {
    const plan = fixturePlan({ environment: 'eu/prod', prometheus: { pushgatewayUrl: pgw.url, job: 'golive-cron' } });
    const first = fixtureStore();
    const failed = fixtureResult(first.store, first.checks, { testid: 'pg-1', environment: 'eu/prod', verdict: 'failed' });
    expect(await deliverAll({ result: failed, store: first.store, plan })).toEqual([{ sink: 'pushgateway', ok: true, attempts: 1 }]);

    const second = fixtureStore({ seed: 7 });
    second.store.add(STALE_RETRIES, 7, { phase: 'load' }, { type: 'counter', contains: 'default' });
    const passed = fixtureResult(second.store, second.checks, { testid: 'pg-2', environment: 'eu/prod' });
    expect((await deliverAll({ result: passed, store: second.store, plan }))[0]?.ok).toBe(true);

    const text = await metricsText();
    const g = 'environment="eu/prod",instance="",job="golive-cron"';
    expect(text).toContain(`golive_run_success{${g}} 1`);
    expect(text).toContain(`golive_rollback_triggered{${g}} 0`);
    expect(text).toContain(`golive_check_success{${g},phase="health"} 1`);
    expect(text).toContain(`golive_check_success{${g},phase="load"} 1`);
    expect(text).toContain(`${STALE_RETRIES}{${g},phase="load"} 7`);
    expect(text).not.toContain('phase="cluster"'); // skipped phases are absent
    expect(text).toContain(`golive_threshold_success{${g},metric="http_req_duration{phase:load}",threshold="p(95)<500"} 1`);
    expect(text).toMatch(new RegExp(`golive_run_duration_seconds\\{${g.replace(/[{}()|.*+?^$[\]\\]/g, '\\$&')}\\} 12\\.345`));
    const ts = Number(/golive_run_timestamp_seconds\{[^}]*\} (\S+)/.exec(text)?.[1]);
    expect(Math.abs(ts - Date.parse(passed.golive.finishedAt) / 1000)).toBeLessThan(0.01);
    const p95 = Number(/golive_http_req_duration_p95_seconds\{[^}]*phase="load"\} (\S+)/.exec(text)?.[1]);
    expect(p95).toBeCloseTo((passed.metrics['http_req_duration{phase:load}']?.values['p(95)'] ?? 0) / 1000, 9);
    expect(text).toContain('testid="pg-2"');
    expect(text).not.toContain('testid="pg-1"'); // PUT replaced the group
  });

  it('is scraped by Prometheus with golive job and environment labels', async () => {
    const rows = await waitFor('golive_run_success scraped from the Pushgateway', async () => {
      const r = await query(prom.url, 'golive_run_success{job="golive-cron"}');
      return r.length ? r : undefined;
    }, 20_000);
    expect(rows[0]?.metric.environment).toBe('eu/prod');
  });
});
