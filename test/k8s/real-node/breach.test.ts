// A breached threshold in the real runner container: it exits 99, and the shipped Job's
// podFailurePolicy fails the Job at once (a verdict is not a flake), so one pod ran although
// backoffLimit allows retries. Exit code and reason come from containerd through the kubelet.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReferenceApi, type ReferenceApi } from '../../../src/reference-api/server.js';
import { waitFor } from '../../support/wait.js';
import { describeRealNode } from './helpers/describe.js';
import { NS, startNodeEnv, type NodeEnv } from './helpers/node-env.js';
import { applyShipped, SHIPPED_JOB } from './helpers/shipped.js';

const TOKEN = `tok-${crypto.randomUUID()}`;

describeRealNode('a breached threshold on a real node', () => {
  let env: NodeEnv;
  let slow: ReferenceApi;

  beforeAll(async () => {
    // 600 ms answers against the shipped p(95)<500.
    slow = await startReferenceApi({ port: 0, token: TOKEN, latency: { kind: 'fixed', ms: 600 } });
    env = await startNodeEnv(TOKEN);
  }, 600_000);

  afterAll(async () => {
    await env?.stop();
    await slow?.close();
  }, 120_000);

  it('the runner exits 99 and the Job fails by PodFailurePolicy after one pod', async () => {
    await applyShipped(env, {
      kinds: ['ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'Job'],
      // load alone (health would fail first on 600 ms answers and skip it), few requests.
      config: (c) => { c.target = slow.url; c.phases = ['load']; c.load = { ...(c.load as object), workload: { model: 'closed', requests: 20, concurrency: 10 } }; },
    });
    const failed = await waitFor(`Job ${SHIPPED_JOB} finished`, async () => {
      const j = await env.batch.readNamespacedJobStatus({ name: SHIPPED_JOB, namespace: NS });
      return j.status?.conditions?.find((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed'));
    }, 240_000, 500).catch(async (e: unknown) => { throw new Error(`${String(e)}\nkubelet:\n${await env.node.kubeletLog()}`); });
    expect(failed).toMatchObject({ type: 'Failed', reason: 'PodFailurePolicy' });
    expect(failed.message).toMatch(/exit code 99/);
    const job = await env.batch.readNamespacedJob({ name: SHIPPED_JOB, namespace: NS });
    expect(job.spec?.backoffLimit).toBeGreaterThan(0);
    const pods = await env.jobPods(SHIPPED_JOB);
    expect(pods).toHaveLength(1);
    expect(pods[0]?.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 99, reason: 'Error' });
    const logs = (await env.kubectl(['-n', NS, 'logs', pods[0]?.metadata?.name ?? '?', '-c', 'runner'])).stdout;
    expect(logs).toContain('p(95)<500');
    expect(slow.requests()).toBe(20);
  }, 300_000);
});
