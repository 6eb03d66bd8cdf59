/**
 * Pure plan checks that need more than the schema: a token that can be sent
 * as a header, threshold metric names this engine measures, and connections
 * within the file-descriptor budget. Each throws one GoliveError (exit 104)
 * before the first request.
 */
import { GoliveError } from '../core/errors.js';
import { parseMetricSelector } from '../../thresholds/index.js';
import type { Plan, Workload } from '../contract/plan.js';
import { closestName } from '../core/nearest.js';

export { closestName } from '../core/nearest.js';

/**
 * An HTTP field value: no control characters (CR, LF, NUL, tab, DEL, C1) and
 * nothing beyond Latin-1. Returns the offending position, or -1.
 */
export function badHeaderChar(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c > 0xff) return i;
  }
  return -1;
}

/** The secret is never quoted: only where the bad character is and what it is. */
export function checkHeaderSecret(value: string | undefined, what: string): void {
  if (value === undefined) return;
  const i = badHeaderChar(value);
  if (i < 0) return;
  const code = value.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0');
  throw new GoliveError('GOLIVE_INVALID_CONFIG',
    `${what}: cannot be sent as an HTTP header value: character ${i + 1} of ${value.length} is U+${code} (after trimming surrounding whitespace); fix the secret`);
}

/** k6's metrics that the node engine records too. */
const SHARED_METRICS = [
  'http_reqs', 'http_req_failed', 'http_req_duration', 'checks', 'checks_degraded', 'iterations', 'dropped_iterations',
  // the API's contract (openapi), judged in both engines
  'openapi_coverage', 'openapi_conformance',
] as const;
/** Metrics the node engine records; thresholds on anything else could never have samples. */
export const NODE_METRICS = [
  ...SHARED_METRICS,
  // the open model's own account of its generator (Load models in the README)
  'golive_schedule_lag', 'golive_dropped_arrivals', 'golive_event_loop_delay_p99', 'golive_event_loop_delay_max',
  'golive_target_duration', 'golive_target_floor', 'golive_cpu_busy', 'golive_cpu_wait', 'golive_machine_share',
  'golive_http_retries_on_stale_connection',
] as const;
/** k6's built-in metrics, recorded under --engine k6. */
export const K6_METRICS = [
  ...SHARED_METRICS, 'http_req_blocked', 'http_req_connecting', 'http_req_tls_handshaking', 'http_req_sending',
  'http_req_waiting', 'http_req_receiving', 'iteration_duration', 'data_received', 'data_sent', 'vus', 'vus_max',
] as const;

export function checkThresholdMetrics(selectors: readonly string[], engine: Plan['engine']): void {
  const known: readonly string[] = engine === 'k6' ? K6_METRICS : NODE_METRICS;
  for (const sel of selectors) {
    const { name } = parseMetricSelector(sel);
    if (known.includes(name)) continue;
    const near = closestName(name, known);
    const k6Only = engine === 'node' && (K6_METRICS as readonly string[]).includes(name);
    const nodeOnly = engine === 'k6' && (NODE_METRICS as readonly string[]).includes(name);
    const why = k6Only ? 'is measured only by --engine k6' : nodeOnly ? 'is measured only by --engine node (the open model\'s own generator)' : 'is not a metric golive measures';
    const hint = near !== undefined && !k6Only && !nodeOnly ? `; did you mean "${near}"?` : `; expected one of ${known.join(', ')}`;
    throw new GoliveError('GOLIVE_INVALID_CONFIG', `threshold metric "${name}" (--threshold) ${why}${hint}`);
  }
}

/** File descriptors kept for golive itself (stdio, the event loop, the functional phases' client, reports). */
export const FD_RESERVE = 64;

/** Connections the load phase may hold at once. */
export function loadConnections(w: Workload): number {
  return w.model === 'closed' ? Math.min(w.concurrency, w.requests) : w.maxInFlight;
}

export function checkFdBudget(plan: Pick<Plan, 'phases'>, workload: Workload, openFileLimit: number | undefined): void {
  if (openFileLimit === undefined || !plan.phases.includes('load')) return;
  const conns = loadConnections(workload);
  if (conns + FD_RESERVE <= openFileLimit) return;
  const flag = workload.model === 'closed' ? '--concurrency' : '--max-in-flight';
  const most = Math.max(0, openFileLimit - FD_RESERVE);
  throw new GoliveError('GOLIVE_INVALID_CONFIG',
    `${flag}: ${conns} connections need ${conns + FD_RESERVE} file descriptors (${FD_RESERVE} kept for golive itself) but \`ulimit -n\` is ${openFileLimit}; lower ${flag} to at most ${most} or raise the limit (ulimit -n ${conns + FD_RESERVE})`);
}
