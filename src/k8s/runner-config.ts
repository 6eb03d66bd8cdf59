/**
 * The plan as the runner pods see it: written into the ConfigMap, so every secret
 * is removed (the token reaches the pod only through a secretKeyRef) and paths are
 * the pod's own.
 */
import type { Plan } from '../contract/plan.js';
import { REPORTS_MOUNT } from './names.js';

export type RunnerConfig = Omit<Plan, 'token' | 'prometheus' | 'cluster'> & {
  prometheus: Omit<Plan['prometheus'], 'username' | 'password' | 'bearerToken'>;
  cluster: Omit<Plan['cluster'], 'kubeconfig'>;
};

export function runnerConfig(plan: Plan): RunnerConfig {
  const { token: _token, prometheus, cluster, caFile: _caFile, ...rest } = plan;
  const { username: _u, password: _p, bearerToken: _b, ...prom } = prometheus;
  const { kubeconfig: _k, ...clusterRest } = cluster;
  // caFile is a path on the machine that rendered the plan, meaningless in the pod.
  return { ...rest, out: REPORTS_MOUNT, prometheus: prom, cluster: clusterRest };
}

/** Stable JSON (sorted keys) so the rendered ConfigMap is byte-identical for equal plans. */
export function stableJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}
