/**
 * "Auto-scaling handles 2x baseline": the verdict of the latest capacity run
 * (`golive check --profile 2x-baseline`), from its 2x-stage thresholds as
 * pushed to the Pushgateway, or from its summary.json (`--capacity-summary`).
 * No such run is `not-measured`: never a pass.
 */
import type { RunResult } from '../core/result.js';
import { PROFILE_STAGES } from '../config/profile.js';
import { capList, cleanLabel, unknownResult, type Base } from './measure.js';
import type { EvalContext } from './eval-query.js';
import { capacityLastSeen, capacityThresholds, withRange } from './queries.js';
import type { CriterionResult } from './types.js';
import { iso, promRange } from './window.js';

export interface CapacityRun {
  source: string;
  /** which run, as people read it: "run 20260903-1200 finished …", "last pushed …" */
  which: string;
  thresholds: { name: string; ok: boolean; message: string }[];
}

const PEAK = `stage:${PROFILE_STAGES.peak}`;

/** Pure: the 2x stage's thresholds of a run's summary; undefined when it ran no 2x stage. */
export function capacityFromSummary(r: RunResult, source: string): CapacityRun | undefined {
  const t = r.golive.thresholds.filter((x) => x.metric.includes(`{${PEAK}}`) || x.metric.includes(`,${PEAK}`));
  if (t.length === 0) return undefined;
  return { source, which: `run ${r.golive.runId}, finished ${r.golive.finishedAt}`, thresholds: t.map((x) => ({ name: `${x.metric} ${x.expression}`, ok: x.ok, message: x.message })) };
}

const BASE: Base = { id: 'capacity', name: '', target: 'the 2x stage\'s thresholds hold', unit: 'ratio' };

function judged(b: Base, run: CapacityRun, queries: string[]): CriterionResult {
  const failed = run.thresholds.filter((t) => !t.ok);
  const lines = run.thresholds.map((t) => `${t.ok ? '✓' : '✗'} ${cleanLabel(t.name)}: ${cleanLabel(t.message)}`);
  return {
    ...b, status: failed.length === 0 ? 'passed' : 'failed', value: (run.thresholds.length - failed.length) / run.thresholds.length,
    measured: `${failed.length === 0 ? 'held' : `${failed.length} of ${run.thresholds.length} thresholds failed`} (${cleanLabel(run.which, 120)})`,
    evidence: { queries: [...queries, `source: ${cleanLabel(run.source)}`], failures: capList(lines) },
    series: [],
  };
}

export async function evaluateCapacity(ctx: EvalContext, c: { name: string }, summary: CapacityRun | undefined): Promise<CriterionResult> {
  const b: Base = { ...BASE, name: c.name };
  if (summary) return judged(b, summary, []);
  const w = ctx.window;
  const range = promRange(w.end - w.start);
  const q = withRange(capacityThresholds(ctx.capacitySel), range);
  const seenQ = withRange(capacityLastSeen(ctx.capacitySel), range);
  const queries = [`${q}  (at ${iso(w.end)})`];
  const [rows, seen] = await Promise.all([ctx.reader.instant(q, w.end), ctx.reader.instant(seenQ, w.end)]);
  if (!rows.ok) return unknownResult(b, 'unreadable', rows.error, queries);
  if (rows.data.length === 0) {
    return {
      ...b, status: 'not-measured', value: null,
      measured: 'not measured: no capacity run (golive check --profile 2x-baseline) was pushed in the window; or give --capacity-summary FILE',
      evidence: { queries, failures: [] }, series: [],
    };
  }
  const last = seen.ok && seen.data[0] ? `last seen ${iso(Math.round(seen.data[0].value))}` : 'seen in the window';
  return judged(b, {
    source: 'Pushgateway (golive_threshold_success)', which: `pushed to the Pushgateway, ${last}`,
    thresholds: rows.data.map((r) => ({ name: `${r.labels.metric ?? '?'} ${r.labels.threshold ?? '?'}`, ok: r.value === 1, message: r.value === 1 ? 'held' : 'failed' })),
  }, queries);
}
