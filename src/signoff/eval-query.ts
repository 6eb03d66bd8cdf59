/**
 * Evaluates a criterion that is one PromQL expression over a range (p95,
 * error rate, availability, the service's own queries): the window's value,
 * one value per hour (the chart and the worst hour), per day with `--by day`,
 * and for golive's per-run series the runs that failed.
 */
import type { CompareOp } from '../phases/saturation/queries.js';
import type { QueryCriterion } from './criteria.js';
import {
  bucketLabel, buckets, capList, cleanLabel, distinctValues, fineStep, fmtTarget, fmtValue, judge, unknownResult, worstBucket, worstOf, type Base,
} from './measure.js';
import type { PromReader } from './prom.js';
import { runWhile, upNow, withRange } from './queries.js';
import type { CriterionResult, DayResult, Point, Unit } from './types.js';
import { bucketEnds, DAY_S, HOUR_S, iso, promRange, type SignoffWindow } from './window.js';

export interface EvalContext {
  reader: PromReader;
  window: SignoffWindow;
  sel: string;
  /** where capacity runs are looked for: the environment only, whatever Pushgateway job they pushed to */
  capacitySel: string;
  staleAfterS: number;
}

interface Judged { promql: string; op: CompareOp; value: number; unit: Unit }

async function perBucket(ctx: EvalContext, c: Judged, size: number): Promise<{ points: Point[]; query: string } | { error: string }> {
  const ends = bucketEnds(ctx.window, size);
  const query = withRange(c.promql, promRange(size));
  if (ends.length === 0) return { points: [], query };
  const a = await ctx.reader.range(query, ends[0] ?? ctx.window.end, ctx.window.end, size);
  return a.ok ? { points: buckets(a.data, ends, c.op, c.value), query } : { error: a.error };
}

function days(points: readonly Point[], c: Judged): DayResult[] {
  return points.map((p) => ({ day: iso(p.t / 1000 - DAY_S).slice(0, 10), value: p.v, measured: fmtValue(p.v, c.unit), status: judge(p.v, c.op, c.value) }));
}

/** The runs whose verdict failed the criterion, each with its value. */
async function failedRuns(ctx: EvalContext, runs: NonNullable<QueryCriterion['runs']>, unit: Unit): Promise<{ lines: string[]; queries: string[] } | { error: string }> {
  const step = fineStep(ctx.window);
  const q = runWhile(ctx.sel, runs.failing);
  const v = `(${runs.value}) and on() (${runs.failing})`;
  const [at, val] = await Promise.all([
    ctx.reader.range(q, ctx.window.start, ctx.window.end, step),
    ctx.reader.range(v, ctx.window.start, ctx.window.end, step),
  ]);
  if (!at.ok) return { error: at.error };
  if (!val.ok) return { error: val.error };
  const valueAt = new Map((val.data[0]?.points ?? []).map(([t, x]) => [t, x]));
  const lines = distinctValues(at.data).map((r) => `run finished ${iso(Math.round(r.value))}: ${fmtValue(valueAt.get(r.at) ?? null, unit)}`);
  return { lines: capList(lines), queries: [q] };
}

/** The stretches of the window that were not up (health failed, run stale, or nothing recorded). */
async function downPeriods(ctx: EvalContext): Promise<{ lines: string[]; query: string } | { error: string }> {
  const step = fineStep(ctx.window);
  const query = upNow(ctx.sel, ctx.staleAfterS);
  const a = await ctx.reader.range(query, ctx.window.start + step, ctx.window.end, step);
  if (!a.ok) return { error: a.error };
  const up = new Set((a.data[0]?.points ?? []).filter(([, v]) => v === 1).map(([t]) => t));
  const lines: string[] = [];
  let from: number | undefined;
  const close = (to: number) => {
    if (from === undefined) return;
    const mins = Math.round((to - from) / 60);
    lines.push(`not up ${iso(from)} – ${iso(to)} (${Math.floor(mins / 60)}h ${mins % 60}m)`);
    from = undefined;
  };
  for (let t = ctx.window.start + step; t <= ctx.window.end; t += step) {
    if (!up.has(t)) from ??= t - step;
    else close(t - step);
  }
  close(ctx.window.end);
  return { lines: capList(lines), query };
}

export async function evaluateQuery(ctx: EvalContext, c: Judged & { runs?: QueryCriterion['runs']; availability?: boolean }, base: Omit<Base, 'target' | 'unit'>): Promise<CriterionResult> {
  const b: Base = { ...base, target: fmtTarget(c.op, c.value, c.unit), unit: c.unit, limit: c.value };
  const w = ctx.window;
  const windowQuery = withRange(c.promql, promRange(w.end - w.start));
  const queries = [`${windowQuery}  (at ${iso(w.end)})`];
  const [whole, hours] = await Promise.all([ctx.reader.instant(windowQuery, w.end), perBucket(ctx, c, HOUR_S)]);
  if (!whole.ok) return unknownResult(b, 'unreadable', whole.error, queries);
  if ('error' in hours) return unknownResult(b, 'unreadable', hours.error, queries);
  queries.push(`${hours.query}  (hourly)`);
  const value = worstOf(whole.data.map((r) => r.value), c.op, c.value);
  if (value === null) {
    return { ...b, status: 'unknown', unknownCause: 'no-data', value: null, measured: 'no data: the query returned no series in the window', evidence: { queries, failures: [] }, series: hours.points };
  }
  const failures: string[] = [];
  if (c.availability) {
    const down = await downPeriods(ctx);
    if ('error' in down) return unknownResult(b, 'unreadable', down.error, queries);
    failures.push(...down.lines);
  }
  if (c.runs) {
    const runs = await failedRuns(ctx, c.runs, c.unit);
    if ('error' in runs) return unknownResult(b, 'unreadable', runs.error, queries);
    failures.push(...runs.lines);
    queries.push(...runs.queries.map((q) => `${q}  (failing runs)`));
  }
  const worst = worstBucket(hours.points, c.op, c.value);
  const out: CriterionResult = {
    ...b, status: judge(value, c.op, c.value), value, measured: fmtValue(value, c.unit),
    evidence: { queries: queries.map((q) => cleanLabel(q, 2000)), failures, ...(worst ? { worst: { at: bucketLabel(worst.t, HOUR_S), value: fmtValue(worst.v, c.unit) } } : {}) },
    series: hours.points,
  };
  if (w.by === 'day') {
    const perDay = await perBucket(ctx, c, DAY_S);
    if ('error' in perDay) return unknownResult(b, 'unreadable', perDay.error, queries);
    out.days = days(perDay.points, c);
  }
  return out;
}
