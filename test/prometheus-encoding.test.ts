/** Pure builders: native histogram buckets, the remote-write wire format, the exposition text. */
import { describe, expect, it } from 'vitest';
import { uncompress } from 'snappyjs';
import { MetricStore, newHistogram } from '../src/core/metrics.js';
import { buildK6Series, statSuffix } from '../src/sinks/k6-series.js';
import { encodeBuckets, nativeBucketIndex, nativeBucketUpper, toNativeHistogram } from '../src/sinks/native-histogram.js';
import { decodeWriteRequest, remoteWriteBody } from '../src/sinks/prompb.js';
import { exposition } from '../src/sinks/pushgateway-format.js';

describe('native histogram conversion', () => {
  it('puts values into (base^(i-1), base^i] buckets, boundaries included', () => {
    expect(nativeBucketIndex(1)).toBe(0);
    expect(nativeBucketIndex(2)).toBe(32);
    expect(nativeBucketIndex(2.0001)).toBe(33);
    expect(nativeBucketIndex(0.5)).toBe(-32);
    for (const v of [0.0001, 0.0123, 0.5, 0.999, 7.3]) {
      const i = nativeBucketIndex(v);
      expect(nativeBucketUpper(i - 1)).toBeLessThan(v);
      expect(nativeBucketUpper(i)).toBeGreaterThanOrEqual(v);
    }
  });

  it('encodes sparse buckets as spans and deltas', () => {
    expect(encodeBuckets(new Map([[3, 2], [4, 5], [7, 1], [-2, 4]]))).toEqual({
      spans: [{ offset: -2, length: 1 }, { offset: 4, length: 2 }, { offset: 2, length: 1 }],
      deltas: [4, -2, 3, -4],
    });
  });

  it('keeps count and sum, and buckets whose counts add up', () => {
    const h = newHistogram();
    for (let ms = 1; ms <= 1000; ms++) h.recordValue(ms * 1000); // µs
    const nh = toNativeHistogram(h, 1_000_000, 500.5, 1);
    expect(nh.countInt).toBe(1000);
    expect(nh.sum).toBe(500.5);
    let c = 0;
    let total = 0;
    for (const d of nh.positiveDeltas) { c += d; total += c; }
    expect(total).toBe(1000);
    // schema 5 covers 1 ms .. 1 s in about 10 octaves of 32 buckets
    expect(nh.positiveSpans.reduce((n, s) => n + s.length, 0)).toBeLessThanOrEqual(32 * 10 + 1);
  });
});

describe('remote-write wire format', () => {
  it('round-trips through snappy and protobuf with sorted labels', () => {
    const store = new MetricStore();
    store.add('http_req_duration', 12.5, { phase: 'load', scenario: 'load', name: '/health', method: 'GET', status: '200', expected_response: 'true', url: 'http://x/health?id=1' });
    store.add('http_reqs', 1, { phase: 'load', scenario: 'load', name: '/health', method: 'GET', status: '200', expected_response: 'true' });
    const series = buildK6Series(store, { testid: 't1', environment: 'prod', trendStats: ['p(95)', 'p(99.9)', 'count'], nativeHistograms: true, timestampMs: 1_700_000_000_000 });
    const decoded = decodeWriteRequest(uncompress(remoteWriteBody(series)));
    const names = decoded.timeseries.map((t) => t.labels.find((l) => l.name === '__name__')?.value).sort();
    expect(names).toEqual(['k6_http_req_duration_count', 'k6_http_req_duration_p95', 'k6_http_req_duration_p999', 'k6_http_req_duration_seconds', 'k6_http_reqs_total']);
    for (const t of decoded.timeseries) {
      const keys = t.labels.map((l) => l.name);
      expect(keys).toEqual([...keys].sort());
      expect(keys).not.toContain('url');
    }
    const p95 = decoded.timeseries.find((t) => t.labels.some((l) => l.value === 'k6_http_req_duration_p95'));
    expect(p95?.samples[0]?.value).toBeCloseTo(0.0125, 4);
    expect(p95?.samples[0]?.timestamp).toBe(1_700_000_000_000);
    expect(p95?.labels.map((l) => l.name)).toEqual(['__name__', 'environment', 'method', 'name', 'scenario', 'testid']);
    const count = decoded.timeseries.find((t) => t.labels.some((l) => l.value === 'k6_http_req_duration_count'));
    expect(count?.samples[0]?.value).toBe(1);
    const hist = decoded.timeseries.find((t) => t.histograms.length > 0)?.histograms[0];
    expect(hist?.countInt).toBe(1);
    expect(hist?.schema).toBe(5);
  });

  it('caps distinct endpoint names so cardinality stays bounded', () => {
    const store = new MetricStore();
    for (let i = 0; i < 80; i++) store.add('http_reqs', 1, { phase: 'load', name: `/orders/${i}` });
    const series = buildK6Series(store, { testid: 't', trendStats: [], nativeHistograms: false, timestampMs: 1, maxNamesPerMetric: 50 });
    expect(series).toHaveLength(51);
    const other = series.find((s) => s.labels.some((l) => l.name === 'name' && l.value === '__other__'));
    expect(other?.samples[0]?.value).toBe(30);
  });

  it('names stats like k6 does', () => {
    expect(['p(95)', 'p(99.9)', 'avg', 'med'].map(statSuffix)).toEqual(['p95', 'p999', 'avg', 'med']);
  });
});

describe('exposition text', () => {
  it('escapes label values and skips empty families', () => {
    expect(exposition([
      { name: 'golive_threshold_success', help: 'h', samples: [{ labels: { metric: 'a{b:"c"}\\', threshold: 'line\nbreak' }, value: 1 }] },
      { name: 'golive_empty', help: 'h', samples: [] },
    ])).toBe('# HELP golive_threshold_success h\n# TYPE golive_threshold_success gauge\ngolive_threshold_success{metric="a{b:\\"c\\"}\\\\",threshold="line\\nbreak"} 1\n');
  });
});
