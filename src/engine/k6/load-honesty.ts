/**
 * Pure: did k6 send the open-model load it was asked for? k6 reports no
 * schedule lag, so this decides from what it does report, as far as that
 * allows (docs/load-models.md):
 *  - arrivals released (iterations + dropped_iterations) below 95 % of the
 *    schedule: k6 did not send the load; the phase is an error of ours (107);
 *  - arrivals dropped (no free VU): the target's when every allowed VU was
 *    running (vus_max = maxVUs) and each iteration's time was the request's
 *    (iteration_duration close to http_req_duration + blocked); otherwise k6
 *    cannot tell whose fault the drop is, and a failing drop threshold is
 *    voided to 107 saying so, never passed and never blamed on the target.
 */
import type { Workload } from '../../contract/plan.js';
import type { ThresholdResult } from '../../core/result.js';
import { DROPPED_SELECTOR, GENERATOR_BEHIND_REASON, type MetricSource, parseMetricSelector } from '../../../thresholds/index.js';
import { rateProfile, totalArrivals } from '../../net/load/schedule.js';

const MIN_SHARE = 0.95;
/** How a drop threshold voided under k6 starts its line (exit 107). */
export const K6_UNCLEAR_REASON = 'could not judge whose fault the dropped arrivals are';
/** An iteration longer than its request by more than this share (and SLACK_MS) was busy in k6, not waiting on the target. */
const OWN_TIME_SHARE = 0.5;
const SLACK_MS = 5;

export interface K6LoadAccount {
  scheduled: number;
  iterations: number;
  dropped: number;
  /** set when k6 did not release what was asked: the phase's error line */
  behind?: string;
  /** set when drops happened and k6's numbers cannot say they were the target's */
  unclear?: string;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** `share` is this runner's part of the schedule (1 without execution segments). */
export function accountK6Load(source: MetricSource, w: Workload, share = 1): K6LoadAccount | undefined {
  if (w.model === 'closed') return undefined;
  const tags = { phase: 'load' };
  const scheduled = Math.round(totalArrivals(rateProfile(w)) * share);
  const iterations = source.select('iterations', tags)?.value('count') ?? source.select('http_reqs', tags)?.value('count') ?? 0;
  const dropped = source.select('dropped_iterations', tags)?.value('count') ?? 0;
  const out: K6LoadAccount = { scheduled, iterations, dropped };
  if (scheduled > 0 && iterations + dropped < MIN_SHARE * scheduled) {
    out.behind = `${GENERATOR_BEHIND_REASON}: k6 released ${int(iterations + dropped)} of ${int(scheduled)} scheduled arrivals (${int(iterations)} sent, ${int(dropped)} dropped); lower --rate or add runners with \`golive k8s run --parallelism\``;
    return out;
  }
  if (dropped === 0) return out;
  const maxVUs = Math.max(1, Math.round(w.maxInFlight * share));
  const vusMax = source.select('vus_max', {})?.value('max') ?? source.select('vus_max', {})?.value('value');
  const iter = source.select('iteration_duration', tags)?.value('avg') ?? source.select('iteration_duration', {})?.value('avg');
  const req = source.select('http_req_duration', tags)?.value('avg');
  const blocked = source.select('http_req_blocked', tags)?.value('avg') ?? source.select('http_req_blocked', {})?.value('avg') ?? 0;
  if (vusMax === undefined || vusMax < maxVUs) {
    out.unclear = `k6 dropped ${int(dropped)} arrivals with ${vusMax === undefined ? 'an unknown number' : int(vusMax)} of ${int(maxVUs)} VUs started: k6 cannot tell whether the target or k6 itself held them`;
  } else if (iter === undefined || req === undefined) {
    out.unclear = `k6 dropped ${int(dropped)} arrivals and reported no iteration_duration to say whose time the VUs spent`;
  } else if (iter > (req + blocked) * (1 + OWN_TIME_SHARE) + SLACK_MS) {
    out.unclear = `k6 dropped ${int(dropped)} arrivals with all ${int(maxVUs)} VUs busy, but an iteration took ${iter.toFixed(1)} ms on average against ${(req + blocked).toFixed(1)} ms for its request: the VUs were busy in k6, not waiting on the target`;
  }
  return out;
}

/** A failing drop threshold k6's numbers cannot pin on the target is voided (107), with why. */
export function voidUnclearDrops(thresholds: readonly ThresholdResult[], account: K6LoadAccount | undefined): ThresholdResult[] {
  const why = account?.unclear;
  if (why === undefined) return [...thresholds];
  return thresholds.map((t) => {
    if (t.ok || t.voided !== undefined) return t;
    const sel = parseMetricSelector(t.metric);
    if (sel.name !== 'dropped_iterations' || sel.tags['phase'] !== 'load') return t;
    return { ...t, voided: `${K6_UNCLEAR_REASON}: ${t.metric} ${t.expression}: ${why}` };
  });
}

/**
 * k6 leaves dropped_iterations out of its summary when it dropped nothing:
 * for the open model that absence is a count of 0, not a missing measurement.
 */
export function withZeroDrops(source: MetricSource, w: Workload): MetricSource {
  if (w.model === 'closed') return source;
  const key = parseMetricSelector(DROPPED_SELECTOR);
  return {
    // bound, not spread: a MetricStore's windows() lives on its prototype
    ...(source.windows ? { windows: source.windows.bind(source) } : {}),
    select(name, tags) {
      const m = source.select(name, tags);
      if (m !== undefined || name !== key.name || tags['phase'] !== 'load') return m;
      return { info: { type: 'counter', contains: 'default' }, samples: 0, value: (agg) => (agg === 'count' || agg === 'rate' ? 0 : undefined) };
    },
  };
}
