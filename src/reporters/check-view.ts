/**
 * What every reporter shows of checks, phases and thresholds, so one root
 * cause gives one red line everywhere: a failed check names its cause in one
 * sentence (checks/causes.ts); a check that could not run because a step it
 * needs failed reads "not run"; a later failure with the same cause points at
 * the first; a `checks{...}` threshold refers to the checks instead of
 * repeating them; a phase whose thresholds failed is failed in its row. Pure.
 */
import { classifyCause, isNotRun, NOT_RUN } from '../../checks/causes.js';
import { DEFAULT_PHASES } from '../contract/plan.js';
import type { PhaseName, PhaseStatus, RunResult, ThresholdResult } from '../core/result.js';
import { defaultThresholds, parseMetricSelector, thresholdPhase } from '../../thresholds/index.js';
import { thresholdState } from './text.js';

export type CheckState = 'passed' | 'degraded' | 'failed' | 'not-run' | 'same-cause';

export interface CheckRow {
  phase: PhaseName;
  name: string;
  state: CheckState;
  passes: number;
  fails: number;
  /** soft failures (a pass for the gate) */
  degraded: number;
  /** the cause (failed), why it did not run (not-run), which row has the cause (same-cause); '' when passed */
  line: string;
  /** further distinct failure reasons of a check that failed in more than one way */
  more: string[];
}

function notRunText(reason: string): string {
  return reason.startsWith(NOT_RUN) ? reason.slice(NOT_RUN.length) : reason.replace(/^not checked: /, '');
}

/** Every check in result order, each with its state and one line. */
export function checkRows(result: RunResult): CheckRow[] {
  const g = result.golive;
  const firstByCause = new Map<string, string>();
  return g.checks.map((c): CheckRow => {
    const real = c.reasons.filter((r) => !isNotRun(r));
    const base = { phase: c.phase, name: c.name, passes: c.passes, fails: c.fails, degraded: c.degraded ?? 0, more: real.slice(1) };
    // A declared check that never ran carries why (check-recorder's notRun).
    if (c.notRun !== undefined && c.passes + c.fails === 0) return { ...base, state: 'not-run', line: c.notRun };
    // A soft failure: a pass for the gate, its reason shown, never as a red line.
    if (c.fails === 0 && (c.degraded ?? 0) > 0) return { ...base, state: 'degraded', line: c.reasons[0] ?? 'degraded' };
    if (c.fails === 0) return { ...base, state: 'passed', line: '' };
    const first = real[0];
    if (first === undefined) {
      // Every failure was "not run": it only ran when its prerequisite held.
      return { ...base, state: c.passes > 0 ? 'failed' : 'not-run', line: notRunText(c.reasons[0] ?? `${NOT_RUN}a step it needs failed`) };
    }
    const cause = classifyCause(first, { target: g.target });
    // One wrong status across a phase's endpoints is one cause, whatever each body says.
    const key = cause.kind === 'status' ? `${c.phase} ${/^got status \d+/.exec(cause.line)?.[0] ?? cause.line}` : cause.line;
    const seen = firstByCause.get(key);
    if (seen !== undefined) {
      return { ...base, state: 'same-cause', line: `same cause as ${seen}` };
    }
    firstByCause.set(key, `${c.phase} ${c.name}`);
    return { ...base, state: 'failed', line: cause.line };
  });
}

/** The edge phase's check detail in one line (an OpenSSL dump becomes "speaks plain HTTP"). */
export function edgeDetail(result: RunResult, detail: string): string {
  const cause = classifyCause(detail, { target: result.golive.target });
  return cause.kind === 'plain-http' ? cause.line : detail;
}

/** The rollback trigger's reasons, each connection-level cause said once in words. */
export function rollbackLine(result: RunResult): string {
  const { target, rollback } = result.golive;
  const lines = rollback.reasons.map((r) => {
    const cause = classifyCause(r, { target });
    if (cause.kind !== 'plain-http' && cause.kind !== 'refused') return r;
    const head = /^[^:]+/.exec(r)?.[0] ?? 'service unavailable';
    return `${head}: ${cause.line}`;
  });
  return [...new Set(lines)].join('; ') || 'see thresholds';
}

const isChecksMetric = (t: ThresholdResult): boolean => {
  try {
    return parseMetricSelector(t.metric).name === 'checks';
  } catch {
    return false;
  }
};

/** A threshold's line: a failed `checks` threshold counts the checks it covers instead of repeating them. */
export function thresholdLine(result: RunResult, t: ThresholdResult, rows: readonly CheckRow[] = checkRows(result)): string {
  if (t.ok || !isChecksMetric(t) || t.voided !== undefined) return thresholdState(t).text;
  const phase = thresholdPhase(t);
  const mine = rows.filter((r) => phase === undefined || r.phase === phase);
  const count = (s: CheckState) => mine.filter((r) => r.state === s).length;
  const failed = count('failed') + count('same-cause');
  const notRun = count('not-run');
  return `${t.message}: see Checks (${failed} failed${notRun ? `, ${notRun} not run` : ''})`;
}

export interface PhaseRow {
  name: PhaseName;
  /** the phase's own status, except that failed thresholds of a passed phase make it failed */
  status: PhaseStatus;
  reason: string;
}

/** What a skipped phase reads: it did not run, and why. */
export const NOT_RUN_LABEL = 'not run';

export function phaseRows(result: RunResult, rows: readonly CheckRow[] = checkRows(result)): PhaseRow[] {
  const g = result.golive;
  return g.phases.map((p) => {
    const failedThresholds = g.thresholds.filter((t) => !t.ok && t.voided === undefined && thresholdPhase(t) === p.name);
    const mine = rows.filter((r) => r.phase === p.name);
    const failedChecks = mine.filter((r) => r.state === 'failed' || r.state === 'same-cause');
    if (p.status === 'passed' && failedThresholds.length) {
      const names = failedThresholds.map((t) => `${t.metric} ${t.expression}`).join(', ');
      return { name: p.name, status: 'failed', reason: `threshold${failedThresholds.length === 1 ? '' : 's'} failed: ${names}` };
    }
    if (p.status === 'failed' && failedChecks.length && p.name !== 'edge') {
      // The cause is said once, in the check's row; the phase row only counts.
      const notRun = mine.filter((r) => r.state === 'not-run').length;
      const n = failedChecks.length;
      return { name: p.name, status: p.status, reason: `${n} check${n === 1 ? '' : 's'} failed${notRun ? `, ${notRun} not run` : ''} (see Checks)` };
    }
    return { name: p.name, status: p.status, reason: p.reason ?? '' };
  });
}

/** The phases that ran and those of the default set that did not, for the banner. */
export function verdictScope(result: RunResult): string {
  const g = result.golive;
  const ran = g.phases.filter((p) => p.status !== 'skipped').map((p) => p.name as string);
  const listed = new Set(g.phases.map((p) => p.name as string));
  const missing = [...DEFAULT_PHASES].filter((p) => !listed.has(p));
  const skipped = g.phases.filter((p) => p.status === 'skipped').map((p) => p.name as string);
  const notRun = [...missing, ...skipped];
  if (!notRun.length) return '';
  const covered = ran.length === 0 ? 'nothing ran' : `${ran.join(', ')} only`;
  return `${covered} (${notRun.join(', ')} not run)`;
}

/** The default thresholds no one judged, because their phase did not run. */
export function notJudged(result: RunResult): { selector: string; why: string }[] {
  const g = result.golive;
  const listed = new Set(g.phases.map((p) => p.name as string));
  const absent = [...DEFAULT_PHASES].filter((p) => !listed.has(p));
  const skipped = g.phases.filter((p) => p.status === 'skipped').map((p) => p.name as string);
  const keysOf = (phases: string[]) => Object.keys(defaultThresholds({
    phases, health: { maxResponseMs: 0 }, load: { workload: { model: 'closed', requests: 0, concurrency: 1 } },
  }));
  const judged = new Set(g.thresholds.map((t) => t.metric));
  return [
    ...keysOf(absent).map((selector) => ({ selector, why: 'phase did not run' })),
    ...keysOf(skipped).map((selector) => ({ selector, why: 'phase skipped' })),
  ].filter((n) => !judged.has(n.selector));
}
