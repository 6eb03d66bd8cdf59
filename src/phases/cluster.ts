/**
 * Runbook "Service Status Check", through the API and read-only: Deployments
 * available, pods Running and Ready without recent restarts, Services with ready
 * endpoints, Ingresses with an address, HPAs at or above their floor. Each object
 * is one check sample, and a failing one names the object.
 */
import { Findings } from './findings.js';
import type { PhaseOutcome, PhaseRunner } from './types.js';
import { loadKubeConfig, makeClients, type K8sClients } from '../net/k8s-client.js';
import {
  checkDeployment, checkHpa, checkIngress, checkPod, checkService, judgedService, type Finding,
} from './cluster/evaluate.js';
import { readClusterState, readHpas } from './cluster/read.js';
import type { HpaSample, HpaScaling } from './cluster/evaluate.js';
import { judgeScaleOut, replicaTimeline } from './cluster/scale-out.js';
import type { ScaleOutWindow } from './cluster/scale-out.js';

export { compareHpaSamples, type HpaSample, type HpaScaling } from './cluster/evaluate.js';

export interface ClusterPhaseDeps {
  /** default: from plan.cluster.kubeconfig, else the default loading rules / in-cluster */
  clients?: K8sClients;
  /** wall clock for the restart window */
  now?: () => number;
  /** --require-scale-out: the HPA samples taken around the load, judged here */
  scaleOut?: ScaleOutSamples;
}

/** What the scale-out gate reads (the engine's ScaleOutLog satisfies it). */
export interface ScaleOutSamples {
  readonly samples: readonly HpaSample[];
  readonly window?: ScaleOutWindow;
  readonly loadStartMs?: number;
  readonly withinMs: number;
}

export function makeClusterPhase(deps: ClusterPhaseDeps = {}): PhaseRunner {
  return {
    name: 'cluster',
    needs: [],
    async run(ctx): Promise<PhaseOutcome> {
      const { plan } = ctx;
      const ns = plan.cluster.namespace;
      const now = deps.now ?? Date.now;
      const clients = deps.clients ?? makeClients(loadKubeConfig(plan.cluster.kubeconfig));
      const s = await readClusterState(clients, ns, now);
      if (ctx.signal.aborted) return { status: 'aborted', reason: 'aborted' };
      const groups: Array<[string, Finding[]]> = [
        ['deployments available', s.deployments.map(checkDeployment)],
        ['pods running and ready', s.pods.map((p) => checkPod(p, now(), plan.cluster.restartWindowSeconds))],
        ['services have ready endpoints', s.services.filter(judgedService).map((svc) => checkService(svc, s.slices))],
        ['ingresses have an address', s.ingresses.map(checkIngress)],
        ['hpas at or above minimum', s.hpas.map(checkHpa)],
      ];
      const found = new Findings();
      const { checks } = found;
      let failed = 0;
      for (const [name, findings] of groups) {
        for (const f of findings) if (!checks.record('cluster', name, f.ok, f.reason)) failed++;
      }
      if (deps.scaleOut) failed += recordScaleOut(found, deps.scaleOut);
      // An empty namespace is not a healthy system: most likely the wrong namespace.
      if (!checks.record('cluster', 'namespace has pods', s.pods.length > 0, `no pods in namespace ${ns}`)) failed++;
      for (const h of s.hpas) {
        ctx.emit({ type: 'log', level: 'info', message: `hpa ${h.name}: ${h.current} current, ${h.desired} desired (min ${h.min}, max ${h.max})` });
      }
      return failed === 0 ? found.outcome('passed') : found.outcome('failed', `${failed} cluster check(s) failed in namespace ${ns}`);
    },
  };
}

export const clusterPhase: PhaseRunner = makeClusterPhase();

export const SCALE_OUT_CHECK = 'hpa scales out under load';

/** The gate's findings as checks (one per HPA) and the replica timeline as notes; returns how many failed. */
function recordScaleOut(found: Findings, log: ScaleOutSamples): number {
  if (!log.window) {
    found.checks.record('cluster', SCALE_OUT_CHECK, false, 'scale-out not judged: the load did not run with the HPA watch');
    return 1;
  }
  const findings = judgeScaleOut(log.samples, log.window, log.withinMs);
  if (findings.length === 0) {
    found.checks.record('cluster', SCALE_OUT_CHECK, false, 'no HPA in the namespace: --require-scale-out has nothing to judge');
    return 1;
  }
  let failed = 0;
  for (const f of findings) {
    if (!found.checks.record('cluster', SCALE_OUT_CHECK, f.ok, f.reason)) failed++;
    found.notes.push(f.reason);
  }
  found.notes.push(...replicaTimeline(log.samples, log.loadStartMs ?? log.window.startMs));
  return failed;
}

/**
 * For the load phase: samples the HPAs before and during the load, then
 * compareHpaSamples(before, during) says whether each one scaled. The
 * kubeconfig is read once, at the first sample, not at every interval.
 */
export function hpaSampler(namespace: string, opts: { clients?: K8sClients; kubeconfig?: string; now?: () => number } = {}): () => Promise<HpaSample[]> {
  let clients = opts.clients;
  return async () => {
    clients ??= makeClients(loadKubeConfig(opts.kubeconfig));
    return readHpas(clients, namespace, opts.now);
  };
}

/** One line per HPA for the report, e.g. "hpa gateway scaled under load: 2 -> 4 replicas (desired peak 4)". */
export function describeHpaScaling(s: HpaScaling): string {
  if (s.scaled) return `hpa ${s.name} scaled under load: ${s.before} -> ${s.peakCurrent} replicas (desired peak ${s.peakDesired})`;
  return `hpa ${s.name} did not scale under load: ${s.before} replicas${s.atMax ? ' (already at its maximum)' : ''}`;
}
