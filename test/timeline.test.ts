import { describe, expect, it } from 'vitest';
import { MetricStore } from '../src/core/metrics.js';
import { MAX_BUCKETS, Timeline } from '../src/core/timeline.js';

function clockAt(start: number): { now: () => number; set: (ms: number) => void } {
  let t = start;
  return { now: () => t, set: (ms) => { t = ms; } };
}

const tags = (status: number, extra: Record<string, string> = {}) => ({
  phase: 'load', status: String(status), expected_response: String(status >= 200 && status < 400), ...extra,
});

describe('timeline', () => {
  it('counts requests, failures and status classes per second, with percentiles from the interval histogram', () => {
    const c = clockAt(1_000_000_000_000);
    const store = new MetricStore(new Timeline(c.now));
    const ok = store.recorder('http_req_duration', tags(200));
    const bad = store.recorder('http_req_duration', tags(503));
    for (let i = 1; i <= 100; i++) ok(i);
    c.set(1_000_000_012_500); // past a short run (10 s): counted per second, empty seconds in between
    bad(700); bad(900); ok(5);
    const json = store.timeline.toJSON();
    expect(json?.intervalMs).toBe(1000);
    const s = json!.series[0]!;
    expect(s.phase).toBe('load');
    expect(s.startMs).toBe(1_000_000_000_000);
    const gap = Array.from({ length: 11 }, () => 0);
    expect(s.reqs).toEqual([100, ...gap, 3]);
    expect(s.failed).toEqual([0, ...gap, 2]);
    expect(s.failedByClass['5xx']).toEqual([0, ...gap, 2]);
    expect(s.failedByClass['2xx']).toBeUndefined();
    expect(s.failedByClass['4xx']).toBeUndefined();
    expect(s.p50[0]).toBeCloseTo(50, 0);
    expect(s.p99[0]).toBeCloseTo(99, 0);
    expect(s.p95[1]).toBeNull();
    expect(s.max[12]).toBeCloseTo(900, -1);
  });

  it('a run shorter than 10 s is counted in 100 ms intervals: a 261 ms load is not a 2 s ramp (25.7)', () => {
    // 261 ms straddling a second boundary: 131 requests before it, 869 after.
    const c = clockAt(1_000_000_000_966);
    const tl = new Timeline(c.now);
    const r = tl.recorder(tags(200))!;
    for (let i = 0; i < 1000; i++) { c.set(1_000_000_000_966 + Math.floor((i * 261) / 1000)); r(5); }
    const json = tl.toJSON()!;
    expect(json.intervalMs).toBe(100);
    const s = json.series[0]!;
    expect(s.startMs).toBe(1_000_000_000_900);
    // Four 100 ms intervals hold the load, each about a quarter of it: a flat rate, not 131 then 869.
    expect(s.reqs).toHaveLength(4);
    expect(s.reqs.reduce((a, b) => a + b, 0)).toBe(1000);
    for (const n of s.reqs.slice(1, 3)) expect(n).toBeGreaterThan(350);
    // Windowed thresholds still slide by whole seconds.
    const { intervalMs, intervals } = tl.intervals({ phase: 'load' });
    expect(intervalMs).toBe(1000);
    expect([...intervals.values()].map((d) => d.reqs)).toEqual([131, 869]);
  });

  it('folds fine intervals into whole seconds once the run passes 10 s, exactly', () => {
    const c = clockAt(0);
    const tl = new Timeline(c.now);
    const r = tl.recorder(tags(200))!;
    for (let t = 0; t <= 10_000; t += 50) { c.set(t); r(1); }
    const json = tl.toJSON()!;
    expect(json.intervalMs).toBe(1000);
    expect(json.series[0]!.reqs).toEqual([...Array.from({ length: 10 }, () => 20), 1]);
  });

  it("a worker's raw second merged into a timeline counting whole seconds is kept encoded, not as a log; a short run's stays a log", () => {
    // what a --workers coordinator does once a second: the thread's 100 ms intervals arrive as logs
    const second = (at: number): Timeline => {
      const c = clockAt(at);
      const w = new Timeline(c.now);
      const r = w.recorder(tags(200))!;
      for (let t = at; t < at + 1000; t += 10) { c.set(t); r(2); }
      return Timeline.fromRaw(structuredClone(w.toRaw()));
    };
    const long = new Timeline(clockAt(0).now);
    for (let s = 0; s < 15; s++) long.merge(second(s * 1000));
    const raw = long.toRaw();
    expect(raw.intervalMs).toBe(1000);
    expect(raw.tracks[0]!.buckets.filter((b) => b.log !== undefined)).toEqual([]);
    expect(long.toJSON()!.series[0]!.reqs).toEqual(Array.from({ length: 15 }, () => 100));
    const short = new Timeline(clockAt(0).now);
    short.merge(second(0));
    expect(short.toRaw().tracks[0]!.buckets.every((b) => b.log !== undefined)).toBe(true);
  });

  it('keeps a series per stage and ignores samples without a phase', () => {
    const c = clockAt(5_000);
    const tl = new Timeline(c.now);
    tl.recorder(tags(200, { stage: 'baseline' }))!(1);
    tl.recorder(tags(200, { stage: '2x' }))!(2);
    expect(tl.recorder({ status: '200' })).toBeUndefined();
    expect(tl.toJSON()!.series.map((s) => s.stage)).toEqual(['baseline', '2x']);
  });

  it('merges runners by wall-clock interval, exactly (histograms add)', () => {
    const a = new Timeline(() => 10_000);
    const b = new Timeline(() => 11_200);
    const ra = a.recorder(tags(200))!;
    const rb = b.recorder(tags(500))!;
    for (let i = 0; i < 50; i++) ra(10);
    for (let i = 0; i < 50; i++) rb(1000);
    const merged = Timeline.fromJSON(a.toJSON());
    merged.merge(Timeline.fromJSON(b.toJSON()));
    const s = merged.toJSON()!.series[0]!;
    expect(s.startMs).toBe(10_000);
    // A short run's 100 ms intervals: 1.2 s apart.
    expect(s.reqs).toEqual([50, ...Array.from({ length: 11 }, () => 0), 50]);
    expect(s.failed).toEqual([0, ...Array.from({ length: 11 }, () => 0), 50]);
    const both = new Timeline(() => 10_000);
    both.merge(merged);
    const c = new Timeline(() => 10_000);
    const rc = c.recorder(tags(200))!;
    for (let i = 0; i < 50; i++) rc(1000);
    both.merge(c);
    const one = both.toJSON()!.series[0]!;
    expect(one.reqs[0]).toBe(100);
    expect(one.p50[0]).toBeCloseTo(10, 0);
    expect(one.p99[0]).toBeCloseTo(1000, -1);
  });

  it('doubles the interval instead of growing without bound', () => {
    const c = clockAt(0);
    const tl = new Timeline(c.now);
    const r = tl.recorder(tags(200))!;
    for (let i = 0; i <= MAX_BUCKETS; i++) { c.set(i * 1000); r(i % 7 + 1); }
    const json = tl.toJSON()!;
    expect(json.intervalMs).toBe(2000);
    const s = json.series[0]!;
    expect(s.reqs.length).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(s.reqs.reduce((x, y) => x + y, 0)).toBe(MAX_BUCKETS + 1);
  });

  it('survives a corrupt histogram read back from a report', () => {
    const tl = Timeline.fromJSON({ intervalMs: 1000, series: [{ phase: 'load', startMs: 0, reqs: [3], failed: [0], failedByClass: {}, p50: [1], p95: [1], p99: [1], max: [1], hdr: ['not-base64!'] }] });
    expect(tl.toJSON()!.series[0]!.reqs).toEqual([3]);
  });
});
