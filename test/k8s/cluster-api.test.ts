// Against a real control plane: every manifest passes server-side dry-run (admission,
// schema, Pod Security "restricted"); the ServiceAccount can do exactly what golive needs;
// the cluster phase reports a not-Ready pod and a Service without endpoints; a watch that
// keeps dropping ends in a one-line error.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planSchema } from '../../src/contract/plan.js';
import { systemClock } from '../../src/core/clock.js';
import { loadKubeConfig, makeClients } from '../../src/net/k8s-client.js';
import { followJob } from '../../src/k8s/follow.js';
import { readApiServerAddress } from '../../src/k8s/api-server.js';
import { API_SERVER_READ_RULES, ORCHESTRATOR_RULES, RUNNER_RULES, type Rule } from '../../src/k8s/rbac.js';
import { renderManifests, toYaml } from '../../src/k8s/render.js';
import { makeRunnerPlan, makeSchedulePlan } from '../../src/k8s/runner-plan.js';
import { compareHpaSamples, describeHpaScaling, hpaSampler, makeClusterPhase } from '../../src/phases/cluster.js';
import { watchHpasDuring } from '../../src/engine/hpa-watch.js';
import { startClusterEnv, waitFor, type ClusterEnv } from './helpers/cluster-env.js';
import { startFlakyProxy } from './helpers/flaky-proxy.js';

const NS = 'signal-trading';
const root = resolve(import.meta.dirname, '../..');
const exec = promisify(execFile);

describe('golive manifests, RBAC and the cluster phase on a real API server', () => {
  let env: ClusterEnv;
  let dir: string;
  const kubectl = (args: string[]) => exec(env.cp.kubectlPath, ['--kubeconfig', env.cp.kubeconfigPath, ...args], { timeout: 30_000 });

  beforeAll(async () => {
    env = await startClusterEnv(NS, { token: 'tok-cluster-api' });
    // The API server publishes its own address in the kubernetes EndpointSlice, but never a
    // loopback one, and an EndpointSlice may not hold one either (ours is 127.0.0.1). Write
    // what it would publish for a routable address (a documentation address: data only,
    // nothing connects to it).
    const { DiscoveryV1Api } = await import('@kubernetes/client-node');
    await env.kc.makeApiClient(DiscoveryV1Api).createNamespacedEndpointSlice({ namespace: 'default', body: {
      metadata: { name: 'kubernetes', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
      addressType: 'IPv4', endpoints: [{ addresses: ['192.0.2.10'], conditions: { ready: true } }],
      ports: [{ name: 'https', port: Number(new URL(env.cp.server).port), protocol: 'TCP' }],
    } });
    dir = await mkdtemp(join(tmpdir(), 'golive-k8s-api-'));
  }, 180_000);

  afterAll(async () => {
    await env?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('kubectl apply --dry-run=server accepts the kustomize base', async () => {
    const { stdout } = await kubectl(['apply', '--dry-run=server', '-k', join(root, 'k8s')]);
    for (const obj of ['serviceaccount/golive-orchestrator', 'role.rbac.authorization.k8s.io/golive-orchestrator', 'rolebinding.rbac.authorization.k8s.io/golive-orchestrator',
      'role.rbac.authorization.k8s.io/golive-orchestrator-signal-trading-apiserver', 'rolebinding.rbac.authorization.k8s.io/golive-orchestrator-signal-trading-apiserver',
      'serviceaccount/golive-runner', 'configmap/golive-config', 'networkpolicy.networking.k8s.io/golive-runner', 'job.batch/golive-oneoff', 'cronjob.batch/golive']) {
      expect(stdout).toMatch(new RegExp(`${obj.replace(/\./g, '\\.')} (created|configured|unchanged) \\(server dry run\\)`));
    }
  });

  it('kubectl apply --dry-run=server accepts the weekly sign-off CronJob and its NetworkPolicy (k8s/signoff/), without a Pod Security warning', async () => {
    const { stdout, stderr } = await kubectl(['apply', '--dry-run=server', '-k', join(root, 'k8s', 'signoff')]);
    expect(stdout).toMatch(/cronjob\.batch\/golive-weekly-signoff (created|configured|unchanged) \(server dry run\)/);
    expect(stdout).toMatch(/networkpolicy\.networking\.k8s\.io\/golive-signoff (created|configured|unchanged) \(server dry run\)/);
    expect(stderr).not.toMatch(/PodSecurity/i);
  });

  it.each([
    ['node', 1], ['node', 3], ['k6', 3],
  ] as const)('kubectl apply --dry-run=server accepts rendered %s manifests with %i runner(s)', async (engine, parallelism) => {
    const plan = planSchema.parse({ target: 'http://gateway.signal-trading.svc:8080', engine, phases: ['health', 'load', 'cluster'],
      prometheus: { remoteWriteUrl: 'http://prometheus.signal-trading-monitoring.svc:9090/api/v1/write' } });
    // The API server's addresses as `golive k8s` reads them, as the orchestrator identity.
    const apiServer = await readApiServerAddress(makeClients(loadKubeConfig(env.saKubeconfig)));
    const runner = makeRunnerPlan(plan, { runId: `dry-${engine}-${parallelism}`, parallelism, configMapName: `golive-dry-${engine}-${parallelism}`, apiServer });
    const file = join(dir, `${engine}-${parallelism}.yaml`);
    await writeFile(file, toYaml(renderManifests(runner, { schedule: makeSchedulePlan({ name: `golive-${engine}-${parallelism}` }), scripts: { 'golive.js': 'export default function () {}\n' } })));
    const { stdout } = await kubectl(['apply', '--dry-run=server', '-f', file]);
    expect(stdout).toContain(`job.batch/golive-dry-${engine}-${parallelism} created (server dry run)`);
    expect(stdout).toContain(`cronjob.batch/golive-${engine}-${parallelism} created (server dry run)`);
  });

  const canI = async (who: 'golive-orchestrator' | 'golive-runner', verb: string, resource: string, ns = NS): Promise<boolean> => {
    try {
      await kubectl(['auth', 'can-i', verb, resource, '-n', ns, `--as=system:serviceaccount:${NS}:${who}`]);
      return true;
    } catch (e) {
      if ((e as { code?: number }).code === 1) return false;
      throw e;
    }
  };

  /** [verb, resource[.group][/sub][/name]] for every verb of every rule, as kubectl auth can-i takes them. */
  const asked = (rules: readonly Rule[]) => rules.flatMap((r) => (r.resources ?? []).flatMap((res) => r.verbs.map((v) => {
    const group = r.apiGroups?.[0] ?? '';
    const [base, sub] = res.split('/');
    const name = r.resourceNames?.[0];
    return [v, `${base}${group ? `.${group}` : ''}${sub ? `/${sub}` : ''}${name ? `/${name}` : ''}`] as const;
  })));

  it('the API server\'s addresses: the orchestrator reads them from the kubernetes EndpointSlice', async () => {
    const a = await readApiServerAddress(makeClients(loadKubeConfig(env.saKubeconfig)));
    expect(a.source).toBe('endpoints');
    expect(a.cidrs).toEqual(['192.0.2.10/32']);
    expect(a.ports).toContain(Number(new URL(env.cp.server).port));
    // ...and the runner may not.
    await expect(readApiServerAddress(makeClients(loadKubeConfig(env.runnerKubeconfig)))).rejects.toThrow(/forbidden|lacks permission/);
  });

  it('kubectl auth can-i: each identity may do what it needs', async () => {
    const denied: string[] = [];
    for (const [verb, res] of asked(ORCHESTRATOR_RULES)) if (!(await canI('golive-orchestrator', verb, res))) denied.push(`orchestrator ${verb} ${res}`);
    for (const [verb, res] of asked(API_SERVER_READ_RULES)) if (!(await canI('golive-orchestrator', verb, res, 'default'))) denied.push(`orchestrator ${verb} ${res} in default`);
    for (const [verb, res] of asked(RUNNER_RULES)) if (!(await canI('golive-runner', verb, res))) denied.push(`runner ${verb} ${res}`);
    expect(asked(ORCHESTRATOR_RULES).length + asked(RUNNER_RULES).length).toBeGreaterThan(20);
    expect(denied).toEqual([]);
  }, 90_000);

  it('kubectl auth can-i: and nothing else', async () => {
    const everywhere: Array<[string, string, string?]> = [
      ['get', 'secrets'], ['list', 'secrets'], ['watch', 'secrets'], ['delete', 'deployments.apps'], ['update', 'deployments.apps'],
      ['patch', 'deployments.apps'], ['create', 'pods'], ['delete', 'pods'], ['create', 'pods/exec'], ['create', 'pods/eviction'],
      ['patch', 'jobs.batch'], ['update', 'jobs.batch'], ['delete', 'cronjobs.batch'], ['create', 'roles.rbac.authorization.k8s.io'],
      ['create', 'rolebindings.rbac.authorization.k8s.io'], ['delete', 'services'], ['create', 'serviceaccounts/token'],
      ['list', 'pods', 'kube-system'], ['create', 'jobs.batch', 'default'], ['get', 'configmaps', 'kube-system'], ['list', 'nodes', ''],
      ['list', 'endpointslices.discovery.k8s.io', 'default'], ['get', 'endpointslices.discovery.k8s.io/other', 'default'], ['get', 'secrets', 'default'],
    ];
    // The orchestrator needs no cluster-phase reads; the runner nothing but those lists.
    const orchestratorOnly: Array<[string, string]> = [['list', 'services'], ['list', 'deployments.apps'], ['list', 'ingresses.networking.k8s.io'], ['list', 'horizontalpodautoscalers.autoscaling']];
    const runnerOnly: Array<[string, string, string?]> = [
      ['create', 'jobs.batch'], ['get', 'jobs.batch'], ['watch', 'jobs.batch'], ['delete', 'jobs.batch'], ['create', 'cronjobs.batch'],
      ['create', 'configmaps'], ['update', 'configmaps'], ['get', 'configmaps'], ['get', 'pods/log'], ['get', 'pods'], ['watch', 'pods'],
      ['get', 'services'], ['get', 'endpointslices.discovery.k8s.io/kubernetes', 'default'],
    ];
    const allowed: string[] = [];
    for (const [verb, res, ns] of [...everywhere, ...orchestratorOnly]) if (await canI('golive-orchestrator', verb, res, ns ?? NS)) allowed.push(`orchestrator ${verb} ${res} in ${ns ?? NS}`);
    for (const [verb, res, ns] of [...everywhere, ...runnerOnly]) if (await canI('golive-runner', verb, res, ns ?? NS)) allowed.push(`runner ${verb} ${res} in ${ns ?? NS}`);
    expect(allowed).toEqual([]);
  }, 120_000);

  async function podWithStatus(name: string, labels: Record<string, string>, ready: boolean, podIP: string): Promise<void> {
    // Bound to a Node the test kubelet does not serve: this test writes the status a kubelet would.
    await env.core.createNamespacedPod({ namespace: NS, body: { metadata: { name, labels }, spec: { nodeName: 'manual-node', containers: [{ name: 'app', image: 'app:1',
      securityContext: { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } } }] } } });
    const pod: V1Pod = await env.core.readNamespacedPod({ name, namespace: NS });
    const now = new Date();
    const cond = (type: string) => ({ type, status: ready ? 'True' : 'False', lastTransitionTime: now, ...(ready ? {} : { reason: 'ContainersNotReady' }) });
    pod.status = {
      phase: 'Running', podIP, podIPs: [{ ip: podIP }], hostIP: '127.0.0.1', startTime: now,
      conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: now }, cond('ContainersReady'), cond('Ready')],
      containerStatuses: [{ name: 'app', image: 'app:1', imageID: '', ready, restartCount: 0, started: true, state: { running: { startedAt: now } } }],
    };
    await env.core.replaceNamespacedPodStatus({ name, namespace: NS, body: pod });
  }

  it('the cluster phase, as the runner identity, names a not-Ready pod and a Service without endpoints', async () => {
    // The EndpointSlice controller skips pods whose Node it cannot find.
    await env.core.createNode({ body: { metadata: { name: 'manual-node' } } });
    await podWithStatus('gateway-7d9f', { app: 'gateway' }, true, '10.1.0.5');
    await podWithStatus('data-service-abc', { app: 'data-service' }, false, '10.1.0.6');
    for (const app of ['gateway', 'data-service']) {
      await env.core.createNamespacedService({ namespace: NS, body: { metadata: { name: app }, spec: { selector: { app }, ports: [{ port: 80 }] } } });
    }
    // The real EndpointSlice controller publishes the ready gateway pod.
    await waitFor('gateway EndpointSlice', 30_000, async () => {
      const s = await env.kc.makeApiClient((await import('@kubernetes/client-node')).DiscoveryV1Api).listNamespacedEndpointSlice({ namespace: NS, labelSelector: 'kubernetes.io/service-name=gateway' });
      return s.items.some((x) => (x.endpoints ?? []).some((e) => e.conditions?.ready)) ? true : undefined;
    });
    // The runner's read-only Role is enough for everything the phase reads.
    const phase = makeClusterPhase({ clients: makeClients(loadKubeConfig(env.runnerKubeconfig)) });
    const plan = planSchema.parse({ target: 'http://x:1', phases: ['cluster'], cluster: { namespace: NS } });
    const out = await phase.run({ plan, signal: new AbortController().signal, clock: systemClock, emit: () => undefined });
    expect(out.status).toBe('failed');
    const checks = out.checks ?? [];
    const reasons = checks.filter((c) => c.fails > 0).flatMap((c) => c.reasons);
    expect(reasons).toContain('pod data-service-abc not Ready: ContainersNotReady');
    expect(reasons).toContain('service data-service has no ready endpoints');
    expect(reasons.filter((r) => r.includes('gateway'))).toEqual([]);
    expect(checks.find((c) => c.name === 'services have ready endpoints')?.passes).toBe(1);
  }, 60_000);

  it('the HPA sampler reads the namespace\'s HPAs through the API, as the runner identity, around a phase', async () => {
    const { AutoscalingV2Api } = await import('@kubernetes/client-node');
    await env.kc.makeApiClient(AutoscalingV2Api).createNamespacedHorizontalPodAutoscaler({ namespace: NS, body: {
      metadata: { name: 'gateway-hpa' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' }, minReplicas: 2, maxReplicas: 6,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] },
    } });
    const sample = hpaSampler(NS, { kubeconfig: env.runnerKubeconfig });
    const first = await sample();
    expect(first.map(({ name, min, max }) => ({ name, min, max }))).toEqual([{ name: 'gateway-hpa', min: 2, max: 6 }]);
    // The real sampler around a phase: before, during, after, and one note for the HPA.
    const phase = watchHpasDuring({ name: 'load', needs: [], run: async () => ({ status: 'passed' }) }, {
      sample, describe: (b, d) => compareHpaSamples(b, d).map(describeHpaScaling), intervalMs: 1000,
    });
    const out = await phase.run({ plan: planSchema.parse({ target: 'http://x:1' }), signal: new AbortController().signal, clock: systemClock, emit: () => undefined } as never);
    expect(out.status).toBe('passed');
    expect(out.notes).toEqual([expect.stringMatching(/^hpa gateway-hpa did not scale under load: \d+ replicas/)]);
  }, 60_000);

  it('a watch that keeps dropping ends in one line naming the Job', async () => {
    await env.batch.createNamespacedJob({ namespace: NS, body: { metadata: { name: 'never-runs' }, spec: { template: { spec: { schedulerName: 'manual', restartPolicy: 'Never', containers: [{ name: 'x', image: 'x',
      securityContext: { runAsNonRoot: true, runAsUser: 1, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } } }] } } } } });
    const proxy = await startFlakyProxy(Number(new URL(env.cp.server).port), 400);
    try {
      const kc = new KubeConfig();
      kc.loadFromFile(env.cp.kubeconfigPath);
      const cluster = kc.getCurrentCluster();
      kc.loadFromClusterAndUser({ ...cluster!, server: `https://127.0.0.1:${proxy.port}` } as never, kc.getCurrentUser()!);
      const drops: number[] = [];
      await expect(followJob(makeClients(kc, 5000), NS, 'never-runs', { deadline: Date.now() + 60_000, maxDropsInARow: 3, onEvent: (e) => { if (e.type === 'watch-dropped') drops.push(e.attempt); } }))
        .rejects.toThrow(/^watch on Job never-runs in signal-trading dropped 3 times in a row \(last error: .+\); the Job keeps running$/);
      expect(drops).toEqual([1, 2, 3]);
    } finally {
      await proxy.close();
    }
  }, 60_000);
});
