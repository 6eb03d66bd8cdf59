/**
 * Pure: the `2x-baseline` profile -> the staged workload and its per-stage
 * thresholds (runbook: "Auto-scaling: successfully handles 2x baseline load",
 * with the load test's p95 < 500 ms and error rate < 1 % applied per stage).
 */
import { GoliveError } from '../core/errors.js';
import { LOAD_MAX_ERROR_RATE, LOAD_P95_MS, mergeThresholds } from '../../thresholds/index.js';
import type { Profile } from '../contract/capacity-schema.js';
import type { Plan } from '../contract/plan.js';

/** The stage names, which are also the `stage` tag values of the samples. */
export const PROFILE_STAGES = { baseline: 'baseline', ramp: 'ramp', peak: '2x' } as const;

type StagedWorkload = Extract<Plan['load']['workload'], { model: 'staged' }>;

export function profileWorkload(p: Profile, baselineRps: number): StagedWorkload {
  const peak = 2 * baselineRps;
  return {
    model: 'staged',
    startRate: baselineRps,
    stages: [
      { durationSeconds: p.warmupSeconds, target: baselineRps, name: PROFILE_STAGES.baseline },
      { durationSeconds: p.rampSeconds, target: peak, name: PROFILE_STAGES.ramp },
      { durationSeconds: p.holdSeconds, target: peak, name: PROFILE_STAGES.peak },
    ],
    maxInFlight: p.maxInFlight,
  };
}

/** The runbook's load criteria on the baseline and on the 2x stage. */
export function profileThresholds(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const stage of [PROFILE_STAGES.baseline, PROFILE_STAGES.peak]) {
    out[`http_req_duration{stage:${stage}}`] = [`p(95)<${LOAD_P95_MS}`];
    out[`http_req_failed{stage:${stage}}`] = [`rate<${LOAD_MAX_ERROR_RATE}`];
  }
  return out;
}

/**
 * The plan with the profile expanded. `explicitWorkload`: the raw config named
 * a workload too, which the profile would silently replace. Without a known
 * baseline (a --baseline-query not yet run) the plan is returned as is.
 */
export function applyProfile(plan: Plan, explicitWorkload: boolean): Plan {
  const p = plan.profile;
  if (!p) return plan;
  if (explicitWorkload) {
    throw new GoliveError('GOLIVE_USAGE', '--profile: cannot be combined with --stages, --rate/--duration or --requests/--concurrency (the profile sets the stages)');
  }
  if (!plan.phases.includes('load')) {
    throw new GoliveError('GOLIVE_USAGE', '--profile: the profile drives the load phase; add load to --phases');
  }
  if (p.baselineQuery !== undefined && plan.prometheus.url === undefined && p.baselineRps === undefined) {
    throw new GoliveError('GOLIVE_USAGE', '--baseline-query: needs --prometheus-url (the Prometheus to ask)');
  }
  if (p.baselineRps === undefined) return plan;
  // The expanded plan carries the stages, not the profile: a runner that
  // re-validates it (golive k8s) must not expand it twice.
  const { profile: _expanded, ...rest } = plan;
  return {
    ...rest,
    load: { ...plan.load, workload: profileWorkload(p, p.baselineRps) },
    // The user's own entries for the same selectors win, as over the runbook defaults.
    thresholds: mergeThresholds(profileThresholds(), plan.thresholds),
  };
}
