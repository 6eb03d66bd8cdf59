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
/**
 * Runs shorter than SHORT_RUN_MS are counted in FINE_INTERVAL_MS intervals:
 * a 261 ms load split across two one-second buckets would be drawn as a 2 s
 * ramp. Past SHORT_RUN_MS of span the intervals fold into whole seconds
 * (exactly: ten fine ones make one), as every longer run has them.
 */
export const FINE_INTERVAL_MS = 100;
export const SHORT_RUN_MS = 10_000;

interface Bucket {
  reqs: number;
  failed: number;
  status: number[];
  hdr: string;
  p50: number | null; p95: number | null; p99: number | null; max: number | null;
  /**
   * A closed fine interval's histogram, not yet encoded: encoding deflates, and doing it ten times
   * a second on the event loop delayed the responses being timed (the accuracy test saw it).
   */
  raw?: Histogram;
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

/** Encodes a bucket whose histogram was kept raw. */
function settle(b: Bucket): void {
  if (!b.raw) return;
  seal(b, b.raw);
  delete b.raw;
}

function mergeBucket(into: Bucket, from: Bucket): void {
  into.reqs += from.reqs;
  into.failed += from.failed;
  from.status.forEach((n, i) => { into.status[i] = (into.status[i] ?? 0) + n; });
  if (!from.raw && !from.hdr) return;
  const h = into.raw ?? decode(into.hdr);
  h.add(from.raw ?? hdr.decodeFromCompressedBase64(from.hdr));
  if (into.raw) return;
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

/** The next coarser interval: fine -> one second, then doubling; each an exact multiple of the last. */
const coarser = (ms: number): number => (ms < BASE_INTERVAL_MS ? BASE_INTERVAL_MS : ms * 2);

export class Timeline {
  private tracks = new Map<string, Track>();
  intervalMs = FINE_INTERVAL_MS;
  /** the first and last interval index with a bucket, over every track: the run's span */
  private span: { first: number; last: number } | undefined;

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
      this.widen(index);
      if (track.buckets.size > MAX_BUCKETS || this.pastShortRun()) this.coarsen();
      return this.record(track, cls, failed, ms);
    }
    b.reqs++;
    b.failed += failed;
    if (cls >= 0) b.status[cls] = (b.status[cls] ?? 0) + 1;
    const us = Math.min(3_600_000_000, Math.max(1, Math.round(ms * 1000)));
    if (track.live) this.closeLive(track);
    // A sample for an interval already closed (clock step) re-opens its histogram.
    const hist = b.raw ?? decode(b.hdr);
    delete b.raw;
    hist.recordValue(us);
    track.live = { index, hist, bucket: b };
  }

  private closeLive(track: Track): void {
    const live = track.live;
    if (!live) return;
    const b = track.buckets.get(live.index);
    // Fine intervals (a short run, at most SHORT_RUN_MS of them) wait to be encoded until read or coarsened.
    if (b && this.intervalMs < BASE_INTERVAL_MS) b.raw = live.hist;
    else if (b) seal(b, live.hist);
    delete track.live;
  }

  private widen(index: number): void {
    this.span = this.span === undefined ? { first: index, last: index }
      : { first: Math.min(this.span.first, index), last: Math.max(this.span.last, index) };
  }

  /** Fine intervals over a span longer than a short run: time to count in seconds. */
  private pastShortRun(): boolean {
    return this.intervalMs < BASE_INTERVAL_MS && this.span !== undefined && (this.span.last - this.span.first + 1) * this.intervalMs > SHORT_RUN_MS;
  }

  /** The next coarser interval (fine -> 1 s, then doubling): adjacent buckets merge, histograms add exactly. */
  private coarsen(): void {
    const next = coarser(this.intervalMs);
    const factor = next / this.intervalMs;
    for (const t of this.tracks.values()) {
      this.closeLive(t);
      const buckets = new Map<number, Bucket>();
      for (const [i, b] of t.buckets) {
        const j = Math.floor(i / factor);
        const into = buckets.get(j);
        if (into) mergeBucket(into, b); else buckets.set(j, b);
      }
      t.buckets = buckets;
      if (next >= BASE_INTERVAL_MS) for (const b of buckets.values()) settle(b);
    }
    if (this.span) this.span = { first: Math.floor(this.span.first / factor), last: Math.floor(this.span.last / factor) };
    this.intervalMs = next;
  }

  /**
   * The closed intervals of every track matching `filter` (by phase and/or
   * stage), merged per interval: absolute interval index -> counts and the
   * encoded latency histogram. For windowed thresholds (src/core/windows.ts).
   */
  intervals(filter: { phase?: string; stage?: string }): { intervalMs: number; intervals: Map<number, IntervalData> } {
    this.seal();
    // Windows slide by whole seconds at least, whatever the chart's resolution.
    const factor = this.intervalMs < BASE_INTERVAL_MS ? BASE_INTERVAL_MS / this.intervalMs : 1;
    const out = new Map<number, IntervalData>();
    for (const t of this.tracks.values()) {
      if (filter.phase !== undefined && t.phase !== filter.phase) continue;
      if (filter.stage !== undefined && t.stage !== filter.stage) continue;
      for (const [i, b] of t.buckets) {
        const j = Math.floor(i / factor);
        const into = out.get(j) ?? { reqs: 0, failed: 0, hdrs: [] };
        into.reqs += b.reqs;
        into.failed += b.failed;
        if (b.hdr) into.hdrs.push(b.hdr);
        out.set(j, into);
      }
    }
    return { intervalMs: this.intervalMs * factor, intervals: out };
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
          this.widen(j);
        }
      }
    }
    if (this.pastShortRun()) this.coarsen();
    for (const t of this.tracks.values()) if (t.buckets.size > MAX_BUCKETS) { this.coarsen(); break; }
  }

  private seal(): void {
    for (const t of this.tracks.values()) {
      this.closeLive(t);
      for (const b of t.buckets.values()) settle(b);
    }
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
    // The intervals golive writes: the fine one, or whole seconds; anything else is read as seconds.
    tl.intervalMs = Number.isInteger(json.intervalMs) && (json.intervalMs === FINE_INTERVAL_MS || json.intervalMs >= BASE_INTERVAL_MS) ? json.intervalMs : BASE_INTERVAL_MS;
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
        tl.widen(first + k);
      });
    }
    return tl;
  }
}
