import { describe, expect, it } from 'vitest';
import { Pacer, type ArrivalSink } from '../src/net/load/pacer.js';
import { arrivalsPerStage, arrivalTimes, rateProfile, totalArrivals } from '../src/net/load/schedule.js';
import { fellBehindLine, judgeGenerator } from '../src/net/load/honesty.js';

const constant = (rate: number, durationSeconds: number) => rateProfile({ model: 'open', rate, durationSeconds, maxInFlight: 10 });
const staged = (startRate: number, stages: { durationSeconds: number; target: number; name?: string }[]) =>
  rateProfile({ model: 'staged', startRate, stages, maxInFlight: 10 });

describe('arrival schedule (pure)', () => {
  it('a constant rate R is due at k/R, ceil(R*D) arrivals', () => {
    expect(arrivalTimes(constant(4, 1))).toEqual([0, 250, 500, 750]);
    expect(totalArrivals(constant(3, 0.5))).toBe(2);
    const t = arrivalTimes(constant(1000, 2));
    expect(t).toHaveLength(2000);
    t.forEach((x, k) => expect(x).toBeCloseTo(k, 9));
  });

  it('a linear ramp spaces arrivals by the integral of the rate (0 -> 10/s over 2 s: 10 arrivals, k-th at sqrt(0.4k) s)', () => {
    const p = staged(0, [{ durationSeconds: 2, target: 10 }]);
    const t = arrivalTimes(p);
    expect(t).toHaveLength(10);
    t.forEach((x, k) => expect(x).toBeCloseTo(Math.sqrt(0.4 * k) * 1000, 6));
    // gaps shrink as the rate rises
    for (let k = 2; k < t.length; k++) expect((t[k] as number) - (t[k - 1] as number)).toBeLessThan((t[k - 1] as number) - (t[k - 2] as number));
  });

  it('stages: ramp, then hold; arrivals in order, counted per stage, each stage inside its window', () => {
    // 30s:50 (0->50: 750), 60s:100 (50->100: 4500), 30s:100 (hold: 3000)
    const p = staged(0, [{ durationSeconds: 30, target: 50 }, { durationSeconds: 60, target: 100 }, { durationSeconds: 30, target: 100, name: '2x' }]);
    expect(p.stageNames).toEqual(['0', '1', '2x']);
    expect(arrivalsPerStage(p)).toEqual([750, 4500, 3000]);
    const t = arrivalTimes(p);
    expect(t).toHaveLength(8250);
    for (let k = 1; k < t.length; k++) expect(t[k]).toBeGreaterThan(t[k - 1] as number);
    expect(t[750]).toBeCloseTo(30_000, 6);
    expect(t[5250]).toBeCloseTo(90_000, 6);
    expect(t[8249]).toBeLessThan(120_000);
    // the hold: exactly 10 ms apart
    expect((t[6000] as number) - (t[5999] as number)).toBeCloseTo(10, 6);
  });

  it('a 0 s stage jumps to its target; a ramp down ends at its target', () => {
    const p = staged(0, [{ durationSeconds: 0, target: 100 }, { durationSeconds: 1, target: 100 }, { durationSeconds: 1, target: 0 }]);
    expect(arrivalsPerStage(p)).toEqual([0, 100, 50]);
    const t = arrivalTimes(p);
    expect(t[0]).toBe(0);
    expect(t[1]).toBeCloseTo(10, 6);
    expect(t.at(-1)).toBeLessThan(2000);
  });
});

/** A generator with a fixed number of connections, under a clock the test moves. */
function fakeSink(connections: number) {
  const sent: { due: number; stage: number; at: number }[] = [];
  let busy = 0;
  const sink: ArrivalSink & { free(): void } = {
    trySend(due, stage, now) {
      if (busy >= connections) return false;
      busy++;
      sent.push({ due, stage, at: now });
      return true;
    },
    free() { busy--; },
  };
  return { sink, sent };
}

describe('pacer under a fake clock', () => {
  it('releases every due arrival on time and in order, and nothing early', () => {
    const pacer = new Pacer(constant(100, 1), { maxLagMs: 5, lateMs: 100, maxPerTurn: 1000 });
    pacer.t0 = 5_000;
    const { sink, sent } = fakeSink(1000);
    for (let now = 5_000; !pacer.done; now += 1) {
      pacer.release(now, sink);
      expect(sent.every((s) => s.due <= now)).toBe(true);
    }
    expect(sent).toHaveLength(100);
    sent.forEach((s, k) => { expect(s.due).toBe(5_000 + k * 10); expect(s.at - s.due).toBeLessThan(1); });
    expect(pacer.stages[0]).toMatchObject({ expected: 100, sent: 100, droppedMaxInFlight: 0, droppedLate: 0, droppedBehind: 0 });
  });

  it('catches up in order after a stall, in bounded turns', () => {
    const pacer = new Pacer(constant(1000, 1), { maxLagMs: 5, lateMs: 100, maxPerTurn: 16 });
    const { sink, sent } = fakeSink(10_000);
    // 50 ms stall: 51 arrivals due at once
    expect(pacer.release(50, sink)).toBe(true);
    expect(sent).toHaveLength(16);
    while (pacer.release(50, sink));
    expect(sent.map((s) => s.due)).toEqual(Array.from({ length: 51 }, (_, k) => k));
    expect(sent.every((s) => s.at === 50)).toBe(true);
  });

  it('splits drops by cause: no free connection is the target\'s (flagged when we released it late), too late to send is ours', () => {
    const pacer = new Pacer(constant(1000, 1), { maxLagMs: 5, lateMs: 100, maxPerTurn: 10_000 });
    const { sink } = fakeSink(2);
    pacer.release(0, sink); // arrival 0 sent
    pacer.release(1, sink); // arrival 1 sent
    pacer.release(2, sink); // arrival 2: both connections busy, on time -> max-in-flight
    expect(pacer.stages[0]).toMatchObject({ sent: 2, droppedMaxInFlight: 1, droppedLate: 0, droppedBehind: 0 });
    // arrivals 3..10 at 10 ms, both busy: all the target's (max-in-flight); arrival k is
    // 10-k ms late, so 3 and 4 (more than 5 ms) are flagged as released late
    pacer.release(10, sink);
    expect(pacer.stages[0]).toMatchObject({ droppedBehind: 0, droppedMaxInFlight: 1 + 8, droppedLate: 2 });
    sink.free();
    // 11..300 at 300 ms: 11..199 more than 100 ms late (ours, not even tried);
    // 200 sent on the freed connection; 201..300 busy: max-in-flight, 201..294 flagged late
    pacer.release(300, sink);
    expect(pacer.stages[0]).toMatchObject({ sent: 3, droppedBehind: 189, droppedMaxInFlight: 9 + 100, droppedLate: 2 + 94 });
  });

  it("knows its thread's pace (the open model spins only when arrivals are far apart): the gap to the next arrival, per share", () => {
    const pacer = new Pacer(staged(1000, [{ durationSeconds: 0.1, target: 1000 }, { durationSeconds: 0, target: 4000 }, { durationSeconds: 0.1, target: 4000 }]), { maxLagMs: 5, lateMs: 100, maxPerTurn: 1 });
    const { sink } = fakeSink(10_000);
    expect(pacer.gapMs).toBe(Infinity);
    pacer.release(0, sink);
    expect(pacer.gapMs).toBeCloseTo(1, 9);
    while (pacer.release(150, sink));
    expect(pacer.gapMs).toBeCloseTo(0.25, 9);
    // worker 1 of 2 sees every other arrival: twice the gap
    const half = new Pacer(constant(4000, 1), { maxLagMs: 5, lateMs: 100, maxPerTurn: 1 }, { index: 1, of: 2 });
    half.release(10, sink);
    expect(half.gapMs).toBeCloseTo(0.5, 9);
    while (half.release(2000, sink));
    expect(half.done).toBe(true);
    expect(half.gapMs).toBe(Infinity);
  });

  it('tags each released arrival with its stage', () => {
    const pacer = new Pacer(staged(10, [{ durationSeconds: 1, target: 10 }, { durationSeconds: 1, target: 10, name: 'hold' }]), { maxLagMs: 5, lateMs: 100, maxPerTurn: 1000 });
    const { sink, sent } = fakeSink(100);
    for (let now = 0; !pacer.done; now += 5) pacer.release(now, sink);
    expect(sent.filter((s) => s.stage === 0)).toHaveLength(10);
    expect(sent.filter((s) => s.stage === 1).map((s) => s.due)).toEqual([1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900]);
  });
});

describe('generator check (pure)', () => {
  const p = constant(40_000, 1);
  it('passes a generator that released its arrivals on time', () => {
    const [v] = judgeGenerator({ profile: p, stages: [{ expected: 40_000, sent: 39_000, droppedMaxInFlight: 1_000, droppedLate: 0, droppedBehind: 0, lastReleaseMs: 999.9 }], lagP99Ms: () => 0.4, maxScheduleLagMs: 5 });
    expect(v).toMatchObject({ ok: true, targetRate: 40_000 });
  });

  it('fails on a short rate, a high lag or drops of ours, and says which in one line', () => {
    const [short] = judgeGenerator({ profile: p, stages: [{ expected: 40_000, sent: 20_478, droppedMaxInFlight: 0, droppedLate: 0, droppedBehind: 19_522, lastReleaseMs: 1_000 }], lagP99Ms: () => 98, maxScheduleLagMs: 5 });
    expect(short?.ok).toBe(false);
    const line = fellBehindLine(short!, false);
    expect(line).toBe('the load generator fell behind: sent 20,478 of 40,000 req/s; schedule lag p99 98 ms (limit 5.00 ms); 19,522 arrivals dropped because the generator was late; lower --rate or add runners with `golive k8s run --parallelism`');
    const [lag] = judgeGenerator({ profile: p, stages: [{ expected: 40_000, sent: 40_000, droppedMaxInFlight: 0, droppedLate: 0, droppedBehind: 0, lastReleaseMs: 1_000 }], lagP99Ms: () => 6, maxScheduleLagMs: 5 });
    expect(lag?.ok).toBe(false);
  });

  it('judges every stage on its own and names it', () => {
    const sp = staged(0, [{ durationSeconds: 1, target: 100 }, { durationSeconds: 1, target: 100, name: '2x' }]);
    const vs = judgeGenerator({
      profile: sp,
      stages: [{ expected: 50, sent: 50, droppedMaxInFlight: 0, droppedLate: 0, droppedBehind: 0, lastReleaseMs: 990 }, { expected: 100, sent: 60, droppedMaxInFlight: 0, droppedLate: 0, droppedBehind: 40, lastReleaseMs: 1_990 }],
      lagP99Ms: () => 1,
      maxScheduleLagMs: 5,
    });
    expect(vs.map((v) => [v.stage, v.ok])).toEqual([['0', true], ['2x', false]]);
    expect(fellBehindLine(vs[1]!, true)).toMatch(/^the load generator fell behind in stage 2x: sent 60 of 100 req\/s/);
  });
});
