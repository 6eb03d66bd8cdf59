/**
 * The engine-neutral metric store. Engines add samples; thresholds, the summary
 * builder and the sinks read aggregates. Trends live in HDR histograms (µs
 * resolution, 3 significant digits) so memory stays flat however long the run
 * and runners can be merged exactly: percentiles are never averaged.
 */
import { decodeState, emptyState, encodeState, mergeInto, record, type State } from './metric-state.js';
import { Timeline, type TimelineJSON } from './timeline.js';
import { timelineWindows, type MeasuredWindow } from './windows.js';

export { newHistogram } from './metric-state.js';

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';
export type MetricContains = 'default' | 'time' | 'data';
export type Tags = Readonly<Record<string, string>>;

export interface MetricInfo {
  type: MetricType;
  contains: MetricContains;
}

/** The metrics k6 defines built in, with their types, so both engines agree. */
export const BUILTIN_METRICS: Readonly<Record<string, MetricInfo>> = {
  http_req_duration: { type: 'trend', contains: 'time' },
  http_req_waiting: { type: 'trend', contains: 'time' },
  http_req_failed: { type: 'rate', contains: 'default' },
  http_reqs: { type: 'counter', contains: 'default' },
  checks: { type: 'rate', contains: 'default' },
  /** soft assertion failures of declared checks (a degraded check, not a failed one) */
  checks_degraded: { type: 'counter', contains: 'default' },
  iterations: { type: 'counter', contains: 'default' },
  iteration_duration: { type: 'trend', contains: 'time' },
  data_received: { type: 'counter', contains: 'data' },
  data_sent: { type: 'counter', contains: 'data' },
  vus: { type: 'gauge', contains: 'default' },
  vus_max: { type: 'gauge', contains: 'default' },
  dropped_iterations: { type: 'counter', contains: 'default' },
  /** golive's (open model): http_req_duration without golive's schedule lag, bytes written -> last byte */
  golive_target_duration: { type: 'trend', contains: 'time' },
  /** golive's (both models): what of each request golive can prove was the target's, bytes written -> the end of golive's last sleep before the read */
  golive_target_floor: { type: 'trend', contains: 'time' },
  // The API's own contract (openapi in the config): operations covered, responses that conform.
  openapi_coverage: { type: 'rate', contains: 'default' },
  openapi_conformance: { type: 'rate', contains: 'default' },
};

export interface Series {
  readonly name: string;
  readonly info: MetricInfo;
  readonly tags: Tags;
  readonly state: State;
}

/** An aggregate over one or more series: what a threshold or a summary reads. */
export class Aggregate {
  constructor(readonly name: string, readonly info: MetricInfo, readonly state: State) {}

  /** How many samples went in; a threshold over zero samples fails. */
  get samples(): number {
    const s = this.state;
    switch (s.kind) {
      case 'trend': return s.hist.totalCount;
      case 'counter': return s.sum === 0 ? 0 : 1;
      case 'rate': return s.passes + s.fails;
      case 'gauge': return s.seen ? 1 : 0;
    }
  }

  /** One aggregation by k6's name (`avg`, `p(95)`, `rate`, `count`, ...). */
  value(agg: string, durationSeconds = 0): number | undefined {
    const s = this.state;
    if (s.kind === 'trend') {
      const n = s.hist.totalCount;
      if (n === 0) return undefined;
      if (agg === 'avg') return s.sum / n;
      if (agg === 'min') return s.min;
      if (agg === 'max') return s.max;
      if (agg === 'count') return n;
      const p = agg === 'med' ? 50 : /^p\((\d+(?:\.\d+)?)\)$/.exec(agg)?.[1];
      if (p === undefined) return undefined;
      // Clamp into the exact observed range: HDR reports bucket upper bounds.
      const v = s.hist.getValueAtPercentile(Number(p)) / 1000;
      return Math.min(s.max, Math.max(s.min, v));
    }
    if (s.kind === 'counter') {
      if (agg === 'count') return s.sum;
      if (agg === 'rate') return durationSeconds > 0 ? s.sum / durationSeconds : 0;
      return undefined;
    }
    if (s.kind === 'rate') {
      const total = s.passes + s.fails;
      if (agg === 'rate') return total === 0 ? undefined : s.passes / total;
      if (agg === 'passes') return s.passes;
      if (agg === 'fails') return s.fails;
      if (agg === 'count') return total;
      return undefined;
    }
    if (!s.seen) return undefined;
    if (agg === 'value') return s.value;
    if (agg === 'min') return s.min;
    if (agg === 'max') return s.max;
    return undefined;
  }

  /** The values k6 puts in its summary for this metric type. */
  summaryValues(durationSeconds: number, trendStats: readonly string[] = TREND_STATS): Record<string, number> {
    const keys = this.info.type === 'trend' ? trendStats
      : this.info.type === 'counter' ? ['count', 'rate']
      : this.info.type === 'rate' ? ['rate', 'passes', 'fails']
      : ['value', 'min', 'max'];
    const out: Record<string, number> = {};
    for (const k of keys) {
      const v = this.value(k, durationSeconds);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
}

export const TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'] as const;

function tagKey(name: string, tags: Tags): string {
  const parts = Object.keys(tags).sort().map((k) => `${k}=${tags[k]}`);
  return `${name}{${parts.join(',')}}`;
}

export interface SerializedSeries {
  name: string;
  type: MetricType;
  contains: MetricContains;
  tags: Record<string, string>;
  /** trend: HDR compressed base64 plus exact sum/min/max; others: their counters */
  hdr?: string;
  sum?: number;
  min?: number;
  max?: number;
  passes?: number;
  fails?: number;
  value?: number;
}

export class MetricStore {
  private readonly byKey = new Map<string, Series>();
  /** http_req_duration per interval, per phase and stage: the report's time axis */
  readonly timeline: Timeline;

  constructor(timeline: Timeline = new Timeline()) {
    this.timeline = timeline;
  }

  add(name: string, value: number, tags: Tags = {}, info?: MetricInfo): void {
    this.recorder(name, tags, info)(value);
  }

  /** A bound recorder for hot loops: resolves the series once. */
  recorder(name: string, tags: Tags = {}, info?: MetricInfo): (value: number) => void {
    const state = this.seriesFor(name, tags, info).state;
    // Every response has one duration sample: that is where the time series counts it.
    const timed = name === 'http_req_duration' ? this.timeline.recorder(tags) : undefined;
    if (timed) return (value) => { record(state, value); timed(value); };
    return (value) => record(state, value);
  }

  private seriesFor(name: string, tags: Tags, info?: MetricInfo): Series {
    const key = tagKey(name, tags);
    let s = this.byKey.get(key);
    if (!s) {
      const i = info ?? BUILTIN_METRICS[name];
      if (!i) throw new Error(`metric ${name} has no type; pass its MetricInfo`);
      s = { name, info: i, tags: { ...tags }, state: emptyState(i.type) };
      this.byKey.set(key, s);
    }
    return s;
  }

  series(): Series[] {
    return [...this.byKey.values()];
  }

  names(): string[] {
    return [...new Set(this.series().map((s) => s.name))];
  }

  /** Every series of `name` whose tags include all of `filter`, merged. */
  select(name: string, filter: Tags = {}): Aggregate | undefined {
    let agg: Aggregate | undefined;
    for (const s of this.byKey.values()) {
      if (s.name !== name) continue;
      if (!Object.entries(filter).every(([k, v]) => s.tags[k] === v)) continue;
      agg ??= new Aggregate(name, s.info, emptyState(s.info.type));
      mergeInto(agg.state, s.state);
    }
    return agg;
  }

  /** Sliding windows of `seconds` over the timeline (see windows.ts); none for what it does not keep. */
  windows(name: string, filter: Tags, seconds: number): MeasuredWindow[] {
    return timelineWindows(this.timeline, name, filter, seconds);
  }

  merge(other: MetricStore): void {
    for (const s of other.series()) mergeInto(this.seriesFor(s.name, s.tags, s.info).state, s.state);
    this.timeline.merge(other.timeline);
  }

  toJSON(): SerializedSeries[] {
    return this.series().map(({ name, info, tags, state }) => ({
      name, type: info.type, contains: info.contains, tags: { ...tags }, ...encodeState(state),
    }));
  }

  static fromJSON(items: readonly SerializedSeries[], timeline?: TimelineJSON): MetricStore {
    const store = new MetricStore(Timeline.fromJSON(timeline));
    for (const it of items) {
      const s = store.seriesFor(it.name, it.tags, { type: it.type, contains: it.contains });
      mergeInto(s.state, decodeState(s.info.type, it));
    }
    return store;
  }
}
