/**
 * Pure: one row per load stage for the reports (console, JUnit, summary.json
 * `golive.stages`, the HTML report's per-stage chart): the target and the
 * achieved rate, requests, p95/p99, failed share, dropped arrivals and whether
 * every threshold on that stage held. Read from the store's stage-tagged
 * series and the plan's schedule, so it is the same for every reporter.
 */
import type { Workload } from '../contract/plan.js';
import type { MetricStore } from '../core/metrics.js';
import type { StageRow, ThresholdResult } from '../core/result.js';
import { parseMetricSelector } from '../../thresholds/index.js';
import { arrivalsPerStage, rateProfile } from '../net/load/schedule.js';

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
      thresholds: { passed: mine.filter((t) => t.ok).length, failed: mine.filter((t) => !t.ok).length },
    };
  });
}
