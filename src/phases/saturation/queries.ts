/**
 * Pure: the saturation checks a plan asks for, as PromQL. The defaults are
 * the runbook's ("CPU usage < 70% across all services", "Memory usage < 80%",
 * "No pod restarts or crashes") on kube-state-metrics and cAdvisor names,
 * scoped to the cluster namespace; the opt-in templates take the user's own
 * metric names. Every query keeps the pod and container labels, so a failing
 * series can be named.
 */
import type { Plan } from '../../contract/plan.js';

export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface SaturationCheck {
  /** the check's name in every report */
  name: string;
  promql: string;
  op: CompareOp;
  value: number;
  /** no series at all is a pass (e.g. no container was ever OOM-killed) rather than "no data" */
  emptyOk: boolean;
  /** shown as a percentage (ratios of a limit) */
  percent: boolean;
}

/** Seconds since the first sample, as a PromQL range for increase(). */
export const RANGE_PLACEHOLDER = '$__range';

const BY = 'sum by (namespace, pod, container)';

/** `ns` as a PromQL string literal. */
function lit(s: string): string {
  return JSON.stringify(s);
}

export function parseCompare(text: string): { op: CompareOp; value: number } {
  const m = /^\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$/.exec(text);
  return { op: (m?.[1] ?? '<') as CompareOp, value: Number(m?.[2]) };
}

export function compareValue(v: number, op: CompareOp, want: number): boolean {
  switch (op) {
    case '<': return v < want;
    case '<=': return v <= want;
    case '>': return v > want;
    case '>=': return v >= want;
    case '==': return v === want;
    case '!=': return v !== want;
  }
}

export function defaultChecks(namespace: string, cpuRatio: number, memRatio: number, rateWindow: string): SaturationCheck[] {
  const ns = lit(namespace);
  const containers = `namespace=${ns}, container!="", container!="POD"`;
  return [
    {
      name: `saturation: cpu < ${Math.round(cpuRatio * 100)}% of limits`,
      promql: `${BY} (rate(container_cpu_usage_seconds_total{${containers}}[${rateWindow}])) / ${BY} (kube_pod_container_resource_limits{namespace=${ns}, resource="cpu"})`,
      op: '<', value: cpuRatio, emptyOk: false, percent: true,
    },
    {
      name: `saturation: memory < ${Math.round(memRatio * 100)}% of limits`,
      promql: `${BY} (container_memory_working_set_bytes{${containers}}) / ${BY} (kube_pod_container_resource_limits{namespace=${ns}, resource="memory"})`,
      op: '<', value: memRatio, emptyOk: false, percent: true,
    },
    {
      name: 'saturation: no container restarts',
      promql: `${BY} (increase(kube_pod_container_status_restarts_total{namespace=${ns}}[${RANGE_PLACEHOLDER}]))`,
      op: '==', value: 0, emptyOk: false, percent: false,
    },
    {
      name: 'saturation: no OOMKilled containers',
      promql: `${BY} (kube_pod_container_status_last_terminated_reason{namespace=${ns}, reason="OOMKilled"})`,
      op: '==', value: 0, emptyOk: true, percent: false,
    },
  ];
}

export function saturationChecks(plan: Plan): SaturationCheck[] {
  const s = plan.saturation;
  const defaults = s.defaults ?? plan.phases.includes('cluster');
  const out: SaturationCheck[] = defaults ? defaultChecks(plan.cluster.namespace, s.cpuLimitRatio, s.memoryLimitRatio, s.rateWindow) : [];
  if (s.authSuccess) {
    out.push({
      name: `saturation: auth success rate > ${s.authSuccess.min * 100}%`,
      promql: `sum(rate(${s.authSuccess.success}[${s.rateWindow}])) / sum(rate(${s.authSuccess.total}[${s.rateWindow}]))`,
      op: '>', value: s.authSuccess.min, emptyOk: false, percent: true,
    });
  }
  if (s.dbQueryP95) {
    out.push({
      name: `saturation: database query p95 < ${s.dbQueryP95.maxSeconds}s`,
      promql: `histogram_quantile(0.95, sum by (le) (rate(${s.dbQueryP95.bucket}[${s.rateWindow}])))`,
      op: '<', value: s.dbQueryP95.maxSeconds, emptyOk: false, percent: false,
    });
  }
  for (const q of s.queries) {
    out.push({ name: `saturation: ${q.name}`, promql: q.promql, ...parseCompare(q.threshold), emptyOk: false, percent: false });
  }
  return out;
}

/** The query as sent at a moment `elapsedSeconds` after the first sample. */
export function concreteQuery(c: SaturationCheck, elapsedSeconds: number, rateWindowSeconds: number): string {
  return c.promql.split(RANGE_PLACEHOLDER).join(`${Math.ceil(elapsedSeconds + rateWindowSeconds)}s`);
}

/** `1m` -> 60 (the schema checked the shape). */
export function promDurationSeconds(d: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(d);
  const n = Number(m?.[1] ?? 60);
  const unit = m?.[2] ?? 's';
  return unit === 'ms' ? n / 1000 : unit === 'm' ? n * 60 : unit === 'h' ? n * 3600 : n;
}
