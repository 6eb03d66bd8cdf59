/**
 * The load phase's account of its own generator: schedule lag per request,
 * the event loop's delay, dropped arrivals by cause, and the "load generator
 * kept up" check. Drops at max-in-flight are the target's (k6's
 * dropped_iterations, thresholdable); drops because we were late are ours.
 */
import type { MetricInfo, MetricStore } from '../core/metrics.js';
import { fellBehindLine, GENERATOR_CHECK, judgeGenerator } from '../net/load/honesty.js';
import type { LoadStats } from '../net/load/index.js';
import type { Plan } from '../contract/plan.js';
import type { Findings } from './findings.js';
import { STALE_RETRIES } from '../net/failures.js';

const TIME_TREND: MetricInfo = { type: 'trend', contains: 'time' };
const TIME_GAUGE: MetricInfo = { type: 'gauge', contains: 'time' };
const COUNTER: MetricInfo = { type: 'counter', contains: 'default' };

/** `golive_schedule_lag{phase:load[,stage]}`: scheduled time -> request handed to its connection, ms. */
export function lagRecorder(store: MetricStore, stageNames: readonly string[] | undefined): (lagMs: number, stage: number) => void {
  const names = stageNames ?? [undefined];
  const recs = names.map((s) => store.recorder('golive_schedule_lag', { phase: 'load', ...(s !== undefined ? { stage: s } : {}) }, TIME_TREND));
  return (lagMs, stage) => { (recs[stage] ?? recs[0])?.(lagMs < 0 ? 0 : lagMs); };
}

/** iterations, drops by cause (per stage when staged) and the event-loop delay. */
export function recordLoadCounts(store: MetricStore, stats: LoadStats, stageNames: readonly string[] | undefined): void {
  const base = { phase: 'load', scenario: 'load' };
  store.add('iterations', stats.completed, base);
  stats.stages.forEach((c, i) => {
    const tags = stageNames?.[i] !== undefined ? { ...base, stage: stageNames[i] as string } : base;
    if (c.droppedMaxInFlight > 0) {
      store.add('dropped_iterations', c.droppedMaxInFlight, tags);
      store.add('golive_dropped_arrivals', c.droppedMaxInFlight, { ...tags, cause: 'max-in-flight' }, COUNTER);
    }
    if (c.droppedBehind > 0) store.add('golive_dropped_arrivals', c.droppedBehind, { ...tags, cause: 'generator' }, COUNTER);
  });
  store.add(STALE_RETRIES, stats.staleRetries, { phase: 'load' }, COUNTER);
  store.add('golive_event_loop_delay_p99', stats.eventLoopDelay.p99, { phase: 'load' }, TIME_GAUGE);
  store.add('golive_event_loop_delay_max', stats.eventLoopDelay.max, { phase: 'load' }, TIME_GAUGE);
}

/**
 * Records the check per stage; returns the one-line reason when the
 * generator fell behind. The closed model has no schedule to miss: its
 * event-loop delay is reported as a note when it is high, without gating.
 */
export function judgeLoadGenerator(plan: Plan, found: Findings, stats: LoadStats): string | undefined {
  const { store, notes } = found;
  const limit = plan.load.maxScheduleLagMs;
  if (!stats.profile) {
    const p99 = stats.eventLoopDelay.p99;
    if (p99 > 10 * limit) notes.push(`the load generator's event loop was delayed ${p99.toFixed(1)} ms at p99 during the closed-model load: latencies may include the client's own delay`);
    return undefined;
  }
  const profile = stats.profile;
  const verdicts = judgeGenerator({
    profile,
    stages: stats.stages,
    lagP99Ms: (i) => store.select('golive_schedule_lag', { phase: 'load', ...(profile.staged ? { stage: profile.stageNames[i] ?? String(i) } : {}) })?.value('p(99)'),
    maxScheduleLagMs: limit,
  });
  for (const v of verdicts) found.checks.record('load', GENERATOR_CHECK, v.ok, profile.staged ? `stage ${v.stage}: ${v.detail}` : v.detail);
  const failed = verdicts.find((v) => !v.ok);
  return failed ? fellBehindLine(failed, profile.staged) : undefined;
}
