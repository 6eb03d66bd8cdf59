/**
 * `--engine k6`: runs the plan under a local k6 binary and returns the same
 * RunResult shape as the node engine. The MetricStore it returns is empty: a
 * k6 summary holds aggregates, not the raw HDR series the Prometheus sinks
 * encode. With --prometheus-rw-url k6 writes its own samples through its
 * experimental-prometheus-rw output (prometheus-output.ts); golive's sinks add
 * the verdict series.
 */
import type { Plan } from '../../contract/plan.js';
import { MetricStore } from '../../core/metrics.js';
import type { DeliveryResult, RunResult } from '../../core/result.js';
import type { Segment } from '../segment.js';
import { decideVerdict, errorLine } from '../verdict.js';
import { buildRunResult, runIdentity } from '../summary.js';
import { convertK6Summary } from './convert.js';
import type { K6RunPieces } from './convert.js';
import { runK6 } from './run.js';
import type { K6Outcome } from './run.js';

export { findK6, k6NotFoundMessage } from './find.js';
export { runK6, K6_SUMMARY_FILE } from './run.js';
export type { K6Outcome, K6RunOptions } from './run.js';
export { convertK6Summary } from './convert.js';
export type { K6RunPieces } from './convert.js';
export { classifyK6Exit, K6_EXIT } from './exit-codes.js';

export interface K6EngineRun {
  plan: Plan;
  signal: AbortSignal;
  outDir: string;
  env: NodeJS.ProcessEnv;
  runId: string;
  version: string;
  tty: { stdout: boolean; stderr: boolean };
  segment?: Segment;
  stderr?: NodeJS.WritableStream;
  now?: () => Date;
}

function emptyPieces(plan: Plan, reason: string): K6RunPieces {
  return {
    phases: plan.phases.map((name) => ({ name, status: 'skipped' as const, reason, durationMs: 0 })),
    checks: [],
    thresholds: [],
    rollback: { triggered: false, reasons: [] },
    metrics: {},
    durationMs: 0,
    notes: [],
  };
}

/** Pure: a k6 outcome -> RunResult, judged and built like a node engine run. */
export function k6RunResult(outcome: K6Outcome, run: Omit<K6EngineRun, 'signal' | 'outDir' | 'env'>, startedAt: Date, finishedAt: Date): RunResult {
  const { plan } = run;
  const aborted = outcome.kind === 'aborted';
  const pieces = outcome.summary
    ? convertK6Summary(outcome.summary, { plan, aborted, ...(outcome.segment ? { segment: outcome.segment } : {}) })
    : emptyPieces(plan, outcome.kind === 'aborted' ? `run aborted (${outcome.reason})` : 'no summary');
  // k6's own remote write failed (it logs and exits 0): a delivery failure like golive's sinks' (108)
  const deliveries: DeliveryResult[] = (outcome.outputErrors ?? []).slice(0, 1).map((line) => ({
    sink: 'prometheus-remote-write', ok: false, attempts: 1,
    error: `k6's experimental-prometheus-rw output failed: ${/error="([^"]*)"/.exec(line)?.[1] ?? line}`,
  }));
  const { verdict, exitCode } = decideVerdict({ phases: pieces.phases, thresholds: pieces.thresholds, deliveries, aborted });
  const why = errorLine(pieces.phases, pieces.thresholds);
  return buildRunResult({
    store: new MetricStore(),
    aggregates: pieces.metrics,
    includeSeries: false,
    checks: pieces.checks,
    phases: pieces.phases,
    thresholds: pieces.thresholds,
    rollback: pieces.rollback,
    deliveries,
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    tty: run.tty,
    golive: {
      ...runIdentity(plan, { ...run, engine: 'k6' }, startedAt, finishedAt),
      verdict,
      exitCode,
      ...(outcome.kind === 'aborted' ? { error: `aborted: ${outcome.reason}` } : verdict === 'error' && why !== undefined ? { error: why } : {}),
      ...(pieces.notes.length > 0 ? { notes: pieces.notes } : {}),
    },
  });
}

/**
 * Throws GoliveError: GOLIVE_K6_NOT_FOUND (no binary; exit 107),
 * GOLIVE_ENGINE_ERROR (bundle failed, k6 script error or crash, bad summary).
 */
export async function runK6Engine(run: K6EngineRun): Promise<{ result: RunResult; store: MetricStore; outcome: K6Outcome }> {
  const now = run.now ?? (() => new Date());
  const startedAt = now();
  const outcome = await runK6(run.plan, {
    signal: run.signal,
    outDir: run.outDir,
    env: run.env,
    testid: run.plan.testid ?? run.runId,
    ...(run.segment ? { segment: run.segment } : {}),
    ...(run.stderr ? { stderr: run.stderr } : {}),
  });
  return { result: k6RunResult(outcome, run, startedAt, now()), store: new MetricStore(), outcome };
}
