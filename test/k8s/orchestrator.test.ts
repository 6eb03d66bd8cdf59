// `golive k8s run|schedule` against a real kube-apiserver + kube-controller-manager, as the
// golive ServiceAccount (so the Role is proven sufficient). The pods' workload is the real
// node runner (`node dist/golive.js check ...`), run by the test kubelet as a local process
// against a reference API on loopback; the Job controller's reaction is the real one.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hdr from 'hdr-histogram-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/core/result.js';
import { extractEmittedResult } from '../../src/k8s/result-markers.js';
import { startReferenceApi, type ReferenceApi } from '../../src/reference-api/server.js';
import { goliveK8s } from './helpers/golive-k8s.js';
import { kubeletErrors, startClusterEnv, type ClusterEnv } from './helpers/cluster-env.js';

const NS = 'golive-run';
const TOKEN = `tok-${crypto.randomUUID()}`;

describe('golive k8s against a real control plane', () => {
  let env: ClusterEnv;
  let fast: ReferenceApi;
  let slow: ReferenceApi;
  let out: string;

  beforeAll(async () => {
    // The pods run the built CLI, as the node runner image would.
    if (!existsSync(join(import.meta.dirname, '../../dist/golive.js'))) throw new Error('dist/golive.js missing: run `npm run build` (npm test does it in pretest)');
    [fast, slow] = await Promise.all([
      startReferenceApi({ port: 0, token: TOKEN, latency: { kind: 'uniform', minMs: 1, maxMs: 30 } }),
      startReferenceApi({ port: 0, token: TOKEN, latency: { kind: 'fixed', ms: 600 } }),
    ]);
    env = await startClusterEnv(NS, { token: TOKEN });
    out = await mkdtemp(join(tmpdir(), 'golive-k8s-out-'));
  }, 180_000);

  afterAll(async () => {
    await env?.stop();
    await Promise.all([fast?.close(), slow?.close()]);
    if (out) await rm(out, { recursive: true, force: true });
  }, 60_000);

  const golive = (args: string[]) => goliveK8s(env, out, args);

  const common = (target: string, runId: string) => [
    '--target', target, '--namespace', NS, '--kubeconfig', env.saKubeconfig, '--run-id', runId,
    '--image', 'golive-runner:test', '--cleanup', 'never', '--out', join(out, runId), '--follow-timeout', '120',
    // The reference API is on loopback: outside the pod network, so it needs an explicit egress range.
    '--egress-cidr', '127.0.0.1/32',
  ];

  async function jobCondition(name: string) {
    const j = await env.batch.readNamespacedJobStatus({ name, namespace: NS });
    return j.status?.conditions?.find((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed'));
  }

  it('a passing run: Job Complete, exit 0, token from the Secret', async () => {
    const r = await golive(['run', ...common(fast.url, 'pass-1'), '--phases', 'health,market-data,load', '--requests', '120', '--concurrency', '6', '--json']);
    expect(r.stderr).not.toContain(TOKEN);
    expect(r.code, r.stderr).toBe(0);
    expect((await jobCondition('golive-pass-1'))?.type).toBe('Complete');
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.golive.verdict).toBe('passed');
    expect(result.metrics['http_reqs{phase:load}']?.values.count).toBe(120);
    // market-data passed, so the runner had the token, which only the Secret carried.
    expect(result.golive.phases.find((p) => p.name === 'market-data')?.status).toBe('passed');
    expect(kubeletErrors(env.kubelet)).toEqual([]);
  }, 150_000);

  it('a failing threshold: runner exits 99, the Job fails at once by podFailurePolicy, exit 99', async () => {
    // load alone: with health in the plan, the 600 ms health answers fail health first and load is skipped.
    const r = await golive(['run', ...common(slow.url, 'slow-1'), '--phases', 'load', '--requests', '20', '--concurrency', '10', '--parallelism', '1']);
    expect(r.code, r.stderr).toBe(99);
    const cond = await jobCondition('golive-slow-1');
    expect(cond).toMatchObject({ type: 'Failed', reason: 'PodFailurePolicy' });
    // backoffLimit is 2, yet a verdict is not retried: one pod ran.
    expect([...env.kubelet.results.keys()].filter((k) => k.startsWith(`${NS}/golive-slow-1-`))).toHaveLength(1);
    expect(r.stdout).toContain('p(95)<500');
  }, 150_000);

  it('three parallel runners: shares sum to the total, merged p95 equals the p95 over all samples', async () => {
    const r = await golive(['run', ...common(fast.url, 'par-3'), '--phases', 'load', '--requests', '301', '--concurrency', '6', '--parallelism', '3', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const merged = JSON.parse(r.stdout) as RunResult;
    const runners = [...env.kubelet.logs.entries()].filter(([k]) => k.startsWith(`${NS}/golive-par-3-`)).map(([, text]) => {
      const got = extractEmittedResult(text);
      if (got.kind !== 'ok') throw new Error(`runner log without result: ${got.kind}`);
      return got.result;
    });
    expect(runners).toHaveLength(3);
    const counts = runners.map((x) => x.metrics['http_reqs{phase:load}']?.values.count).sort();
    expect(counts).toEqual([100, 100, 101]);
    expect(merged.metrics['http_reqs{phase:load}']?.values.count).toBe(301);
    // Truth, computed independently: every runner's load latencies in one histogram.
    const all = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
    let min = Infinity;
    let max = -Infinity;
    for (const x of runners) {
      for (const s of x.golive.series ?? []) {
        if (s.name !== 'http_req_duration' || s.tags.phase !== 'load' || !s.hdr) continue;
        all.add(hdr.decodeFromCompressedBase64(s.hdr));
        min = Math.min(min, s.min ?? Infinity);
        max = Math.max(max, s.max ?? -Infinity);
      }
    }
    expect(all.totalCount).toBe(301);
    const truth = Math.min(max, Math.max(min, all.getValueAtPercentile(95) / 1000));
    expect(merged.metrics['http_req_duration{phase:load}']?.values['p(95)']).toBe(truth);
  }, 150_000);

  it('golive k8s schedule creates, then updates, the CronJob', async () => {
    const args = ['schedule', '--target', fast.url, '--namespace', NS, '--kubeconfig', env.saKubeconfig, '--name', 'golive-hourly', '--egress-cidr', '127.0.0.1/32'];
    const first = await golive(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('CronJob golive-hourly created');
    const cj = await env.batch.readNamespacedCronJob({ name: 'golive-hourly', namespace: NS });
    expect(cj.spec).toMatchObject({ schedule: '0 * * * *', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 600 });
    expect(cj.spec?.jobTemplate.spec?.podFailurePolicy?.rules[0]).toMatchObject({ action: 'FailJob' });
    expect(cj.spec?.jobTemplate.spec?.template.spec?.containers[0]?.securityContext?.readOnlyRootFilesystem).toBe(true);
    const again = await golive([...args, '--schedule', '*/30 * * * *']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('CronJob golive-hourly updated');
    expect((await env.batch.readNamespacedCronJob({ name: 'golive-hourly', namespace: NS })).spec?.schedule).toBe('*/30 * * * *');
  }, 60_000);

  it('one-line errors: unreachable API server, 403 naming the permission, 409 on a foreign Job', async () => {
    const down = await golive(['run', '--target', fast.url, '--egress-cidr', '127.0.0.1/32', '--namespace', NS, '--kubeconfig', await env.cp.kubeconfigForToken('x', 'down').then(async (p) => {
      const { readFile, writeFile } = await import('node:fs/promises');
      await writeFile(p, (await readFile(p, 'utf8')).replace(/server: https:\/\/127\.0\.0\.1:\d+/, 'server: https://127.0.0.1:1'));
      return p;
    })]);
    expect(down.code).toBe(109);
    const errorLines = (text: string) => text.split('\n').filter((l) => l.startsWith('golive: '));
    expect(errorLines(down.stderr)).toHaveLength(1);
    expect(errorLines(down.stderr)[0]).toMatch(/^golive: cannot create ConfigMap golive-\S+ in golive-run: Kubernetes API server https:\/\/127.0.0.1:1 unreachable \(ECONNREFUSED\)/);

    const other = await golive(['run', '--target', fast.url, '--egress-cidr', '127.0.0.1/32', '--namespace', 'default', '--kubeconfig', env.saKubeconfig]);
    expect(other.code).toBe(109);
    expect(errorLines(other.stderr)).toEqual([expect.stringMatching(/system:serviceaccount:golive-run:golive-orchestrator lacks permission "create" on "configmaps" in namespace default/)]);

    await env.batch.createNamespacedJob({ namespace: NS, body: { metadata: { name: 'golive-taken' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'x', image: 'x',
      securityContext: { runAsNonRoot: true, runAsUser: 1, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } } }] } } } } });
    const taken = await golive(['run', ...common(fast.url, 'taken')]);
    expect(taken.code).toBe(109);
    expect(errorLines(taken.stderr)).toEqual([expect.stringMatching(/conflict, a Job of that name exists and is not run taken/)]);
  }, 60_000);
});
