import { percentileOf } from '../scripts/bench/stats.js';
import { describe, expect, it } from 'vitest';
import { EXIT, GoliveError, describeError, exitCodeFor } from '../src/core/errors.js';
import type { ErrorCode } from '../src/core/errors.js';
import { BUILTIN_METRICS, MetricStore, TREND_STATS } from '../src/core/metrics.js';
import type { SerializedSeries } from '../src/core/metrics.js';

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Latency-like samples in ms: long-tailed, 0.5 ms .. ~8 s, with fractional µs. */
function latencies(n: number, seed: number): number[] {
  const r = prng(seed);
  return Array.from({ length: n }, () => 0.5 + Math.exp(r() * 9) - 1 + r() * 0.001);
}

/** Nearest-rank percentile, the definition HDR uses (before bucket rounding): the one test helper. */
const exactPercentile = percentileOf;

/** HDR with 3 significant digits: within 0.1 % plus the 1 µs recording resolution. */
function expectWithinHdr(actual: number | undefined, exact: number): void {
  expect(actual).toBeDefined();
  expect(Math.abs((actual as number) - exact)).toBeLessThanOrEqual(exact * 0.001 + 0.001);
}

function feed(store: MetricStore, values: readonly number[], tags: Record<string, string> = {}): void {
  for (const v of values) store.add('http_req_duration', v, tags);
}

describe('MetricStore trends', () => {
  const data = latencies(20_000, 42);
  const store = new MetricStore();
  feed(store, data);
  const agg = store.select('http_req_duration');

  it.each([50, 90, 95, 99, 99.9])('p(%s) is within HDR precision of the exact value', (p) => {
    expectWithinHdr(agg?.value(`p(${p})`), exactPercentile(data, p));
  });

  it('med equals p(50)', () => {
    expect(agg?.value('med')).toBe(agg?.value('p(50)'));
  });

  it('min, max, avg and count are exact', () => {
    expect(agg?.value('min')).toBe(Math.min(...data));
    expect(agg?.value('max')).toBe(Math.max(...data));
    const sum = data.reduce((a, b) => a + b, 0);
    expect(agg?.value('avg')).toBeCloseTo(sum / data.length, 9);
    expect(agg?.value('count')).toBe(data.length);
    expect(agg?.samples).toBe(data.length);
  });

  it('percentiles never leave the observed range', () => {
    const s = new MetricStore();
    feed(s, [12.3456, 12.3457]);
    const a = s.select('http_req_duration');
    for (const p of ['p(0)', 'p(50)', 'p(100)', 'med']) {
      const v = a?.value(p) as number;
      expect(v).toBeGreaterThanOrEqual(12.3456);
      expect(v).toBeLessThanOrEqual(12.3457);
    }
  });

  it('an unknown aggregation is undefined, and an empty trend has no values', () => {
    expect(agg?.value('p(x)')).toBeUndefined();
    expect(agg?.value('rate')).toBeUndefined();
    const s = new MetricStore();
    s.recorder('http_req_duration', { phase: 'load' });
    const empty = s.select('http_req_duration');
    expect(empty?.samples).toBe(0);
    expect(empty?.value('p(95)')).toBeUndefined();
    expect(empty?.summaryValues(1)).toEqual({});
  });

  it('summaryValues has exactly the k6 trend stats', () => {
    expect(Object.keys(agg?.summaryValues(10) ?? {})).toEqual([...TREND_STATS]);
  });

  it('the bound recorder feeds the same series as add', () => {
    const s = new MetricStore();
    const rec = s.recorder('http_req_duration', { phase: 'load' });
    rec(5);
    s.add('http_req_duration', 7, { phase: 'load' });
    expect(s.series()).toHaveLength(1);
    expect(s.select('http_req_duration')?.value('count')).toBe(2);
  });

  it('tag order does not create a second series', () => {
    const s = new MetricStore();
    s.add('http_reqs', 1, { a: '1', b: '2' });
    s.add('http_reqs', 1, { b: '2', a: '1' });
    expect(s.series()).toHaveLength(1);
  });
});

describe('MetricStore merge and serialisation', () => {
  const a = latencies(7_000, 1);
  const b = latencies(9_000, 2).map((v) => v * 3);
  const stats = ['min', 'max', 'med', 'p(90)', 'p(95)', 'p(99)', 'p(99.99)', 'count'];

  function mixed(values: readonly number[], phase: string): MetricStore {
    const s = new MetricStore();
    feed(s, values, { phase });
    values.forEach((v, i) => {
      s.add('http_reqs', 1, { phase });
      s.add('http_req_failed', i % 10 === 0 ? 1 : 0, { phase });
    });
    s.add('vus', values.length % 7, { phase });
    return s;
  }

  it('merging two stores equals one store fed every sample', () => {
    const merged = mixed(a, 'load');
    merged.merge(mixed(b, 'load'));
    const single = mixed([...a, ...b], 'load');
    const m = merged.select('http_req_duration');
    const s = single.select('http_req_duration');
    for (const k of stats) expect(m?.value(k), k).toBe(s?.value(k));
    expect(m?.value('avg')).toBeCloseTo(s?.value('avg') as number, 9);
    expect(merged.select('http_reqs')?.value('count')).toBe(a.length + b.length);
    expect(merged.select('http_req_failed')?.value('fails'))
      .toBe(single.select('http_req_failed')?.value('fails'));
  });

  it('merging adds series the target did not have', () => {
    const merged = new MetricStore();
    merged.merge(mixed(a, 'health'));
    merged.merge(mixed(b, 'load'));
    expect(merged.select('http_req_duration', { phase: 'health' })?.value('count')).toBe(a.length);
    expect(merged.select('http_req_duration', { phase: 'load' })?.value('count')).toBe(b.length);
  });

  it('toJSON/fromJSON (through a JSON string) preserves percentiles, counts and rates', () => {
    const orig = mixed(a, 'load');
    const wire = JSON.parse(JSON.stringify(orig.toJSON())) as SerializedSeries[];
    const back = MetricStore.fromJSON(wire);
    expect(back.series()).toHaveLength(orig.series().length);
    const o = orig.select('http_req_duration');
    const r = back.select('http_req_duration');
    for (const k of [...stats, 'avg']) expect(r?.value(k), k).toBe(o?.value(k));
    expect(back.select('http_reqs')?.value('count')).toBe(a.length);
    expect(back.select('http_req_failed')?.value('rate')).toBe(orig.select('http_req_failed')?.value('rate'));
    expect(back.select('vus')?.value('value')).toBe(a.length % 7);
    expect(back.series()[0]?.tags).toEqual({ phase: 'load' });
  });

  it('fromJSON of two runners equals one store fed everything (runners merge exactly)', () => {
    const wire = [...mixed(a, 'load').toJSON(), ...mixed(b, 'load').toJSON()];
    const back = MetricStore.fromJSON(JSON.parse(JSON.stringify(wire)) as SerializedSeries[]);
    const single = mixed([...a, ...b], 'load');
    for (const k of stats) expect(back.select('http_req_duration')?.value(k), k).toBe(single.select('http_req_duration')?.value(k));
  });

  it('series created but never fed survive a JSON round trip without inventing samples', () => {
    const s = new MetricStore();
    s.recorder('http_req_duration', { phase: 'load' });
    s.recorder('vus', { phase: 'load' });
    const back = MetricStore.fromJSON(JSON.parse(JSON.stringify(s.toJSON())) as SerializedSeries[]);
    expect(back.select('http_req_duration')?.samples).toBe(0);
    expect(back.select('vus')?.samples).toBe(0);
    expect(back.select('vus')?.value('value')).toBeUndefined();
    // merged with a real runner, the empty one must not drag min/max
    back.merge(mixed([40, 60], 'load'));
    expect(back.select('http_req_duration')?.value('min')).toBe(40);
    expect(back.select('vus')?.value('min')).toBe(2);
    expect(back.select('vus')?.value('max')).toBe(2);
  });
});

describe('MetricStore.select', () => {
  const s = new MetricStore();
  s.add('http_req_duration', 10, { phase: 'health', status: '200' });
  s.add('http_req_duration', 20, { phase: 'load', status: '200' });
  s.add('http_req_duration', 30, { phase: 'load', status: '500' });
  s.add('http_req_duration', 40, { phase: 'load', status: '500', name: '/x' });
  s.add('http_reqs', 1, { phase: 'load', status: '200' });

  it.each([
    [{}, 4, 10, 40],
    [{ phase: 'load' }, 3, 20, 40],
    [{ phase: 'load', status: '500' }, 2, 30, 40],
    [{ status: '200' }, 2, 10, 20],
    [{ name: '/x' }, 1, 40, 40],
  ])('filter %j merges only the matching series', (filter, count, min, max) => {
    const agg = s.select('http_req_duration', filter);
    expect(agg?.value('count')).toBe(count);
    expect(agg?.value('min')).toBe(min);
    expect(agg?.value('max')).toBe(max);
  });

  it.each([
    ['http_req_duration', { phase: 'cluster' }],
    ['http_req_duration', { phase: 'load', status: '404' }],
    ['checks', {}],
  ])('%s %j matches nothing', (name, filter) => {
    expect(s.select(name, filter)).toBeUndefined();
  });

  it('selecting does not change the store', () => {
    s.select('http_req_duration', { phase: 'load' });
    expect(s.select('http_req_duration')?.value('count')).toBe(4);
    expect(s.names().sort()).toEqual(['http_req_duration', 'http_reqs']);
  });
});

describe('counters, rates and gauges', () => {
  it('counter: count is the sum, rate is per second of the run', () => {
    const s = new MetricStore();
    for (let i = 0; i < 30; i++) s.add('http_reqs', 1);
    s.add('data_received', 1500);
    s.add('data_received', 500);
    const c = s.select('http_reqs');
    expect(c?.value('count')).toBe(30);
    expect(c?.value('rate', 10)).toBe(3);
    expect(c?.value('rate', 0)).toBe(0);
    expect(c?.summaryValues(10)).toEqual({ count: 30, rate: 3 });
    expect(s.select('data_received')?.value('count')).toBe(2000);
    expect(s.select('data_received')?.info).toEqual({ type: 'counter', contains: 'data' });
  });

  it('rate: passes, fails and the pass fraction', () => {
    const s = new MetricStore();
    [1, 0, 1, 1, true ? 1 : 0, 0, 0, 1].forEach((v) => s.add('checks', v));
    const r = s.select('checks');
    expect(r?.summaryValues(1)).toEqual({ rate: 5 / 8, passes: 5, fails: 3 });
    expect(r?.value('count')).toBe(8);
    expect(r?.samples).toBe(8);
    const empty = new MetricStore();
    empty.recorder('checks');
    expect(empty.select('checks')?.value('rate')).toBeUndefined();
  });

  it('gauge: last value, min and max', () => {
    const s = new MetricStore();
    [3, 9, 1, 4].forEach((v) => s.add('vus', v));
    expect(s.select('vus')?.summaryValues(1)).toEqual({ value: 4, min: 1, max: 9 });
    expect(s.select('vus')?.samples).toBe(1);
  });

  it('custom metrics need their type; builtin ones carry k6 types', () => {
    const s = new MetricStore();
    expect(() => s.add('my_metric', 1)).toThrow(/my_metric has no type/);
    s.add('my_metric', 2, {}, { type: 'trend', contains: 'time' });
    expect(s.select('my_metric')?.value('max')).toBe(2);
    expect(BUILTIN_METRICS.http_req_duration).toEqual({ type: 'trend', contains: 'time' });
    expect(BUILTIN_METRICS.http_req_failed?.type).toBe('rate');
  });
});

describe('errors', () => {
  it.each<[ErrorCode, number]>([
    ['GOLIVE_INVALID_CONFIG', 104],
    ['GOLIVE_USAGE', 104],
    ['GOLIVE_MISSING_TARGET', 104],
    ['GOLIVE_MISSING_TOKEN', 104],
    ['GOLIVE_ABORTED', 105],
    ['GOLIVE_ENGINE_ERROR', 107],
    ['GOLIVE_K6_NOT_FOUND', 107],
    ['GOLIVE_DELIVERY_FAILED', 108],
    ['GOLIVE_K8S_ERROR', 109],
  ])('%s exits %i', (code, exit) => {
    const err = new GoliveError(code, 'x');
    expect(exitCodeFor(err)).toBe(exit);
    expect(err.code).toBe(code);
    expect(err.name).toBe('GoliveError');
    expect(err).toBeInstanceOf(Error);
  });

  it.each([new Error('boom'), 'boom', undefined, { code: 'GOLIVE_USAGE' }])('a foreign error %j is an engine error', (err) => {
    expect(exitCodeFor(err)).toBe(EXIT.engineError);
  });

  it.each([
    [new GoliveError('GOLIVE_USAGE', 'bad flag\n  at stack'), 'golive: bad flag'],
    [new Error('kaput\nat x.js:1'), 'golive: internal error: kaput'],
    ['plain', 'golive: internal error: plain'],
  ])('describeError gives one line: %s', (err, line) => {
    expect(describeError(err)).toBe(line);
  });

  it('keeps the cause', () => {
    const cause = new Error('root');
    expect(new GoliveError('GOLIVE_ENGINE_ERROR', 'x', { cause }).cause).toBe(cause);
  });
});
