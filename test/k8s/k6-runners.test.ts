// `golive k8s run --engine k6` against the real control plane, with the REAL k6 in the pods:
// the test kubelet runs the k6 flavour's init container (`sh -c 'cp "$(command -v k6)" /k6/k6'`,
// image grafana/k6) with the cached k6 first on PATH, then the runner (`node /app/dist/golive.js
// check --engine k6 …`: this repo's dist) with the bundled script from the ConfigMap and the
// pod's env (token from the Secret). The Job controller's reaction is the real one.
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildK6 } from '../../src/engine/k6/bundle.mjs';
import { startReferenceApi, type ReferenceApi } from '../../src/reference-api/server.js';
import { k6Binary } from '../support/k6.js';
import { readSummary } from '../support/parity.js';
import { ROOT, runCli } from '../support/processes.js';
import { query, startPrometheus, type Server } from '../support/prometheus.js';
import { clusterPodRunner } from './helpers/pod-runner.js';
import { goliveK8s } from './helpers/golive-k8s.js';
import { kubeletErrors, startClusterEnv, waitFor, type ClusterEnv } from './helpers/cluster-env.js';

const NS = 'golive-k6';
const TOKEN = `tok-${crypto.randomUUID()}`;

/**
 * Test-only: the three-runner test needs every request's own duration as the client saw it, to
 * compare the merged p95 with the exact p95 over all requests. golive keeps no raw samples (nor
 * should it: they are big), so the `k6` first on the pods' PATH is a wrapper that adds k6's own
 * `--out json=<samples>/<pid>.json` to `k6 run` (k6 takes several --out) and execs the real k6.
 * The init container copies this wrapper into the pod's /k6, as it would copy grafana/k6's k6.
 */
async function k6WithSamples(dir: string, samples: string): Promise<void> {
  await mkdir(samples, { recursive: true });
  const real = k6Binary();
  const script = `#!/bin/sh\nif [ "$1" = run ]; then shift; exec '${real}' run --out "json=${samples}/$$.json" "$@"; fi\nexec '${real}' "$@"\n`;
  await writeFile(join(dir, 'k6'), script);
  await chmod(join(dir, 'k6'), 0o755);
}

/** k6's own percentile: linear interpolation between the closest ranks. */
function percentile(sorted: readonly number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const a = sorted[lo] ?? Number.NaN;
  return a + ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? a) - a) * (pos - lo);
}

describe('golive k8s run --engine k6 with the real k6 in the runner pods', () => {
  let env: ClusterEnv;
  let fast: ReferenceApi;
  let slow: ReferenceApi;
  let prom: Server;
  let out: string;
  let scripts: string;
  let samples: string;

  beforeAll(async () => {
    [fast, slow] = await Promise.all([
      startReferenceApi({ port: 0, token: TOKEN, latency: { kind: 'fixed', ms: 40 } }),
      startReferenceApi({ port: 0, token: TOKEN, latency: { kind: 'fixed', ms: 600 } }),
    ]);
    prom = await startPrometheus({ nativeHistograms: true });
    out = await mkdtemp(join(tmpdir(), 'golive-k6-k8s-'));
    scripts = join(out, 'k6-scripts');
    await buildK6(ROOT, { outDir: scripts });
    samples = join(out, 'samples');
    const wrapper = join(out, 'bin');
    await mkdir(wrapper, { recursive: true });
    await k6WithSamples(wrapper, samples);
    const { CoreV1Api, KubeConfig } = await import('@kubernetes/client-node');
    env = await startClusterEnv(NS, {
      token: TOKEN,
      // grafana/k6's `k6` is the real k6 (through the sample-keeping wrapper): first on the pod's PATH.
      run: (pod, signal) => {
        const kc = new KubeConfig();
        kc.loadFromFile(env.cp.kubeconfigPath);
        return clusterPodRunner({
          core: kc.makeApiClient(CoreV1Api), baseEnv: { PATH: `${wrapper}:${dirname(k6Binary())}:${process.env['PATH'] ?? ''}` },
          // keep each runner's own summary (the pod's /reports), to check the merged p95 against
          afterRun: async (p, mounts) => {
            const dir = mounts.get('/reports');
            if (!dir) return;
            await mkdir(join(out, 'summaries'), { recursive: true });
            await copyFile(join(dir, 'summary.json'), join(out, 'summaries', `${p.metadata?.name ?? 'pod'}.json`)).catch(() => undefined);
          },
        })(pod, signal);
      },
    });
  }, 180_000);

  afterAll(async () => {
    await env?.stop();
    await Promise.all([fast?.close(), slow?.close(), prom?.stop()]);
    if (out) await rm(out, { recursive: true, force: true });
  }, 60_000);

  const golive = (args: string[]) => goliveK8s(env, out, args);

  const common = (target: string, runId: string) => [
    '--engine', 'k6', '--scripts-dir', scripts,
    '--target', target, '--namespace', NS, '--kubeconfig', env.saKubeconfig, '--run-id', runId,
    '--cleanup', 'never', '--out', join(out, runId), '--follow-timeout', '120', '--egress-cidr', '127.0.0.1/32',
  ];

  async function jobCondition(name: string) {
    const j = await env.batch.readNamespacedJobStatus({ name, namespace: NS });
    return j.status?.conditions?.find((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed'));
  }

  it('a passing run: k6 exits 0, the Job completes, golive exits 0', async () => {
    const before = fast.requests();
    const r = await golive(['run', ...common(fast.url, 'k6-pass'), '--phases', 'health,market-data,load', '--requests', '60', '--concurrency', '6']);
    expect(r.code, r.stderr + r.stdout + [...env.kubelet.logs.values()].join('\n')).toBe(0);
    expect((await jobCondition('golive-k6-pass'))?.type).toBe('Complete');
    // 2 health + 2 market-data (the token came from the Secret) + 60 load requests
    expect(fast.requests() - before).toBe(64);
    expect(r.stderr).not.toContain(TOKEN);
    expect(kubeletErrors(env.kubelet)).toEqual([]);
  }, 150_000);

  it('a breached threshold: k6 exits 99, the Job fails by PodFailurePolicy after one pod, golive exits 99', async () => {
    const r = await golive(['run', ...common(slow.url, 'k6-slow'), '--phases', 'load', '--requests', '20', '--concurrency', '10']);
    expect(r.code, r.stderr + r.stdout).toBe(99);
    expect(await jobCondition('golive-k6-slow')).toMatchObject({ type: 'Failed', reason: 'PodFailurePolicy' });
    expect([...env.kubelet.results.keys()].filter((k) => k.startsWith(`${NS}/golive-k6-slow-`))).toHaveLength(1);
  }, 150_000);

  it('three runners: execution segments split 301 requests exactly (101, 100, 100 as k6 stripes them); golive merges the runners\' histograms into one RunResult whose p95 is within 1 % of the exact p95 over all 301 requests (k6 raw samples)', async () => {
    const before = fast.requests();
    const testid = `k6-par-${Date.now()}`;
    await rm(samples, { recursive: true, force: true });
    await mkdir(samples, { recursive: true });
    const r = await golive(['run', ...common(fast.url, 'k6-par'), '--phases', 'load', '--requests', '301', '--concurrency', '6', '--parallelism', '3',
      '--testid', testid, '--prometheus-rw-url', `${prom.url}/api/v1/write`]);
    expect(r.code, r.stderr + r.stdout + [...env.kubelet.logs.entries()].filter(([k]) => k.includes('k6-par')).map(([k, v]) => `${k}:\n${v}`).join('\n')).toBe(0);
    expect(fast.requests() - before).toBe(301);
    // k6 remote-writes each runner's samples with its runner label (one series per writer)
    const per = await waitFor('per-runner request counts', 30_000, async () => {
      const rows = await query(prom.url, `sum by (runner) (k6_http_reqs_total{testid="${testid}", scenario="load"})`);
      return rows.length === 3 ? rows : undefined;
    });
    expect(per.map((x) => Number(x.value[1])).sort()).toEqual([100, 100, 101]);
    // The merged RunResult (the orchestrator's --out), built from the runners' HDR histograms
    const merged = await readSummary(join(out, 'k6-par'));
    expect(merged.golive.engine).toBe('k6');
    expect(merged.metrics['http_reqs{phase:load}']?.values['count']).toBe(301);
    const mergedP95 = merged.metrics['http_req_duration{phase:load}']?.values['p(95)'] ?? Number.NaN;
    const runnerP95 = await Promise.all(['0', '1', '2'].map(async (i) => {
      const files = [...env.kubelet.results.keys()].filter((k) => k.startsWith(`${NS}/golive-k6-par-${i}-`)).map((k) => join(out, 'summaries', `${k.split('/')[1] ?? ''}.json`));
      const s = JSON.parse(await readFile(files[0] ?? '', 'utf8')) as { metrics: Record<string, { values: Record<string, number> }> };
      return s.metrics['http_req_duration{phase:load}']?.values['p(95)'] ?? Number.NaN;
    }));
    // The truth: every load request's duration from the three runners' raw k6 samples (see k6WithSamples).
    const all: number[] = [];
    const files = await readdir(samples);
    expect(files).toHaveLength(3);
    for (const f of files) {
      for (const line of (await readFile(join(samples, f), 'utf8')).split('\n')) {
        if (!line.includes('"http_req_duration"')) continue;
        const pt = JSON.parse(line) as { type: string; metric: string; data: { value: number; tags?: Record<string, string> } };
        if (pt.type === 'Point' && pt.metric === 'http_req_duration' && pt.data.tags?.['scenario'] === 'load') all.push(pt.data.value);
      }
    }
    expect(all).toHaveLength(301);
    const exactP95 = percentile(all.sort((a, b) => a - b), 0.95);
    const msg = `merged ${mergedP95} ms, exact over all ${exactP95} ms, runners ${runnerP95.join(', ')} ms`;
    expect(Math.abs(mergedP95 / exactP95 - 1), msg).toBeLessThanOrEqual(0.01);
    // and the same load through the node engine, against the same fixed-latency server (reported:
    // on two shared cores three k6 processes at once see more delay than one Node process alone)
    const nodeOut = join(out, 'node-par');
    const node = await runCli(['check', '--target', fast.url, '--out', nodeOut, '--phases', 'load', '--requests', '301', '--concurrency', '6'], { env: { GOLIVE_TOKEN: TOKEN } });
    expect(node.code, node.stderr).toBe(0);
    const nodeP95 = (await readSummary(nodeOut)).metrics['http_req_duration{phase:load}']?.values['p(95)'] ?? Number.NaN;
    console.log(`k6 merged p95 ${mergedP95.toFixed(2)} ms, exact p95 over all 301 requests ${exactP95.toFixed(2)} ms (${((mergedP95 / exactP95 - 1) * 100).toFixed(2)} %) (runners ${runnerP95.map((x) => x.toFixed(2)).join(', ')}), node engine p95 ${nodeP95.toFixed(2)} ms`);
    expect(nodeP95).toBeGreaterThanOrEqual(40);
  }, 200_000);
});
