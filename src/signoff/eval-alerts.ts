/**
 * "Zero critical incidents": every critical alert that fired in the window,
 * from Prometheus' own `ALERTS` history, named with its labels and when it
 * fired. No critical alerting rule loaded at all is `unknown`: a quiet
 * Prometheus and an unwatched one look the same.
 */
import { bucketLabel, capList, describeLabels, fineStep, unknownResult, type Base } from './measure.js';
import type { EvalContext } from './eval-query.js';
import { firedAlerts, firingAlerts, withRange } from './queries.js';
import type { CriterionResult, DayResult, Point } from './types.js';
import { bucketEnds, DAY_S, HOUR_S, iso, promRange } from './window.js';

interface Period { labels: string; from: number; to: number }

function periods(series: readonly { labels: Record<string, string>; points: [number, number][] }[], step: number): Period[] {
  const out: Period[] = [];
  for (const s of series) {
    const labels = `${s.labels.alertname ?? 'alert'}${describeLabels(s.labels, ['alertname', 'alertstate'])}`;
    let cur: Period | undefined;
    for (const [t] of s.points) {
      if (cur && t - cur.to <= step) cur.to = t;
      else { if (cur) out.push(cur); cur = { labels, from: t, to: t }; }
    }
    if (cur) out.push(cur);
  }
  return out.sort((a, b) => a.from - b.from);
}

function countIn(ps: readonly Period[], from: number, to: number): number {
  return ps.filter((p) => p.from <= to && p.to > from).length;
}

export async function evaluateAlerts(ctx: EvalContext, c: { id: string; name: string; alertSelector: string }): Promise<CriterionResult> {
  const b: Base = { id: c.id, name: c.name, target: '0 critical alerts fired', unit: 'count', limit: 0 };
  const w = ctx.window;
  const fired = withRange(firedAlerts(c.alertSelector), promRange(w.end - w.start));
  const firing = firingAlerts(c.alertSelector);
  const queries = [`${fired}  (at ${iso(w.end)})`, `${firing}  (range, for when)`];
  const rules = await ctx.reader.alertRules();
  if (!rules.ok) return unknownResult(b, 'unreadable', rules.error, queries);
  if (!rules.data.some((l) => l.severity === 'critical')) {
    return unknownResult(b, 'no-data', 'no alerting rule with severity="critical" is loaded in this Prometheus: a quiet launch and an unwatched one look the same', queries);
  }
  const step = fineStep(w);
  const [all, when] = await Promise.all([ctx.reader.instant(fired, w.end), ctx.reader.range(firing, w.start + step, w.end, step)]);
  if (!all.ok) return unknownResult(b, 'unreadable', all.error, queries);
  if (!when.ok) return unknownResult(b, 'unreadable', when.error, queries);
  const ps = periods(when.data, step);
  const lines = ps.map((p) => `${p.labels} firing ${iso(p.from)} – ${iso(p.to)} (${Math.max(1, Math.round((p.to - p.from) / 60))} min)`);
  // Shorter than a step: seen by max_over_time, between the range query's points.
  const seen = new Set(ps.map((p) => p.labels));
  for (const r of all.data) {
    const labels = `${r.labels.alertname ?? 'alert'}${describeLabels(r.labels, ['alertname', 'alertstate'])}`;
    if (!seen.has(labels)) { lines.push(`${labels} fired briefly in the window (under ${step / 60} min)`); ps.push({ labels, from: w.end, to: w.end }); }
  }
  const count = ps.length;
  const series: Point[] = bucketEnds(w, HOUR_S).map((t) => ({ t: t * 1000, v: countIn(ps, t - HOUR_S, t) }));
  const worst = series.reduce<Point | undefined>((m, p) => (p.v !== null && p.v > 0 && (!m || (m.v ?? 0) < p.v) ? p : m), undefined);
  const out: CriterionResult = {
    ...b, status: count === 0 ? 'passed' : 'failed', value: count, measured: count === 0 ? 'none fired' : `${count} fired`,
    evidence: { queries, failures: capList(lines), ...(worst ? { worst: { at: bucketLabel(worst.t, HOUR_S), value: `${worst.v} firing` } } : {}) },
    series,
  };
  if (w.by === 'day') {
    out.days = bucketEnds(w, DAY_S).map((t): DayResult => {
      const n = countIn(ps, t - DAY_S, t);
      return { day: iso(t - DAY_S).slice(0, 10), value: n, measured: n === 0 ? 'none' : `${n} fired`, status: n === 0 ? 'passed' : 'failed' };
    });
  }
  return out;
}
