/**
 * Pure: what the load asked against what it did, for the reports (console,
 * JUnit, Markdown, summary.json `golive.load` and `golive.stages`, the HTML
 * report): the whole load phase for every model, and one row per stage of a
 * staged workload (asked and achieved rate, sent, p95/p99, failed share,
 * dropped arrivals by cause and whether every threshold on that stage held).
 * Read from the store's (stage-tagged) series and the plan's schedule, so it
 * is the same for every engine and reporter.
 */
import type { Workload } from '../contract/plan.js';
import type { MetricStore } from '../core/metrics.js';
import type { LoadAccount, PhaseResult, StageRow, ThresholdResult } from '../core/result.js';
import { parseMetricSelector } from '../../thresholds/index.js';
import { arrivalsPerStage, rateProfile, totalArrivals } from '../net/load/schedule.js';

type Tags = Record<string, string>;

const count = (store: MetricStore, name: string, tags: Tags): number | undefined => store.select(name, tags)?.value('count');

/** Requests sent: each one answered, failed or timed out is an http_reqs sample. */
const sentOf = (store: MetricStore, tags: Tags): number => count(store, 'http_reqs', tags) ?? count(store, 'iterations', tags) ?? 0;

/** Arrivals golive itself released too late to send; undefined where the engine does not count them (k6). */
const lateOf = (store: MetricStore, tags: Tags): number | undefined => count(store, 'golive_dropped_arrivals', { ...tags, cause: 'generator' });

/** The load phase asked against done, or undefined when it did not run. */
export function loadAccount(store: MetricStore, workload: Workload, phase: Pick<PhaseResult, 'status' | 'durationMs'> | undefined): LoadAccount | undefined {
  if (phase === undefined || phase.status === 'skipped') return undefined;
  const tags = { phase: 'load' };
  const sent = sentOf(store, tags);
  if (workload.model === 'closed') {
    const seconds = phase.durationMs / 1000;
    return {
      model: 'closed', scheduled: workload.requests, concurrency: workload.concurrency, durationSeconds: seconds,
      sent, achievedRate: seconds > 0 ? sent / seconds : 0, droppedMaxInFlight: 0, notReleased: Math.max(0, workload.requests - sent),
    };
  }
  const profile = rateProfile(workload);
  const scheduled = totalArrivals(profile);
  const seconds = profile.totalMs / 1000;
  const droppedMaxInFlight = count(store, 'dropped_iterations', tags) ?? 0;
  const droppedLate = lateOf(store, tags);
  return {
    model: workload.model, scheduled, askedRate: seconds > 0 ? scheduled / seconds : 0, maxInFlight: workload.maxInFlight,
    durationSeconds: seconds, sent, achievedRate: seconds > 0 ? sent / seconds : 0, droppedMaxInFlight,
    ...(droppedLate !== undefined ? { droppedLate } : {}),
    notReleased: Math.max(0, scheduled - sent - droppedMaxInFlight - (droppedLate ?? 0)),
  };
}

function stageOf(metric: string): string | undefined {
  try {
    return parseMetricSelector(metric).tags['stage'];
  } catch {
    return undefined;
  }
}

export function stageRows(store: MetricStore, workload: Workload, thresholds: readonly ThresholdResult[], loadStartedAt?: string): StageRow[] {
  if (workload.model !== 'staged') return [];
  const profile = rateProfile(workload);
  const scheduled = arrivalsPerStage(profile);
  const start = loadStartedAt === undefined ? undefined : Date.parse(loadStartedAt);
  return profile.stageNames.map((name, index) => {
    const segs = profile.segments.filter((s) => s.stage === index);
    const startMs = Math.min(...segs.map((s) => s.startMs));
    const durationMs = segs.reduce((n, s) => n + s.durationMs, 0);
    const seconds = durationMs / 1000;
    const tags = { phase: 'load', stage: name };
    const requests = store.select('http_reqs', tags)?.value('count') ?? 0;
    const dur = store.select('http_req_duration', tags);
    const failed = store.select('http_req_failed', tags)?.value('rate');
    const p95 = dur?.value('p(95)');
    const p99 = dur?.value('p(99)');
    const mine = thresholds.filter((t) => stageOf(t.metric) === name);
    const late = lateOf(store, tags);
    const last = segs[segs.length - 1];
    return {
      name,
      index,
      ...(start !== undefined && Number.isFinite(start) ? { startedAt: new Date(start + startMs).toISOString() } : {}),
      durationSeconds: seconds,
      targetRate: { from: segs[0]?.fromRate ?? 0, to: last?.toRate ?? 0 },
      scheduled: scheduled[index] ?? 0,
      requests,
      achievedRate: seconds > 0 ? requests / seconds : 0,
      ...(p95 !== undefined ? { p95 } : {}),
      ...(p99 !== undefined ? { p99 } : {}),
      ...(failed !== undefined ? { failedRate: failed } : {}),
      dropped: store.select('dropped_iterations', tags)?.value('count') ?? 0,
      ...(late !== undefined ? { droppedLate: late } : {}),
      thresholds: { passed: mine.filter((t) => t.ok).length, failed: mine.filter((t) => !t.ok).length },
    };
  });
}
