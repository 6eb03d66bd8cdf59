// The shipped Job (k8s/ through the test overlay that only adds hostNetwork) runs the real
// runner image under containerd and a real kubelet, and passes against the reference API.
// The verdict is read the way `golive k8s run` reads it: the runner's log, served by the
// kubelet through the API server.
import { expect, it } from 'vitest';
import type { RunResult } from '../../../src/core/result.js';
import { extractEmittedResult } from '../../../src/k8s/result-markers.js';
import { waitFor } from '../../support/wait.js';
import { describeRealNode } from './helpers/describe.js';
import { NS, useNodeEnv } from './helpers/node-env.js';
import { applyShipped, SHIPPED_JOB } from './helpers/shipped.js';

const TOKEN = `tok-${crypto.randomUUID()}`;

describeRealNode('the shipped Job on a real node', () => {
  const ctx = useNodeEnv(TOKEN, { latency: { kind: 'uniform', minMs: 1, maxMs: 10 } });

  it('runs the runner image to Complete; the runner passed health, market-data and the runbook load', async () => {
    const warnings = await applyShipped(ctx.env, { kinds: ['ServiceAccount', 'Role', 'RoleBinding', 'NetworkPolicy', 'ConfigMap', 'Job'], config: (c) => { c.target = ctx.api.url; } });
    // Pod Security "restricted" (warn) finds exactly one thing: the overlay's hostNetwork.
    const findings = warnings.split('\n').filter((l) => l.includes('would violate PodSecurity'));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(/"restricted:latest": host namespaces \(hostNetwork=true\)$/);

    const job = await waitFor(`Job ${SHIPPED_JOB} finished`, async () => {
      const j = await ctx.env.batch.readNamespacedJobStatus({ name: SHIPPED_JOB, namespace: NS });
      return j.status?.conditions?.find((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed'));
    }, 240_000, 500).catch(async (e: unknown) => { throw new Error(`${String(e)}\nkubelet:\n${await ctx.env.node.kubeletLog()}`); });
    const pods = await ctx.env.jobPods(SHIPPED_JOB);
    const logs = (await ctx.env.kubectl(['-n', NS, 'logs', pods[0]?.metadata?.name ?? '?', '-c', 'runner'])).stdout;
    expect(job.type, logs.slice(-3000)).toBe('Complete');
    expect(pods).toHaveLength(1);
    const st = pods[0]?.status?.containerStatuses?.[0];
    expect(pods[0]?.spec?.nodeName).toBe(ctx.env.node.nodeName);
    expect(st?.image).toBe(ctx.env.image.ref);
    expect(st?.imageID).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(st?.state?.terminated?.exitCode).toBe(0);

    const got = extractEmittedResult(logs);
    if (got.kind !== 'ok') throw new Error(`runner log without a result (${got.kind}): ${logs.slice(-2000)}`);
    const result: RunResult = got.result;
    expect(result.golive.verdict).toBe('passed');
    expect(result.golive.phases.map((p) => [p.name, p.status])).toEqual([['health', 'passed'], ['market-data', 'passed'], ['load', 'passed']]);
    // The runbook's ab -n 1000 -c 10, sent from inside the container and counted by the target.
    expect(result.metrics['http_reqs{phase:load}']?.values.count).toBe(1000);
    expect(ctx.api.requests()).toBeGreaterThanOrEqual(1000);
    expect(logs).not.toContain(TOKEN);
  }, 300_000);
});
