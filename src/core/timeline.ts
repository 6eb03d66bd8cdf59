/**
 * Per-interval time series of HTTP requests, per phase (and per stage when the
 * samples carry a `stage` tag): requests, failures, status classes and an HDR
 * histogram of latency per interval, so "when did it go wrong" has an answer
 * and parallel runners merge exactly (histograms add, percentiles are never
 * averaged). Memory stays bounded: only the open interval of each series keeps
 * a live histogram; closed intervals keep their compressed encoding, and past
 * MAX_BUCKETS intervals the interval doubles (adjacent buckets merge exactly).
 */
import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import { newHistogram } from './metric-state.js';

export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'none'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** One series in summary.json, columnar: index i is the interval starting at startMs + i * intervalMs. */
export interface TimelineSeriesJSON {
  phase: string;
  stage?: string;
  /** epoch ms of the first interval; a multiple of intervalMs */
  startMs: number;
  reqs: number[];
  /** responses outside the expected statuses, or none at all */
  failed: number[];
  /** failed requests per status class ('none': no response); classes never seen are left out */
  failedByClass: Partial<Record<StatusClass, number[]>>;
  /** latency percentiles in ms; null where the interval had no request */
  p50: (number | null)[];
  p95: (number | null)[];
  p99: (number | null)[];
  max: (number | null)[];
  /** HdrHistogram compressed base64 per interval ('' when empty), µs */
  hdr: string[];
}

export interface TimelineJSON {
  intervalMs: number;
  series: TimelineSeriesJSON[];
}

/** One interval of the tracks a filter selected: counts and their encoded histograms. */
export interface IntervalData {
  reqs: number;
  failed: number;
  /** HdrHistogram compressed base64, µs, one per track with samples */
  hdrs: string[];
}

export const BASE_INTERVAL_MS = 1000;
export const MAX_BUCKETS = 1800;

interface Bucket {
  reqs: number;
  failed: number;
  status: number[];
  hdr: string;
  p50: number | null; p95: number | null; p99: number | null; max: number | null;
}

interface Track {
  phase: string;
  stage?: string;
  /** absolute interval index (epochMs / intervalMs) -> bucket */
  buckets: Map<number, Bucket>;
  live?: { index: number; hist: Histogram; bucket: Bucket };
}

const emptyBucket = (): Bucket => ({ reqs: 0, failed: 0, status: STATUS_CLASSES.map(() => 0), hdr: '', p50: null, p95: null, p99: null, max: null });

export function statusClass(status: string | number | undefined): number {
  const s = Number(status);
  if (!(s >= 100 && s < 600)) return STATUS_CLASSES.indexOf('none');
  return Math.floor(s / 100) - 1;
}

const ms3 = (us: number): number => Math.round(us) / 1000;

/** Stores the histogram in the bucket: encoding and the percentiles read from it. */
function seal(b: Bucket, hist: Histogram): void {
  if (hist.totalCount === 0) return;
  b.hdr = hdr.encodeIntoCompressedBase64(hist);
  b.p50 = ms3(hist.getValueAtPercentile(50));
  b.p95 = ms3(hist.getValueAtPercentile(95));
  b.p99 = ms3(hist.getValueAtPercentile(99));
  b.max = ms3(hist.maxValue);
}

function decode(s: string): Histogram {
  const h = newHistogram();
  if (s) h.add(hdr.decodeFromCompressedBase64(s));
  return h;
}

function mergeBucket(into: Bucket, from: Bucket): void {
  into.reqs += from.reqs;
  into.failed += from.failed;
  from.status.forEach((n, i) => { into.status[i] = (into.status[i] ?? 0) + n; });
  if (!from.hdr) return;
  const h = decode(into.hdr);
  h.add(hdr.decodeFromCompressedBase64(from.hdr));
  seal(into, h);
}

/**
 * Epoch ms from the high-resolution clock. Read through globalThis: the k6
 * scripts type-check this module (via the threshold types) without Node's globals.
 */
function epochNow(): number {
  const p = (globalThis as { performance?: { timeOrigin: number; now(): number } }).performance;
  return p ? p.timeOrigin + p.now() : Date.now();
}

const keyOf = (phase: string, stage?: string): string => `${phase}\u0000${stage ?? ''}`;

export class Timeline {
  private tracks = new Map<string, Track>();
  intervalMs = BASE_INTERVAL_MS;

  /** `now` is epoch milliseconds, monotonic within a run. */
  constructor(private readonly now: () => number = epochNow) {}

  /** A bound recorder for one tag set: resolves the track once, for hot loops. */
  recorder(tags: Readonly<Record<string, string>>): ((ms: number) => void) | undefined {
    const phase = tags.phase;
    if (phase === undefined) return undefined;
    const track = this.track(phase, tags.stage);
    const cls = statusClass(tags.status);
    // Only failures are counted by class: an expected 401 is not an error.
    const failed = tags.expected_response === 'false' ? 1 : 0;
    return (ms) => this.record(track, failed ? cls : -1, failed, ms);
  }

  private track(phase: string, stage?: string): Track {
    const k = keyOf(phase, stage);
    let t = this.tracks.get(k);
    if (!t) {
      t = { phase, ...(stage !== undefined ? { stage } : {}), buckets: new Map() };
      this.tracks.set(k, t);
    }
    return t;
  }

  private record(track: Track, cls: number, failed: number, ms: number): void {
    const index = Math.floor(this.now() / this.intervalMs);
    const live = track.live;
    // The hot path: the same interval as the last sample of this series.
    if (live !== undefined && live.index === index) {
      const lb = live.bucket;
      lb.reqs++;
      lb.failed += failed;
      if (cls >= 0) lb.status[cls] = (lb.status[cls] ?? 0) + 1;
      live.hist.recordValue(ms >= 3_600_000 ? 3_600_000_000 : ms < 0.001 ? 1 : Math.round(ms * 1000));
      return;
    }
    let b = track.buckets.get(index);
    if (!b) {
      b = emptyBucket();
      track.buckets.set(index, b);
      if (track.buckets.size > MAX_BUCKETS) this.coarsen();
      return this.record(track, cls, failed, ms);
    }
    b.reqs++;
    b.failed += failed;
    if (cls >= 0) b.status[cls] = (b.status[cls] ?? 0) + 1;
    const us = Math.min(3_600_000_000, Math.max(1, Math.round(ms * 1000)));
    if (track.live) this.closeLive(track);
    // A sample for an interval already closed (clock step) re-opens its histogram.
    const hist = decode(b.hdr);
    hist.recordValue(us);
    track.live = { index, hist, bucket: b };
  }

  private closeLive(track: Track): void {
    const live = track.live;
    if (!live) return;
    const b = track.buckets.get(live.index);
    if (b) seal(b, live.hist);
    delete track.live;
  }

  /** Doubles the interval: adjacent buckets merge, histograms add exactly. */
  private coarsen(): void {
    for (const t of this.tracks.values()) {
      this.closeLive(t);
      const next = new Map<number, Bucket>();
      for (const [i, b] of t.buckets) {
        const j = Math.floor(i / 2);
        const into = next.get(j);
        if (into) mergeBucket(into, b); else next.set(j, b);
      }
      t.buckets = next;
    }
    this.intervalMs *= 2;
  }

  /**
   * The closed intervals of every track matching `filter` (by phase and/or
   * stage), merged per interval: absolute interval index -> counts and the
   * encoded latency histogram. For windowed thresholds (src/core/windows.ts).
   */
  intervals(filter: { phase?: string; stage?: string }): { intervalMs: number; intervals: Map<number, IntervalData> } {
    this.seal();
    const out = new Map<number, IntervalData>();
    for (const t of this.tracks.values()) {
      if (filter.phase !== undefined && t.phase !== filter.phase) continue;
      if (filter.stage !== undefined && t.stage !== filter.stage) continue;
      for (const [i, b] of t.buckets) {
        const into = out.get(i) ?? { reqs: 0, failed: 0, hdrs: [] };
        into.reqs += b.reqs;
        into.failed += b.failed;
        if (b.hdr) into.hdrs.push(b.hdr);
        out.set(i, into);
      }
    }
    return { intervalMs: this.intervalMs, intervals: out };
  }

  get empty(): boolean {
    return this.tracks.size === 0;
  }

  /** Adds another timeline (a parallel runner's, or one read back from a report). */
  merge(other: Timeline): void {
    other.seal();
    this.seal();
    while (this.intervalMs < other.intervalMs) this.coarsen();
    const factor = this.intervalMs / other.intervalMs;
    for (const t of other.tracks.values()) {
      const into = this.track(t.phase, t.stage);
      for (const [i, b] of t.buckets) {
        const j = Math.floor(i / factor);
        const cur = into.buckets.get(j);
        if (cur) mergeBucket(cur, b);
        else {
          const copy = emptyBucket();
          mergeBucket(copy, b);
          into.buckets.set(j, copy);
        }
      }
    }
    for (const t of this.tracks.values()) if (t.buckets.size > MAX_BUCKETS) { this.coarsen(); break; }
  }

  private seal(): void {
    for (const t of this.tracks.values()) this.closeLive(t);
  }

  toJSON(): TimelineJSON | undefined {
    this.seal();
    const series: TimelineSeriesJSON[] = [];
    for (const t of this.tracks.values()) {
      if (t.buckets.size === 0) continue;
      const idx = [...t.buckets.keys()];
      const first = Math.min(...idx);
      const last = Math.max(...idx);
      const cols = Array.from({ length: last - first + 1 }, (_, k) => t.buckets.get(first + k) ?? emptyBucket());
      const failedByClass: Partial<Record<StatusClass, number[]>> = {};
      STATUS_CLASSES.forEach((c, ci) => {
        if (cols.some((b) => (b.status[ci] ?? 0) > 0)) failedByClass[c] = cols.map((b) => b.status[ci] ?? 0);
      });
      series.push({
        phase: t.phase,
        ...(t.stage !== undefined ? { stage: t.stage } : {}),
        startMs: first * this.intervalMs,
        reqs: cols.map((b) => b.reqs),
        failed: cols.map((b) => b.failed),
        failedByClass,
        p50: cols.map((b) => b.p50), p95: cols.map((b) => b.p95), p99: cols.map((b) => b.p99), max: cols.map((b) => b.max),
        hdr: cols.map((b) => b.hdr),
      });
    }
    return series.length ? { intervalMs: this.intervalMs, series } : undefined;
  }

  static fromJSON(json: TimelineJSON | undefined): Timeline {
    const tl = new Timeline();
    if (!json || !Array.isArray(json.series)) return tl;
    if (Number.isInteger(json.intervalMs) && json.intervalMs >= BASE_INTERVAL_MS) tl.intervalMs = json.intervalMs;
    for (const s of json.series) {
      const t = tl.track(String(s.phase), s.stage === undefined ? undefined : String(s.stage));
      const first = Math.floor(Number(s.startMs) / tl.intervalMs);
      (s.reqs ?? []).forEach((reqs, k) => {
        const b = emptyBucket();
        b.reqs = Number(reqs) || 0;
        b.failed = Number(s.failed?.[k]) || 0;
        STATUS_CLASSES.forEach((c, ci) => { b.status[ci] = Number(s.failedByClass?.[c]?.[k]) || 0; });
        const h = s.hdr?.[k];
        // A corrupt histogram costs its interval's percentiles, not the report.
        if (typeof h === 'string' && h) try { seal(b, decode(h)); } catch { b.hdr = ''; }
        if (!(b.reqs > 0 || b.hdr)) return;
        // Two series for one key (stages folded into their phase) add up.
        const cur = t.buckets.get(first + k);
        if (cur) mergeBucket(cur, b); else t.buckets.set(first + k, b);
      });
    }
    return tl;
  }
}
