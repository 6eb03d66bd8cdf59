/**
 * Merges the runners' results into one verdict. Latencies merge as histograms and the
 * thresholds are evaluated again over the merged store with the whole plan's
 * definitions: a percentile is never averaged, and a per-runner count is never
 * compared against the whole run's total.
 */
import { mergeCheckResults } from '../core/check-recorder.js';
import { MetricStore } from '../core/metrics.js';
import type { CheckResult, PhaseResult, PhaseStatus, RunResult, ThresholdResult, Verdict } from '../core/result.js';
import type { Plan } from '../contract/plan.js';
import { decideVerdict } from '../engine/verdict.js';
import { evaluateRunThresholds, thresholdsJudged, voidedLine } from '../../thresholds/index.js';

export interface MergedResult {
  store: MetricStore;
  phases: PhaseResult[];
  checks: CheckResult[];
  thresholds: ThresholdResult[];
  durationMs: number;
  verdict: Verdict;
  exitCode: number;
}

const SEVERITY: Record<PhaseStatus, number> = { passed: 0, skipped: 1, failed: 2, error: 3, aborted: 4 };

function mergePhases(results: readonly RunResult[]): PhaseResult[] {
  const byName = new Map<string, PhaseResult>();
  for (const r of results) {
    for (const p of r.golive.phases) {
      const cur = byName.get(p.name);
      if (!cur) byName.set(p.name, { ...p });
      else {
        const worse = SEVERITY[p.status] > SEVERITY[cur.status] ? p : cur;
        byName.set(p.name, { ...worse, durationMs: Math.max(cur.durationMs, p.durationMs) });
      }
    }
  }
  return [...byName.values()];
}

export function mergeStores(results: readonly RunResult[]): MetricStore {
  const store = new MetricStore();
  for (const r of results) store.merge(MetricStore.fromJSON(r.golive.series ?? [], r.golive.timeline));
  return store;
}

/** `plan` is the whole run's plan (not a runner's segment of it). */
export function mergeRunnerResults(plan: Plan, results: readonly RunResult[]): MergedResult {
  const store = mergeStores(results);
  // Runners run side by side: the run lasted as long as its slowest runner.
  const durationMs = Math.max(0, ...results.map((r) => r.golive.durationMs));
  const phases = mergePhases(results);
  // The same rule as each runner's: thresholds of phases that did not run are not judged.
  const thresholds = evaluateRunThresholds(thresholdsJudged(plan, phases), store, durationMs / 1000, plan.load.workload);
  const engineError = results.find((r) => r.golive.verdict === 'error')?.golive.error ?? voidedLine(thresholds);
  const { verdict, exitCode } = decideVerdict({
    phases, thresholds, deliveries: [],
    aborted: results.some((r) => r.golive.verdict === 'aborted'),
    ...(engineError !== undefined ? { engineError } : {}),
  });
  return { store, phases, checks: mergeCheckResults(results.map((r) => r.golive.checks)), thresholds, durationMs, verdict, exitCode };
}
