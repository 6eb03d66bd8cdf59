/**
 * The load phase's account of its own generator: schedule lag per request,
 * the event loop's delay, dropped arrivals by cause, and the "load generator
 * kept up" check. Drops at max-in-flight are the target's (k6's
 * dropped_iterations, judged by a default threshold; those golive released
 * late are counted apart, `cause:max-in-flight-late`, so that verdict can be
 * voided when only they fail it); drops because we were too late to send are ours.
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
const SHARE_GAUGE: MetricInfo = { type: 'gauge', contains: 'default' };

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
    // Recorded even when 0: a counter that exists is a measurement ("none dropped"), so its default threshold can pass.
    store.add('dropped_iterations', c.droppedMaxInFlight, tags);
    store.add('golive_dropped_arrivals', c.droppedMaxInFlight - c.droppedLate, { ...tags, cause: 'max-in-flight' }, COUNTER);
    store.add('golive_dropped_arrivals', c.droppedLate, { ...tags, cause: 'max-in-flight-late' }, COUNTER);
    store.add('golive_dropped_arrivals', c.droppedBehind, { ...tags, cause: 'generator' }, COUNTER);
  });
  store.add(STALE_RETRIES, stats.staleRetries, { phase: 'load' }, COUNTER);
  store.add('golive_event_loop_delay_p99', stats.eventLoopDelay.p99, { phase: 'load' }, TIME_GAUGE);
  store.add('golive_event_loop_delay_max', stats.eventLoopDelay.max, { phase: 'load' }, TIME_GAUGE);
  // Share of one CPU golive's process used during the load: near 1, its own reading may be what was slow.
  if (stats.elapsedMs > 0) store.add('golive_cpu_busy', stats.cpuMs / stats.elapsedMs, { phase: 'load' }, SHARE_GAUGE);
  // ...and the share of the time it waited for a CPU it wanted: on a starved machine the first alone hides a saturated loop.
  if (stats.elapsedMs > 0 && stats.cpuWaitMs !== undefined) store.add('golive_cpu_wait', stats.cpuWaitMs / stats.elapsedMs, { phase: 'load' }, SHARE_GAUGE);
  // --workers: what all of golive's threads wanted of the machine (thresholds/load-evidence.ts, MACHINE_SHARE)
  if (stats.machineShare !== undefined) store.add('golive_machine_share', stats.machineShare, { phase: 'load' }, SHARE_GAUGE);
}

/** Above this event-loop delay p99 (ms) the closed model says so in a note. */
const LOOP_NOTE_MS = 50;

/**
 * Records the check per stage; returns the one-line reason when the
 * generator did not send what was asked (rate short, arrivals dropped as
 * ours, or the opt-in strict lag limit passed). Lag alone never fails the
 * check: the thresholds judge what it could have changed. The closed model
 * has no schedule to miss: a high event-loop delay is a note, and its
 * latency thresholds are voided only where that delay could explain them.
 */
export function judgeLoadGenerator(plan: Plan, found: Findings, stats: LoadStats): string | undefined {
  const { store, notes } = found;
  const limit = plan.load.maxScheduleLagMs;
  if (!stats.profile) {
    const p99 = stats.eventLoopDelay.p99;
    if (p99 > LOOP_NOTE_MS) notes.push(`the load generator's event loop was delayed ${p99.toFixed(1)} ms at p99 (max ${stats.eventLoopDelay.max.toFixed(1)} ms) during the closed-model load: a latency threshold that fails only by that much is voided (exit 107)`);
    return undefined;
  }
  const profile = stats.profile;
  const lagOf = (i: number) => store.select('golive_schedule_lag', { phase: 'load', ...(profile.staged ? { stage: profile.stageNames[i] ?? String(i) } : {}) });
  const verdicts = judgeGenerator({
    profile,
    stages: stats.stages,
    lagP99Ms: (i) => lagOf(i)?.value('p(99)'),
    lagP90Ms: (i) => lagOf(i)?.value('p(90)'),
    lagP50Ms: (i) => lagOf(i)?.value('p(50)'),
    ...(limit !== undefined ? { maxScheduleLagMs: limit } : {}),
  });
  for (const v of verdicts) found.checks.record('load', GENERATOR_CHECK, v.ok, profile.staged ? `stage ${v.stage}: ${v.detail}` : v.detail);
  const failed = verdicts.find((v) => !v.ok);
  return failed ? fellBehindLine(failed, profile.staged) : undefined;
}
