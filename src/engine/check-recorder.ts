/**
 * Records check outcomes both as k6's `checks` rate metric (tagged by phase and
 * check name, so `checks{phase:health}` thresholds work) and as per-check pass
 * and fail counts with the first few distinct failure reasons for the reports.
 */
import type { MetricStore } from '../core/metrics.js';
import type { CheckResult, PhaseName } from '../core/result.js';

const MAX_REASONS = 5;

export class CheckRecorder {
  private readonly results = new Map<string, CheckResult>();

  constructor(private readonly store: MetricStore) {}

  record(phase: PhaseName, name: string, ok: boolean, reason?: string): boolean {
    const key = `${phase}\u0000${name}`;
    let r = this.results.get(key);
    if (!r) {
      r = { phase, name, passes: 0, fails: 0, reasons: [] };
      this.results.set(key, r);
    }
    if (ok) r.passes++;
    else {
      r.fails++;
      const why = reason ?? 'failed';
      if (r.reasons.length < MAX_REASONS && !r.reasons.includes(why)) r.reasons.push(why);
    }
    this.store.add('checks', ok ? 1 : 0, { phase, check: name });
    return ok;
  }

  failures(phase?: PhaseName): CheckResult[] {
    return this.all().filter((r) => r.fails > 0 && (phase === undefined || r.phase === phase));
  }

  all(): CheckResult[] {
    return [...this.results.values()];
  }
}
