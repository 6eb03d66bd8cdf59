// Pure manifest builders, table-tested without a cluster.
import { describe, expect, it } from 'vitest';
import type { V1Container, V1Job } from '@kubernetes/client-node';
import { planSchema, type PlanInput } from '../../src/contract/plan.js';
import { buildAnalysisTemplate } from '../../src/k8s/argo.js';
import { buildConfigMap } from '../../src/k8s/configmap.js';
import { buildCronJob } from '../../src/k8s/cronjob.js';
import { buildJob } from '../../src/k8s/job.js';
import { buildNetworkPolicy } from '../../src/k8s/network-policy.js';
import { buildRbac, ORCHESTRATOR_RULES, RUNNER_RULES } from '../../src/k8s/rbac.js';
import { renderManifests, toYaml } from '../../src/k8s/render.js';
import { makeRunnerPlan, makeSchedulePlan } from '../../src/k8s/runner-plan.js';

const SECRET = 'tok-never-rendered-3f9a';

const API_SERVER = { cidrs: ['10.0.0.1/32'], ports: [6443], source: 'flag' as const };

function runner(input: Partial<PlanInput> = {}, o: Parameters<typeof makeRunnerPlan>[1] = { runId: 'r1' }) {
  return makeRunnerPlan(planSchema.parse({ target: 'http://api.example:8080', token: SECRET, ...input }), { egressCidrs: ['203.0.113.10/32'], apiServer: API_SERVER, ...o });
}
const container = (j: V1Job): V1Container => {
  const c = j.spec?.template.spec?.containers[0];
  if (!c) throw new Error('no container');
  return c;
};

describe('buildJob', () => {
  it('is restricted, bounded and fails at once on a verdict', () => {
    const j = buildJob(runner());
    const spec = j.spec!;
    expect(j.metadata?.name).toBe('golive-r1');
    expect(j.metadata?.labels).toMatchObject({ 'app.kubernetes.io/name': 'golive', 'golive.dev/run-id': 'r1' });
    expect(spec.backoffLimit).toBe(2);
    expect(spec.activeDeadlineSeconds).toBe(900 + 300);
    expect(spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
    expect(spec.podFailurePolicy?.rules).toEqual([
      { action: 'FailJob', onExitCodes: { containerName: 'runner', operator: 'In', values: [99, 104] } },
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
    ]);
    const pod = spec.template.spec!;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    const c = container(j);
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true, runAsUser: 65532, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.resources?.requests).toBeDefined();
    expect(c.resources?.limits).toBeDefined();
    expect(c.volumeMounts?.map((m) => m.mountPath).sort()).toEqual(['/config', '/reports', '/tmp']);
    expect(pod.volumes?.filter((v) => v.emptyDir).map((v) => v.name).sort()).toEqual(['reports', 'tmp']);
  });

  it('--runner-memory sets the runner\'s memory request and limit, nothing else', () => {
    const c = container(buildJob(runner({}, { runId: 'r1', memory: '1Gi' })));
    expect(c.resources).toEqual({ requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(container(buildJob(runner())).resources?.limits?.memory).toBe('512Mi');
  });

  it('takes the token only from a secretKeyRef, never as a literal', () => {
    const j = buildJob(runner({}, { runId: 'r1', secretName: 's', secretKey: 'k' }));
    expect(container(j).env?.find((e) => e.name === 'GOLIVE_TOKEN')).toEqual({ name: 'GOLIVE_TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } });
    const everything = toYaml(renderManifests(runner(), { schedule: makeSchedulePlan() }));
    expect(everything).not.toContain(SECRET);
  });

  it.each([
    [1, ['check', '--config', '/config/golive.config.json', '--out', '/reports', '--emit-result']],
    [3, ['check', '--config', '/config/golive.config.json', '--out', '/reports', '--emit-result', '--segment', '$(GOLIVE_RUNNER_INDEX)/3']],
  ])('node runner with parallelism %i: Indexed Job and segment args', (n, args) => {
    const j = buildJob(runner({}, { runId: 'r1', parallelism: n }));
    expect(j.spec).toMatchObject({ completionMode: 'Indexed', completions: n, parallelism: n });
    expect(container(j).command).toEqual(['node', '/app/dist/golive.js']);
    expect(container(j).args).toEqual(args);
    expect(container(j).env?.find((e) => e.name === 'GOLIVE_RUNNER_INDEX')?.valueFrom?.fieldRef?.fieldPath)
      .toBe("metadata.annotations['batch.kubernetes.io/job-completion-index']");
  });

  it('k6 flavour: golive --engine k6 in the runner image, k6 copied from grafana/k6 by an init container, segment from the index', () => {
    const j = buildJob(runner({ engine: 'k6' }, { runId: 'r1', parallelism: 3 }));
    const c = container(j);
    expect(c.image).toBe('ghcr.io/golive/runner:0.1.0');
    expect(c.command).toEqual(['node', '/app/dist/golive.js']);
    expect(c.args).toEqual(['check', '--config', '/config/golive.config.json', '--out', '/reports', '--emit-result', '--segment', '$(GOLIVE_RUNNER_INDEX)/3', '--engine', 'k6']);
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ K6_BINARY: '/k6/k6', GOLIVE_K6_SCRIPT: '/config/golive.js' });
    expect(c.volumeMounts).toContainEqual({ name: 'k6', mountPath: '/k6', readOnly: true });
    const spec = j.spec?.template.spec;
    const init = spec?.initContainers?.[0];
    expect(init?.image).toBe('grafana/k6:1.1.0');
    expect(init?.command).toEqual(['sh', '-c', 'cp "$(command -v k6)" /k6/k6']);
    expect(init?.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false });
    expect(spec?.volumes).toContainEqual({ name: 'k6', emptyDir: { sizeLimit: '256Mi' } });
    expect(buildJob(runner({ engine: 'k6' }, { runId: 'r2', k6Image: 'localhost/golive/k6:1.1.0' })).spec?.template.spec?.initContainers?.[0]?.image).toBe('localhost/golive/k6:1.1.0');
    expect(buildJob(runner()).spec?.template.spec?.initContainers).toBeUndefined();
  });

  it('mounts a ServiceAccount token only for the cluster phase', () => {
    expect(buildJob(runner()).spec?.template.spec?.automountServiceAccountToken).toBe(false);
    expect(buildJob(runner({ phases: ['health', 'load'] })).spec?.template.spec?.automountServiceAccountToken).toBe(false);
    expect(buildJob(runner({ phases: ['cluster'] })).spec?.template.spec?.automountServiceAccountToken).toBe(true);
  });
});

describe('other builders', () => {
  it('CronJob: hourly by default, Forbid, starting deadline, job-name run id', () => {
    const cj = buildCronJob(runner(), makeSchedulePlan());
    expect(cj.spec).toMatchObject({ schedule: '0 * * * *', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 600 });
    const env = cj.spec?.jobTemplate.spec?.template.spec?.containers[0]?.env;
    expect(env?.find((e) => e.name === 'GOLIVE_RUN_ID')?.valueFrom?.fieldRef?.fieldPath).toBe("metadata.labels['batch.kubernetes.io/job-name']");
    expect(cj.spec?.jobTemplate.spec?.podFailurePolicy?.rules[0]?.action).toBe('FailJob');
    expect(buildCronJob(runner(), makeSchedulePlan({ schedule: '*/15 * * * *' })).spec?.schedule).toBe('*/15 * * * *');
  });

  it('ConfigMap: the plan without any secret, plus scripts', () => {
    const cm = buildConfigMap(runner({ prometheus: { password: 'pw-xyz', remoteWriteUrl: 'http://prom:9090/api/v1/write' } }), { 'golive.js': 'export default 1' });
    const cfg = JSON.parse(cm.data?.['golive.config.json'] ?? '{}') as Record<string, unknown>;
    expect(cfg.token).toBeUndefined();
    expect(JSON.stringify(cfg)).not.toContain('pw-xyz');
    expect(cfg.out).toBe('/reports');
    expect(cm.data?.['golive.js']).toBe('export default 1');
  });

  it('NetworkPolicy: DNS, in-cluster Services by namespace, external URLs by --egress-cidr, the API server by its addresses', () => {
    const np = buildNetworkPolicy(runner({ target: 'http://gateway.signal-trading.svc.cluster.local:8080',
      prometheus: { pushgatewayUrl: 'http://pgw:9091', remoteWriteUrl: 'http://prometheus.monitoring.svc:9090/api/v1/write' } }, { runId: 'r1', namespace: 'jobs', egressCidrs: [] }));
    expect(np.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    const rules = np.spec?.egress?.map((r) => ({ to: r.to?.map((t) => t.ipBlock?.cidr ?? t.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']), ports: r.ports?.map((p) => `${p.protocol}/${p.port}`) }));
    expect(rules).toEqual([
      { to: ['kube-system'], ports: ['UDP/53', 'TCP/53'] },
      { to: ['signal-trading'], ports: ['TCP/8080'] },
      { to: ['monitoring'], ports: ['TCP/9090'] },
      // a bare Service name is in the pods' own namespace
      { to: ['jobs'], ports: ['TCP/9091'] },
    ]);
    const external = buildNetworkPolicy(runner({ phases: ['health', 'cluster'] }));
    expect(external.spec?.egress?.slice(1).map((r) => [r.to?.map((t) => t.ipBlock?.cidr), r.ports?.map((p) => p.port)])).toEqual([
      [['203.0.113.10/32'], [8080]],
      [['10.0.0.1/32'], [6443]],
    ]);
    // Nothing "anything on 443": every rule names its peers.
    expect(external.spec?.egress?.every((r) => (r.to?.length ?? 0) > 0)).toBe(true);
  });

  it('NetworkPolicy with the edge phase: the HTTPS and redirect ports anywhere, and the --dns-server by IP', () => {
    const np = buildNetworkPolicy(runner({ target: 'https://app.example.com', phases: ['edge', 'health'], edge: { dnsServer: '10.0.0.2:5353' } }, { runId: 'r1', egressCidrs: [] }));
    const rules = np.spec?.egress ?? [];
    expect(rules.at(-2)).toEqual({ ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 443 }] });
    expect(rules.at(-1)).toEqual({ to: [{ ipBlock: { cidr: '10.0.0.2/32' } }], ports: [{ protocol: 'UDP', port: 5353 }, { protocol: 'TCP', port: 5353 }] });
    expect(buildNetworkPolicy(runner({ phases: ['health'] })).spec?.egress).toHaveLength(2);
  });

  it('NetworkPolicy inputs that would silently block are refused (104) with the flag to pass', () => {
    const plan = (input: Partial<PlanInput>) => planSchema.parse({ target: 'https://api.signaltrading.com', token: SECRET, phases: ['health'], ...input });
    expect(() => makeRunnerPlan(plan({}), { runId: 'r' })).toThrow(/^--egress-cidr: --target https:\/\/api\.signaltrading\.com is outside the cluster .* e\.g\. --egress-cidr 203\.0\.113\.10\/32$/);
    expect(() => makeRunnerPlan(plan({ target: 'http://10.0.0.7:8080' }), { runId: 'r' })).toThrow(/^--egress-cidr: --target/);
    expect(() => makeRunnerPlan(plan({ target: 'http://gw.ns.svc', prometheus: { url: 'https://prom.example.com' } }), { runId: 'r' })).toThrow(/^--egress-cidr: --prometheus-url/);
    expect(() => makeRunnerPlan(plan({ target: 'http://gw.ns.svc' }), { runId: 'r', egressCidrs: ['203.0.113.0/24'] })).toThrow(/^--egress-cidr: every URL of the plan is inside the cluster/);
    expect(() => makeRunnerPlan(plan({}), { runId: 'r', egressCidrs: ['203.0.113.10'] })).toThrow(/^--egress-cidr: expected an address range like 203\.0\.113\.10\/32/);
    expect(() => makeRunnerPlan(plan({ target: 'http://gw.ns.svc', phases: ['cluster'] }), { runId: 'r' })).toThrow(/^--api-server-cidr: the cluster phase needs the API server's addresses/);
  });

  it('two identities: the orchestrator runs Jobs, the runner only lists what the cluster phase reads; neither reads Secrets', () => {
    const names = { namespace: 'jobs', clusterNamespace: 'app', orchestrator: 'golive-orchestrator', runner: 'golive-runner' };
    const objs = buildRbac(names, true);
    expect(objs.map((o) => `${o.kind}/${o.metadata?.namespace}/${o.metadata?.name}`)).toEqual([
      'ServiceAccount/jobs/golive-orchestrator', 'Role/jobs/golive-orchestrator', 'RoleBinding/jobs/golive-orchestrator',
      'Role/default/golive-orchestrator-jobs-apiserver', 'RoleBinding/default/golive-orchestrator-jobs-apiserver',
      'ServiceAccount/jobs/golive-runner', 'Role/app/golive-runner', 'RoleBinding/app/golive-runner',
    ]);
    expect(objs.filter((o) => o.kind === 'ServiceAccount').map((o) => (o as { automountServiceAccountToken?: boolean }).automountServiceAccountToken)).toEqual([false, false]);
    const all = [...ORCHESTRATOR_RULES, ...RUNNER_RULES];
    expect(all.flatMap((r) => r.resources)).not.toContain('secrets');
    expect(all.every((r) => r.why.length > 0)).toBe(true);
    const writes = ORCHESTRATOR_RULES.filter((r) => r.verbs.some((v) => ['create', 'update', 'patch', 'delete'].includes(v))).flatMap((r) => r.resources);
    expect(writes.sort()).toEqual(['configmaps', 'cronjobs', 'jobs']);
    expect([...new Set(RUNNER_RULES.flatMap((r) => r.verbs))]).toEqual(['list']);
    // Without the cluster phase the runner has no Role at all.
    expect(buildRbac(names, false).filter((o) => o.metadata?.name === 'golive-runner').map((o) => o.kind)).toEqual(['ServiceAccount']);
  });

  it('runner pods run as the runner identity; Prometheus credentials come from optional Secret keys', () => {
    const j = buildJob(runner({ prometheus: { remoteWriteUrl: 'http://prometheus.monitoring.svc:9090/api/v1/write' } }));
    expect(j.spec?.template.spec?.serviceAccountName).toBe('golive-runner');
    const env = container(j).env ?? [];
    expect(env.filter((e) => e.name.startsWith('GOLIVE_PROMETHEUS_'))).toEqual([
      { name: 'GOLIVE_PROMETHEUS_USERNAME', valueFrom: { secretKeyRef: { name: 'golive-credentials', key: 'prometheus-username', optional: true } } },
      { name: 'GOLIVE_PROMETHEUS_PASSWORD', valueFrom: { secretKeyRef: { name: 'golive-credentials', key: 'prometheus-password', optional: true } } },
      { name: 'GOLIVE_PROMETHEUS_BEARER_TOKEN', valueFrom: { secretKeyRef: { name: 'golive-credentials', key: 'prometheus-bearer-token', optional: true } } },
    ]);
    const k6 = container(buildJob(runner({ engine: 'k6', prometheus: { remoteWriteUrl: 'http://prometheus.monitoring.svc:9090/api/v1/write' } }))).env ?? [];
    // the k6 runner is golive too: the same variables (golive hands them to k6's output, a bearer token included)
    expect(k6.filter((e) => e.name.startsWith('GOLIVE_PROMETHEUS_') && e.valueFrom).map((e) => e.name)).toEqual(['GOLIVE_PROMETHEUS_USERNAME', 'GOLIVE_PROMETHEUS_PASSWORD', 'GOLIVE_PROMETHEUS_BEARER_TOKEN']);
    expect(k6.some((e) => e.name.startsWith('K6_PROMETHEUS_'))).toBe(false);
    expect(container(buildJob(runner())).env?.some((e) => e.name.includes('PROMETHEUS'))).toBe(false);
  });

  it.each([
    ['--target', { target: 'http://alice:p@ss@gw.ns.svc:8080' }, 'user:password@', 'under the key token'],
    ['--target', { target: 'http://gw.ns.svc:8080/?api_key=KEY123' }, 'a query string', 'under the key token'],
    ['--prometheus-rw-url', { target: 'http://gw.ns.svc', prometheus: { remoteWriteUrl: 'http://bob:pw@prom.mon.svc:9090/api/v1/write' } }, 'user:password@', 'prometheus-username'],
    ['--pushgateway-url', { target: 'http://gw.ns.svc', prometheus: { pushgatewayUrl: 'http://pgw.mon.svc:9091/?token=TOK456' } }, 'a query string', 'prometheus-password'],
  ] as const)('a credential in %s is refused (104) with where it belongs, never echoed', (flag, input, what, how) => {
    let err: unknown;
    try { makeRunnerPlan(planSchema.parse({ token: SECRET, phases: ['health'], ...input }), { runId: 'r' }); } catch (e) { err = e; }
    expect(err).toMatchObject({ code: 'GOLIVE_USAGE' });
    const msg = (err as Error).message;
    expect(msg.startsWith(`${flag}: `)).toBe(true);
    expect(msg).toContain(`carries ${what}`);
    expect(msg).toContain(how);
    for (const s of ['p@ss', 'alice', 'KEY123', 'bob:pw', 'TOK456']) expect(msg).not.toContain(s);
  });

  it('AnalysisTemplate: the runner Job as a dry run with the canary target, and a verdict metric reading its pushed exit code', () => {
    const at = buildAnalysisTemplate(runner());
    expect(at.kind).toBe('AnalysisTemplate');
    const [golive, verdict] = at.spec.metrics;
    const job = golive.provider.job.spec;
    const c = job.template.spec?.containers[0];
    expect(c?.args?.slice(-2)).toEqual(['--target', '{{args.target}}']);
    expect(c?.env?.filter((e) => e.name === 'GOLIVE_TESTID' || e.name === 'GOLIVE_PUSHGATEWAY_URL')).toEqual([
      { name: 'GOLIVE_TESTID', value: '{{args.testid}}' }, { name: 'GOLIVE_PUSHGATEWAY_URL', value: '{{args.pushgateway}}' },
    ]);
    expect(job.podFailurePolicy).toBeDefined();
    // the Job's two outcomes are recorded, never the answer
    expect(at.spec.dryRun).toEqual([{ metricName: 'golive' }]);
    expect(verdict).toMatchObject({
      name: 'verdict', count: 1, failureLimit: 0, inconclusiveLimit: 0,
      successCondition: 'result[0] == 0', failureCondition: 'result[0] == 99',
      provider: { prometheus: { address: '{{args.prometheus}}' } },
    });
    expect(verdict.provider.prometheus.query).toBe('max(golive_run_exit_code{testid="{{args.testid}}"} and on(job, environment) (time() - push_time_seconds < 300))');
    // it waits (Error measurements, one per 10 s) longer than the Job may run
    expect(verdict.consecutiveErrorLimit * 10).toBeGreaterThan(job.activeDeadlineSeconds ?? Infinity);
    expect(at.spec.args.map((a) => a.name)).toEqual(['target', 'testid', 'pushgateway', 'prometheus']);
    expect(at.spec.args[0]).toEqual({ name: 'target', value: 'http://api.example:8080' });
  });
});
