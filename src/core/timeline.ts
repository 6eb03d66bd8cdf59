/**
 * Per-interval time series of HTTP requests, per phase (and per stage when the
 * samples carry a `stage` tag): requests, failures, status classes and an HDR
 * histogram of latency per interval, so "when did it go wrong" has an answer
 * and parallel runners merge exactly (histograms add, percentiles are never
 * averaged). Nothing on the hot path allocates a histogram more than once a
 * second: fine intervals log their latencies (four bytes a sample, for at most
 * SHORT_RUN_MS) until read or folded into seconds. Memory stays bounded: only
 * the open second of each series keeps a live histogram; closed ones keep
 * their compressed encoding, and past MAX_BUCKETS intervals the interval
 * doubles (adjacent buckets merge exactly).
 */
import type { Histogram } from 'hdr-histogram-js';
import { decode, emptyBucket, mergeBucket, seal, settle, statusClass, toUs, ValueLog } from './timeline-bucket.js';
import type { Bucket, Track } from './timeline-bucket.js';
import { seriesBuckets, timelineJSON } from './timeline-json.js';
import type { TimelineJSON } from './timeline-json.js';
import { foldIntervals } from './timeline-intervals.js';
import type { IntervalData } from './timeline-intervals.js';
import { rawBuckets, trackRaw } from './timeline-raw.js';
import type { RawTimeline } from './timeline-raw.js';

export { STATUS_CLASSES, statusClass, type StatusClass } from './timeline-bucket.js';
export type { TimelineJSON, TimelineSeriesJSON } from './timeline-json.js';
export type { IntervalData } from './timeline-intervals.js';
export type { RawTimeline } from './timeline-raw.js';

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
      if (live.hist !== undefined) live.hist.recordValue(toUs(ms));
      else lb.log?.push(toUs(ms));
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
    if (track.live) this.closeLive(track);
    // Fine intervals (a short run, at most SHORT_RUN_MS of them) log their latencies until read or coarsened;
    // a sample for an interval already closed (clock step) re-opens it.
    let hist: Histogram | undefined;
    if (this.intervalMs < BASE_INTERVAL_MS) (b.log ??= new ValueLog()).push(toUs(ms));
    else {
      settle(b);
      hist = decode(b.hdr);
      hist.recordValue(toUs(ms));
    }
    track.live = { index, hist, bucket: b };
  }

  private closeLive(track: Track): void {
    const live = track.live;
    if (!live) return;
    const b = track.buckets.get(live.index);
    if (b && live.hist) seal(b, live.hist);
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
    return { intervalMs: this.intervalMs * factor, intervals: foldIntervals(this.tracks.values(), factor, filter) };
  }

  get empty(): boolean {
    return this.tracks.size === 0;
  }

  /** Adds another timeline (a parallel runner's, or one read back from a report). */
  merge(other: Timeline): void {
    // Live histograms close; fine logs stay logs (appended, sealed when read or folded into seconds):
    // merging a worker's second each second would otherwise build and encode a histogram per interval twice over.
    for (const t of other.tracks.values()) other.closeLive(t);
    for (const t of this.tracks.values()) this.closeLive(t);
    while (this.intervalMs < other.intervalMs) this.coarsen();
    const factor = this.intervalMs / other.intervalMs;
    for (const t of other.tracks.values()) {
      const into = this.track(t.phase, t.stage);
      // the other's buckets folded per interval of ours first: one merge per interval, not one per bucket
      const folded = new Map<number, Bucket>();
      for (const [i, b] of t.buckets) {
        const j = Math.floor(i / factor);
        const f = folded.get(j);
        if (f) mergeBucket(f, b);
        else {
          const copy = emptyBucket();
          mergeBucket(copy, b);
          folded.set(j, copy);
        }
      }
      for (const [j, b] of folded) {
        const cur = into.buckets.get(j);
        if (cur) mergeBucket(cur, b);
        else {
          into.buckets.set(j, b);
          this.widen(j);
        }
        // Logs are for the fine intervals of a short run only: a whole second is kept encoded, or a
        // long --workers run would hold four bytes per request for its whole length.
        if (this.intervalMs >= BASE_INTERVAL_MS) settle(cur ?? b);
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
    return timelineJSON(this.tracks.values(), this.intervalMs);
  }

  /** The buckets without sealing the fine ones (live histograms are sealed: they are whole seconds). */
  toRaw(): RawTimeline {
    for (const t of this.tracks.values()) this.closeLive(t);
    return { intervalMs: this.intervalMs, tracks: [...this.tracks.values()].map(trackRaw) };
  }

  static fromRaw(raw: RawTimeline): Timeline {
    const tl = new Timeline();
    tl.intervalMs = raw.intervalMs;
    for (const r of raw.tracks) tl.adopt(r.phase, r.stage, rawBuckets(r));
    return tl;
  }

  static fromJSON(json: TimelineJSON | undefined): Timeline {
    const tl = new Timeline();
    if (!json || !Array.isArray(json.series)) return tl;
    // The intervals golive writes: the fine one, or whole seconds; anything else is read as seconds.
    tl.intervalMs = Number.isInteger(json.intervalMs) && (json.intervalMs === FINE_INTERVAL_MS || json.intervalMs >= BASE_INTERVAL_MS) ? json.intervalMs : BASE_INTERVAL_MS;
    for (const s of json.series) tl.adopt(String(s.phase), s.stage === undefined ? undefined : String(s.stage), seriesBuckets(s, tl.intervalMs));
    return tl;
  }

  /** Buckets read back (a report's, another thread's) into a track: two for one interval (stages folded into their phase) add up. */
  private adopt(phase: string, stage: string | undefined, buckets: Iterable<[number, Bucket]>): void {
    const t = this.track(phase, stage);
    for (const [i, b] of buckets) {
      const cur = t.buckets.get(i);
      if (cur) mergeBucket(cur, b); else t.buckets.set(i, b);
      this.widen(i);
    }
  }
}
