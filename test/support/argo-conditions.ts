/**
 * How Argo Rollouts scores one measurement from a metric's two conditions
 * (argo-rollouts v1.8.3 utils/evaluate/evaluate.go, EvaluateResult): the
 * failure condition true is Failed, the success condition true is
 * Successful, neither is Inconclusive, and a condition that cannot be
 * evaluated (result[0] of an empty vector) is an Error, which Argo retries.
 * Only the condition form golive's template uses is understood
 * (`result[0] == N`); anything else throws, so a changed template fails here.
 */
export type ArgoPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

function holds(condition: string, result: readonly number[]): boolean | 'error' {
  const m = /^result\[0\] == (\d+)$/.exec(condition);
  if (!m) throw new Error(`argo-conditions: unsupported condition ${JSON.stringify(condition)}`);
  const v = result[0];
  return v === undefined ? 'error' : v === Number(m[1]);
}

export function argoMeasurement(metric: { successCondition: string; failureCondition: string }, result: readonly number[]): ArgoPhase {
  const ok = holds(metric.successCondition, result);
  const bad = holds(metric.failureCondition, result);
  if (ok === 'error' || bad === 'error') return 'Error';
  if (bad) return 'Failed';
  return ok ? 'Successful' : 'Inconclusive';
}
