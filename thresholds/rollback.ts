/**
 * The runbook's rollback triggers, reported apart from the verdict: a failed
 * gate blocks a release, a rollback signal says the live one should be undone.
 */
import { classifyCause } from '../checks/causes.js';
import { safeLine } from '../src/core/sanitize.js';
import type { PhaseResult, RollbackSignal } from '../src/core/result.js';
import type { MetricSource } from './evaluate.js';

export interface RollbackInput {
  source: MetricSource;
  /** runbook "Performance Degradation: Response times > 5 seconds" */
  maxP95Ms: number;
  phases: readonly Pick<PhaseResult, 'name' | 'status'>[];
  /**
   * Gathered by the engine, one line each (e.g. "GET /health returned 503";
   * never a secret): a check failed because the service did not answer
   * usefully (connection refused/reset, timeout, 5xx), as opposed to, say, a
   * slow but correct answer.
   */
  unavailable: readonly string[];
}

/**
 * A port that answered a TLS hello in plain HTTP is up: the scheme of the
 * URL (the user's, or ours to fix) is wrong, which the failed check names in
 * one line. It is not evidence that a deployed service went down.
 */
function downEvidence(line: string): boolean {
  return classifyCause(line).kind !== 'plain-http';
}

function p95Over(source: MetricSource, tags: Record<string, string>): number | undefined {
  const m = source.select('http_req_duration', tags);
  if (m === undefined || m.samples === 0) return undefined;
  return m.value('p(95)');
}

/**
 * Per phase, because a few slow health calls would vanish in the p95 of a
 * thousand fast load requests; the untagged p95 is a fallback for sources
 * without phase tags.
 */
export function rollbackTriggers(input: RollbackInput): RollbackSignal {
  const { source, maxP95Ms } = input;
  const reasons: string[] = [];
  const down = input.unavailable.filter(downEvidence);
  if (down.length > 0) reasons.push(safeLine(`service unavailable: ${down.join('; ')}`));
  const slow = (p95: number): string => `p(95)=${p95.toFixed(2)}ms > ${maxP95Ms}ms`;
  let perPhase = false;
  for (const phase of input.phases) {
    if (phase.status === 'skipped') continue;
    const p95 = p95Over(source, { phase: phase.name });
    if (p95 === undefined) continue;
    perPhase = true;
    if (p95 > maxP95Ms) reasons.push(`${slow(p95)} in phase ${phase.name}`);
  }
  if (!perPhase) {
    const p95 = p95Over(source, {});
    if (p95 !== undefined && p95 > maxP95Ms) reasons.push(`${slow(p95)} over all requests`);
  }
  return { triggered: reasons.length > 0, reasons };
}
