/**
 * The verdict series for the Pushgateway, in the text exposition format, and
 * the grouping-key path (job + environment) that keeps each CronJob's last
 * outcome queryable. Pure: result in, strings out.
 */
import type { MetricStore } from '../core/metrics.js';
import type { RunResult, Verdict } from '../core/result.js';
import { EXIT } from '../core/errors.js';
import { STALE_RETRIES } from '../net/failures.js';

export interface Family {
  name: string;
  help: string;
  samples: { labels: Record<string, string>; value: number }[];
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export function exposition(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} gauge`);
    for (const s of f.samples) {
      const ls = Object.entries(s.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
      lines.push(`${f.name}${ls ? `{${ls}}` : ''} ${formatValue(s.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** One grouping-key segment; values with `/` (or empty) need the base64 form. */
function segment(label: string, value: string): string {
  if (value === '' || value.includes('/')) {
    return `${label}@base64/${Buffer.from(value).toString('base64url') || '='}`;
  }
  return `${label}/${encodeURIComponent(value)}`;
}

export function groupingPath(job: string, environment?: string): string {
  const parts = [segment('job', job)];
  if (environment) parts.push(segment('environment', environment));
  return `/metrics/${parts.join('/')}`;
}

/** Shared with remote write: the per-phase verdict. */
export function checkSuccessFamily(result: RunResult): Family {
  return { name: 'golive_check_success', help: '1 when every check of the phase passed in the last run (skipped phases are absent).',
    samples: result.golive.phases.filter((p) => p.status !== 'skipped').map((p) => ({ labels: { phase: p.name }, value: p.status === 'passed' ? 1 : 0 })) };
}

/** The edge phase's earliest notAfter in the presented chain (leaf and intermediates); absent when no certificate was seen. */
export function certExpiryFamily(result: RunResult): Family {
  const edge = result.golive.edge;
  const t = Date.parse(edge?.certificate?.earliestNotAfter ?? '');
  return { name: 'golive_tls_cert_expiry_timestamp_seconds', help: 'Earliest notAfter in the certificate chain the target presented (leaf and intermediates), Unix seconds.',
    samples: edge && Number.isFinite(t) ? [{ labels: { host: edge.host }, value: t / 1000 }] : [] };
}

/** decideVerdict's code for each verdict, leaving out 108 (the push is that delivery). */
const VERDICT_EXIT: Record<Verdict, number> = { passed: EXIT.passed, failed: EXIT.thresholdsFailed, aborted: EXIT.aborted, error: EXIT.engineError };

export function verdictFamilies(result: RunResult, store: MetricStore): Family[] {
  const g = result.golive;
  const finished = Date.parse(g.finishedAt);
  const phases = g.phases.filter((p) => p.status !== 'skipped');
  // The node engine's store, else the summary's `metric{phase:X}` (all a k6 run has; k6 keeps every phase's).
  const fromSummary = (metric: string, phase: string, agg: string): number | undefined => {
    const values = result.metrics[`${metric}{phase:${phase}}`]?.values;
    const seen = (values?.['count'] ?? 0) + (values?.['passes'] ?? 0) + (values?.['fails'] ?? 0);
    const v = values?.[agg];
    return seen > 0 && typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  const perPhase = (metric: string, agg: string, scale: number) => phases.flatMap((p) => {
    const v = store.select(metric, { phase: p.name })?.value(agg) ?? fromSummary(metric, p.name, agg);
    return v === undefined ? [] : [{ labels: { phase: p.name }, value: v * scale }];
  });
  return [
    { name: 'golive_run_success', help: '1 when the last run passed (verdict passed), else 0.',
      samples: [{ labels: {}, value: g.verdict === 'passed' ? 1 : 0 }] },
    { name: 'golive_rollback_triggered', help: '1 when the last run saw a runbook rollback trigger.',
      samples: [{ labels: {}, value: g.rollback.triggered ? 1 : 0 }] },
    { name: 'golive_run_timestamp_seconds', help: 'When the last run finished (Unix seconds).',
      samples: Number.isFinite(finished) ? [{ labels: {}, value: finished / 1000 }] : [] },
    { name: 'golive_run_duration_seconds', help: 'How long the last run took.',
      samples: [{ labels: {}, value: g.durationMs / 1000 }] },
    checkSuccessFamily(result),
    certExpiryFamily(result),
    { name: 'golive_threshold_success', help: '1 when the threshold held in the last run.',
      samples: g.thresholds.map((t) => ({ labels: { metric: t.metric, threshold: t.expression }, value: t.ok ? 1 : 0 })) },
    { name: 'golive_http_req_duration_p95_seconds', help: 'p95 of http_req_duration per phase in the last run.',
      samples: perPhase('http_req_duration', 'p(95)', 1 / 1000) },
    { name: 'golive_http_req_failed_rate', help: 'Share of failed requests per phase in the last run.',
      samples: perPhase('http_req_failed', 'rate', 1) },
    { name: STALE_RETRIES, help: 'GET requests resent once on a fresh connection per phase in the last run (a reused keep-alive connection closed before answering).',
      samples: perPhase(STALE_RETRIES, 'count', 1) },
    // What an Argo Rollouts analysis compares (k8s/argo/): 0, 99, or a "could not judge" code.
    { name: 'golive_run_exit_code', help: 'The exit code of the last run\'s verdict (0 passed, 99 failed, 105 aborted, 107 error), before delivery.',
      samples: [{ labels: { testid: g.testid }, value: VERDICT_EXIT[g.verdict] }] },
    { name: 'golive_run_info', help: 'Identity of the last run; the value is always 1.',
      samples: [{ labels: { testid: g.testid, run_id: g.runId, version: g.version, engine: g.engine, verdict: g.verdict }, value: 1 }] },
  ];
}
