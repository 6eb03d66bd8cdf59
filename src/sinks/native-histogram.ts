/**
 * HDR histogram -> Prometheus native histogram (exponential buckets). HDR keeps
 * ~0.1% resolution; schema 5 buckets grow by 2^(1/32) (~2.2%), so
 * histogram_quantile over summed runner histograms stays within ~2-3% of the
 * exact merged percentile, at a few dozen buckets per series.
 */
import type { Histogram } from 'hdr-histogram-js';
import type { BucketSpan, PromHistogram } from './prompb.js';

export const NATIVE_SCHEMA = 5;
/** Prometheus' default zero bucket width; HDR never records values below 1 µs. */
const ZERO_THRESHOLD = 2 ** -128;

/** What JsHistogram exposes beyond the public interface: its raw counts. */
interface IndexedCounts {
  countsArrayLength: number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  highestEquivalentValue(value: number): number;
}

function isIndexed(h: unknown): h is IndexedCounts {
  const o = h as Partial<IndexedCounts>;
  return typeof o.countsArrayLength === 'number' && typeof o.getCountAtIndex === 'function'
    && typeof o.valueFromIndex === 'function' && typeof o.highestEquivalentValue === 'function';
}

/** Index i of the bucket (base^(i-1), base^i] holding v > 0, base = 2^(2^-schema). */
export function nativeBucketIndex(v: number, schema: number = NATIVE_SCHEMA): number {
  const per = 2 ** schema;
  let i = Math.ceil(Math.log2(v) * per);
  // log2 rounding can land one bucket off exactly at a boundary.
  if (2 ** ((i - 1) / per) >= v) i--;
  else if (2 ** (i / per) < v) i++;
  return i;
}

/** Upper bound of bucket i, for tests and readers. */
export function nativeBucketUpper(i: number, schema: number = NATIVE_SCHEMA): number {
  return 2 ** (i / 2 ** schema);
}

/** Sparse bucket counts -> spans + delta-encoded counts, as prompb wants them. */
export function encodeBuckets(counts: ReadonlyMap<number, number>): { spans: BucketSpan[]; deltas: number[] } {
  const keys = [...counts.keys()].sort((a, b) => a - b);
  const spans: BucketSpan[] = [];
  const deltas: number[] = [];
  let prevKey: number | undefined;
  let prevCount = 0;
  for (const k of keys) {
    const c = counts.get(k) ?? 0;
    const last = spans[spans.length - 1];
    if (last && prevKey !== undefined && k === prevKey + 1) last.length++;
    else spans.push({ offset: prevKey === undefined ? k : k - prevKey - 1, length: 1 });
    deltas.push(c - prevCount);
    prevCount = c;
    prevKey = k;
  }
  return { spans, deltas };
}

/**
 * @param hist values recorded in `unitsPerSecond` (the MetricStore uses µs: 1e6)
 * @param sumSeconds the exact sum of the observations, in seconds
 */
export function toNativeHistogram(
  hist: Histogram, unitsPerSecond: number, sumSeconds: number, timestampMs: number, schema: number = NATIVE_SCHEMA,
): PromHistogram {
  if (!isIndexed(hist)) throw new Error('native histograms need a JS HDR histogram (got one without raw counts)');
  const counts = new Map<number, number>();
  let zero = 0;
  for (let i = 0; i < hist.countsArrayLength; i++) {
    const c = hist.getCountAtIndex(i);
    if (c === 0) continue;
    // Same representative value HDR uses for its percentiles.
    const v = hist.highestEquivalentValue(hist.valueFromIndex(i)) / unitsPerSecond;
    if (v <= ZERO_THRESHOLD) { zero += c; continue; }
    const b = nativeBucketIndex(v, schema);
    counts.set(b, (counts.get(b) ?? 0) + c);
  }
  const { spans, deltas } = encodeBuckets(counts);
  return {
    countInt: hist.totalCount,
    sum: sumSeconds,
    schema,
    zeroThreshold: ZERO_THRESHOLD,
    zeroCountInt: zero,
    positiveSpans: spans,
    positiveDeltas: deltas,
    timestamp: timestampMs,
  };
}
