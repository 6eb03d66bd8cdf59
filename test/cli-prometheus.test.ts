/**
 * The whole post-launch path through the real CLI: a check with the monitoring
 * phase against a real Prometheus, results remote-written to it and the verdict
 * pushed to a real Pushgateway.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result.js';
import { ROOT, runCli, spawnReferenceApi } from './support/processes.js';
import type { SpawnedApi } from './support/processes.js';
import { query, startPrometheus, startPushgateway, waitFor } from './support/prometheus.js';
import type { Server } from './support/prometheus.js';

const TOKEN = 'tok-prom-e2e';
let api: SpawnedApi;
let prom: Server;
let pgw: Server;

beforeAll(async () => {
  api = await spawnReferenceApi(TOKEN);
  prom = await startPrometheus({ ruleFiles: [join(ROOT, 'k8s/monitoring/golive-rules.yaml')] });
  pgw = await startPushgateway();
});
afterAll(async () => {
  await Promise.all([api?.stop(), prom?.stop(), pgw?.stop()]);
});

describe('golive check feeding Prometheus', () => {
  it('passes with the monitoring phase, remote-writes its metrics and pushes its verdict', async () => {
    const out = await mkdtemp(join(tmpdir(), 'golive-prom-e2e-'));
    const testid = `e2e-${Date.now()}`;
    // The monitoring phase needs the golive rule groups loaded: wait for Prometheus to list them.
    await waitFor('golive rules loaded', async () => {
      const r = await fetch(`${prom.url}/api/v1/rules`, { signal: AbortSignal.timeout(2000) });
      const body = await r.text();
      return body.includes('golive.alerts') ? true : undefined;
    });
    await waitFor('first self-scrape', async () => ((await query(prom.url, 'up{job="prometheus"} == 1')).length > 0 ? true : undefined));
    const res = await runCli([
      'check', '--target', api.url, '--out', out, '--phases', 'health,market-data,load,monitoring', '--requests', '300',
      '--prometheus-url', prom.url, '--prometheus-rw-url', `${prom.url}/api/v1/write`,
      '--pushgateway-url', pgw.url, '--environment', 'ci', '--testid', testid, '--prometheus-targets', 'up{job="prometheus"}',
    ], { env: { GOLIVE_TOKEN: TOKEN } });
    expect(res.code, res.stderr + res.stdout).toBe(0);
    const s = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunResult;
    expect(s.golive.phases.find((p) => p.name === 'monitoring')?.status).toBe('passed');
    expect(s.golive.deliveries.map((d) => [d.sink, d.ok])).toEqual([['prometheus-remote-write', true], ['pushgateway', true]]);

    const rows = await waitFor('remote-written series', async () => {
      const r = await query(prom.url, `sum(k6_http_reqs_total{testid="${testid}", scenario="load"})`);
      return r.length > 0 ? r : undefined;
    });
    expect(Number(rows[0]?.value[1])).toBe(s.metrics['http_reqs{phase:load}']?.values.count);
    const p95 = await query(prom.url, `k6_http_req_duration_p95{testid="${testid}", scenario="load"}`);
    expect(Number(p95[0]?.value[1])).toBeCloseTo((s.metrics['http_req_duration{phase:load}']?.values['p(95)'] ?? NaN) / 1000, 5);

    const pushed = await (await fetch(`${pgw.url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    expect(pushed).toMatch(/golive_run_success\{[^}]*environment="ci"[^}]*job="golive"[^}]*\} 1/);
    expect(pushed).toMatch(/golive_check_success\{[^}]*phase="monitoring"[^}]*\} 1/);
    expect(pushed).not.toContain(TOKEN);
  });
});
