/**
 * One interval of one timeline series: its counts and its latency histogram,
 * kept live while the interval is open, raw once closed (fine intervals) or
 * as a compressed encoding with the percentiles read from it (sealed). Adding
 * two buckets adds their histograms exactly.
 */
import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import { newHistogram } from './metric-state.js';

export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'none'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

export interface Bucket {
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

/** One series: a phase, and a stage when the samples carry one. */
export interface Track {
  phase: string;
  stage?: string;
  /** absolute interval index (epochMs / intervalMs) -> bucket */
  buckets: Map<number, Bucket>;
  live?: { index: number; hist: Histogram; bucket: Bucket };
}

export const emptyBucket = (): Bucket => ({ reqs: 0, failed: 0, status: STATUS_CLASSES.map(() => 0), hdr: '', p50: null, p95: null, p99: null, max: null });

export function statusClass(status: string | number | undefined): number {
  const s = Number(status);
  if (!(s >= 100 && s < 600)) return STATUS_CLASSES.indexOf('none');
  return Math.floor(s / 100) - 1;
}

const ms3 = (us: number): number => Math.round(us) / 1000;

/** Stores the histogram in the bucket: encoding and the percentiles read from it. */
export function seal(b: Bucket, hist: Histogram): void {
  if (hist.totalCount === 0) return;
  b.hdr = hdr.encodeIntoCompressedBase64(hist);
  b.p50 = ms3(hist.getValueAtPercentile(50));
  b.p95 = ms3(hist.getValueAtPercentile(95));
  b.p99 = ms3(hist.getValueAtPercentile(99));
  b.max = ms3(hist.maxValue);
}

export function decode(s: string): Histogram {
  const h = newHistogram();
  if (s) h.add(hdr.decodeFromCompressedBase64(s));
  return h;
}

/** Encodes a bucket whose histogram was kept raw. */
export function settle(b: Bucket): void {
  if (!b.raw) return;
  seal(b, b.raw);
  delete b.raw;
}

export function mergeBucket(into: Bucket, from: Bucket): void {
  into.reqs += from.reqs;
  into.failed += from.failed;
  from.status.forEach((n, i) => { into.status[i] = (into.status[i] ?? 0) + n; });
  if (!from.raw && !from.hdr) return;
  const h = into.raw ?? decode(into.hdr);
  h.add(from.raw ?? hdr.decodeFromCompressedBase64(from.hdr));
  if (into.raw) return;
  seal(into, h);
}
