/**
 * Failed requests by cause, with counts, worded once for every report:
 * "timeout ×3", "status 503 ×12", and causes on golive's side marked as such,
 * so a reader never takes our EMFILE for the target's outage.
 */
import type { FailedRequests, PhaseName, RunResult } from '../core/result.js';
import { STALE_RETRIES } from '../net/failures.js';

export const GOLIVE_SIDE = "golive's own fault, not the target";

export function failedRequests(result: RunResult, phase?: PhaseName): FailedRequests[] {
  return (result.golive.failedRequests ?? []).filter((f) => phase === undefined || f.phase === phase);
}

/** One line per phase, e.g. "load: status 503 ×12, timeout ×3, EMFILE ×670 (golive's own fault, not the target)". */
export function describeFailedRequests(list: readonly FailedRequests[]): string {
  return list.map((f) => `${f.cause} ×${f.count}${f.side === 'golive' ? ` (${GOLIVE_SIDE})` : ''}`).join(', ');
}

/** Requests resent once on a fresh connection because a reused keep-alive connection closed before answering. */
export function staleRetries(result: RunResult): number {
  const v = result.metrics[STALE_RETRIES]?.values['count'];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** The reports' line for them, or undefined when there were none. */
export function staleRetriesLine(result: RunResult): string | undefined {
  const n = staleRetries(result);
  if (n === 0) return undefined;
  return `resent on a fresh connection: ${n} request${n === 1 ? '' : 's'} (a kept-alive connection closed unanswered)`;
}
