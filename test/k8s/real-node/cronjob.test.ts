// The shipped CronJob (k8s/ through the test overlay that only adds hostNetwork), its schedule
// patched to every minute: the real CronJob controller fires it, the Job runs the runner image
// to Complete, and `concurrencyPolicy: Forbid` holds when a run outlasts the minute: at the next
// scheduled time the controller starts no second Job beside it (its JobAlreadyActive event).
import type { V1Job } from '@kubernetes/client-node';
import { expect, it } from 'vitest';
import { extractEmittedResult } from '../../../src/k8s/result-markers.js';
import { waitFor } from '../../support/wait.js';
import { describeRealNode } from './helpers/describe.js';
import { NS, useNodeEnv } from './helpers/node-env.js';
import { applyShipped, SHIPPED_CRONJOB } from './helpers/shipped.js';

const TOKEN = `tok-${crypto.randomUUID()}`;
// Long enough to span a minute boundary whenever the controller fires it (it fires on the minute).
const LOAD_SECONDS = 75;

describeRealNode('the shipped CronJob on a real node', () => {
  const ctx = useNodeEnv(TOKEN, { latency: { kind: 'uniform', minMs: 1, maxMs: 10 } });

  /** The CronJob's Jobs (by the controller's owner reference), oldest first. */
  async function cronJobJobs(): Promise<V1Job[]> {
    const list = await ctx.env.batch.listNamespacedJob({ namespace: NS });
    return list.items
      .filter((j) => j.metadata?.ownerReferences?.some((o) => o.kind === 'CronJob' && o.name === SHIPPED_CRONJOB && o.controller === true))
      .sort((a, b) => new Date(a.metadata?.creationTimestamp ?? 0).getTime() - new Date(b.metadata?.creationTimestamp ?? 0).getTime());
  }

  const withKubelet = async (e: unknown): Promise<never> => { throw new Error(`${String(e)}\nkubelet:\n${await ctx.env.node.kubeletLog()}`); };

  it('fires every minute through the CronJob controller; a run that outlasts the minute gets no second Job beside it (Forbid); the Job completes', async () => {
    await applyShipped(ctx.env, {
      kinds: ['ServiceAccount', 'Role', 'RoleBinding', 'NetworkPolicy', 'ConfigMap', 'CronJob'],
      config: (c) => {
        c.target = ctx.api.url;
        // An open-model load at 2/s for 75 s: a passing run that outlasts the minute. The schedule
        // lag allowance is the user's to set; two shared cores need more than the shipped 5 ms.
        c.load = { ...(c.load as object), maxScheduleLagMs: 1000, workload: { model: 'open', rate: 2, durationSeconds: LOAD_SECONDS } };
      },
    });
    const shipped = await ctx.env.batch.readNamespacedCronJob({ name: SHIPPED_CRONJOB, namespace: NS });
    expect(shipped.spec).toMatchObject({ schedule: '0 * * * *', concurrencyPolicy: 'Forbid' });
    await ctx.env.kubectl(['-n', NS, 'patch', 'cronjob', SHIPPED_CRONJOB, '--type=merge', '-p', '{"spec":{"schedule":"* * * * *"}}']);

    // The controller fires on the next minute (up to 60 s away) and names the Job after the scheduled minute.
    const first = await waitFor('the CronJob controller to create a Job', async () => (await cronJobJobs())[0], 150_000, 500).catch(withKubelet);
    const firstName = first.metadata?.name ?? '?';
    expect(firstName).toMatch(new RegExp(`^${SHIPPED_CRONJOB}-\\d+$`));

    // The next minute comes while the first run is still going: the controller skips it.
    const skipped = await waitFor('the JobAlreadyActive event (Forbid)', async () => {
      const ev = await ctx.env.core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.kind=CronJob,involvedObject.name=${SHIPPED_CRONJOB},reason=JobAlreadyActive` });
      return ev.items[0];
    }, 150_000, 500).catch(withKubelet);
    const skippedAt = new Date(skipped.firstTimestamp ?? skipped.eventTime ?? 0).getTime();

    const done = await waitFor(`Job ${firstName} finished`, async () => {
      const j = await ctx.env.batch.readNamespacedJobStatus({ name: firstName, namespace: NS });
      return j.status?.conditions?.some((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed')) ? j : undefined;
    }, 240_000, 500).catch(withKubelet);
    // No more runs from here on: a missed minute would otherwise start one as soon as this ended.
    await ctx.env.kubectl(['-n', NS, 'patch', 'cronjob', SHIPPED_CRONJOB, '--type=merge', '-p', '{"spec":{"suspend":true}}']);

    const pods = await ctx.env.jobPods(firstName);
    const logs = (await ctx.env.kubectl(['-n', NS, 'logs', pods[0]?.metadata?.name ?? '?', '-c', 'runner'])).stdout;
    const finished = done.status?.conditions?.find((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed'));
    expect(finished?.type, `${finished?.message ?? ''}\n${logs.split('---GOLIVE-RESULT-BEGIN---')[0]?.slice(-2000) ?? ''}`).toBe('Complete');
    expect(pods).toHaveLength(1);
    expect(pods[0]?.status?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(0);
    expect(pods[0]?.status?.containerStatuses?.[0]?.image).toBe(ctx.env.image.ref);

    // Forbid held: the skip came while the first run was active, and any later Job began after it ended.
    const completedAt = new Date(done.status?.completionTime ?? 0).getTime();
    expect(skippedAt).toBeGreaterThan(new Date(done.status?.startTime ?? 0).getTime());
    expect(skippedAt).toBeLessThan(completedAt);
    for (const j of (await cronJobJobs()).slice(1)) {
      expect(new Date(j.metadata?.creationTimestamp ?? 0).getTime(), j.metadata?.name).toBeGreaterThanOrEqual(completedAt);
    }

    // The run itself: it passed, and its run id is its Job's name (the pod's fieldRef, resolved by the kubelet).
    const got = extractEmittedResult(logs);
    if (got.kind !== 'ok') throw new Error(`runner log without a result (${got.kind}): ${logs.slice(-2000)}`);
    expect(got.result.golive.verdict).toBe('passed');
    expect(got.result.golive.runId).toBe(firstName);
    expect(got.result.golive.durationMs).toBeGreaterThan(60_000);
    expect(logs).not.toContain(TOKEN);
  }, 540_000);
});
