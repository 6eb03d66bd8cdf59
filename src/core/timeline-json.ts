/**
 * The timeline as summary.json carries it: columnar, one series per track,
 * every interval from the series' first to its last (empty ones included).
 * Read back leniently: a report is input from disk, and a corrupt interval
 * costs that interval, not the report.
 */
import { decode, emptyBucket, seal, STATUS_CLASSES } from './timeline-bucket.js';
import type { Bucket, StatusClass, Track } from './timeline-bucket.js';

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

/** The sealed tracks as summary.json carries them, or undefined when none has a bucket. */
export function timelineJSON(tracks: Iterable<Track>, intervalMs: number): TimelineJSON | undefined {
  const series: TimelineSeriesJSON[] = [];
  for (const t of tracks) {
    const s = seriesJSON(t, intervalMs);
    if (s) series.push(s);
  }
  return series.length ? { intervalMs, series } : undefined;
}

/** A track's sealed buckets as a series, or undefined when it has none. */
function seriesJSON(t: Track, intervalMs: number): TimelineSeriesJSON | undefined {
  if (t.buckets.size === 0) return undefined;
  const idx = [...t.buckets.keys()];
  const first = Math.min(...idx);
  const last = Math.max(...idx);
  const cols = Array.from({ length: last - first + 1 }, (_, k) => t.buckets.get(first + k) ?? emptyBucket());
  const failedByClass: Partial<Record<StatusClass, number[]>> = {};
  STATUS_CLASSES.forEach((c, ci) => {
    if (cols.some((b) => (b.status[ci] ?? 0) > 0)) failedByClass[c] = cols.map((b) => b.status[ci] ?? 0);
  });
  return {
    phase: t.phase,
    ...(t.stage !== undefined ? { stage: t.stage } : {}),
    startMs: first * intervalMs,
    reqs: cols.map((b) => b.reqs),
    failed: cols.map((b) => b.failed),
    failedByClass,
    p50: cols.map((b) => b.p50), p95: cols.map((b) => b.p95), p99: cols.map((b) => b.p99), max: cols.map((b) => b.max),
    hdr: cols.map((b) => b.hdr),
  };
}

/**
 * The non-empty intervals of a series read back, by absolute interval index
 * (`intervalMs` is the one the timeline was read with).
 */
export function seriesBuckets(s: TimelineSeriesJSON, intervalMs: number): [number, Bucket][] {
  const first = Math.floor(Number(s.startMs) / intervalMs);
  const out: [number, Bucket][] = [];
  (s.reqs ?? []).forEach((reqs, k) => {
    const b = emptyBucket();
    b.reqs = Number(reqs) || 0;
    b.failed = Number(s.failed?.[k]) || 0;
    STATUS_CLASSES.forEach((c, ci) => { b.status[ci] = Number(s.failedByClass?.[c]?.[k]) || 0; });
    const h = s.hdr?.[k];
    // A corrupt histogram costs its interval's percentiles, not the report.
    if (typeof h === 'string' && h) try { seal(b, decode(h)); } catch { b.hdr = ''; }
    if (b.reqs > 0 || b.hdr) out.push([first + k, b]);
  });
  return out;
}
