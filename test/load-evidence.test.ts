/**
 * What a failing load threshold is evidence of (thresholds/load-evidence.ts):
 * golive's own lag voids a failure only when it could account for it, a
 * passing verdict stands whatever the lag, and dropped arrivals are judged by
 * a default threshold that says what it means. Pure: measurements in a real
 * MetricStore, verdicts through the one decideVerdict.
 */
import { describe, expect, it } from 'vitest';
import type { Workload } from '../src/contract/plan.js';
import { MetricStore, type MetricInfo } from '../src/core/metrics.js';
import type { SummaryMetric } from '../src/core/result.js';
import { decideVerdict, errorLine } from '../src/engine/verdict.js';
import { Timeline } from '../src/core/timeline.js';
import { accountK6Load, voidUnclearDrops, withZeroDrops } from '../src/engine/k6/load-honesty.js';
import { defaultThresholds, evaluateRunThresholds, summaryMetricSource } from '../thresholds/index.js';

const TIME_TREND: MetricInfo = { type: 'trend', contains: 'time' };
const GAUGE: MetricInfo = { type: 'gauge', contains: 'time' };
const COUNTER: MetricInfo = { type: 'counter', contains: 'default' };
const SHARE: MetricInfo = { type: 'gauge', contains: 'default' };
const open: Workload = { model: 'open', rate: 100, durationSeconds: 10, maxInFlight: 200 };
const closed: Workload = { model: 'closed', requests: 1000, concurrency: 10 };
const LOAD = { phase: 'load', scenario: 'load', status: '200', expected_response: 'true' };

/** n samples of (scheduled-time latency, target part) and golive's own lag figures */
function openStore(samples: readonly [number, number][], lag: { lagMs: number; loopMaxMs: number; loopP99Ms?: number }): MetricStore {
  const s = new MetricStore();
  for (const [d, t] of samples) {
    s.add('http_req_duration', d, LOAD);
    s.add('golive_target_duration', t, LOAD);
    s.add('http_reqs', 1, LOAD);
    s.add('golive_schedule_lag', lag.lagMs, { phase: 'load' }, TIME_TREND);
  }
  s.add('golive_event_loop_delay_max', lag.loopMaxMs, { phase: 'load' }, GAUGE);
  s.add('golive_event_loop_delay_p99', lag.loopP99Ms ?? lag.loopMaxMs, { phase: 'load' }, GAUGE);
  return s;
}

const repeat = <T>(n: number, v: T): T[] => Array.from({ length: n }, () => v);
const judge = (defs: Record<string, string[]>, s: MetricStore, w: Workload = open) => evaluateRunThresholds(defs, s, 10, w);
const verdictOf = (ts: ReturnType<typeof judge>) => decideVerdict({ phases: [], thresholds: ts, deliveries: [], aborted: false });

describe('golive\'s lag voids a latency failure only when it could account for it', () => {
  const P95 = { 'http_req_duration{phase:load}': ['p(95)<500'] };

  it('open model: fails from the scheduled time, passes on the target\'s own part: voided (107), both numbers named', () => {
    // golive 400 ms late on every request to a 200 ms target: the 600 ms is ours
    const ts = judge(P95, openStore(repeat(100, [600, 200]), { lagMs: 400, loopMaxMs: 3 }));
    expect(ts[0]).toMatchObject({ ok: false });
    expect(verdictOf(ts)).toEqual({ verdict: 'error', exitCode: 107 });
    const line = errorLine([], ts) ?? '';
    expect(line).toMatch(/^golive's own lag could account for a failing threshold: http_req_duration\{phase:load\} p\(95\)<500 measured p\(95\)=6\d\d\.\d\dms from the scheduled time, but the target's own part .* p\(95\)=2\d\d\.\d\dms; schedule lag p99 4\d\d\.\d\dms, golive's event loop was delayed at p99 by 3\.00ms, which would pass$/);
  });

  it('open model: the target\'s own part fails too: the failure is the target\'s (99), whatever the lag', () => {
    const ts = judge(P95, openStore(repeat(100, [900, 800]), { lagMs: 100, loopMaxMs: 20 }));
    expect(ts[0]?.voided).toBeUndefined();
    expect(verdictOf(ts)).toEqual({ verdict: 'failed', exitCode: 99 });
  });

  it('a passing verdict stands however late golive was', () => {
    const ts = judge(P95, openStore(repeat(100, [450, 10]), { lagMs: 440, loopMaxMs: 300 }));
    expect(ts[0]).toMatchObject({ ok: true });
    expect(verdictOf(ts)).toEqual({ verdict: 'passed', exitCode: 0 });
  });

  it('the target part within golive\'s worst read delay of the limit is voided; further past it stands', () => {
    // 510 ms on the target's part, but golive's event loop was stuck 30 ms: it could have been 480
    expect(verdictOf(judge(P95, openStore(repeat(100, [560, 510]), { lagMs: 50, loopMaxMs: 30 }))).exitCode).toBe(107);
    expect(verdictOf(judge(P95, openStore(repeat(100, [560, 540]), { lagMs: 20, loopMaxMs: 30 }))).exitCode).toBe(99);
  });

  it('windowed thresholds: the worst window less golive\'s worst schedule lag decides', () => {
    const W = { 'http_req_duration{phase:load}': ['p(95)<500 over 1s'] };
    const ours = judge(W, openStore(repeat(50, [700, 100]), { lagMs: 600, loopMaxMs: 2 }));
    expect(verdictOf(ours).exitCode).toBe(107);
    expect(errorLine([], ours)).toMatch(/less golive's worst schedule lag \(600\.00ms\) it is 10\d\.\d\dms/);
    expect(verdictOf(judge(W, openStore(repeat(50, [1200, 1100]), { lagMs: 100, loopMaxMs: 2 }))).exitCode).toBe(99);
  });

  it('closed model: voided only when the event loop\'s delay could explain the excess (its p99 for a percentile, its worst for max)', () => {
    const s = (d: number, p99: number, max: number): MetricStore => {
      const m = new MetricStore();
      for (let i = 0; i < 100; i++) m.add('http_req_duration', d, LOAD);
      m.add('golive_event_loop_delay_p99', p99, { phase: 'load' }, GAUGE);
      m.add('golive_event_loop_delay_max', max, { phase: 'load' }, GAUGE);
      return m;
    };
    expect(verdictOf(judge(P95, s(520, 40, 60), closed)).exitCode).toBe(107);
    expect(verdictOf(judge(P95, s(700, 40, 60), closed)).exitCode).toBe(99);
    // one 300 ms stall cannot move the p95 of a thousand requests: it stands
    expect(verdictOf(judge(P95, s(600, 5, 300), closed)).exitCode).toBe(99);
    // but it can hold the slowest one
    expect(verdictOf(judge({ 'http_req_duration{phase:load}': ['max<500'] }, s(600, 5, 300), closed)).exitCode).toBe(107);
  });

  it('a threshold that is not an upper bound on latency is never voided', () => {
    const ts = judge({ 'http_req_failed{phase:load}': ['rate<0.01'] }, (() => {
      const m = openStore(repeat(10, [600, 10]), { lagMs: 590, loopMaxMs: 1 });
      m.add('http_req_failed', 1, LOAD);
      return m;
    })());
    expect(verdictOf(ts).exitCode).toBe(99);
  });
});

describe('dropped arrivals: the default threshold and what its failure says', () => {
  it('is a default for the open and staged models, 1 % of the scheduled arrivals, and not for the closed model', () => {
    const base = { phases: ['load'], health: { maxResponseMs: 500 } };
    expect(defaultThresholds({ ...base, load: { workload: open } })['dropped_iterations{phase:load}']).toEqual(['count<10']);
    expect(defaultThresholds({ ...base, load: { workload: { model: 'staged', startRate: 0, maxInFlight: 50, stages: [{ durationSeconds: 10, target: 100 }, { durationSeconds: 10, target: 200 }] } } })['dropped_iterations{phase:load}']).toEqual(['count<20']);
    expect(defaultThresholds({ ...base, load: { workload: closed } })['dropped_iterations{phase:load}']).toBeUndefined();
  });

  const drops = (late: number, targetMs = 300, loopMs = 1): MetricStore => {
    const s = openStore(repeat(590, [targetMs + 1, targetMs]), { lagMs: 1, loopMaxMs: loopMs });
    const tags = { phase: 'load', scenario: 'load' };
    s.add('dropped_iterations', 410, tags);
    s.add('golive_dropped_arrivals', 410 - late, { ...tags, cause: 'max-in-flight' }, COUNTER);
    s.add('golive_dropped_arrivals', late, { ...tags, cause: 'max-in-flight-late' }, COUNTER);
    return s;
  };
  // 10 in flight at 100/s are all out once requests take 100 ms: a 300 ms target fills them
  const w: Workload = { model: 'open', rate: 100, durationSeconds: 10, maxInFlight: 10 };

  it('fails (99) naming the share and the cap: "the target could not keep up"', () => {
    const ts = evaluateRunThresholds(defaultThresholds({ phases: ['load'], health: { maxResponseMs: 500 }, load: { workload: w } }), drops(3), 10, w);
    const t = ts.find((x) => x.metric === 'dropped_iterations{phase:load}');
    expect(t).toMatchObject({ ok: false });
    expect(t?.message).toBe('the target could not keep up: 41 % of arrivals found 10 requests already waiting (count=410, wanted <10)');
    expect(verdictOf(ts)).toEqual({ verdict: 'failed', exitCode: 99 });
  });

  it('is voided (107) when it passes without the drops golive released late', () => {
    const ts = evaluateRunThresholds({ 'dropped_iterations{phase:load}': ['count<10'] }, drops(405), 10, w);
    expect(verdictOf(ts).exitCode).toBe(107);
    expect(errorLine([], ts)).toMatch(/405 of them were released late by golive, and without those count=5, which would pass$/);
  });

  it('is voided (107) when the target\'s own part, less golive\'s reading delay, could not have filled the pool', () => {
    // 80 ms on the target's part, 40 ms of it golive's event loop: 10 in flight at 100/s need 100 ms
    const ts = evaluateRunThresholds({ 'dropped_iterations{phase:load}': ['count<10'] }, drops(0, 80, 40), 10, w);
    expect(verdictOf(ts).exitCode).toBe(107);
    expect(errorLine([], ts)).toMatch(/10 requests are all out at 100 req\/s only when requests take 100\.00ms, and the target's own part was p\(99\)=8\d\.\d\dms while golive's event loop was delayed at p99 by 40\.00ms: golive's slow reading may have filled them$/);
  });

  // golive's own CPU, and the time its loop waited for a CPU (schedstat's run delay), as shares of the load's time
  const withCpu = (s: MetricStore, used: number, waited?: number): MetricStore => {
    s.add('golive_cpu_busy', used, { phase: 'load' }, SHARE);
    if (waited !== undefined) s.add('golive_cpu_wait', waited, { phase: 'load' }, SHARE);
    return s;
  };

  it('is voided (107) when golive\'s loop wanted a whole CPU: what it used plus what it waited for one (a starved machine)', () => {
    // nginx asked for 200k req/s on a busy runner: golive used 69 % of a CPU and waited 28 % of the time for one
    const ts = evaluateRunThresholds({ 'dropped_iterations{phase:load}': ['count<10'] }, withCpu(drops(0), 0.69, 0.28), 10, w);
    expect(verdictOf(ts).exitCode).toBe(107);
    expect(errorLine([], ts)).toMatch(/41 % of arrivals found 10 requests already waiting, but golive's own process used 69 % of a CPU and waited 28 % of the time for one during the load \(it wanted 97 %\), so its reading of the responses, not the target, may be what was slow$/);
  });

  it('stays the target\'s (99) when golive waited for a CPU but did not want one: a 300 ms target on a busy runner', () => {
    // 10 in flight at 100/s against 300 ms: golive idles on its sockets, using 5 % and waiting 30 % (every wake-up queues)
    const ts = evaluateRunThresholds({ 'dropped_iterations{phase:load}': ['count<10'] }, withCpu(drops(0), 0.05, 0.3), 10, w);
    expect(verdictOf(ts)).toEqual({ verdict: 'failed', exitCode: 99 });
    expect(ts[0]?.message).toMatch(/^the target could not keep up: 41 % of arrivals found 10 requests already waiting/);
    // and without a wait measurement (not Linux, k6), only what it used counts
    expect(verdictOf(evaluateRunThresholds({ 'dropped_iterations{phase:load}': ['count<10'] }, withCpu(drops(0), 0.69), 10, w)).exitCode).toBe(99);
  });

  it('passes when none was dropped: the zero is a measurement', () => {
    const s = openStore(repeat(1000, [5, 4]), { lagMs: 1, loopMaxMs: 1 });
    s.add('dropped_iterations', 0, { phase: 'load', scenario: 'load' });
    const ts = evaluateRunThresholds({ 'dropped_iterations{phase:load}': ['count<10'] }, s, 10, w);
    expect(ts[0]).toMatchObject({ ok: true, actual: 0 });
  });
});

describe('k6: whether k6 sent the load, from what k6 reports', () => {
  const m = (type: SummaryMetric['type'], values: Record<string, number>, contains: SummaryMetric['contains'] = 'default'): SummaryMetric => ({ type, contains, values });
  const summary = (o: { iterations: number; dropped?: number; vusMax: number; iterMs: number; reqMs: number }) => summaryMetricSource({
    'iterations{phase:load}': m('counter', { count: o.iterations }),
    'http_reqs{phase:load}': m('counter', { count: o.iterations }),
    ...(o.dropped !== undefined ? { 'dropped_iterations{phase:load}': m('counter', { count: o.dropped }) } : {}),
    vus_max: m('gauge', { value: o.vusMax, min: 1, max: o.vusMax }),
    'iteration_duration{phase:load}': m('trend', { avg: o.iterMs, count: o.iterations }, 'time'),
    'http_req_duration{phase:load}': m('trend', { avg: o.reqMs, count: o.iterations }, 'time'),
  });

  it('released less than 95 % of the schedule: k6 did not send the load (the phase\'s error line)', () => {
    const a = accountK6Load(summary({ iterations: 600, dropped: 0, vusMax: 200, iterMs: 5, reqMs: 4 }), open);
    expect(a?.behind).toBe('the load generator fell behind: k6 released 600 of 1,000 scheduled arrivals (600 sent, 0 dropped); lower --rate or add runners with `golive k8s run --parallelism`');
  });

  it('drops with every VU running and the time spent in requests are the target\'s', () => {
    const a = accountK6Load(summary({ iterations: 600, dropped: 400, vusMax: 200, iterMs: 301, reqMs: 300 }), open);
    expect(a).toMatchObject({ scheduled: 1000, dropped: 400 });
    expect(a?.unclear).toBeUndefined();
  });

  it('drops while k6 had not started its VUs, or with VUs busy in k6 itself, cannot be pinned on the target: a failing drop threshold is voided', () => {
    const notStarted = accountK6Load(summary({ iterations: 600, dropped: 400, vusMax: 50, iterMs: 301, reqMs: 300 }), open);
    expect(notStarted?.unclear).toMatch(/^k6 dropped 400 arrivals with 50 of 200 VUs started/);
    const busyInK6 = accountK6Load(summary({ iterations: 600, dropped: 400, vusMax: 200, iterMs: 90, reqMs: 10 }), open);
    expect(busyInK6?.unclear).toMatch(/the VUs were busy in k6, not waiting on the target$/);
    const src = summary({ iterations: 600, dropped: 400, vusMax: 200, iterMs: 90, reqMs: 10 });
    const ts = voidUnclearDrops(evaluateRunThresholds({ 'dropped_iterations{phase:load}': ['count<10'] }, src, 10, open), busyInK6);
    expect(verdictOf(ts).exitCode).toBe(107);
    expect(errorLine([], ts)).toMatch(/^could not judge whose fault the dropped arrivals are: dropped_iterations\{phase:load\} count<10: k6 dropped 400/);
  });

  it('no dropped_iterations in k6\'s summary is a count of 0 under the open model, so the default passes', () => {
    const src = withZeroDrops(summary({ iterations: 1000, vusMax: 10, iterMs: 5, reqMs: 4 }), open);
    const ts = evaluateRunThresholds({ 'dropped_iterations{phase:load}': ['count<10'] }, src, 10, open);
    expect(ts[0]).toMatchObject({ ok: true, actual: 0 });
  });

  it('keeps the windows of a store it wraps (windowed thresholds under k6 read the stream\'s timeline)', () => {
    let now = Date.UTC(2026, 0, 1);
    const store = new MetricStore(new Timeline(() => now));
    const rec = store.recorder('http_req_duration', { phase: 'load', status: '200', expected_response: 'true' });
    for (let i = 0; i < 20; i++) { now += 100; rec(i < 10 ? 10 : 900); }
    const ts = evaluateRunThresholds({ 'http_req_duration{phase:load}': ['p(95)<500 over 1s'] }, withZeroDrops(store, open), 2, open);
    expect(ts[0]).toMatchObject({ ok: false });
    expect(ts[0]?.window?.worst?.actual).toBeGreaterThan(500);
  });
});

describe('with the proof (golive_target_floor): the part golive can prove was the target\'s decides', () => {
  const P95 = { 'http_req_duration{phase:load}': ['p(95)<500'] };
  const withFloor = (floorMs: number, cpu: { used: number; wait: number }): MetricStore => {
    // golive starved (20 % used, 60 % waited): loop delay p99 small, the target's part inflated to 1.6 s
    const s = openStore(repeat(100, [1680, 1630]), { lagMs: 300, loopMaxMs: 1300, loopP99Ms: 320 });
    for (let i = 0; i < 100; i++) s.add('golive_target_floor', floorMs, LOAD);
    s.add('golive_cpu_busy', cpu.used, { phase: 'load' }, SHARE);
    s.add('golive_cpu_wait', cpu.wait, { phase: 'load' }, SHARE);
    return s;
  };

  it('a fast target read late by a starved golive: the proven part passes, so the failure is voided (107), both numbers named', () => {
    const ts = judge(P95, withFloor(0.2, { used: 0.2, wait: 0.6 }));
    expect(verdictOf(ts).exitCode).toBe(107);
    // the whole line, as docs/load-models.md's worked example quotes it
    expect(errorLine([], ts)).toBe("golive's own lag could account for a failing threshold: http_req_duration{phase:load} p(95)<500 measured p(95)=1680.00ms, " +
      "but the part golive can prove was the target's (bytes written to the end of golive's last sleep before it read the answer) is p(95)=0.20ms, which would pass; " +
      "schedule lag p99 300.00ms; golive's own process used 20 % of a CPU and waited 60 % of the time for one during the load (it wanted 80 %)");
  });

  it('a slow target stays the target\'s (99) however starved golive was: the proven part fails too', () => {
    const ts = judge(P95, withFloor(600, { used: 0.5, wait: 0.45 }));
    expect(ts[0]?.voided).toBeUndefined();
    expect(verdictOf(ts)).toEqual({ verdict: 'failed', exitCode: 99 });
  });
});

describe('under --workers, a thread\'s sleep proves nothing when golive\'s threads could fill the machine (golive_machine_share)', () => {
  const DROPS = { 'dropped_iterations{phase:load}': ['count<10'] };
  const fast: Workload = { model: 'open', rate: 30_000, durationSeconds: 3, maxInFlight: 200 };
  // 19 % of the arrivals dropped at max-in-flight, and a proven part (9.7 ms) long enough to have filled the pool
  const crowded = (share: number | undefined): MetricStore => {
    const s = openStore(repeat(100, [12, 11]), { lagMs: 1, loopMaxMs: 2 });
    for (let i = 0; i < 100; i++) s.add('golive_target_floor', 9.7, LOAD);
    s.add('dropped_iterations', 16_887, { phase: 'load', scenario: 'load' });
    s.add('golive_cpu_busy', 0.6, { phase: 'load' }, SHARE);
    if (share !== undefined) s.add('golive_machine_share', share, { phase: 'load' }, SHARE);
    return s;
  };

  it('threads that wanted 95 % of the CPUs: the drops are voided as golive\'s (107), the share named', () => {
    const ts = judge(DROPS, crowded(0.95), fast);
    expect(ts[0]?.voided).toContain("golive's load threads together wanted 95 % of the machine's CPUs");
    expect(verdictOf(ts).exitCode).toBe(107);
  });

  it('threads that left CPUs free (60 %), or one thread (no share): the proof stands and the drops are the target\'s (99)', () => {
    for (const share of [0.6, undefined]) {
      const ts = judge(DROPS, crowded(share), fast);
      expect([share, ts[0]?.voided]).toEqual([share, undefined]);
      expect(verdictOf(ts)).toEqual({ verdict: 'failed', exitCode: 99 });
    }
  });
});
