// The k6 flavour on a real node: `golive k8s render --engine k6` (the bundled k6 script in the
// ConfigMap; an init container from the grafana/k6-shaped image copies k6 into an emptyDir; the
// runner image runs `golive check --engine k6`) through the test overlay's hostNetwork patch, all
// under the restricted context. A passing run completes; a breached p(95)<500 makes the runner
// exit 99 and the Job fail by PodFailurePolicy after one pod.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildK6 } from '../../../src/engine/k6/bundle.mjs';
import { startReferenceApi, type ReferenceApi } from '../../../src/reference-api/server.js';
import type { BuiltImage } from '../../support/images.js';
import { ROOT, runCli } from '../../support/processes.js';
import { waitFor } from '../../support/wait.js';
import { describeRealNode } from './helpers/describe.js';
import { NS, startNodeEnv, type NodeEnv } from './helpers/node-env.js';
import { applyRendered } from './helpers/shipped.js';

const TOKEN = `tok-${crypto.randomUUID()}`;

describeRealNode('the k6 flavour on a real node', () => {
  let env: NodeEnv;
  let k6: BuiltImage;
  let fast: ReferenceApi;
  let slow: ReferenceApi;
  let dir: string;
  let scripts: string;

  beforeAll(async () => {
    [fast, slow] = await Promise.all([
      startReferenceApi({ port: 0, token: TOKEN, latency: { kind: 'uniform', minMs: 1, maxMs: 10 } }),
      startReferenceApi({ port: 0, token: TOKEN, latency: { kind: 'fixed', ms: 600 } }),
    ]);
    dir = await mkdtemp(join(tmpdir(), 'golive-k6-node-'));
    scripts = join(dir, 'k6');
    await buildK6(ROOT, { outDir: scripts });
    env = await startNodeEnv(TOKEN);
    k6 = env.k6;
    await env.node.importImage(k6.archive);
  }, 600_000);

  afterAll(async () => {
    await env?.stop();
    await Promise.all([fast?.close(), slow?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 120_000);

  async function runRendered(runId: string, target: string, flags: string[]) {
    const r = await runCli(['k8s', 'render', '--engine', 'k6', '--target', target, '--namespace', NS, '--run-id', runId,
      '--image', env.image.ref, '--k6-image', k6.ref, '--egress-cidr', '127.0.0.1/32', '--scripts-dir', scripts, ...flags]);
    expect(r.code, r.stderr).toBe(0);
    await applyRendered(env, r.stdout);
    const job = `golive-${runId}`;
    const cond = await waitFor(`Job ${job} finished`, async () => {
      const j = await env.batch.readNamespacedJobStatus({ name: job, namespace: NS });
      return j.status?.conditions?.find((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed'));
    }, 240_000, 500).catch(async (e: unknown) => { throw new Error(`${String(e)}\nkubelet:\n${await env.node.kubeletLog()}`); });
    const pods = await env.jobPods(job);
    const logs = (await env.kubectl(['-n', NS, 'logs', pods[0]?.metadata?.name ?? '?', '-c', 'runner'])).stdout;
    return { cond, pods, logs };
  }

  it('a passing run: k6 copied from the k6 image, run by golive in the runner image, completes the Job; its requests reached the target', async () => {
    const { cond, pods, logs } = await runRendered('k6-pass', fast.url, ['--phases', 'health,market-data,load', '--requests', '60', '--concurrency', '3']);
    expect(cond.type, logs.slice(-3000)).toBe('Complete');
    expect(pods).toHaveLength(1);
    expect(pods[0]?.status?.initContainerStatuses?.[0]).toMatchObject({ image: k6.ref, state: { terminated: { exitCode: 0 } } });
    const st = pods[0]?.status?.containerStatuses?.[0];
    expect(st?.image).toBe(env.image.ref);
    expect(st?.state?.terminated?.exitCode).toBe(0);
    expect(pods[0]?.spec?.containers[0]?.args).toContain('k6');
    // golive's verdict and its RunResult for the orchestrator, from inside the container
    expect(logs).toMatch(/golive PASSED/);
    expect(logs).toMatch(/engine k6/);
    expect(logs).toContain('---GOLIVE-RESULT-BEGIN---');
    expect(fast.requests()).toBe(64); // 2 health, 2 market-data, 60 load
    expect(logs).not.toContain(TOKEN);
  }, 300_000);

  it('a breached p(95)<500: k6 exits 99 and the Job fails by PodFailurePolicy after one pod', async () => {
    const { cond, pods, logs } = await runRendered('k6-slow', slow.url, ['--phases', 'load', '--requests', '20', '--concurrency', '10']);
    expect(cond).toMatchObject({ type: 'Failed', reason: 'PodFailurePolicy' });
    expect(pods).toHaveLength(1);
    expect(pods[0]?.status?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(99);
    expect(logs).toMatch(/✗.*p\(95\)<500/);
  }, 300_000);
});
