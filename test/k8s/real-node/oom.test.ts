// A runner killed by the kernel for exceeding its memory limit (a tiny --runner-memory):
// the real cgroup limit, the real OOM kill, containerd's OOMKilled reason through the
// kubelet. `golive k8s run` (the built CLI, as the orchestrator ServiceAccount) must report
// it as an infrastructure failure naming OOMKilled (109), never as a failed gate (99).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXIT } from '../../../src/core/errors.js';
import { startReferenceApi, type ReferenceApi } from '../../../src/reference-api/server.js';
import { runCli } from '../../support/processes.js';
import { describeRealNode } from './helpers/describe.js';
import { NS, startNodeEnv, type NodeEnv } from './helpers/node-env.js';
import { applyShipped } from './helpers/shipped.js';

const TOKEN = `tok-${crypto.randomUUID()}`;

describeRealNode('a runner OOM-killed on a real node', () => {
  let env: NodeEnv;
  let api: ReferenceApi;
  let out: string;

  beforeAll(async () => {
    api = await startReferenceApi({ port: 0, token: TOKEN });
    env = await startNodeEnv(TOKEN);
    out = await mkdtemp(join(tmpdir(), 'golive-oom-'));
    // The two identities of the shipped RBAC; no Job: golive k8s run makes its own.
    await applyShipped(env, { kinds: ['ServiceAccount', 'Role', 'RoleBinding'], config: () => undefined });
  }, 600_000);

  afterAll(async () => {
    await env?.stop();
    await api?.close();
    if (out) await rm(out, { recursive: true, force: true });
  }, 120_000);

  it('golive k8s run names OOMKilled as an infrastructure failure (109), not a failed gate', async () => {
    const token = await env.core.createNamespacedServiceAccountToken({ name: 'golive-orchestrator', namespace: NS, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
    const kubeconfig = await env.cp.kubeconfigForToken(token.status?.token ?? '', 'golive-orchestrator');
    const r = await runCli(['k8s', 'run', '--target', api.url, '--namespace', NS, '--kubeconfig', kubeconfig, '--run-id', 'oom-1',
      '--image', env.image.ref, '--runner-memory', '24Mi', '--egress-cidr', '127.0.0.1/32', '--cleanup', 'never',
      '--out', join(out, 'oom-1'), '--follow-timeout', '240'], { deadlineMs: 300_000 });
    expect(r.code, r.stderr).toBe(EXIT.k8sError);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('golive: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^golive: Job golive-oom-1 failed without a verdict \(BackoffLimitExceeded.*runner exit codes 0=137 OOMKilled; runner 0 OOMKilled: over its memory limit, raise --runner-memory\)$/);
    expect(r.stderr).not.toMatch(/threshold|exit 99|failed gate/i);

    // What the kubelet reported for every attempt (backoffLimit 2: three pods, each OOM-killed).
    const pods = await env.jobPods('golive-oom-1');
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.spec?.containers[0]?.resources?.limits?.memory).toBe('24Mi');
      expect(p.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
    }
    // The target was never reached: nothing here is evidence against it.
    expect(api.requests()).toBe(0);
  }, 300_000);
});
