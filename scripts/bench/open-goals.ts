/**
 * Issue 13's goals for the open model, judged from one run (pure): latency
 * against the closed model and k6 at the same rate and target, drops against
 * k6, and the highest sustained rate against the closed model's throughput
 * and Vegeta's.
 */
import type { OpenRow, OpenSection } from './open-model.js';
import type { Goal } from './report.js';

const fmt = (v: number | undefined, digits = 2): string => (v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));
const finite = (...v: (number | undefined)[]): boolean => v.every((x) => x !== undefined && Number.isFinite(x));

export function openModelGoals(o: OpenSection): Goal[] {
  const goals: Goal[] = [];
  const find = (target: string, tool: string, rate: number): OpenRow | undefined =>
    o.rows.find((r) => r.target === target && r.tool === tool && r.rate === rate && r.error === undefined);
  for (const c of o.closed) {
    for (const rate of [500, 2000]) {
      const g = find(c.target, 'golive', rate);
      const k = find(c.target, 'k6', rate);
      const d = (g?.p50 ?? NaN) - (c.p50 ?? NaN);
      goals.push({
        name: `open ${rate}/s p50 vs closed p50 (${c.target})`, goal: '<= +0.10 ms',
        measured: `${fmt(g?.p50, 3)} vs ${fmt(c.p50, 3)} ms (${d >= 0 ? '+' : ''}${fmt(d, 3)})`,
        ...(finite(d) ? { met: d <= 0.1 } : {}),
      });
      goals.push({
        name: `open ${rate}/s p95 vs k6 (${c.target})`, goal: "<= k6's p95",
        measured: `${fmt(g?.p95, 3)} vs ${fmt(k?.p95, 3)} ms`,
        ...(finite(g?.p95, k?.p95) ? { met: (g?.p95 ?? NaN) <= (k?.p95 ?? NaN) } : {}),
      });
    }
    const g = find(c.target, 'golive', 5000);
    const k = find(c.target, 'k6', 5000);
    goals.push({
      name: `open 5000/s p95 vs k6 (${c.target})`, goal: "<= 1.25 x k6's p95",
      measured: `${fmt(g?.p95, 3)} vs ${fmt(k?.p95, 3)} ms`,
      ...(finite(g?.p95, k?.p95) ? { met: (g?.p95 ?? NaN) <= 1.25 * (k?.p95 ?? NaN) } : {}),
    });
    goals.push({
      name: `open 5000/s dropped vs k6 (${c.target})`, goal: "<= k6's dropped",
      measured: `${g?.dropped ?? 'n/a'} vs ${k?.dropped ?? 'n/a'}`,
      ...(g?.dropped !== undefined && k?.dropped !== undefined ? { met: g.dropped <= k.dropped } : {}),
    });
  }
  const sustained = (tool: string, workers = 1): number | undefined => o.sustained.find((s) => s.tool === tool && (s.workers ?? 1) === workers)?.rate;
  const gMax = sustained('golive');
  const closedRps = o.closed[0]?.rps;
  const top = o.config.searchRates.at(-1);
  const note = gMax !== undefined && gMax === top ? ' (the highest rate tried)' : '';
  goals.push({
    name: `highest sustained open rate vs closed throughput (${o.closed[0]?.target ?? 'n/a'})`, goal: '>= 0.80 x',
    measured: `${gMax ?? 'n/a'} vs ${fmt(closedRps, 0)} req/s = ${fmt((gMax ?? NaN) / (closedRps ?? NaN))}${note}`,
    ...(gMax !== undefined && finite(closedRps) ? { met: gMax >= 0.8 * (closedRps ?? NaN) } : {}),
  });
  const vMax = sustained('vegeta');
  goals.push({
    name: 'highest sustained open rate vs Vegeta', goal: ">= Vegeta's",
    measured: `${gMax ?? 'n/a'} vs ${vMax ?? (o.sustained.some((s) => s.tool === 'vegeta') ? 'none' : 'n/a (not run)')} req/s`,
    ...(o.sustained.some((s) => s.tool === 'vegeta') ? { met: (gMax ?? 0) >= (vMax ?? 0) } : {}),
  });
  goals.push(...workerGoals(o, sustained('golive', 2), gMax, vMax, closedRps));
  return goals;
}

/** Issue 24: the open model on two worker threads against Vegeta, the closed model and one thread. */
function workerGoals(o: OpenSection, w2: number | undefined, w1: number | undefined, vMax: number | undefined, closedRps: number | undefined): Goal[] {
  if (!o.sustained.some((s) => s.tool === 'golive' && s.workers === 2)) return [];
  const ratio = (a: number | undefined, b: number | undefined): string => fmt((a ?? NaN) / (b ?? NaN));
  const vegetaRun = o.sustained.some((s) => s.tool === 'vegeta');
  return [
    {
      name: 'highest sustained open rate, --workers 2, vs Vegeta', goal: ">= Vegeta's",
      measured: `${w2 ?? 'none'} vs ${vMax ?? (vegetaRun ? 'none' : 'n/a (not run)')} req/s = ${ratio(w2, vMax)}`,
      // none vs none measured nothing: not a goal met
      ...(vegetaRun && (w2 !== undefined || vMax !== undefined) ? { met: (w2 ?? 0) >= (vMax ?? 0) } : {}),
    },
    {
      name: `highest sustained open rate, --workers 2, vs closed throughput (${o.closed[0]?.target ?? 'n/a'})`, goal: '>= 0.50 x',
      measured: `${w2 ?? 'none'} vs ${fmt(closedRps, 0)} req/s = ${ratio(w2, closedRps)}`,
      ...(finite(closedRps) ? { met: (w2 ?? 0) >= 0.5 * (closedRps ?? NaN) } : {}),
    },
    { name: 'highest sustained open rate, --workers 2 vs --workers 1', goal: 'measured', measured: `${w2 ?? 'none'} vs ${w1 ?? 'none'} req/s = ${ratio(w2, w1)}` },
  ];
}
