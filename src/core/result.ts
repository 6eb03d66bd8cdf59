/**
 * The engine-neutral RunResult. Its `metrics` and `root_group` follow k6's
 * end-of-test summary so every reporter and sink works for both engines; the
 * `golive` block adds what a gate needs: verdict, phases, rollback signal.
 */
import type { MetricContains, MetricType, SerializedSeries } from './metrics.js';
import type { TimelineJSON } from './timeline.js';
import type { EdgeReport } from './edge-report.js';

export type { EdgeReport } from './edge-report.js';

export const PHASES = ['edge', 'health', 'market-data', 'checks', 'load', 'cluster', 'monitoring'] as const;
export type PhaseName = (typeof PHASES)[number];

export interface SummaryMetric {
  type: MetricType;
  contains: MetricContains;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface SummaryCheck {
  name: string;
  path: string;
  id: string;
  passes: number;
  fails: number;
}

export interface SummaryGroup {
  name: string;
  path: string;
  id: string;
  groups: SummaryGroup[];
  checks: SummaryCheck[];
}

/** One evaluated threshold, with what was measured so a failure can say why. */
export interface ThresholdResult {
  /** metric selector as written, e.g. `http_req_duration{phase:load}` */
  metric: string;
  /** the expression as written, e.g. `p(95)<500` */
  expression: string;
  ok: boolean;
  /** the measured aggregate; absent when the metric had no samples */
  actual?: number;
  /** human line, e.g. "p(95)=612.3ms, wanted <500" or "no samples" */
  message: string;
  phase?: PhaseName;
  /** a windowed threshold (`... over 10s`): how its windows fared and the worst one */
  window?: ThresholdWindow;
  /**
   * a failure golive's own lag could account for (thresholds/load-evidence.ts):
   * not evidence against the target, so the run is 107, not 99; the one line says why
   */
  voided?: string;
}

/** One load stage as the reports show it (summary.json `golive.stages`). */
export interface StageRow {
  /** the stage tag: its config name, or its index */
  name: string;
  index: number;
  /** when the stage began (wall clock), when known */
  startedAt?: string;
  durationSeconds: number;
  /** arrivals per second at the start and end of the stage (a ramp when they differ) */
  targetRate: { from: number; to: number };
  /** arrivals the schedule held for the stage */
  scheduled: number;
  /** responses recorded in the stage */
  requests: number;
  achievedRate: number;
  p95?: number;
  p99?: number;
  failedRate?: number;
  /** arrivals dropped because max-in-flight requests were outstanding */
  dropped: number;
  /** arrivals golive released too late to send (the node engine counts them; k6 does not say) */
  droppedLate?: number;
  /** the thresholds selecting this stage (`{stage:NAME}`) */
  thresholds: { passed: number; failed: number };
}

/**
 * The load phase, what was asked against what was done (summary.json
 * `golive.load`), for every model: the reports show it beside the verdict so
 * a pass on load that was never sent cannot read as fine.
 */
export interface LoadAccount {
  model: 'closed' | 'open' | 'staged';
  /** arrivals the schedule held (the closed model: its requests) */
  scheduled: number;
  /** arrivals per second asked, over the whole schedule (a constant --rate is that rate); the closed model asks for no rate */
  askedRate?: number;
  /** the closed model's requests in flight */
  concurrency?: number;
  /** the open and staged models' cap on requests in flight */
  maxInFlight?: number;
  /** the schedule's seconds (open, staged), or the phase's (closed) */
  durationSeconds: number;
  /** requests sent (answered, failed or timed out) */
  sent: number;
  /** sent per second over durationSeconds: the asked rate when every arrival was sent */
  achievedRate: number;
  /** arrivals that found maxInFlight requests already waiting (k6's dropped_iterations): the target's evidence */
  droppedMaxInFlight: number;
  /** arrivals golive released too late to send (the node engine counts them; k6 does not say) */
  droppedLate?: number;
  /** scheduled arrivals neither sent nor dropped: the run stopped before their time, or k6 released fewer */
  notReleased: number;
}

export interface ThresholdWindow {
  seconds: number;
  /** windows with samples that were judged */
  windows: number;
  failed: number;
  /** the window furthest from the limit (the failing one when any failed) */
  worst?: { startedAt: string; endedAt: string; actual: number };
}

/** One check (a named assertion) with its failures' first reasons. */
export interface CheckResult {
  phase: PhaseName;
  name: string;
  passes: number;
  fails: number;
  /** up to a few distinct failure reasons, e.g. "bars[2].high: expected number" */
  reasons: string[];
  /** soft failures (a declared check's `soft` assertion): shown and counted, never failing the gate */
  degraded?: number;
  /** not judged because what it depends on failed, e.g. "not run: step 1 returned 405" */
  notRun?: string;
  /** the declared check's group tag */
  group?: string;
}

export type PhaseStatus = 'passed' | 'failed' | 'skipped' | 'error' | 'aborted';

export interface PhaseResult {
  name: PhaseName;
  status: PhaseStatus;
  /** why skipped / errored / failed, one line */
  reason?: string;
  startedAt?: string;
  durationMs: number;
}

export type Verdict = 'passed' | 'failed' | 'aborted' | 'error';

export interface RollbackSignal {
  triggered: boolean;
  /** e.g. "service unavailable: GET /health returned 503", "p(95)=5200ms > 5000ms" */
  reasons: string[];
}

/** Requests that failed, by cause; `side: 'golive'` marks causes raised on our side. */
export interface FailedRequests {
  phase: PhaseName;
  /** e.g. "timeout", "ECONNREFUSED", "status 503", "EMFILE" */
  cause: string;
  count: number;
  side: 'target' | 'golive';
}

/** One compared figure of one phase (and endpoint) against a baseline run. */
export interface ComparisonRow {
  phase: string;
  /** the request name (path), or '*' for the whole phase */
  endpoint: string;
  /** p(50) p(95) p(99) (ms), http_req_failed (rate), http_reqs (per second) */
  metric: string;
  base?: number;
  current?: number;
  /** e.g. "+12.5%", "+0.40pp" */
  change?: string;
  /** the --max-regression limit that applies, e.g. "+10%" */
  limit?: string;
  regressed: boolean;
  /** why a row is not judged, e.g. "too few samples (12 < 20)" */
  note?: string;
}

export interface BaselineComparison {
  baseline: { runId: string; startedAt: string; source: string };
  /** the --max-regression limits as given */
  limits: string[];
  rows: ComparisonRow[];
}

export interface DeliveryResult {
  sink: 'prometheus-remote-write' | 'pushgateway' | 'slack' | 'webhook' | 'pagerduty';
  ok: boolean;
  attempts: number;
  error?: string;
}

export interface GoliveBlock {
  version: string;
  runId: string;
  testid: string;
  environment?: string;
  engine: 'node' | 'k6';
  target: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  verdict: Verdict;
  exitCode: number;
  phases: PhaseResult[];
  checks: CheckResult[];
  thresholds: ThresholdResult[];
  rollback: RollbackSignal;
  deliveries: DeliveryResult[];
  /** failed requests by cause with counts (every phase; empty when none failed) */
  failedRequests?: FailedRequests[];
  /** the raw series (HDR histograms encoded), so runners can be merged exactly */
  series?: SerializedSeries[];
  /** requests, failures and latency per interval, per phase (and stage): the report's time axis */
  timeline?: TimelineJSON;
  /** this run against a baseline run (check --baseline, report --baseline) */
  baseline?: BaselineComparison;
  /** one-line cause when verdict is error/aborted */
  error?: string;
  /** per load stage (staged workloads only): target vs achieved, latency, failures */
  stages?: StageRow[];
  /** the load phase, asked against done (when it ran) */
  load?: LoadAccount;
  /** findings that inform but do not gate, e.g. whether the HPAs scaled under load */
  notes?: string[];
  /** what the edge phase measured (certificate chain, redirect, HSTS, DNS), when it ran */
  edge?: EdgeReport;
}

export interface RunResult {
  root_group: SummaryGroup;
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  metrics: Record<string, SummaryMetric>;
  golive: GoliveBlock;
}
