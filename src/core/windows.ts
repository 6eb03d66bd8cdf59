/**
 * Sliding windows over the store's timeline, for windowed thresholds
 * (`p(95)<500 over 10s`). The timeline keeps, per phase and stage and per
 * interval (1 s, coarser on very long runs), the request and failure counts
 * and an HDR histogram of http_req_duration, so a window can answer for
 * http_req_duration (avg min med max p(N) count), http_req_failed (rate) and
 * http_reqs (count rate), selected by phase and/or stage.
 */
import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import { newHistogram } from './metric-state.js';
import type { MetricInfo, Tags } from './metrics.js';
import type { IntervalData, Timeline } from './timeline.js';
import { WINDOWED_METRICS, windowsUnsupported } from './window-support.js';

const INFO: Readonly<Record<string, MetricInfo>> = {
  trend: { type: 'trend', contains: 'time' },
  rate: { type: 'rate', contains: 'default' },
  counter: { type: 'counter', contains: 'default' },
};

/** What one window measured, shaped like an Aggregate for the threshold evaluator. */
export class WindowMeasure {
  constructor(
    readonly info: MetricInfo,
    private readonly reqs: number,
    private readonly failed: number,
    private readonly hist: Histogram,
  ) {}

  get samples(): number {
    return this.info.type === 'trend' ? this.hist.totalCount : this.reqs;
  }

  value(agg: string, durationSeconds = 0): number | undefined {
    if (this.info.type === 'rate') return agg === 'rate' && this.reqs > 0 ? this.failed / this.reqs : undefined;
    if (this.info.type === 'counter') {
      if (agg === 'count') return this.reqs;
      if (agg === 'rate') return durationSeconds > 0 ? this.reqs / durationSeconds : undefined;
      return undefined;
    }
    const h = this.hist;
    if (h.totalCount === 0) return undefined;
    if (agg === 'avg') return h.mean / 1000;
    if (agg === 'min') return h.minNonZeroValue / 1000;
    if (agg === 'max') return h.maxValue / 1000;
    if (agg === 'count') return h.totalCount;
    const p = agg === 'med' ? '50' : /^p\((\d+(?:\.\d+)?)\)$/.exec(agg)?.[1];
    return p === undefined ? undefined : h.getValueAtPercentile(Number(p)) / 1000;
  }
}

export interface MeasuredWindow {
  /** epoch ms, inclusive */
  startMs: number;
  /** epoch ms, exclusive */
  endMs: number;
  agg: WindowMeasure;
}

/**
 * Windows of `seconds` (rounded up to whole intervals), one interval apart,
 * over the span from the first to the last interval with requests; intervals
 * without requests inside the span are part of the windows. A span shorter
 * than a window gives one window over the span. Windows without requests are
 * left out.
 */
export function timelineWindows(timeline: Timeline, name: string, tags: Tags, seconds: number): MeasuredWindow[] {
  const type = WINDOWED_METRICS[name];
  const info = type === undefined ? undefined : INFO[type];
  if (info === undefined || windowsUnsupported(name, tags) !== undefined) return [];
  const filter = { ...(tags.phase !== undefined ? { phase: tags.phase } : {}), ...(tags.stage !== undefined ? { stage: tags.stage } : {}) };
  const { intervalMs, intervals } = timeline.intervals(filter);
  const idx = [...intervals.keys()].filter((i) => (intervals.get(i)?.reqs ?? 0) > 0);
  if (idx.length === 0) return [];
  const first = Math.min(...idx);
  const last = Math.max(...idx);
  const width = Math.max(1, Math.ceil((seconds * 1000) / intervalMs));
  const hists = new Map<number, Histogram>();
  const histOf = (d: IntervalData, i: number): Histogram => {
    let h = hists.get(i);
    if (!h) {
      h = newHistogram();
      for (const s of d.hdrs) h.add(hdr.decodeFromCompressedBase64(s));
      hists.set(i, h);
    }
    return h;
  };
  const out: MeasuredWindow[] = [];
  for (let start = first; start <= Math.max(first, last - width + 1); start++) {
    const end = Math.min(start + width, last + 1);
    let reqs = 0;
    let failed = 0;
    const hist = newHistogram();
    for (let i = start; i < end; i++) {
      const d = intervals.get(i);
      if (!d) continue;
      reqs += d.reqs;
      failed += d.failed;
      if (info.type === 'trend' && d.hdrs.length > 0) hist.add(histOf(d, i));
    }
    if (reqs === 0) continue;
    out.push({ startMs: start * intervalMs, endMs: end * intervalMs, agg: new WindowMeasure(info, reqs, failed, hist) });
  }
  return out;
}
