/**
 * A phase's own record of what it found, turned into its PhaseOutcome at the
 * end. Each phase run makes a fresh one, so nothing is shared between phases.
 */
import { CheckRecorder } from '../core/check-recorder.js';
import { MetricStore } from '../core/metrics.js';
import { FailureTally } from '../net/failures.js';
import type { PhaseOutcome } from './types.js';

export class Findings {
  readonly store = new MetricStore();
  readonly checks = new CheckRecorder(this.store);
  /** failed requests by cause */
  readonly failures = new FailureTally();
  readonly notes: string[] = [];
  readonly unavailable: string[] = [];

  outcome(status: PhaseOutcome['status'], reason?: string): PhaseOutcome {
    return {
      status,
      ...(reason !== undefined ? { reason } : {}),
      store: this.store,
      checks: this.checks.all(),
      failedRequests: this.failures.list(),
      ...(this.notes.length > 0 ? { notes: [...this.notes] } : {}),
      ...(this.unavailable.length > 0 ? { unavailable: [...this.unavailable] } : {}),
    };
  }
}
