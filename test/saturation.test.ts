/**
 * Saturation checks from Prometheus ("external thresholds"): the runbook's
 * defaults as PromQL, the worst-sample judgement, and end to end a real
 * Prometheus scraping a test exporter of kube-state-metrics/cAdvisor-shaped
 * series that the test moves while golive's load runs.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { planSchema } from '../src/contract/plan.js';
import type { RunResult } from '../src/core/result.js';
import { judgeSaturation } from '../src/phases/saturation/judge.js';
import type { SaturationSample } from '../src/phases/saturation/judge.js';
import { concreteQuery, defaultChecks, saturationChecks } from '../src/phases/saturation/queries.js';
import { parseQueryAnswer } from '../src/phases/saturation/sample.js';
import { startExporter } from './support/k8s-metrics-exporter.js';
import type { Exporter, PodState } from './support/k8s-metrics-exporter.js';
import { runCli, spawnReferenceApi } from './support/processes.js';
import type { SpawnedApi } from './support/processes.js';
import { query, startPrometheus, waitFor } from './support/prometheus.js';
import type { Server } from './support/prometheus.js';

describe('saturation checks (pure)', () => {
  it('the runbook defaults on kube-state-metrics and cAdvisor names, scoped to the namespace', () => {
    const [cpu, mem, restarts, oom] = defaultChecks('shop', 0.7, 0.8, '1m');
    expect(cpu).toMatchObject({ name: 'saturation: cpu < 70% of limits', op: '<', value: 0.7 });
    expect(cpu?.promql).toBe('sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{namespace="shop", container!="", container!="POD"}[1m])) / sum by (namespace, pod, container) (kube_pod_container_resource_limits{namespace="shop", resource="cpu"})');
    expect(mem?.promql).toContain('container_memory_working_set_bytes{namespace="shop"');
    expect(mem?.promql).toContain('resource="memory"');
    expect(restarts?.promql).toContain('increase(kube_pod_container_status_restarts_total{namespace="shop"}[$__range])');
    expect(concreteQuery(restarts!, 42.2, 60)).toContain('[103s]');
    expect(oom).toMatchObject({ op: '==', value: 0, emptyOk: true });
    expect(oom?.promql).toContain('reason="OOMKilled"');
  });

  it('defaults are on with the cluster phase (Kubernetes metrics), opt-in templates and own queries are added', () => {
    const base = { target: 'http://127.0.0.1:1', prometheus: { url: 'http://127.0.0.1:9' } };
    expect(saturationChecks(planSchema.parse({ ...base, phases: ['monitoring'] }))).toEqual([]);
    expect(saturationChecks(planSchema.parse({ ...base, phases: ['cluster', 'monitoring'] }))).toHaveLength(4);
    const custom = saturationChecks(planSchema.parse({ ...base, phases: ['monitoring'], saturation: {
      authSuccess: { success: 'auth_total{result="ok"}', total: 'auth_total' },
      dbQueryP95: { bucket: 'db_query_seconds_bucket', maxSeconds: 0.1 },
      queries: [{ name: 'queue depth', promql: 'max(queue_depth)', threshold: '< 100' }],
    } }));
    expect(custom.map((c) => [c.name, c.promql, c.op, c.value])).toEqual([
      ['saturation: auth success rate > 99%', 'sum(rate(auth_total{result="ok"}[1m])) / sum(rate(auth_total[1m]))', '>', 0.99],
      ['saturation: database query p95 < 0.1s', 'histogram_quantile(0.95, sum by (le) (rate(db_query_seconds_bucket[1m])))', '<', 0.1],
      ['saturation: queue depth', 'max(queue_depth)', '<', 100],
    ]);
    expect(planSchema.safeParse({ ...base, saturation: { queries: [{ name: 'x', promql: 'up', threshold: 'below 3' }] } }).success).toBe(false);
  });

  const checks = defaultChecks('shop', 0.7, 0.8, '1m');
  const row = (pod: string, value: number) => ({ labels: { namespace: 'shop', pod, container: 'app' }, value });
  const sample = (when: SaturationSample['when'], atMs: number, cpu: Array<[string, number]>, restarts: Array<[string, number]> = [['api-1', 0]]): SaturationSample => ({
    atMs, when,
    results: [
      { ok: true, rows: cpu.map(([p, v]) => row(p, v)) },
      { ok: true, rows: [row('api-1', 0.3)] },
      { ok: true, rows: restarts.map(([p, v]) => row(p, v)) },
      { ok: true, rows: [] },
    ],
  });

  it('fails on the worst sample and names the pod and container with the value and when', () => {
    const t = Date.UTC(2026, 0, 1, 12, 0, 0);
    const v = judgeSaturation(checks, [
      sample('before', t, [['api-1', 0.2], ['api-2', 0.1]]),
      sample('during', t + 5000, [['api-1', 0.75], ['api-2', 0.93]], [['api-1', 0], ['api-2', 1.2]]),
      sample('after', t + 9000, [['api-1', 0.3], ['api-2', 0.2]]),
    ]);
    expect(v.map((x) => x.ok)).toEqual([false, true, false, true]);
    expect(v[0]?.reason).toBe('pod api-2 container app: 93.0%, wanted <70.0%, at 12:00:05Z during the load; 1 more series failed');
    expect(v[2]?.reason).toMatch(/^pod api-2 container app: 1\.2, wanted ==0, at 12:00:05Z during the load$/);
  });

  it('no series is "no data" (a gate must not pass on nothing), except where absence is the good case', () => {
    const v = judgeSaturation(checks, [{ atMs: 0, when: 'before', results: [{ ok: true, rows: [] }, { ok: true, rows: [] }, { ok: true, rows: [] }, { ok: true, rows: [] }] }]);
    expect(v[0]?.reason).toMatch(/^no data: the query returned no series in 1 sample/);
    expect(v[3]?.ok).toBe(true);
  });

  it('a query that failed at every sample fails with its error; hostile label values are cleaned', () => {
    const v = judgeSaturation(checks.slice(0, 1), [
      { atMs: 0, when: 'during', results: [{ ok: false, error: 'GET http://prom/api/v1/query: timeout' }] },
    ]);
    expect(v[0]?.reason).toBe('query failed: GET http://prom/api/v1/query: timeout');
    const hostile = judgeSaturation(checks.slice(0, 1), [{ atMs: 0, when: 'during', results: [{ ok: true, rows: [{ labels: { pod: 'x\u001b[31mred\nline', container: 'c' }, value: 2 }] }] }]);
    expect(hostile[0]?.reason).not.toMatch(/[\u0000-\u001f]/);
  });

  it('reads vector and scalar answers; an error answer is one line', () => {
    expect(parseQueryAnswer(200, { status: 'success', data: { resultType: 'scalar', result: [1, '0.5'] } })).toEqual({ ok: true, rows: [{ labels: {}, value: 0.5 }] });
    expect(parseQueryAnswer(400, { status: 'error', error: 'parse error at char 5' })).toEqual({ ok: false, error: 'Prometheus answered 400: parse error at char 5' });
  });
});

describe('saturation under load: real Prometheus, test exporter, reference API', () => {
  const TOKEN = 'test-token-saturation-1';
  const NS = 'signal-trading';
  const pod = (name: string): PodState => ({
    namespace: NS, pod: name, container: 'app', cpuLimitCores: 1, memoryLimitBytes: 512e6,
    cpuCores: 0.2, memoryBytes: 256e6, restarts: 0, oomKilled: false,
  });
  let exporter: Exporter;
  let prom: Server;
  let api: SpawnedApi | undefined;
  let dir: string;
  const rules = join(import.meta.dirname, '..', 'k8s', 'monitoring', 'golive-rules.yaml');

  beforeAll(async () => {
    exporter = await startExporter([pod('gateway-7d9f'), pod('data-service-5c4b')]);
    // Authentications at 100/s, 0.5 % of them failing: a success rate of 99.5 %.
    const t0 = performance.now();
    exporter.extra = () => {
      const n = (performance.now() - t0) / 10;
      return [`auth_requests_total{result="success"} ${(n * 0.995).toFixed(3)}`, `auth_requests_total{result="failure"} ${(n * 0.005).toFixed(3)}`];
    };
    prom = await startPrometheus({ ruleFiles: [rules], scrape: { k8s: [exporter.address] } });
    dir = await mkdtemp(join(tmpdir(), 'golive-saturation-'));
    // rate() needs two scrapes before the first sample is taken.
    await waitFor('CPU ratios in Prometheus', async () => ((await query(prom.url, 'rate(container_cpu_usage_seconds_total[5s])')).length === 2 ? true : undefined), 30_000);
  }, 60_000);
  afterAll(async () => {
    await prom?.stop();
    await exporter?.close();
  });
  afterEach(async () => {
    await api?.stop();
    api = undefined;
  });

  async function run(name: string, during?: () => void, load: { api?: string[]; cli?: string[]; config?: Record<string, unknown> } = {}): Promise<{ code: number | null; stdout: string; s: RunResult }> {
    api = await spawnReferenceApi(TOKEN, load.api ?? []);
    const out = join(dir, name);
    const config = join(dir, `${name}.json`);
    await writeFile(config, JSON.stringify({ ...load.config, saturation: {
      defaults: true, intervalSeconds: 1, rateWindow: '5s',
      authSuccess: { success: 'auth_requests_total{result="success"}', total: 'auth_requests_total' },
      queries: [{ name: 'exporter scraped', promql: `up{instance="${exporter.address}"}`, threshold: '==1' }],
    } }));
    // The values move 3.5 s after the start: the load (6 s) is under way by then.
    const timer = during ? setTimeout(during, 3500) : undefined;
    const res = await runCli([
      'check', '--target', api.url, '--out', out, '--no-color', '--config', config, '--namespace', NS,
      '--phases', 'health,load,monitoring', '--prometheus-url', prom.url, '--max-schedule-lag', '250',
      ...(load.cli ?? ['--rate', '20', '--duration', '6']),
    ], { env: { GOLIVE_TOKEN: TOKEN } });
    clearTimeout(timer);
    const s = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunResult;
    return { code: res.code, stdout: res.stdout, s };
  }

  const sat = (s: RunResult) => s.golive.checks.filter((c) => c.phase === 'monitoring' && c.name.startsWith('saturation:'));

  it('passes while every pod stays under its limits', async () => {
    const { code, s } = await run('calm');
    expect(sat(s).map((c) => [c.name, c.fails])).toEqual([
      ['saturation: cpu < 70% of limits', 0], ['saturation: memory < 80% of limits', 0],
      ['saturation: no container restarts', 0], ['saturation: no OOMKilled containers', 0],
      ['saturation: auth success rate > 99%', 0], ['saturation: exporter scraped', 0],
    ]);
    expect(code).toBe(0);
  }, 60_000);

  it('CPU crossing 70 % mid-run and a restart fail the monitoring phase, naming the pods with their values', async () => {
    const { code, s, stdout } = await run('hot', () => {
      const [gateway, data] = exporter.pods;
      gateway!.cpuCores = 3;
      data!.restarts += 1;
    });
    const byName = new Map(sat(s).map((c) => [c.name, c]));
    const cpu = byName.get('saturation: cpu < 70% of limits');
    expect(cpu?.fails).toBe(1);
    expect(cpu?.reasons[0]).toMatch(/^pod gateway-7d9f container app: \d+\.\d%, wanted <70\.0%, at \d\d:\d\d:\d\dZ (during|after) the load$/);
    expect(Number(/: (\d+\.\d)%/.exec(cpu?.reasons[0] ?? '')?.[1])).toBeGreaterThan(70);
    const restarts = byName.get('saturation: no container restarts');
    expect(restarts?.reasons[0]).toMatch(/^pod data-service-5c4b container app: [\d.]+, wanted ==0/);
    expect(byName.get('saturation: memory < 80% of limits')?.fails).toBe(0);
    expect(s.golive.phases.find((p) => p.name === 'monitoring')?.status).toBe('failed');
    expect(code).toBe(99);
    expect(stdout).toContain('pod gateway-7d9f');
  }, 60_000);

  it('one verdict for the 2x-baseline profile: the 2x stage fails its p95 and CPU saturation fails, each for its own reason', async () => {
    for (const p of exporter.pods) p.cpuCores = 0.2;
    // The last run's hot CPU must have left the rate window before this one starts.
    await waitFor('CPU back under its limit', async () => {
      const rows = await query(prom.url, 'max(rate(container_cpu_usage_seconds_total[5s]))');
      return Number(rows[0]?.value[1] ?? 1) < 0.3 ? true : undefined;
    }, 30_000);
    const { code, s } = await run('profile', () => { exporter.pods[0]!.cpuCores = 3; }, {
      api: ['--saturate', '12'],
      cli: ['--profile', '2x-baseline', '--baseline-rps', '10'],
      config: { profile: { name: '2x-baseline', warmupSeconds: 3, rampSeconds: 1, holdSeconds: 3 } },
    });
    const byKey = new Map(s.golive.thresholds.map((t) => [`${t.metric} ${t.expression}`, t.ok]));
    expect(byKey.get('http_req_duration{stage:baseline} p(95)<500')).toBe(true);
    expect(byKey.get('http_req_duration{stage:2x} p(95)<500')).toBe(false);
    const cpu = sat(s).find((c) => c.name === 'saturation: cpu < 70% of limits');
    expect(cpu?.reasons[0]).toMatch(/^pod gateway-7d9f container app: .* (during|after) the load$/);
    expect(s.golive.stages?.map((r) => [r.name, r.thresholds.failed])).toEqual([['baseline', 0], ['ramp', 0], ['2x', 1]]);
    expect(code).toBe(99);
  }, 60_000);
});
