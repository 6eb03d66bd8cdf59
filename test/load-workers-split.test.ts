/**
 * Pure parts of `--workers N`: the interleaved split of one schedule (under a
 * fake clock, the workers' arrivals together are exactly the single
 * schedule's), max-in-flight split into parts, counts added back up, and the
 * exact merge of histograms flushed from each worker once a second.
 */
import { describe, expect, it } from 'vitest';
import { MetricStore } from '../src/core/metrics.js';
import { Timeline } from '../src/core/timeline.js';
import { createSampleRecorder } from '../src/net/sample-recorder.js';
import { Pacer } from '../src/net/load/pacer.js';
import { arrivalsPerStage, arrivalTimes, rateProfile, type RateProfile } from '../src/net/load/schedule.js';
import { mergeFlush, mergeStats, splitInFlight, workerWorkloads } from '../src/net/load/workers/split.js';
import type { LoadStats } from '../src/net/load/types.js';

const staged: RateProfile = rateProfile({ model: 'staged', startRate: 3, maxInFlight: 100, stages: [
  { durationSeconds: 1.3, target: 97 }, { durationSeconds: 0, target: 40 }, { durationSeconds: 2, target: 40, name: 'hold' }, { durationSeconds: 0.7, target: 0 },
] });
const constant: RateProfile = rateProfile({ model: 'open', rate: 333, durationSeconds: 1.5, maxInFlight: 100 });

/** Drives a pacer for one share with a fake clock stepping `stepMs`; returns every released arrival's [due, stage]. */
function released(p: RateProfile, share: { index: number; of: number }, stepMs: number): { due: number[]; stage: number[]; pacer: Pacer } {
  const pacer = new Pacer(p, { maxLagMs: 5, lateMs: 1e9, maxPerTurn: 7 }, share);
  pacer.t0 = 0;
  const due: number[] = [];
  const stage: number[] = [];
  const sink = { trySend: (d: number, s: number) => { due.push(d); stage.push(s); return true; } };
  for (let now = 0; !pacer.done; now += stepMs) while (pacer.release(now, sink));
  return { due, stage, pacer };
}

describe('arrival i goes to worker i mod N', () => {
  for (const [name, p] of [['staged', staged], ['constant', constant]] as const) {
    for (const n of [1, 2, 3, 4, 7]) {
      it(`${name}, ${n} workers: the union of their arrivals is the single schedule, each interleaved`, () => {
        const whole = arrivalTimes(p);
        const single = released(p, { index: 0, of: 1 }, 0.37);
        expect(single.due).toEqual(whole);
        const parts = Array.from({ length: n }, (_, k) => released(p, { index: k, of: n }, 0.37 + k * 0.11));
        parts.forEach((part, k) => expect(part.due).toEqual(whole.filter((_, i) => i % n === k)));
        const union = parts.flatMap((x) => x.due).sort((a, b) => a - b);
        expect(union).toEqual(whole);
        // stage of each arrival and the per-stage counts add up to the single schedule's
        expect(parts.flatMap((x) => x.stage).sort()).toEqual([...single.stage].sort());
        const perStage = arrivalsPerStage(p);
        const sum = perStage.map((_, s) => parts.reduce((t, x) => t + (arrivalsPerStage(p, { index: parts.indexOf(x), of: n })[s] ?? 0), 0));
        expect(sum).toEqual(perStage);
        parts.forEach((x) => x.pacer.stages.forEach((c) => expect(c.sent).toBe(c.expected)));
      });
    }
  }
});

describe('max-in-flight is split into parts that add up to it', () => {
  it('as equal as integers allow', () => {
    expect(splitInFlight(10, 3)).toEqual([4, 3, 3]);
    expect(splitInFlight(1000, 2)).toEqual([500, 500]);
    expect(splitInFlight(7, 7)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(workerWorkloads({ model: 'open', rate: 10, durationSeconds: 1, maxInFlight: 5 }, 2).map((w) => w.maxInFlight)).toEqual([3, 2]);
  });
});

const part = (over: Partial<LoadStats>): LoadStats => ({
  started: 0, completed: 0, failed: 0, staleRetries: 0, dropped: 0, droppedBehind: 0, stages: [], aborted: false,
  eventLoopDelay: { p50: 0, p99: 0, max: 0 }, cpuMs: 0, elapsedMs: 0, ...over,
});

describe('the workers\' counts add up', () => {
  it('per stage, with the worst loop delay and the last release of either', () => {
    const s = (sent: number, late: number, last: number) => ({ expected: sent + 2, sent, droppedMaxInFlight: 2, droppedLate: late, droppedBehind: 1, lastReleaseMs: last });
    const merged = mergeStats([
      part({ started: 5, completed: 4, failed: 1, dropped: 2, droppedBehind: 1, stages: [s(5, 1, 900)], eventLoopDelay: { p50: 1, p99: 9, max: 20 } }),
      part({ started: 6, completed: 6, failed: 0, dropped: 2, droppedBehind: 1, stages: [s(6, 0, 950)], eventLoopDelay: { p50: 2, p99: 3, max: 30 }, aborted: true }),
    ], { cpuMs: 800, elapsedMs: 1000, cpus: 2 });
    expect(merged).toMatchObject({ started: 11, completed: 10, failed: 1, dropped: 4, droppedBehind: 2, aborted: true, cpuMs: 400, elapsedMs: 1000 });
    expect(merged.stages).toEqual([{ expected: 15, sent: 11, droppedMaxInFlight: 4, droppedLate: 1, droppedBehind: 2, lastReleaseMs: 950 }]);
    expect(merged.eventLoopDelay).toEqual({ p50: 2, p99: 9, max: 30 });
  });
});

describe('what the threads wanted of the machine', () => {
  it('adds every thread\'s CPU wait to the process CPU, against the machine\'s CPUs; per thread on average otherwise', () => {
    const merged = mergeStats([part({ cpuWaitMs: 300 }), part({ cpuWaitMs: 500 })], { cpuMs: 1000, elapsedMs: 1000, cpus: 2 });
    expect(merged.cpuMs).toBe(500);
    expect(merged.cpuWaitMs).toBe(400);
    expect(merged.machineShare).toBeCloseTo(0.9, 9);
  });
  it('without a thread\'s wait (not Linux), the share is the CPU used alone and no wait is made up', () => {
    const merged = mergeStats([part({ cpuWaitMs: 300 }), part({})], { cpuMs: 1000, elapsedMs: 1000, cpus: 4 });
    expect(merged.cpuWaitMs).toBeUndefined();
    expect(merged.machineShare).toBeCloseTo(0.25, 9);
  });
  it('one thread (max-in-flight left a runner one) gives no share: its own sleep proves the target\'s part', () => {
    expect(mergeStats([part({ cpuWaitMs: 900 })], { cpuMs: 1000, elapsedMs: 1000, cpus: 1 }).machineShare).toBeUndefined();
  });
});

describe('histograms flushed once a second by each worker merge exactly', () => {
  it('the merged store and timeline equal one store that recorded every sample', () => {
    let now = 1_700_000_000_000;
    const clock = (): number => now;
    const base = { phase: 'load', scenario: 'load', name: '/health', method: 'GET' };
    const direct = new MetricStore(new Timeline(clock));
    const directRec = createSampleRecorder(direct, base);
    const merged = new MetricStore(new Timeline(clock));
    const fresh = () => { const st = new MetricStore(new Timeline(clock)); return { st, rec: createSampleRecorder(st, base) }; };
    const workers = [fresh(), fresh()];
    let seed = 7;
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    for (let i = 0; i < 20_000; i++) {
      now += 0.35;
      const sample = { status: rnd() < 0.02 ? 503 : 200, durationMs: 0.05 + rnd() ** 3 * 900, targetMs: 0.04, bytes: 2, stage: 0, request: 0 };
      directRec.onSample(sample);
      const w = workers[i % 2];
      w?.rec.onSample(sample);
      // worker k flushes on its own second, mid-interval: buckets are split across flushes
      if (i % 2857 === 0 || i === 19_999) {
        for (const [k, x] of workers.entries()) {
          if (i !== 19_999 && k !== (i / 2857) % 2) continue;
          // as a flush travels: structured-cloned, the timeline raw (its fine intervals still logs)
          mergeFlush(merged, structuredClone({ series: x.st.toJSON(), timeline: x.st.timeline.toRaw() }));
          workers[k] = fresh();
        }
      }
    }
    for (const name of ['http_req_duration', 'golive_target_duration', 'http_reqs', 'http_req_failed']) {
      const a = direct.select(name, { phase: 'load' });
      const b = merged.select(name, { phase: 'load' });
      for (const agg of ['count', 'min', 'max', 'med', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)', 'rate', 'passes']) expect([name, agg, b?.value(agg)]).toEqual([name, agg, a?.value(agg)]);
      if (a?.info.type === 'trend') expect(b?.value('avg')).toBeCloseTo(a.value('avg') ?? NaN, 9);
    }
    // The timeline per second: counts and percentiles equal; a bucket's max is read from the merged
    // histogram, so it is exact to HDR's resolution (3 significant digits) rather than to the µs.
    const [a, b] = [direct.timeline.toJSON(), merged.timeline.toJSON()];
    expect(a?.series).toHaveLength(1);
    const [sa, sb] = [a?.series[0], b?.series[0]];
    expect(sa?.reqs.length).toBeGreaterThanOrEqual(7);
    for (const k of ['startMs', 'reqs', 'failed', 'failedByClass', 'p50', 'p95', 'p99'] as const) expect([k, sb?.[k]]).toEqual([k, sa?.[k]]);
    sa?.max.forEach((m, i) => expect(Math.abs((sb?.max[i] ?? 0) - (m ?? 0))).toBeLessThanOrEqual((m ?? 0) * 1e-3));
  });
});
