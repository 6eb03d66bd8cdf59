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
import { planSchema } from '../../src/config/schema.js';
import { systemClock } from '../../src/core/clock.js';
import { loadKubeConfig, makeClients } from '../../src/k8s/client.js';
import { followJob } from '../../src/k8s/follow.js';
import { RBAC_RULES } from '../../src/k8s/rbac.js';
import { renderManifests, toYaml } from '../../src/k8s/render.js';
import { makeRunnerPlan, makeSchedulePlan } from '../../src/k8s/runner-plan.js';
import { makeClusterPhase } from '../../src/phases/cluster.js';
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
    dir = await mkdtemp(join(tmpdir(), 'golive-k8s-api-'));
  }, 180_000);

  afterAll(async () => {
    await env?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('kubectl apply --dry-run=server accepts the kustomize base', async () => {
    const { stdout } = await kubectl(['apply', '--dry-run=server', '-k', join(root, 'k8s')]);
    for (const obj of ['serviceaccount/golive', 'role.rbac.authorization.k8s.io/golive', 'rolebinding.rbac.authorization.k8s.io/golive',
      'configmap/golive-config', 'networkpolicy.networking.k8s.io/golive-runner', 'job.batch/golive-oneoff', 'cronjob.batch/golive']) {
      expect(stdout).toMatch(new RegExp(`${obj.replace(/\./g, '\\.')} (created|configured|unchanged) \\(server dry run\\)`));
    }
  });

  it.each([
    ['node', 1], ['node', 3], ['k6', 3],
  ] as const)('kubectl apply --dry-run=server accepts rendered %s manifests with %i runner(s)', async (engine, parallelism) => {
    const plan = planSchema.parse({ target: 'http://gateway.signal-trading.svc:8080', engine, phases: ['health', 'load', 'cluster'],
      prometheus: { remoteWriteUrl: 'http://prometheus.signal-trading-monitoring.svc:9090/api/v1/write' } });
    const runner = makeRunnerPlan(plan, { runId: `dry-${engine}-${parallelism}`, parallelism, configMapName: `golive-dry-${engine}-${parallelism}` });
    const file = join(dir, `${engine}-${parallelism}.yaml`);
    await writeFile(file, toYaml(renderManifests(runner, { schedule: makeSchedulePlan({ name: `golive-${engine}-${parallelism}` }), scripts: { 'golive.js': 'export default function () {}\n' } })));
    const { stdout } = await kubectl(['apply', '--dry-run=server', '-f', file]);
    expect(stdout).toContain(`job.batch/golive-dry-${engine}-${parallelism} created (server dry run)`);
    expect(stdout).toContain(`cronjob.batch/golive-${engine}-${parallelism} created (server dry run)`);
  });

  const canI = async (verb: string, resource: string, ns = NS): Promise<boolean> => {
    try {
      await kubectl(['auth', 'can-i', verb, resource, '-n', ns, `--as=system:serviceaccount:${NS}:golive`]);
      return true;
    } catch (e) {
      if ((e as { code?: number }).code === 1) return false;
      throw e;
    }
  };

  it('kubectl auth can-i: the ServiceAccount may do what golive needs', async () => {
    const wanted = RBAC_RULES.flatMap((r) => (r.resources ?? []).flatMap((res) => r.verbs.map((v) => {
      const group = r.apiGroups?.[0] ?? '';
      const [base, sub] = res.split('/');
      return [v, `${base}${group ? `.${group}` : ''}${sub ? `/${sub}` : ''}`] as const;
    })));
    expect(wanted.length).toBeGreaterThan(20);
    const denied = [];
    for (const [verb, res] of wanted) if (!(await canI(verb, res))) denied.push(`${verb} ${res}`);
    expect(denied).toEqual([]);
  }, 60_000);

  it('kubectl auth can-i: and nothing else', async () => {
    const forbidden: Array<[string, string, string?]> = [
      ['get', 'secrets'], ['list', 'secrets'], ['watch', 'secrets'], ['delete', 'deployments.apps'], ['update', 'deployments.apps'],
      ['patch', 'deployments.apps'], ['create', 'pods'], ['delete', 'pods'], ['create', 'pods/exec'], ['create', 'pods/eviction'],
      ['patch', 'jobs.batch'], ['update', 'jobs.batch'], ['delete', 'cronjobs.batch'], ['create', 'roles.rbac.authorization.k8s.io'],
      ['create', 'rolebindings.rbac.authorization.k8s.io'], ['delete', 'services'], ['create', 'serviceaccounts/token'],
      ['list', 'pods', 'kube-system'], ['create', 'jobs.batch', 'default'], ['get', 'configmaps', 'kube-system'], ['list', 'nodes', ''],
    ];
    const allowed = [];
    for (const [verb, res, ns] of forbidden) if (await canI(verb, res, ns ?? NS)) allowed.push(`${verb} ${res} in ${ns ?? NS}`);
    expect(allowed).toEqual([]);
  }, 60_000);

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

  it('the cluster phase, as the ServiceAccount, names a not-Ready pod and a Service without endpoints', async () => {
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
    const phase = makeClusterPhase({ clients: makeClients(loadKubeConfig(env.saKubeconfig)) });
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
