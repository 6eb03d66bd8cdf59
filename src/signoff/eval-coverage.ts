/**
 * "Monitoring coverage: 100 % of critical paths monitored": the share of the
 * configured checks (phases) that ran at least once in every hour of the
 * window, from the runs golive pushed.
 */
import { capList, cleanLabel, unknownResult, type Base } from './measure.js';
import type { EvalContext } from './eval-query.js';
import { phaseRanInHour } from './queries.js';
import type { CriterionResult, DayResult, Point } from './types.js';
import { bucketEnds, DAY_S, HOUR_S, iso } from './window.js';

/** Pure: per check, the hour ends (epoch s) without a run. */
export function missedHours(series: readonly { labels: Record<string, string>; points: [number, number][] }[], checks: readonly string[], ends: readonly number[]): Map<string, number[]> {
  const covered = new Map<string, Set<number>>();
  for (const s of series) {
    const phase = s.labels.phase ?? '';
    const set = covered.get(phase) ?? new Set<number>();
    for (const [t, v] of s.points) if (v === 1) set.add(t);
    covered.set(phase, set);
  }
  return new Map(checks.map((c) => [c, ends.filter((t) => !covered.get(c)?.has(t))]));
}

export async function evaluateCoverage(ctx: EvalContext, c: { id: string; name: string; checks: readonly string[] }): Promise<CriterionResult> {
  const b: Base = { id: c.id, name: c.name, target: `100 % of ${c.checks.length} checks ran every hour`, unit: 'ratio', limit: 1 };
  const w = ctx.window;
  const query = phaseRanInHour(ctx.sel);
  const queries = [`${query}  (hourly, per phase)`];
  const ends = bucketEnds(w, HOUR_S);
  const a = await ctx.reader.range(query, ends[0] ?? w.end, w.end, HOUR_S);
  if (!a.ok) return unknownResult(b, 'unreadable', a.error, queries);
  if (a.data.length === 0) return unknownResult(b, 'no-data', 'no data: no golive run was recorded in the window', queries);
  const missed = missedHours(a.data, c.checks, ends);
  const ok = c.checks.filter((k) => (missed.get(k) ?? []).length === 0);
  const value = c.checks.length ? ok.length / c.checks.length : 0;
  const lines = c.checks.flatMap((k) => {
    const m = missed.get(k) ?? [];
    if (m.length === 0) return [];
    return [`${cleanLabel(k)}: no run in ${m.length} of ${ends.length} hours (first: ${iso((m[0] ?? 0) - HOUR_S)} – ${iso(m[0] ?? 0)})`];
  });
  const series: Point[] = ends.map((t) => ({ t: t * 1000, v: c.checks.length ? c.checks.filter((k) => !(missed.get(k) ?? []).includes(t)).length / c.checks.length : 0 }));
  const worst = series.reduce<Point | undefined>((m, p) => (!m || (p.v ?? 0) < (m.v ?? 0) ? p : m), undefined);
  const out: CriterionResult = {
    ...b, status: value >= 1 ? 'passed' : 'failed', value, measured: `${ok.length} of ${c.checks.length} checks (${Math.round(value * 100)} %)`,
    evidence: { queries, failures: capList(lines), ...(worst && (worst.v ?? 0) < 1 ? { worst: { at: `${iso(worst.t / 1000 - HOUR_S)} – ${iso(worst.t / 1000)}`, value: `${Math.round((worst.v ?? 0) * 100)} % of checks ran` } } : {}) },
    series,
  };
  if (w.by === 'day') {
    out.days = bucketEnds(w, DAY_S).map((t): DayResult => {
      const inDay = (h: number) => h > t - DAY_S && h <= t;
      const n = c.checks.filter((k) => !(missed.get(k) ?? []).some(inDay)).length;
      const v = c.checks.length ? n / c.checks.length : 0;
      return { day: iso(t - DAY_S).slice(0, 10), value: v, measured: `${n} of ${c.checks.length}`, status: v >= 1 ? 'passed' : 'failed' };
    });
  }
  return out;
}
