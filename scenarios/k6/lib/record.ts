/**
 * Hands the shared checks' outcomes to k6's `check`, tagged with the phase, so
 * the k6 summary carries the same check names as the node engine. k6 keeps
 * only pass/fail per check; the first reasons are kept here and returned (via
 * setup data) so the reports can still say why.
 */
import { check } from 'k6';
import type { CheckOutcome } from '../../../checks/index.js';
import type { PhaseName } from '../../../src/core/result.js';
import type { K6SetupData } from '../../../src/engine/k6/summary-schema.js';

const MAX_REASONS = 5;

/** ok, failed count, check name -> first distinct reasons, duration: what the adapter parses back */
export type PhaseReport = NonNullable<K6SetupData['marketData']>;

export class OutcomeRecorder {
  failed = 0;
  readonly reasons: Record<string, string[]> = {};

  constructor(private readonly phase: PhaseName) {}

  record(outcomes: readonly CheckOutcome[]): void {
    for (const o of outcomes) {
      // One check() per outcome keeps k6's check order equal to ours.
      check(null, { [o.name]: () => o.ok }, { phase: this.phase, scenario: this.phase });
      if (o.ok) continue;
      this.failed++;
      const why = o.reason ?? 'failed';
      const list = (this.reasons[o.name] ??= []);
      if (list.length < MAX_REASONS && !list.includes(why)) list.push(why);
      console.warn(`[${this.phase}] ${o.name}: ${why}`);
    }
  }

  report(durationMs: number): PhaseReport {
    return { ok: this.failed === 0, failed: this.failed, reasons: this.reasons, durationMs };
  }
}
