// Pure manifest builders, table-tested without a cluster.
import { describe, expect, it } from 'vitest';
import type { V1Container, V1Job } from '@kubernetes/client-node';
import { planSchema, type PlanInput } from '../../src/config/schema.js';
import { buildAnalysisTemplate } from '../../src/k8s/argo.js';
import { buildConfigMap } from '../../src/k8s/configmap.js';
import { buildCronJob } from '../../src/k8s/cronjob.js';
import { buildJob } from '../../src/k8s/job.js';
import { buildNetworkPolicy } from '../../src/k8s/network-policy.js';
import { buildRole, RBAC_RULES } from '../../src/k8s/rbac.js';
import { renderManifests, toYaml } from '../../src/k8s/render.js';
import { makeRunnerPlan, makeSchedulePlan } from '../../src/k8s/runner-plan.js';

const SECRET = 'tok-never-rendered-3f9a';

function runner(input: Partial<PlanInput> = {}, o: Parameters<typeof makeRunnerPlan>[1] = { runId: 'r1' }) {
  return makeRunnerPlan(planSchema.parse({ target: 'http://api.example:8080', token: SECRET, ...input }), o);
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

  it('k6 flavour: grafana/k6 running the bundled script, segment from the index', () => {
    const j = buildJob(runner({ engine: 'k6' }, { runId: 'r1', parallelism: 3 }));
    const c = container(j);
    expect(c.image).toMatch(/^grafana\/k6:/);
    expect(c.command?.[0]).toBe('sh');
    const line = c.command?.[2] ?? '';
    expect(line).toContain('k6 run');
    expect(line).toContain('/config/golive.js');
    expect(line).toContain('GOLIVE_SEGMENT="$((GOLIVE_RUNNER_INDEX))/3:$((GOLIVE_RUNNER_INDEX+1))/3"');
    expect(line).toContain('--execution-segment-sequence "$GOLIVE_SEGMENT_SEQUENCE"');
    expect(line).toContain('GOLIVE_SEGMENT_SEQUENCE="0,1/3,2/3,1"');
    expect(c.env?.find((e) => e.name === 'GOLIVE_PLAN')?.value).toContain('"phases"');
  });

  it('mounts a ServiceAccount token only for the cluster phase', () => {
    expect(buildJob(runner()).spec?.template.spec?.automountServiceAccountToken).toBe(false);
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

  it('NetworkPolicy: DNS, target port, Prometheus ports; API server only for the cluster phase', () => {
    const np = buildNetworkPolicy(runner({ prometheus: { pushgatewayUrl: 'http://pgw:9091' } }));
    expect(np.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    const ports = np.spec?.egress?.map((r) => r.ports?.map((p) => `${p.protocol}/${p.port}`).join(','));
    expect(ports).toEqual(['UDP/53,TCP/53', 'TCP/8080', 'TCP/9091']);
    const withCluster = buildNetworkPolicy(runner({ phases: ['cluster'] }));
    expect(withCluster.spec?.egress?.at(-1)?.ports?.map((p) => p.port)).toEqual([443, 6443]);
  });

  it('NetworkPolicy with the edge phase: the HTTPS and redirect ports anywhere, and the --dns-server by IP', () => {
    const np = buildNetworkPolicy(runner({ target: 'https://app.example.com', phases: ['edge', 'health'], edge: { dnsServer: '10.0.0.2:5353' } }));
    const rules = np.spec?.egress ?? [];
    expect(rules.at(-2)).toEqual({ ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 443 }] });
    expect(rules.at(-1)).toEqual({ to: [{ ipBlock: { cidr: '10.0.0.2/32' } }], ports: [{ protocol: 'UDP', port: 5353 }, { protocol: 'TCP', port: 5353 }] });
    expect(buildNetworkPolicy(runner({ phases: ['health'] })).spec?.egress).toHaveLength(2);
  });

  it('Role: no Secrets, no writes beyond runs, configmaps and cronjobs', () => {
    const rules = buildRole({ namespace: 'ns', serviceAccountName: 'golive' }).rules ?? [];
    expect(rules.flatMap((r) => r.resources)).not.toContain('secrets');
    const writes = rules.filter((r) => r.verbs.some((v) => ['create', 'update', 'patch', 'delete'].includes(v))).flatMap((r) => r.resources);
    expect(writes.sort()).toEqual(['configmaps', 'cronjobs', 'jobs']);
    expect(RBAC_RULES.every((r) => r.why.length > 0)).toBe(true);
  });

  it('AnalysisTemplate: Job provider with the canary target as an argument', () => {
    const at = buildAnalysisTemplate(runner());
    expect(at.kind).toBe('AnalysisTemplate');
    const job = at.spec.metrics[0]?.provider.job.spec;
    expect(job?.template.spec?.containers[0]?.args?.slice(-2)).toEqual(['--target', '{{args.target}}']);
    expect(job?.podFailurePolicy).toBeDefined();
    expect(at.spec.args).toEqual([{ name: 'target', value: 'http://api.example:8080' }]);
  });
});
