/**
 * Pure: the PromQL of each criterion, on golive's own series (README
 * "Verdict series") and the same expressions as the rules in
 * k8s/monitoring/golive-rules.yaml, written out so they also hold over
 * backfilled history, where no rule was ever evaluated.
 */
import { RANGE_PLACEHOLDER } from '../phases/saturation/queries.js';

/** The recording rule `golive:health_success` (a test keeps the two equal). */
export const HEALTH_SUCCESS_RULE = 'min by (job, environment) (golive_check_success{phase="health"})';

/** `GoLiveCheckStale`'s limit: twice the hourly schedule. */
export const DEFAULT_STALE_AFTER_S = 7200;

/** Resolution of the time-based measures: the subquery step. */
export const STEP_S = 60;

/**
 * 1 for each minute the last run's health phase passed AND that run is fresh
 * (as GoLiveCheckStale judges it), 0 otherwise; absent when nothing was recorded.
 */
export function upNow(sel: string, staleAfterS: number): string {
  return `min(golive_check_success{phase="health",${sel}}) * (time() - max(golive_run_timestamp_seconds{${sel}}) <= bool ${staleAfterS})`;
}

/**
 * Time-based availability over `$__range`: up minutes over all minutes. A
 * minute with no series at all (Pushgateway gone, nothing scraped) counts
 * against it, as does a missed run once it is stale.
 */
export function availabilityPromql(sel: string, staleAfterS: number): string {
  return `sum_over_time((${upNow(sel, staleAfterS)})[${RANGE_PLACEHOLDER}:${STEP_S}s]) / count_over_time(vector(1)[${RANGE_PLACEHOLDER}:${STEP_S}s])`;
}

/** The run (its finish time) whose health phase failed, while its verdict stood. */
export function failedHealthRuns(sel: string): { failing: string; value: string } {
  return {
    failing: `min(golive_check_success{phase="health",${sel}}) == 0`,
    value: `min(golive_check_success{phase="health",${sel}})`,
  };
}

/** The finish time of the run on show, while `cond` holds: one distinct value per failing run. */
export function runWhile(sel: string, cond: string): string {
  return `max(golive_run_timestamp_seconds{${sel}}) and on() (${cond})`;
}

/** Every critical alert that fired in the range (any sample, however short). */
export function firedAlerts(alertSelector: string): string {
  return `max_over_time(ALERTS{${alertSelector}}[${RANGE_PLACEHOLDER}])`;
}

export function firingAlerts(alertSelector: string): string {
  return `ALERTS{${alertSelector}}`;
}

/**
 * Per phase, 1 when a run that included the phase finished in the hour
 * ending at the evaluation time, else 0 (absent: the phase never ran).
 */
export function phaseRanInHour(sel: string): string {
  return `max_over_time((max by (phase) (golive_check_success{${sel}}) * 0 + on() group_left() max(golive_run_timestamp_seconds{${sel}}))[1h:${STEP_S}s]) > bool (time() - 3600)`;
}

/** The 2x stage's thresholds as last pushed in the range: the latest capacity run's verdict. */
export function capacityThresholds(sel: string): string {
  return `last_over_time(golive_threshold_success{${capacity(sel)}}[${RANGE_PLACEHOLDER}])`;
}

export function capacityLastSeen(sel: string): string {
  return `max(max_over_time(timestamp(golive_threshold_success{${capacity(sel)}})[${RANGE_PLACEHOLDER}:${STEP_S}s]))`;
}

const capacity = (sel: string) => ['metric=~".*stage:2x.*"', ...(sel ? [sel] : [])].join(',');

/** The query as sent for a range of `seconds`. */
export function withRange(promql: string, range: string): string {
  return promql.split(RANGE_PLACEHOLDER).join(range);
}
