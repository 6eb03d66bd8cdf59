/**
 * Records check outcomes both as k6's `checks` rate metric (tagged by phase and
 * check name, so `checks{phase:health}` thresholds work) and as per-check pass
 * and fail counts with the first few distinct failure reasons for the reports.
 */
import { safeLine } from './sanitize.js';
import type { MetricStore } from './metrics.js';
import type { CheckResult, PhaseName } from './result.js';

const MAX_REASONS = 5;

export class CheckRecorder {
  private readonly results = new Map<string, CheckResult>();

  constructor(private readonly store: MetricStore) {}

  private entry(phase: PhaseName, name: string, group?: string): CheckResult {
    const key = `${phase}\u0000${name}`;
    let r = this.results.get(key);
    if (!r) {
      r = { phase, name, passes: 0, fails: 0, reasons: [], ...(group !== undefined ? { group } : {}) };
      this.results.set(key, r);
    }
    return r;
  }

  private reason(r: CheckResult, reason: string | undefined): void {
    // Reasons quote the target: capped and cleaned once, here, for every report.
    const why = safeLine(reason ?? 'failed');
    if (r.reasons.length < MAX_REASONS && !r.reasons.includes(why)) r.reasons.push(why);
  }

  /** `tags`: a declared check's own (`group`, `name`), so `checks{group:x}` selects it. */
  record(phase: PhaseName, name: string, ok: boolean, reason?: string, tags?: Readonly<Record<string, string>>): boolean {
    const r = this.entry(phase, name, tags?.['group']);
    delete r.notRun;
    if (ok) r.passes++;
    else {
      r.fails++;
      this.reason(r, reason);
    }
    this.store.add('checks', ok ? 1 : 0, { ...tags, phase, check: name });
    return ok;
  }

  /** A soft failure: a pass for `checks` (the gate), counted in `checks_degraded`, its reason kept. */
  degraded(phase: PhaseName, name: string, reason: string | undefined, tags?: Readonly<Record<string, string>>): void {
    const r = this.entry(phase, name, tags?.['group']);
    delete r.notRun;
    r.passes++;
    r.degraded = (r.degraded ?? 0) + 1;
    this.reason(r, reason);
    this.store.add('checks', 1, { ...tags, phase, check: name });
    this.store.add('checks_degraded', 1, { ...tags, phase, check: name });
  }

  /** Not judged (what it depends on failed): shown with why, no sample. */
  notRun(phase: PhaseName, name: string, reason: string, tags?: Readonly<Record<string, string>>): void {
    const r = this.entry(phase, name, tags?.['group']);
    if (r.passes === 0 && r.fails === 0) r.notRun = safeLine(reason);
  }

  failures(phase?: PhaseName): CheckResult[] {
    return this.all().filter((r) => r.fails > 0 && (phase === undefined || r.phase === phase));
  }

  all(): CheckResult[] {
    return [...this.results.values()];
  }
}

/**
 * Folds check results by (phase, name): counts add up, reasons keep the first
 * few distinct ones. Used where outcomes meet (phases of one run, runners of a Job).
 */
export function mergeCheckResults(lists: Iterable<readonly CheckResult[]>): CheckResult[] {
  const byKey = new Map<string, CheckResult>();
  for (const list of lists) {
    for (const c of list) {
      const key = `${c.phase}\u0000${c.name}`;
      const cur = byKey.get(key);
      if (!cur) byKey.set(key, { ...c, reasons: [...c.reasons] });
      else {
        cur.passes += c.passes;
        cur.fails += c.fails;
        if (c.degraded !== undefined) cur.degraded = (cur.degraded ?? 0) + c.degraded;
        if (cur.passes + cur.fails > 0) delete cur.notRun;
        for (const why of c.reasons) if (cur.reasons.length < MAX_REASONS && !cur.reasons.includes(why)) cur.reasons.push(why);
      }
    }
  }
  return [...byKey.values()];
}
