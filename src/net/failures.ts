/**
 * Failed requests by cause, with counts, for every report: "timeout ×3",
 * "status 503 ×12", and apart from those the causes raised on our side
 * ("EMFILE ×670"), which are never evidence against the target.
 */
import type { FailedRequests, PhaseName } from '../core/result.js';
import { CLIENT_FAULT_REASON } from '../../thresholds/index.js';
import { safeLine } from '../core/sanitize.js';
import { clientFault } from './load/describe-error.js';

/**
 * Requests resent once on a fresh connection because the reused keep-alive
 * connection closed before any byte of the answer (a counter, per phase).
 */
export const STALE_RETRIES = 'golive_http_retries_on_stale_connection';

export class FailureTally {
  private readonly counts = new Map<string, { phase: PhaseName; cause: string; count: number }>();

  add(phase: PhaseName, raw: string, count = 1): void {
    const cause = safeLine(raw, 200);
    const key = `${phase}\u0000${cause}`;
    const e = this.counts.get(key);
    if (e) e.count += count;
    else this.counts.set(key, { phase, cause, count });
  }

  /** Client-side causes of one phase with counts, e.g. "EMFILE ×670 (too many open files ...)". */
  clientFaults(phase: PhaseName): string[] {
    return [...this.counts.values()]
      .filter((e) => e.phase === phase && clientFault(e.cause) !== undefined)
      .map((e) => `${e.cause} ×${e.count} (${clientFault(e.cause) ?? ''})`);
  }

  list(): FailedRequests[] {
    return [...this.counts.values()]
      .map((e) => ({ ...e, side: clientFault(e.cause) !== undefined ? 'golive' as const : 'target' as const }))
      .sort((a, b) => b.count - a.count);
  }
}

/** The reason of a phase that met faults of our own: one line, never the target's fault. */
export function clientFaultReason(faults: readonly string[]): string {
  return `${CLIENT_FAULT_REASON}: ${faults.join('; ')}`;
}
