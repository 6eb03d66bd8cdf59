// The scale-out gate against a real API server (and its HPA controller): HPAs whose
// status the test moves while a load runs, sampled by the real hpaSampler as the
// runner's ServiceAccount. Scale-out in time passes; never scaling out fails once
// the allowance has passed (the watch samples on after the load for it); a maxed-out
// HPA fails. There is no metrics server: the test writes the status the HPA
// controller would.
import { AutoscalingV2Api, type V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planSchema } from '../../src/contract/plan.js';
import { ScaleOutLog, watchHpasDuring } from '../../src/engine/hpa-watch.js';
import { compareHpaSamples, describeHpaScaling, hpaSampler, makeClusterPhase, SCALE_OUT_CHECK } from '../../src/phases/cluster.js';
import type { HpaSample } from '../../src/phases/cluster.js';
import { loadKubeConfig, makeClients } from '../../src/net/k8s-client.js';
import type { PhaseContext, PhaseRunner } from '../../src/phases/types.js';
import { startClusterEnv, waitFor, type ClusterEnv } from './helpers/cluster-env.js';

const NS = 'capacity';
const WITHIN_MS = 4000;

describe('--require-scale-out against a real API server', () => {
  let env: ClusterEnv;
  let api: AutoscalingV2Api;

  const hpa = (name: string, max: number): V2HorizontalPodAutoscaler => ({
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: 2, maxReplicas: max,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
  });

  /** Writes the status the HPA controller would, retrying on a conflict with it. */
  async function setStatus(name: string, desired: number, cpu: number): Promise<void> {
    await waitFor(`status of hpa ${name} written`, 20_000, async () => {
      const cur = await api.readNamespacedHorizontalPodAutoscalerStatus({ name, namespace: NS });
      cur.status = {
        ...cur.status, currentReplicas: desired, desiredReplicas: desired,
        currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: cpu } } }],
      };
      try {
        await api.replaceNamespacedHorizontalPodAutoscalerStatus({ name, namespace: NS, body: cur });
        return true;
      } catch (err) {
        if ((err as { code?: number }).code === 409) return undefined;
        throw err;
      }
    });
  }

  beforeAll(async () => {
    env = await startClusterEnv(NS, { token: 'tok-hpa-gate' });
    api = env.kc.makeApiClient(AutoscalingV2Api);
    for (const [name, max] of [['gateway', 10], ['data-service', 10], ['worker', 4]] as const) {
      await api.createNamespacedHorizontalPodAutoscaler({ namespace: NS, body: hpa(name, max) });
      await setStatus(name, 2, 30);
    }
  }, 180_000);

  afterAll(async () => { await env?.stop(); }, 60_000);

  it('hpaSampler reads desired/current replicas and utilisation against target through the API, as the runner identity', async () => {
    const sample = hpaSampler(NS, { kubeconfig: env.runnerKubeconfig });
    const rows = await sample();
    expect(rows.map((r) => r.name).sort()).toEqual(['data-service', 'gateway', 'worker']);
    expect(rows.find((r) => r.name === 'worker')).toMatchObject({ desired: 2, current: 2, min: 2, max: 4, utilisation: [{ resource: 'cpu', target: 70, current: 30 }] });
  });

  it('scale-out in time passes, never scaling out fails after the allowance, maxed out fails; the timeline is in the notes', async () => {
    const gate = new ScaleOutLog(WITHIN_MS, (start) => ({ startMs: start, endMs: Infinity, label: 'the load' }));
    const seen = (pred: (s: HpaSample) => boolean) => (): Promise<true | undefined> => Promise.resolve(gate.samples.some(pred) ? true : undefined);
    // The "load": while it runs, the HPAs are pushed past their target, then two of them react.
    const load: PhaseRunner = {
      name: 'load', needs: [],
      async run() {
        for (const name of ['gateway', 'data-service', 'worker']) await setStatus(name, 2, 92);
        await waitFor('the watch to see every HPA above its target', 20_000, seen((s) => s.name === 'worker' && (s.utilisation?.[0]?.current ?? 0) > 70));
        await setStatus('gateway', 4, 85);
        await setStatus('worker', 4, 95);
        await waitFor('the watch to see gateway scale out', 20_000, seen((s) => s.name === 'gateway' && s.desired === 4));
        await waitFor('the watch to see worker at its maximum', 20_000, seen((s) => s.name === 'worker' && s.desired === 4));
        return { status: 'passed' };
      },
    };
    const ctx: PhaseContext = {
      plan: planSchema.parse({ target: 'http://127.0.0.1:1', phases: ['cluster'], cluster: { namespace: NS } }),
      signal: new AbortController().signal, clock: { now: () => performance.now() }, emit: () => undefined,
    };
    const watched = watchHpasDuring(load, {
      sample: hpaSampler(NS, { kubeconfig: env.runnerKubeconfig }),
      describe: (b, d) => compareHpaSamples(b, d).map(describeHpaScaling),
      intervalMs: 300,
      gate,
    });
    const started = Date.now();
    const loadOut = await watched.run(ctx);
    expect(loadOut.status).toBe('passed');
    // data-service crossed and never scaled: the watch sampled on until its allowance ran out.
    const crossed = gate.samples.find((s) => s.name === 'data-service' && (s.utilisation?.[0]?.current ?? 0) > 70);
    expect(Math.max(...gate.samples.map((s) => s.at)) - (crossed?.at ?? started)).toBeGreaterThanOrEqual(WITHIN_MS);

    const cluster = makeClusterPhase({ clients: makeClients(loadKubeConfig(env.runnerKubeconfig)), scaleOut: gate });
    const out = await cluster.run(ctx);
    const gateChecks = (out.checks ?? []).filter((c) => c.name === SCALE_OUT_CHECK);
    expect(gateChecks).toHaveLength(1);
    expect(gateChecks[0]).toMatchObject({ passes: 1, fails: 2 });
    const reasons = gateChecks[0]?.reasons.join('\n') ?? '';
    expect(reasons).toMatch(/hpa data-service did not scale out within 4s of cpu 92% > 70% in the load: desired stayed 2/);
    expect(reasons).toMatch(/hpa worker maxed out: 4 desired = maxReplicas 4 while cpu 95% > 70%/);
    expect(out.notes?.some((n) => /^hpa gateway scaled out: desired 2 -> 4 \d+s after cpu 92% > 70%$/.test(n))).toBe(true);
    expect(out.notes?.find((n) => n.startsWith('hpa gateway replicas (desired):'))).toMatch(/^hpa gateway replicas \(desired\): 2 at \+0s, 4 at \+\d+s$/);
    expect(out.status).toBe('failed');
  }, 120_000);
});
