/** The merged run as one RunResult, so the usual reporters (console, JSON, JUnit, HTML) serve it. */
import { redactUrl } from '../core/redact.js';
import type { RunResult } from '../core/result.js';
import type { Plan } from '../contract/plan.js';
import { buildRunResult } from '../engine/summary.js';
import { loadAccount, stageRows } from '../engine/stages.js';
import { rollbackTriggers } from '../../thresholds/index.js';
import type { MergedResult } from './merge.js';

export interface MergedReportInput {
  plan: Plan;
  runId: string;
  merged: MergedResult;
  runners: readonly RunResult[];
  version: string;
}

export function mergedRunResult(i: MergedReportInput): RunResult {
  const first = i.runners[0]?.golive;
  const starts = i.runners.map((r) => r.golive.startedAt).sort();
  const ends = i.runners.map((r) => r.golive.finishedAt).sort();
  const unavailable = i.runners.flatMap((r) => r.golive.rollback.reasons).find((x) => x.startsWith('service unavailable'));
  const rollback = rollbackTriggers({
    source: i.merged.store,
    maxP95Ms: i.plan.rollback.maxP95Ms,
    phases: i.merged.phases,
    unavailable: unavailable === undefined ? [] : [unavailable.replace(/^service unavailable:\s*/, '')],
  });
  // Every runner probed the same edge; a failing runner's view says more than a passing one's.
  const edges = i.runners.flatMap((r) => (r.golive.edge ? [r.golive.edge] : []));
  const edge = edges.find((e) => e.checks.some((c) => c.status === 'failed')) ?? edges[0];
  // Per-stage rows over every runner's samples against the whole run's schedule.
  const loadPhase = i.merged.phases.find((p) => p.name === 'load');
  const stages = stageRows(i.merged.store, i.plan.load.workload, i.merged.thresholds, loadPhase?.startedAt);
  const load = loadAccount(i.merged.store, i.plan.load.workload, loadPhase);
  return buildRunResult({
    store: i.merged.store,
    checks: i.merged.checks,
    phases: i.merged.phases,
    thresholds: i.merged.thresholds,
    rollback,
    deliveries: [],
    durationMs: i.merged.durationMs,
    tty: { stdout: false, stderr: false },
    golive: {
      version: i.version,
      runId: i.runId,
      testid: first?.testid ?? i.runId,
      ...(i.plan.environment ? { environment: i.plan.environment } : {}),
      // every runner ran the same engine
      engine: first?.engine ?? 'node',
      target: redactUrl(i.plan.target),
      startedAt: starts[0] ?? new Date(0).toISOString(),
      finishedAt: ends[ends.length - 1] ?? new Date(0).toISOString(),
      verdict: i.merged.verdict,
      exitCode: i.merged.exitCode,
      ...(edge ? { edge } : {}),
      ...(stages.length > 0 ? { stages } : {}),
      ...(load ? { load } : {}),
    },
  });
}
