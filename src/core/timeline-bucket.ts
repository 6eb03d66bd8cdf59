/**
 * One interval of one timeline series: its counts and its latencies. A fine
 * interval logs its latencies as plain values (no histogram on the hot path);
 * a whole-second one records into a live histogram while open. Either ends as
 * a compressed encoding with the percentiles read from it (sealed). Adding two
 * buckets adds their latencies exactly.
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
   * A fine interval's latencies, not yet in a histogram: a fresh 94 KB histogram ten times a second
   * cost ~0.2 ms of page faults on the response that opened the interval, and encoding one deflates;
   * either delayed the responses being timed behind it (the accuracy test saw it).
   */
  log?: ValueLog;
}

/** Latencies in µs, appended: a few bytes per sample instead of a histogram per interval. */
export class ValueLog {
  private values: Uint32Array = new Uint32Array(64);
  private n = 0;

  push(us: number): void {
    if (this.n === this.values.length) {
      const grown = new Uint32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.n++] = us;
  }

  append(other: ValueLog): void {
    for (let i = 0; i < other.n; i++) this.push(other.values[i] ?? 0);
  }

  /** the logged values, copied: structured-clone data for another thread */
  values32(): Uint32Array {
    return this.values.slice(0, this.n);
  }

  static of(values: Uint32Array): ValueLog {
    const log = new ValueLog();
    log.values = values.length > 0 ? values : log.values;
    log.n = values.length;
    return log;
  }

  recordInto(h: Histogram): void {
    for (let i = 0; i < this.n; i++) h.recordValue(this.values[i] ?? 0);
  }
}

/** ms to the µs a histogram counts, within its range */
export const toUs = (ms: number): number => (ms >= 3_600_000 ? 3_600_000_000 : ms < 0.001 ? 1 : Math.round(ms * 1000));

/** One series: a phase, and a stage when the samples carry one. */
export interface Track {
  phase: string;
  stage?: string;
  /** absolute interval index (epochMs / intervalMs) -> bucket */
  buckets: Map<number, Bucket>;
  /** the interval last recorded into; `hist` undefined: a fine one, whose latencies go to bucket.log */
  live?: { index: number; hist: Histogram | undefined; bucket: Bucket };
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

/** Seals a bucket whose latencies were logged (with what it held sealed before, if anything). */
export function settle(b: Bucket): void {
  if (!b.log) return;
  const h = decode(b.hdr);
  b.log.recordInto(h);
  delete b.log;
  seal(b, h);
}

export function mergeBucket(into: Bucket, from: Bucket): void {
  into.reqs += from.reqs;
  into.failed += from.failed;
  from.status.forEach((n, i) => { into.status[i] = (into.status[i] ?? 0) + n; });
  if (!from.log && !from.hdr) return;
  // Two fine intervals folding into one (coarsening) stay a log until sealed.
  if (from.log && !from.hdr && (into.log || !into.hdr)) {
    (into.log ??= new ValueLog()).append(from.log);
    return;
  }
  settle(into);
  settle(from);
  const h = decode(into.hdr);
  h.add(hdr.decodeFromCompressedBase64(from.hdr));
  seal(into, h);
}
