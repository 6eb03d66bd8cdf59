/**
 * What the report's charts show, read out of a RunResult (and its baseline):
 * per-phase series over time (stages folded into their phase, with the stage
 * spans kept for shading), the HDR percentile distribution, status codes per
 * phase. Pure; a result without a timeline or histograms (k6's summary) gives
 * what it can and says what is missing.
 */
import { MetricStore } from '../core/metrics.js';
import type { RunResult } from '../core/result.js';
import { STATUS_CLASSES, Timeline, type StatusClass, type TimelineSeriesJSON } from '../core/timeline.js';

export interface PhaseTimeline {
  phase: string;
  intervalMs: number;
  /** seconds since the phase started, one per interval */
  x: number[];
  reqsPerSec: number[];
  /** failed requests per second, by status class; only classes that were seen */
  failuresPerSec: Partial<Record<StatusClass, number[]>>;
  p50: (number | null)[];
  p95: (number | null)[];
  p99: (number | null)[];
  stages: { label: string; from: number; to: number }[];
}

const FAILURE_CLASSES: readonly StatusClass[] = ['none', '5xx', '4xx', '3xx', '2xx', '1xx'];

/** Every phase with a time series, in the run's phase order. */
export function phaseTimelines(result: RunResult): PhaseTimeline[] {
  const tl = result.golive.timeline;
  if (!tl || !Array.isArray(tl.series)) return [];
  const order = result.golive.phases.map((p) => p.name as string);
  const names = [...new Set(tl.series.map((s) => s.phase))].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const out: PhaseTimeline[] = [];
  for (const phase of names) {
    const mine = tl.series.filter((s) => s.phase === phase);
    const folded = Timeline.fromJSON({ intervalMs: tl.intervalMs, series: mine.map(({ stage: _stage, ...s }) => s) }).toJSON();
    const s = folded?.series[0];
    if (!folded || !s) continue;
    const sec = folded.intervalMs / 1000;
    // Time runs from the phase's first interval, so runs (and a baseline) line up.
    const t0 = s.startMs;
    const xAt = (startMs: number, i: number) => (startMs + i * folded.intervalMs - t0) / 1000;
    const failuresPerSec: Partial<Record<StatusClass, number[]>> = {};
    for (const c of FAILURE_CLASSES) {
      const col = s.failedByClass[c];
      if (col?.some((v) => v > 0)) failuresPerSec[c] = col.map((v) => v / sec);
    }
    out.push({
      phase,
      intervalMs: folded.intervalMs,
      x: s.reqs.map((_, i) => xAt(s.startMs, i)),
      reqsPerSec: s.reqs.map((v) => v / sec),
      failuresPerSec,
      p50: s.p50, p95: s.p95, p99: s.p99,
      stages: stageSpans(mine, (m, i) => (m + i * tl.intervalMs - t0) / 1000, tl.intervalMs / 1000),
    });
  }
  return out;
}

function stageSpans(series: readonly TimelineSeriesJSON[], xAt: (startMs: number, i: number) => number, sec: number): PhaseTimeline['stages'] {
  return series.filter((s) => s.stage !== undefined).map((s) => {
    const used = s.reqs.map((v, i) => (v > 0 ? i : -1)).filter((i) => i >= 0);
    return { label: s.stage ?? '', from: xAt(s.startMs, used[0] ?? 0), to: xAt(s.startMs, used[used.length - 1] ?? 0) + sec };
  });
}

export interface Distribution {
  phase: string;
  /** [1 in N, latency ms] from 0 % up to the slowest sample */
  points: [number, number][];
  /** 'hdr' from the full histogram; 'summary' from the few percentiles a k6 summary has */
  source: 'hdr' | 'summary';
}

const STEPS_PER_DECADE = 10;

function storeOf(result: RunResult): MetricStore | undefined {
  try {
    return result.golive.series?.length ? MetricStore.fromJSON(result.golive.series) : undefined;
  } catch {
    return undefined;
  }
}

/** HdrHistogram's percentile plot: latency at each percentile, x = 1/(1 - p). */
export function distributions(result: RunResult): Distribution[] {
  const store = storeOf(result);
  const out: Distribution[] = [];
  for (const p of result.golive.phases) {
    const agg = store?.select('http_req_duration', { phase: p.name });
    const count = agg?.value('count') ?? 0;
    if (agg && count > 0) {
      const points: [number, number][] = [];
      const top = Math.log10(count);
      for (let i = 0; i / STEPS_PER_DECADE < top; i++) {
        const oneIn = 10 ** (i / STEPS_PER_DECADE);
        const v = agg.value(`p(${100 * (1 - 1 / oneIn)})`);
        if (v !== undefined) points.push([oneIn, v]);
      }
      const max = agg.value('max');
      if (max !== undefined) points.push([Math.max(count, 10), max]);
      out.push({ phase: p.name, points, source: 'hdr' });
      continue;
    }
    // k6: the summary's percentiles are all there is.
    const v = result.metrics[`http_req_duration{phase:${p.name}}`]?.values;
    if (!v) continue;
    const known: [number, string][] = [[2, 'med'], [10, 'p(90)'], [20, 'p(95)'], [100, 'p(99)']];
    const points = known.filter(([, k]) => v[k] !== undefined && v[k] > 0).map(([x, k]): [number, number] => [x, v[k] as number]);
    if (points.length) out.push({ phase: p.name, points, source: 'summary' });
  }
  return out;
}

export interface StatusCounts {
  phase: string;
  /**
   * status code ("0" = no response) -> requests, and whether the phase expected
   * that answer (the auth refusal's 401 is a pass, not an error)
   */
  codes: [string, number, boolean][];
}

export function statusCodes(result: RunResult): StatusCounts[] {
  const store = storeOf(result);
  if (!store) return [];
  const out: StatusCounts[] = [];
  for (const p of result.golive.phases) {
    const byCode = new Map<string, [string, number, boolean]>();
    for (const s of store.series()) {
      if (s.name !== 'http_reqs' || s.tags.phase !== p.name || s.state.kind !== 'counter') continue;
      const code = s.tags.status ?? '0';
      const n = Number(code);
      // A 2xx/3xx is fine anyway; another status counts as expected only when the request said so.
      const expected = (n >= 200 && n < 400) || s.tags.expected_response === 'true';
      const key = `${code}\u0000${expected}`;
      const cur = byCode.get(key);
      byCode.set(key, [code, (cur?.[1] ?? 0) + s.state.sum, expected]);
    }
    if (byCode.size) out.push({ phase: p.name, codes: [...byCode.values()].sort(([a, , x], [b, , y]) => Number(a) - Number(b) || Number(y) - Number(x)) });
  }
  return out;
}

export { STATUS_CLASSES };

/**
 * The when and how in a sentence per phase, from the time series: the first
 * interval whose p95 crossed the phase's p(95) limit and the first with failed
 * requests (and of which classes), so a reader knows where to look on the charts.
 */
export function whenItWentWrong(result: RunResult, p95Limit: (phase: string) => number | undefined): string[] {
  const out: string[] = [];
  for (const t of phaseTimelines(result)) {
    const parts: string[] = [];
    const limit = p95Limit(t.phase);
    if (limit !== undefined) {
      const i = t.p95.findIndex((v) => v !== null && v > limit);
      if (i >= 0) {
        const over = t.p95.filter((v) => v !== null && v > limit).length;
        parts.push(`p95 above ${limit} ms from ${fmtSec(t.x[i] ?? 0)} (${over} of ${t.x.length} intervals)`);
      }
    }
    const classes = Object.entries(t.failuresPerSec).filter(([, col]) => col.some((v) => v > 0));
    if (classes.length) {
      const first = Math.min(...classes.map(([, col]) => col.findIndex((v) => v > 0)));
      const names = classes.map(([c]) => (c === 'none' ? 'no response' : c)).join(', ');
      parts.push(`failed requests (${names}) from ${fmtSec(t.x[first] ?? 0)}`);
    }
    if (parts.length) out.push(`${t.phase}: ${parts.join('; ')}`);
  }
  return out;
}

const fmtSec = (s: number): string => `${Number(s.toPrecision(4))} s`;
