/**
 * The criteria a sign-off judges, as data: the runbook's "Launch Success
 * Criteria" by default, or read from an OpenSLO document, plus the service's
 * own `signoff.queries`. Pure.
 */
import { LOAD_MAX_ERROR_RATE, LOAD_P95_MS } from '../../thresholds/index.js';
import type { CompareOp } from '../phases/saturation/queries.js';
import type { Unit } from './types.js';

/**
 * A criterion judged from one PromQL expression over a range: `$__range` in
 * `promql` becomes the window (or the hour, or the day) it is evaluated over.
 */
export interface QueryCriterion {
  kind: 'query';
  id: string;
  name: string;
  promql: string;
  op: CompareOp;
  value: number;
  unit: Unit;
  /** the expression that lists the failing runs, when the series are golive's per-run ones */
  runs?: { failing: string; value: string };
}

export type Criterion =
  | QueryCriterion
  | { kind: 'availability'; id: 'availability'; name: string; min: number }
  | { kind: 'critical-incidents'; id: 'critical-incidents'; name: string; alertSelector: string }
  | { kind: 'capacity'; id: 'capacity'; name: string }
  | { kind: 'coverage'; id: 'coverage'; name: string; checks: string[] };

export const RUNBOOK = {
  availability: 0.995,
  p95Seconds: LOAD_P95_MS / 1000,
  errorRate: LOAD_MAX_ERROR_RATE,
} as const;

/** Firing critical alerts: the runbook's "No P0/P1 incidents". */
export const CRITICAL_ALERTS = 'alertstate="firing",severity="critical"';

export interface SelectorOptions { job: string; environment?: string }

/** `job="golive",environment="prod"`: which Pushgateway group's series are read. */
export function selector(o: SelectorOptions): string {
  return [`job=${JSON.stringify(o.job)}`, ...(o.environment ? [`environment=${JSON.stringify(o.environment)}`] : [])].join(',');
}

/** The load phase's per-run p95 and error rate, as golive pushes them (the runbook's load-test criteria). */
export function p95Criterion(sel: string, maxSeconds: number = RUNBOOK.p95Seconds): QueryCriterion {
  const p95 = `max(golive_http_req_duration_p95_seconds{phase="load",${sel}})`;
  return {
    kind: 'query', id: 'p95', name: 'Response time p95 (worst run)', unit: 'seconds', op: '<', value: maxSeconds,
    promql: `max(max_over_time(golive_http_req_duration_p95_seconds{phase="load",${sel}}[$__range]))`,
    runs: { failing: `${p95} >= ${maxSeconds}`, value: p95 },
  };
}

export function errorRateCriterion(sel: string, max: number = RUNBOOK.errorRate): QueryCriterion {
  const rate = `max(golive_http_req_failed_rate{phase="load",${sel}})`;
  return {
    kind: 'query', id: 'error-rate', name: 'Error rate', unit: 'ratio', op: '<', value: max,
    promql: `max(avg_over_time(golive_http_req_failed_rate{phase="load",${sel}}[$__range]))`,
    runs: { failing: `${rate} >= ${max}`, value: rate },
  };
}

export function runbookCriteria(sel: string, checks: readonly string[]): Criterion[] {
  return [
    { kind: 'availability', id: 'availability', name: 'System availability', min: RUNBOOK.availability },
    p95Criterion(sel),
    errorRateCriterion(sel),
    { kind: 'critical-incidents', id: 'critical-incidents', name: 'Zero critical incidents', alertSelector: CRITICAL_ALERTS },
    { kind: 'capacity', id: 'capacity', name: 'Auto-scaling handles 2x baseline' },
    { kind: 'coverage', id: 'coverage', name: 'Monitoring coverage', checks: [...checks] },
  ];
}

