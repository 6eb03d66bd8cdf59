/**
 * Reads latency and load figures out of a RunResult for the reporters. Values
 * come from the k6-shaped summary metrics when present; percentiles the
 * summary did not compute (k6's default trend stats omit p(99)) are read from
 * the encoded histograms in `golive.series`, never interpolated.
 */
import { MetricStore } from '../core/metrics.js';
import { thresholdPhase } from '../../thresholds/parse.js';
import type { PhaseName, RunResult, SummaryMetric } from '../core/result.js';

export interface LatencyRow {
  phase: PhaseName;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  /** the p(95) limit of a threshold that applies to this phase, in ms */
  p95ThresholdMs?: number;
}

const STATS = [['p50', 'med'], ['p90', 'p(90)'], ['p95', 'p(95)'], ['p99', 'p(99)'], ['max', 'max']] as const;

/** The sub-metric `name{phase:X}` of the summary, as k6 keys tagged sub-metrics. */
export function phaseMetric(result: RunResult, name: string, phase: PhaseName): SummaryMetric | undefined {
  return result.metrics[`${name}{phase:${phase}}`];
}

/** Built once per result: decoding histograms is not free. */
function seriesStore(result: RunResult): () => MetricStore | undefined {
  let store: MetricStore | undefined;
  let tried = false;
  return () => {
    if (!tried) {
      tried = true;
      try {
        if (result.golive.series?.length) store = MetricStore.fromJSON(result.golive.series);
      } catch {
        // A corrupt series block must not take the whole report down.
        store = undefined;
      }
    }
    return store;
  };
}

/** p(95) limits of thresholds on http_req_duration, keyed by phase ('*' = all phases). */
export function p95Limits(result: RunResult): Map<PhaseName | '*', number> {
  const out = new Map<PhaseName | '*', number>();
  for (const t of result.golive.thresholds) {
    const m = /^http_req_duration(?:\{(.*)\})?$/.exec(t.metric.trim());
    if (!m) continue;
    const e = /^p\(95\)\s*<=?\s*(\d+(?:\.\d+)?)$/.exec(t.expression.replace(/\s+/g, ''));
    if (!e) continue;
    const key = thresholdPhase(t) ?? '*';
    const limit = Number(e[1]);
    const prev = out.get(key);
    out.set(key, prev === undefined ? limit : Math.min(prev, limit));
  }
  return out;
}

/** http_req_duration percentiles for every phase that has samples, in phase order. */
export function latencyRows(result: RunResult): LatencyRow[] {
  const store = seriesStore(result);
  const limits = p95Limits(result);
  const rows: LatencyRow[] = [];
  for (const phase of result.golive.phases) {
    const values = phaseMetric(result, 'http_req_duration', phase.name)?.values ?? {};
    const fromSeries = () => store()?.select('http_req_duration', { phase: phase.name });
    const row: Partial<LatencyRow> = { phase: phase.name };
    let complete = true;
    for (const [key, stat] of STATS) {
      const v = values[stat] ?? fromSeries()?.value(stat);
      if (v === undefined || !Number.isFinite(v)) complete = false;
      else row[key] = v;
    }
    // k6 prints an empty trend sub-metric as zeros: that is no data, not a 0 ms phase.
    if (!complete || row.max === 0) continue;
    const limit = limits.get(phase.name) ?? limits.get('*');
    if (limit !== undefined) row.p95ThresholdMs = limit;
    rows.push(row as LatencyRow);
  }
  return rows;
}

export interface LoadFigures {
  requests?: number;
  perSecond?: number;
  duration: Record<string, number>;
  failedRate?: number;
  failedCount?: number;
}

/**
 * Key figures of the load phase. The summary carries `{phase:load}`
 * sub-metrics only where a threshold selects them, so the rest are read from
 * the series; the run-wide metrics are the last resort (they also count the
 * few health and market-data requests).
 */
export function loadFigures(result: RunResult): LoadFigures | undefined {
  const load = result.golive.phases.find((p) => p.name === 'load');
  if (!load || load.status === 'skipped') return undefined;
  const store = seriesStore(result);
  const seconds = load.durationMs / 1000;
  const values = (name: string): Record<string, number> | undefined => {
    const sub = phaseMetric(result, name, 'load')?.values;
    const fromSeries = store()?.select(name, { phase: 'load' })?.summaryValues(seconds);
    const v = sub ?? fromSeries ?? result.metrics[name]?.values;
    // k6's default trend stats omit p(99); the histogram still has it.
    return v && fromSeries ? { ...fromSeries, ...v } : v;
  };
  const reqs = values('http_reqs');
  if (!reqs) return undefined;
  const count = reqs.count;
  const failed = values('http_req_failed');
  return {
    requests: count,
    perSecond: count !== undefined && seconds > 0 ? count / seconds : reqs.rate,
    duration: values('http_req_duration') ?? {},
    failedRate: failed?.rate,
    // k6's http_req_failed counts a failed request as a "pass" of the rate.
    failedCount: failed?.passes,
  };
}
