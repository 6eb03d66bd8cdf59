// Issue 10 end to end, in one run of the real CLI: `golive check --profile 2x-baseline`
// with health, load, cluster and monitoring against the reference API with --saturate,
// a real Prometheus scraping the kube-state-metrics/cAdvisor-shaped test exporter, and
// the real API server of the test control plane holding a healthy namespace (a
// Deployment made available by the real controllers, a Ready pod behind a Service whose
// EndpointSlice the real controller publishes, an HPA at its minimum). The verdict must
// fail for the right reason only: the 2x stage's p95 (exit 99), the baseline stage, the
// cluster phase and the saturation checks passing.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, AutoscalingV2Api, DiscoveryV1Api, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/core/result.js';
import { startExporter, type Exporter, type PodState } from '../support/k8s-metrics-exporter.js';
import { runCli, spawnReferenceApi, type SpawnedApi } from '../support/processes.js';
import { query, startPrometheus, waitFor as waitProm, type Server } from '../support/prometheus.js';
import { startClusterEnv, waitFor, type ClusterEnv } from './helpers/cluster-env.js';
import { expectBaselinePassesTwoXBreaches } from '../support/capacity-verdict.js';

const NS = 'capacity-e2e';
const TOKEN = 'test-token-capacity-e2e';
const restricted = { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };

describe('golive check --profile 2x-baseline with cluster and monitoring, one run (real processes)', () => {
  let env: ClusterEnv;
  let exporter: Exporter;
  let prom: Server;
  let api: SpawnedApi;
  let dir: string;

  beforeAll(async () => {
    // Deployment pods are run by the test kubelet until it stops: Running and Ready.
    env = await startClusterEnv(NS, { token: TOKEN, run: (_pod, signal) => new Promise((done) => signal.addEventListener('abort', () => done({ exitCode: 0, logs: '' }))) });
    const apps = env.kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({ namespace: NS, body: {
      metadata: { name: 'worker' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'worker' } }, template: { metadata: { labels: { app: 'worker' } },
        spec: { containers: [{ name: 'app', image: 'app:1', securityContext: restricted }] } } },
    } });
    // A Ready pod behind a Service, bound to a Node the test kubelet does not serve (it would
    // publish 127.0.0.1, which an EndpointSlice may not hold); the test writes its status.
    await env.core.createNode({ body: { metadata: { name: 'manual-node' } } });
    await env.core.createNamespacedPod({ namespace: NS, body: { metadata: { name: 'gateway-7d9f', labels: { app: 'gateway' } },
      spec: { nodeName: 'manual-node', containers: [{ name: 'app', image: 'app:1', securityContext: restricted }] } } });
    const pod: V1Pod = await env.core.readNamespacedPod({ name: 'gateway-7d9f', namespace: NS });
    const now = new Date();
    pod.status = {
      phase: 'Running', podIP: '10.1.0.5', podIPs: [{ ip: '10.1.0.5' }], hostIP: '127.0.0.1', startTime: now,
      conditions: ['PodScheduled', 'ContainersReady', 'Ready'].map((type) => ({ type, status: 'True', lastTransitionTime: now })),
      containerStatuses: [{ name: 'app', image: 'app:1', imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: now } } }],
    };
    await env.core.replaceNamespacedPodStatus({ name: 'gateway-7d9f', namespace: NS, body: pod });
    await env.core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'gateway' }, spec: { selector: { app: 'gateway' }, ports: [{ port: 80 }] } } });
    const hpas = env.kc.makeApiClient(AutoscalingV2Api);
    await hpas.createNamespacedHorizontalPodAutoscaler({ namespace: NS, body: { metadata: { name: 'worker' }, spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'worker' }, minReplicas: 1, maxReplicas: 4,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    } } });
    // No metrics server: write the status the HPA controller would (retrying on its conflicts).
    await waitFor('hpa worker status written', 20_000, async () => {
      const cur = await hpas.readNamespacedHorizontalPodAutoscalerStatus({ name: 'worker', namespace: NS });
      cur.status = { ...cur.status, currentReplicas: 1, desiredReplicas: 1 };
      try {
        await hpas.replaceNamespacedHorizontalPodAutoscalerStatus({ name: 'worker', namespace: NS, body: cur });
        return true;
      } catch (err) {
        if ((err as { code?: number }).code === 409) return undefined;
        throw err;
      }
    });
    // The real controllers: the Deployment available, the gateway EndpointSlice ready.
    await waitFor('deployment worker available', 60_000, async () => {
      const d = await apps.readNamespacedDeployment({ name: 'worker', namespace: NS });
      return (d.status?.availableReplicas ?? 0) >= 1 ? true : undefined;
    });
    const discovery = env.kc.makeApiClient(DiscoveryV1Api);
    await waitFor('gateway EndpointSlice', 30_000, async () => {
      const s = await discovery.listNamespacedEndpointSlice({ namespace: NS, labelSelector: 'kubernetes.io/service-name=gateway' });
      return s.items.some((x) => (x.endpoints ?? []).some((e) => e.conditions?.ready)) ? true : undefined;
    });

    const podState = (name: string): PodState => ({ namespace: NS, pod: name, container: 'app', cpuLimitCores: 1, memoryLimitBytes: 512e6, cpuCores: 0.2, memoryBytes: 256e6, restarts: 0, oomKilled: false });
    exporter = await startExporter([podState('gateway-7d9f'), podState('worker-0')]);
    prom = await startPrometheus({ scrape: { k8s: [exporter.address] } });
    // rate() needs two scrapes before the first saturation sample.
    await waitProm('CPU ratios in Prometheus', async () => ((await query(prom.url, 'rate(container_cpu_usage_seconds_total[5s])')).length === 2 ? true : undefined), 30_000);
    // Capacity 12/s: the baseline (10/s) is under it, 2x (20/s) well over it.
    api = await spawnReferenceApi(TOKEN, ['--saturate', '12']);
    dir = await mkdtemp(join(tmpdir(), 'golive-capacity-e2e-'));
  }, 240_000);

  afterAll(async () => {
    await api?.stop();
    await prom?.stop();
    await exporter?.close();
    await env?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('exit 99 for the 2x stage threshold alone: baseline stage, cluster phase and saturation checks pass', async () => {
    const config = join(dir, 'golive.config.json');
    await writeFile(config, JSON.stringify({
      profile: { name: '2x-baseline', warmupSeconds: 3, rampSeconds: 1, holdSeconds: 3 },
      saturation: { defaults: true, intervalSeconds: 1, rateWindow: '5s' },
    }));
    const out = join(dir, 'out');
    const res = await runCli([
      'check', '--target', api.url, '--out', out, '--no-color', '--config', config,
      '--profile', '2x-baseline', '--baseline-rps', '10', '--phases', 'health,load,cluster,monitoring',
      '--prometheus-url', prom.url, '--namespace', NS, '--kubeconfig', env.runnerKubeconfig,
      // A busy shared machine delays timers: the generator's own lag limit is not what this test is about.
      '--max-schedule-lag', '250',
    ], { env: { GOLIVE_TOKEN: TOKEN } });
    const s = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunResult;
    expectBaselinePassesTwoXBreaches(s);
    // Nothing else failed but the default whole-load p95, which the 2x requests (most of the
    // load's samples) also push over: no failure rate, no baseline threshold.
    expect(s.golive.thresholds.filter((t) => !t.ok).map((t) => `${t.metric} ${t.expression}`).sort()).toEqual(['http_req_duration{phase:load} p(95)<500', 'http_req_duration{stage:2x} p(95)<500']);
    expect(s.golive.stages?.map((r) => [r.name, r.thresholds])).toEqual([
      ['baseline', { passed: 2, failed: 0 }], ['ramp', { passed: 0, failed: 0 }], ['2x', { passed: 1, failed: 1 }],
    ]);
    // The cluster phase read the healthy namespace as the runner identity and passed every check.
    const clusterChecks = s.golive.checks.filter((c) => c.phase === 'cluster');
    expect(clusterChecks.filter((c) => c.fails > 0).flatMap((c) => c.reasons)).toEqual([]);
    expect(clusterChecks.map((c) => c.name)).toEqual(expect.arrayContaining(['deployments available', 'pods running and ready', 'services have ready endpoints', 'hpas at or above minimum', 'namespace has pods']));
    expect(s.golive.phases.find((p) => p.name === 'cluster')?.status).toBe('passed');
    // The saturation defaults ran against the real Prometheus and passed.
    const sat = s.golive.checks.filter((c) => c.phase === 'monitoring' && c.name.startsWith('saturation:'));
    expect(sat.map((c) => [c.name, c.fails])).toEqual([
      ['saturation: cpu < 70% of limits', 0], ['saturation: memory < 80% of limits', 0],
      ['saturation: no container restarts', 0], ['saturation: no OOMKilled containers', 0],
    ]);
    expect(res.stdout).toMatch(/http_req_duration\{stage:2x\}\s+p\(95\)<500\s+p\(95\)=\d+/);
    expect(res.stdout).toMatch(/✗\s+2x\s+asked 20\.0\/s\s/);
    expect(res.code).toBe(99);
  }, 120_000);
});
