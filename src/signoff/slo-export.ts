/**
 * Pure: the runbook's SLOs as OpenSLO v1 and as Sloth `prometheus/v1`, on
 * golive's own series, so teams on Sloth or Pyrra generate their burn-rate
 * rules from the same numbers the sign-off judges.
 */
import YAML from 'yaml';
import { RUNBOOK } from './criteria.js';
import { DEFAULT_STALE_AFTER_S, upNow } from './queries.js';

interface RunbookSlo { name: string; displayName: string; description: string; query: string; op: 'gte' | 'lt'; value: number; target: number; bad: string }

export function runbookSlos(sel: string): RunbookSlo[] {
  const up = upNow(sel, DEFAULT_STALE_AFTER_S);
  const p95 = `max(golive_http_req_duration_p95_seconds{phase="load",${sel}})`;
  const err = `max(golive_http_req_failed_rate{phase="load",${sel}})`;
  return [
    { name: 'golive-availability', displayName: 'System availability', description: 'Runbook: > 99.5 % uptime in the first 24 hours (health phase passed and the run fresh, per minute)', query: up, op: 'gte', value: 1, target: RUNBOOK.availability, bad: `(${up}) == 0` },
    { name: 'golive-latency-p95', displayName: 'Response time p95', description: 'Runbook: p95 < 500 ms (each golive run\'s load phase, per minute)', query: p95, op: 'lt', value: RUNBOOK.p95Seconds, target: 0.99, bad: `${p95} >= ${RUNBOOK.p95Seconds}` },
    { name: 'golive-error-rate', displayName: 'Error rate', description: 'Runbook: error rate < 1 % (each golive run\'s load phase, per minute)', query: err, op: 'lt', value: RUNBOOK.errorRate, target: 0.99, bad: `${err} >= ${RUNBOOK.errorRate}` },
  ];
}

export function openSloYaml(sel: string, service: string): string {
  const docs = [
    { apiVersion: 'openslo/v1', kind: 'Service', metadata: { name: service }, spec: { description: 'Signal Trading System, as golive measures it' } },
    ...runbookSlos(sel).map((s) => ({
      apiVersion: 'openslo/v1', kind: 'SLO', metadata: { name: s.name, displayName: s.displayName },
      spec: {
        description: s.description, service,
        indicator: { metadata: { name: `${s.name}-sli` }, spec: { thresholdMetric: { metricSource: { type: 'Prometheus', spec: { query: s.query } } } } },
        timeWindow: [{ duration: '1d', isRolling: true }],
        budgetingMethod: 'Timeslices',
        objectives: [{ displayName: s.displayName, op: s.op, value: s.value, target: s.target, timeSliceTarget: 1, timeSliceWindow: '1m' }],
      },
    })),
  ];
  return docs.map((d) => YAML.stringify(d, { lineWidth: 0 })).join('---\n');
}

export function slothYaml(sel: string, service: string): string {
  return YAML.stringify({
    version: 'prometheus/v1', service, labels: { owner: 'golive' },
    slos: runbookSlos(sel).map((s) => ({
      name: s.name, objective: Number((s.target * 100).toFixed(3)), description: s.description,
      sli: { events: {
        // Minutes in which the objective was missed, over all minutes with a verdict on show.
        error_query: `sum(count_over_time((${s.bad})[{{.window}}:1m])) or vector(0)`,
        total_query: `sum(count_over_time((${s.query})[{{.window}}:1m]))`,
      } },
      alerting: { name: s.name.replace(/(^|-)(\w)/g, (_m, _d: string, c: string) => c.toUpperCase()), page_alert: { labels: { severity: 'critical' } }, ticket_alert: { labels: { severity: 'warning' } } },
    })),
  }, { lineWidth: 0 });
}
