/**
 * `--prometheus-rw-url` under the k6 engine: k6 writes its samples through its
 * own `experimental-prometheus-rw` output, as a user running k6 would, so the
 * series are k6's own (k6_http_reqs_total, k6_http_req_duration_p95, ... or
 * the native histogram k6_http_req_duration_seconds). golive adds the same
 * labels its node engine writes: `testid` and, when set, `environment`.
 * Pure: plan in, k6 arguments and environment out; credentials travel in
 * the environment only (argv is visible in `ps`).
 */
import type { Plan } from '../../contract/plan.js';
import { TREND_STATS } from '../../core/metrics.js';

export interface K6OutputArgs {
  args: string[];
  env: Record<string, string>;
}

export function k6PrometheusOutput(plan: Plan, testid: string, extraTags: Readonly<Record<string, string>> = {}): K6OutputArgs {
  const p = plan.prometheus;
  if (p.remoteWriteUrl === undefined) return { args: [], env: {} };
  const tags: Record<string, string> = { testid, ...(plan.environment === undefined ? {} : { environment: plan.environment }), ...extraTags };
  const env: Record<string, string> = {
    K6_PROMETHEUS_RW_SERVER_URL: p.remoteWriteUrl,
    K6_PROMETHEUS_RW_TREND_STATS: TREND_STATS.join(','),
  };
  // k6 writes a trend either as stats or as a native histogram, not both.
  if (p.nativeHistograms) env['K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM'] = 'true';
  if (p.username !== undefined) env['K6_PROMETHEUS_RW_USERNAME'] = p.username;
  if (p.password !== undefined) env['K6_PROMETHEUS_RW_PASSWORD'] = p.password;
  if (p.bearerToken !== undefined) env['K6_PROMETHEUS_RW_BEARER_TOKEN'] = p.bearerToken;
  const args = ['--out', 'experimental-prometheus-rw', ...Object.entries(tags).flatMap(([k, v]) => ['--tag', `${k}=${v}`])];
  return { args, env };
}
