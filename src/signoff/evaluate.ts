/**
 * The sign-off: every criterion evaluated over the window, then one status
 * and one exit code. A Prometheus that does not answer the first probe makes
 * every criterion `unknown` without sending the rest.
 */
import { EXIT } from '../core/errors.js';
import type { Criterion } from './criteria.js';
import { evaluateAlerts } from './eval-alerts.js';
import { evaluateCapacity, type CapacityRun } from './eval-capacity.js';
import { evaluateCoverage } from './eval-coverage.js';
import { evaluateQuery, type EvalContext } from './eval-query.js';
import { unknownResult } from './measure.js';
import { availabilityPromql, failedHealthRuns } from './queries.js';
import type { CriterionResult, SignoffStatus } from './types.js';

export interface EvaluateInput extends EvalContext {
  criteria: readonly Criterion[];
  capacitySummary?: CapacityRun;
}

function evaluateOne(ctx: EvaluateInput, c: Criterion): Promise<CriterionResult> {
  switch (c.kind) {
    case 'query': return evaluateQuery(ctx, c, { id: c.id, name: c.name });
    case 'availability': return evaluateQuery(ctx, {
      promql: availabilityPromql(ctx.sel, ctx.staleAfterS), op: '>', value: c.min, unit: 'ratio', runs: failedHealthRuns(ctx.sel), availability: true,
    }, { id: c.id, name: c.name });
    case 'critical-incidents': return evaluateAlerts(ctx, c);
    case 'capacity': return evaluateCapacity(ctx, c, ctx.capacitySummary);
    case 'coverage': return evaluateCoverage(ctx, c);
  }
}

export async function evaluateCriteria(ctx: EvaluateInput): Promise<CriterionResult[]> {
  const probe = await ctx.reader.instant('vector(1)', ctx.window.end);
  if (!probe.ok) {
    return ctx.criteria.map((c) => unknownResult({ id: c.id, name: c.name, target: '', unit: 'number' }, 'unreadable', `Prometheus could not be read: ${probe.error}`, []));
  }
  // One at a time: a 7-day window is a dozen range queries, and Prometheus is shared.
  const out: CriterionResult[] = [];
  for (const c of ctx.criteria) out.push(await evaluateOne(ctx, c));
  return out;
}

/**
 * Evidence against the launch (a failed criterion) wins; else a Prometheus
 * that could not be read is 108 (golive's side, like a failed delivery); else
 * anything short of every criterion passed over a finished window is 99.
 */
export function signoffVerdict(criteria: readonly CriterionResult[], complete: boolean): { status: SignoffStatus; exitCode: number } {
  if (criteria.some((c) => c.status === 'failed')) return { status: 'failed', exitCode: EXIT.thresholdsFailed };
  if (criteria.some((c) => c.status === 'unknown' && c.unknownCause === 'unreadable')) return { status: 'incomplete', exitCode: EXIT.deliveryFailed };
  if (!complete || criteria.some((c) => c.status !== 'passed')) return { status: 'incomplete', exitCode: EXIT.thresholdsFailed };
  return { status: 'passed', exitCode: EXIT.passed };
}
