/**
 * This run against a baseline run, per phase and per endpoint: latency
 * percentiles (from the merged HDR histograms, never averaged), failure rate
 * and throughput, each with its change and, where a --max-regression limit
 * applies, whether it was crossed. Pure: two RunResults in, rows out.
 */
import { MetricStore, type Aggregate } from '../core/metrics.js';
import type { BaselineComparison, ComparisonRow, RunResult, ThresholdResult } from '../core/result.js';
import { isLatencyMetric, type RegressionLimit } from './limits.js';

export const DEFAULT_MIN_SAMPLES = 20;
const SHOWN = ['p(50)', 'p(95)', 'p(99)', 'http_req_failed', 'http_reqs'];

interface Figures {
  samples: number;
  value(metric: string): number | undefined;
}

function storeOf(r: RunResult): MetricStore | undefined {
  try {
    return r.golive.series?.length ? MetricStore.fromJSON(r.golive.series) : undefined;
  } catch {
    return undefined;
  }
}

/** Figures of one phase (and endpoint) of one run; undefined when it has no requests. */
function figures(r: RunResult, store: MetricStore | undefined, phase: string, endpoint: string): Figures | undefined {
  const seconds = (r.golive.phases.find((p) => p.name === phase)?.durationMs ?? 0) / 1000;
  if (store) {
    const tags: Record<string, string> = endpoint === '*' ? { phase } : { phase, name: endpoint };
    const dur = store.select('http_req_duration', tags);
    const failed = store.select('http_req_failed', tags);
    const reqs = store.select('http_reqs', tags);
    const samples = dur?.samples ?? 0;
    if (!dur || samples === 0) return undefined;
    return { samples, value: (m) => valueOf(m, dur, failed, reqs?.value('count'), seconds) };
  }
  // k6: only what its summary keeps, for the phase as a whole.
  if (endpoint !== '*') return undefined;
  const d = r.metrics[`http_req_duration{phase:${phase}}`]?.values;
  if (!d) return undefined;
  const f = r.metrics[`http_req_failed{phase:${phase}}`]?.values;
  const count = r.metrics[`http_reqs{phase:${phase}}`]?.values.count;
  return {
    samples: count ?? Number.POSITIVE_INFINITY,
    value: (m) => {
      if (m === 'http_req_failed') return f?.rate;
      if (m === 'http_reqs') return count !== undefined && seconds > 0 ? count / seconds : undefined;
      return d[m === 'p(50)' ? 'med' : m];
    },
  };
}

function valueOf(m: string, dur: Aggregate, failed: Aggregate | undefined, count: number | undefined, seconds: number): number | undefined {
  if (m === 'http_req_failed') return failed?.value('rate');
  if (m === 'http_reqs') return count !== undefined && seconds > 0 ? count / seconds : undefined;
  return dur.value(m === 'p(50)' ? 'med' : m);
}

function change(metric: string, base: number, cur: number): string {
  if (metric === 'http_req_failed') return `${cur - base >= 0 ? '+' : ''}${((cur - base) * 100).toFixed(2)}pp`;
  if (base === 0) return cur === 0 ? '0%' : 'new';
  const pct = ((cur - base) / base) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%`;
}

/** True when `cur` is worse than `base` by more than the limit allows. */
export function crosses(limit: RegressionLimit, base: number, cur: number): boolean {
  if (limit.metric === 'http_reqs') return base > 0 && ((base - cur) / base) * 100 > limit.amount;
  if (limit.unit === 'pp') return (cur - base) * 100 > limit.amount + 1e-9;
  if (limit.unit === 'ms') return cur - base > limit.amount;
  if (base === 0) return cur > 0;
  return ((cur - base) / base) * 100 > limit.amount + 1e-9;
}

function endpointsOf(store: MetricStore | undefined, phase: string): string[] {
  if (!store) return [];
  const names = new Set<string>();
  for (const s of store.series()) if (s.name === 'http_req_duration' && s.tags.phase === phase && s.tags.name) names.add(s.tags.name);
  // One endpoint is the phase itself: no second identical row.
  return names.size > 1 ? [...names].sort() : [];
}

export interface CompareOptions {
  limits?: readonly RegressionLimit[];
  /** rows with fewer requests than this in either run are shown, not judged */
  minSamples?: number;
  /** where the baseline came from, for reports */
  source: string;
}

export function compareRuns(base: RunResult, cur: RunResult, opts: CompareOptions): BaselineComparison {
  const limits = opts.limits ?? [];
  const minSamples = opts.minSamples ?? DEFAULT_MIN_SAMPLES;
  const metrics = [...SHOWN, ...limits.map((l) => l.metric).filter((m) => !SHOWN.includes(m) && m !== 'med')];
  const bs = storeOf(base);
  const cs = storeOf(cur);
  const phases = [...new Set([...cur.golive.phases.map((p) => p.name as string), ...base.golive.phases.map((p) => p.name as string)])];
  const rows: ComparisonRow[] = [];
  for (const phase of phases) {
    const endpoints = ['*', ...new Set([...endpointsOf(cs, phase), ...endpointsOf(bs, phase)])];
    for (const endpoint of endpoints) {
      const b = figures(base, bs, phase, endpoint);
      const c = figures(cur, cs, phase, endpoint);
      if (!b && !c) continue;
      const few = b && c && Math.min(b.samples, c.samples) < minSamples ? `too few requests (${Math.min(b.samples, c.samples)} < ${minSamples})` : undefined;
      for (const metric of metrics) {
        const bv = b?.value(metric);
        const cv = c?.value(metric);
        const limit = limits.find((l) => l.metric === metric || (metric === 'p(50)' && l.metric === 'med'));
        const row: ComparisonRow = { phase, endpoint, metric, regressed: false };
        if (bv !== undefined) row.base = bv;
        if (cv !== undefined) row.current = cv;
        if (bv !== undefined && cv !== undefined) row.change = change(metric, bv, cv);
        if (limit) row.limit = limit.text;
        if (!b || !c) row.note = b ? 'not in this run' : 'not in the baseline';
        else if (few && limit) row.note = few;
        else if (limit && bv !== undefined && cv !== undefined) row.regressed = crosses(limit, bv, cv);
        rows.push(row);
      }
    }
  }
  return {
    baseline: { runId: base.golive.runId, startedAt: base.golive.startedAt, source: opts.source },
    limits: limits.map((l) => `${l.metric}=${l.text}`),
    rows,
  };
}

/** Judged rows as threshold results, so every reporter, sink and the verdict count them. */
export function regressionThresholds(c: BaselineComparison): ThresholdResult[] {
  return c.rows.filter((r) => r.limit !== undefined && r.note === undefined).map((r) => {
    const selector = r.endpoint === '*' ? `{phase:${r.phase}}` : `{phase:${r.phase},name:${r.endpoint}}`;
    const metric = isLatencyMetric(r.metric) || r.metric === 'p(50)' ? `http_req_duration${selector}` : `${r.metric}${selector}`;
    const stat = isLatencyMetric(r.metric) || r.metric === 'p(50)' ? r.metric : r.metric === 'http_reqs' ? 'rate' : 'rate';
    return {
      metric,
      expression: `${stat} vs baseline ${r.limit ?? ''}`,
      ok: !r.regressed,
      ...(r.current !== undefined ? { actual: r.current } : {}),
      message: `${stat} ${r.change ?? '?'} vs baseline (${fmt(r.metric, r.base)} -> ${fmt(r.metric, r.current)}), limit ${r.limit ?? ''}`,
      ...(isPhase(r.phase) ? { phase: r.phase } : {}),
    };
  });
}

const isPhase = (p: string): p is NonNullable<ThresholdResult['phase']> =>
  ['health', 'market-data', 'load', 'cluster', 'monitoring'].includes(p);

export function fmt(metric: string, v: number | undefined): string {
  if (v === undefined) return '-';
  if (metric === 'http_req_failed') return `${(v * 100).toFixed(2)}%`;
  if (metric === 'http_reqs') return `${v.toFixed(1)}/s`;
  return `${v.toFixed(2)}ms`;
}
