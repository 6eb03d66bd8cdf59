/**
 * MetricStore -> remote-write time series named like k6's Prometheus
 * remote-write output (k6_<metric>_total, _rate, trend stats _p95..., native
 * histogram k6_<metric>_seconds), so one dashboard serves both engines.
 *
 * Labels are an allowlist of bounded tags: an unbounded tag (a full URL, an
 * error text) would make a new series per value. Trend stats are computed per
 * phase and endpoint, not split by status: a p95 over only the 500s is not
 * what a threshold judges. Counters, rates and native histograms keep status
 * and expected_response because they sum correctly.
 */
import { Aggregate, MetricStore } from '../core/metrics.js';
import type { MetricContains, SerializedSeries } from '../core/metrics.js';
import type { PromLabel, PromTimeSeries } from './prompb.js';
import { toNativeHistogram } from './native-histogram.js';

export interface K6SeriesOptions {
  testid: string;
  environment?: string;
  /** static labels, e.g. { runner: '2' } for one of several parallel runners */
  extraLabels?: Readonly<Record<string, string>>;
  /** k6 stat names: avg, min, med, max, p(95), count, ... */
  trendStats: readonly string[];
  nativeHistograms: boolean;
  timestampMs: number;
  /** distinct `name` values kept per metric before the rest become `__other__` */
  maxNamesPerMetric?: number;
}

const FULL_LABELS = ['scenario', 'name', 'method', 'status', 'expected_response', 'check', 'runner'] as const;
const TREND_STAT_LABELS = ['scenario', 'name', 'method', 'check', 'runner'] as const;
export const OTHER_NAME = '__other__';

export function promMetricName(k6Name: string): string {
  return `k6_${k6Name.replace(/[^a-zA-Z0-9_:]/g, '_')}`;
}

/** `p(99.9)` -> `p999`, as k6 names its stat series. */
export function statSuffix(stat: string): string {
  const m = /^p\((.+)\)$/.exec(stat);
  return m?.[1] ? `p${m[1].replace('.', '')}` : stat;
}

function unitSuffix(contains: MetricContains): string {
  return contains === 'time' ? '_seconds' : contains === 'data' ? '_bytes' : '';
}

/** Trends are recorded in ms; Prometheus' base unit is the second. */
function toBase(contains: MetricContains, v: number): number {
  return contains === 'time' ? v / 1000 : v;
}

function relabel(items: readonly SerializedSeries[], keep: readonly string[], maxNames: number): SerializedSeries[] {
  const namesSeen = new Map<string, Set<string>>();
  return items.map((it) => {
    const tags: Record<string, string> = {};
    const scenario = it.tags.scenario ?? it.tags.phase;
    for (const k of keep) {
      const v = k === 'scenario' ? scenario : it.tags[k];
      if (v !== undefined && v !== '') tags[k] = v;
    }
    if (tags.name !== undefined) {
      let seen = namesSeen.get(it.name);
      if (!seen) namesSeen.set(it.name, (seen = new Set()));
      if (!seen.has(tags.name) && seen.size >= maxNames) tags.name = OTHER_NAME;
      else seen.add(tags.name);
    }
    return { ...it, tags };
  });
}

function labelsOf(name: string, tags: Readonly<Record<string, string>>, base: Readonly<Record<string, string>>): PromLabel[] {
  const all: Record<string, string> = { ...tags, ...base, __name__: name };
  return Object.keys(all).sort().map((k) => ({ name: k, value: all[k] ?? '' }));
}

export function buildK6Series(store: MetricStore, opts: K6SeriesOptions): PromTimeSeries[] {
  const base: Record<string, string> = { ...opts.extraLabels, testid: opts.testid };
  if (opts.environment) base.environment = opts.environment;
  const ts = opts.timestampMs;
  const maxNames = opts.maxNamesPerMetric ?? 50;
  const items = store.toJSON();
  const out: PromTimeSeries[] = [];
  const gauge = (name: string, tags: Record<string, string>, value: number | undefined) => {
    if (value === undefined || !Number.isFinite(value)) return;
    out.push({ labels: labelsOf(name, tags, base), samples: [{ value, timestamp: ts }], histograms: [] });
  };

  // Re-grouping through fromJSON merges HDR histograms exactly, as the store does.
  const full = MetricStore.fromJSON(relabel(items, FULL_LABELS, maxNames));
  for (const s of full.series()) {
    const agg = new Aggregate(s.name, s.info, s.state);
    const metric = promMetricName(s.name);
    const tags = { ...s.tags };
    switch (s.state.kind) {
      case 'counter': gauge(`${metric}_total`, tags, agg.value('count')); break;
      case 'rate': gauge(`${metric}_rate`, tags, agg.value('rate')); break;
      case 'gauge': gauge(metric, tags, agg.value('value')); break;
      case 'trend':
        if (opts.nativeHistograms && s.state.hist.totalCount > 0) {
          const h = toNativeHistogram(s.state.hist, 1_000_000, toBase(s.info.contains, s.state.sum), ts);
          out.push({ labels: labelsOf(`${metric}${unitSuffix(s.info.contains)}`, tags, base), samples: [], histograms: [h] });
        }
        break;
    }
  }

  const trends = items.filter((it) => it.type === 'trend');
  const byStat = MetricStore.fromJSON(relabel(trends, TREND_STAT_LABELS, maxNames));
  for (const s of byStat.series()) {
    const agg = new Aggregate(s.name, s.info, s.state);
    for (const stat of opts.trendStats) {
      const v = agg.value(stat);
      gauge(`${promMetricName(s.name)}_${statSuffix(stat)}`, { ...s.tags }, v === undefined || stat === 'count' ? v : toBase(s.info.contains, v));
    }
  }
  return out;
}
