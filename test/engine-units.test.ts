import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { validatePlan } from '../src/config/validate.js';
import type { Plan, Workload } from '../src/config/schema.js';
import { EXIT, GoliveError, exitCodeFor } from '../src/core/errors.js';
import { MetricStore } from '../src/core/metrics.js';
import type { DeliveryResult, PhaseName, PhaseResult, PhaseStatus, ThresholdResult } from '../src/core/result.js';
import { CheckRecorder } from '../src/engine/check-recorder.js';
import { abortText, runPhases } from '../src/engine/run.js';
import { k6SegmentArgs, parseSegment, segmentWorkload, share } from '../src/engine/segment.js';
import { buildRunResult } from '../src/engine/summary.js';
import type { SummaryInput } from '../src/engine/summary.js';
import type { Clock, PhaseContext, PhaseOutcome, PhaseRunner, RunEvent } from '../src/engine/types.js';
import { decideVerdict } from '../src/engine/verdict.js';
import type { VerdictInput } from '../src/engine/verdict.js';

describe('segments', () => {
  const totals = [0, 1, 2, 3, 5, 7, 10, 99, 100, 101, 997, 1000, 1001, 123_457, 1_000_000];
  const counts = [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 13, 64, 100, 1000, 1500];

  it('shares always add up to the total, and differ by at most one', () => {
    let pairs = 0;
    for (const total of totals) {
      for (const count of counts) {
        const shares = Array.from({ length: count }, (_, index) => share(total, { index, count }));
        expect(shares.reduce((a, b) => a + b, 0), `${total}/${count}`).toBe(total);
        expect(Math.max(...shares) - Math.min(...shares), `${total}/${count}`).toBeLessThanOrEqual(1);
        expect(Math.min(...shares)).toBe(Math.floor(total / count));
        pairs++;
      }
    }
    expect(pairs).toBe(totals.length * counts.length);
  });

  it('more runners than requests: some runners get none, none get two', () => {
    const shares = Array.from({ length: 7 }, (_, index) => share(3, { index, count: 7 }));
    expect(shares.filter((s) => s === 1)).toHaveLength(3);
    expect(shares.filter((s) => s === 0)).toHaveLength(4);
  });

  it.each<[string, { index: number; count: number }]>([
    ['0/1', { index: 0, count: 1 }],
    ['2/3', { index: 2, count: 3 }],
    [' 1/2 ', { index: 1, count: 2 }],
    ['10/64', { index: 10, count: 64 }],
  ])('parseSegment(%j)', (text, seg) => {
    expect(parseSegment(text)).toEqual(seg);
  });

  it.each(['', '1', '3/3', '4/3', '0/0', '-1/3', '1/-3', 'a/b', '1.5/3', '1/3/5', '1 / 3', '0:1'])('parseSegment(%j) is a usage error', (text) => {
    let err: unknown;
    try { parseSegment(text); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(GoliveError);
    expect((err as GoliveError).code).toBe('GOLIVE_USAGE');
    expect(exitCodeFor(err)).toBe(104);
    expect((err as Error).message).toMatch(/^--segment: expected INDEX\/COUNT with 0 <= INDEX < COUNT/);
    expect((err as Error).message).toContain(JSON.stringify(text));
  });

  it.each<[number, number, string, string]>([
    [0, 1, '0:1', '0,1'],
    [0, 3, '0:1/3', '0,1/3,2/3,1'],
    [1, 3, '1/3:2/3', '0,1/3,2/3,1'],
    [2, 3, '2/3:1', '0,1/3,2/3,1'],
  ])('k6 segment args for %i/%i', (index, count, segment, sequence) => {
    expect(k6SegmentArgs({ index, count })).toEqual({ segment, sequence });
  });

  it('closed workloads split requests exactly and keep at least one connection', () => {
    const w: Workload = { model: 'closed', requests: 1000, concurrency: 10 };
    const parts = Array.from({ length: 3 }, (_, index) => segmentWorkload(w, { index, count: 3 }));
    expect(parts.map((p) => (p.model === 'closed' ? p.requests : NaN))).toEqual([333, 333, 334]);
    expect(parts.map((p) => (p.model === 'closed' ? p.concurrency : NaN))).toEqual([3, 3, 4]);
    const many = Array.from({ length: 20 }, (_, index) => segmentWorkload(w, { index, count: 20 }));
    expect(many.every((p) => p.model === 'closed' && p.concurrency >= 1)).toBe(true);
    expect(segmentWorkload(w, undefined)).toBe(w);
    expect(segmentWorkload(w, { index: 0, count: 1 })).toBe(w);
  });

  it('open workloads split the rate and the in-flight cap', () => {
    const w: Workload = { model: 'open', rate: 90, durationSeconds: 10, maxInFlight: 1000 };
    const parts = Array.from({ length: 4 }, (_, index) => segmentWorkload(w, { index, count: 4 }));
    expect(parts.map((p) => (p.model === 'open' ? p.rate : NaN))).toEqual([22.5, 22.5, 22.5, 22.5]);
    expect(parts.map((p) => (p.model === 'open' ? p.maxInFlight : NaN)).reduce((a, b) => a + b, 0)).toBe(1000);
    expect(parts.every((p) => p.model === 'open' && p.durationSeconds === 10)).toBe(true);
  });
});

describe('decideVerdict', () => {
  const phase = (status: PhaseStatus): PhaseResult => ({ name: 'health', status, durationMs: 1 });
  const threshold = (ok: boolean): ThresholdResult => ({ metric: 'm', expression: 'e', ok, message: '' });
  const delivery = (ok: boolean): DeliveryResult => ({ sink: 'pushgateway', ok, attempts: 1 });
  const input = (o: Partial<VerdictInput>): VerdictInput => ({ phases: [], thresholds: [], deliveries: [], aborted: false, ...o });

  it.each<[string, Partial<VerdictInput>, string, number]>([
    ['nothing wrong', { phases: [phase('passed')], thresholds: [threshold(true)], deliveries: [delivery(true)] }, 'passed', 0],
    ['skipped phases alone do not fail', { phases: [phase('passed'), phase('skipped')] }, 'passed', 0],
    ['delivery failed', { deliveries: [delivery(true), delivery(false)] }, 'passed', EXIT.deliveryFailed],
    ['phase error beats delivery', { phases: [phase('error')], deliveries: [delivery(false)] }, 'error', EXIT.engineError],
    ['engine error beats delivery', { engineError: 'k6 crashed', deliveries: [delivery(false)] }, 'error', EXIT.engineError],
    ['failed phase beats error', { phases: [phase('error'), phase('failed')], engineError: 'x' }, 'failed', EXIT.thresholdsFailed],
    ['failed threshold beats error', { phases: [phase('error')], thresholds: [threshold(false)] }, 'failed', EXIT.thresholdsFailed],
    ['aborted flag beats failed', { aborted: true, phases: [phase('failed')], thresholds: [threshold(false)], engineError: 'x' }, 'aborted', EXIT.aborted],
    ['aborted phase beats failed', { phases: [phase('failed'), phase('aborted')] }, 'aborted', EXIT.aborted],
    ['aborted with nothing run', { aborted: true }, 'aborted', EXIT.aborted],
  ])('%s', (_name, o, verdict, exitCode) => {
    expect(decideVerdict(input(o))).toEqual({ verdict, exitCode });
  });
});

describe('CheckRecorder', () => {
  it('counts passes and fails, keeps a few distinct reasons, and feeds the checks rate', () => {
    const store = new MetricStore();
    const rec = new CheckRecorder(store);
    expect(rec.record('health', 'status 200', true)).toBe(true);
    expect(rec.record('health', 'status 200', false, 'got 503')).toBe(false);
    rec.record('health', 'status 200', false, 'got 503');
    for (let i = 0; i < 10; i++) rec.record('load', 'body', false, `reason ${i}`);
    rec.record('load', 'fast', false);
    expect(rec.all()).toEqual([
      { phase: 'health', name: 'status 200', passes: 1, fails: 2, reasons: ['got 503'] },
      { phase: 'load', name: 'body', passes: 0, fails: 10, reasons: ['reason 0', 'reason 1', 'reason 2', 'reason 3', 'reason 4'] },
      { phase: 'load', name: 'fast', passes: 0, fails: 1, reasons: ['failed'] },
    ]);
    expect(rec.failures('health').map((r) => r.name)).toEqual(['status 200']);
    expect(rec.failures().length).toBe(3);
    expect(store.select('checks', { phase: 'health' })?.summaryValues(1)).toEqual({ rate: 1 / 3, passes: 1, fails: 2 });
    expect(store.select('checks', { phase: 'load', check: 'fast' })?.value('fails')).toBe(1);
  });
});

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('buildRunResult', () => {
  function input(over: Partial<SummaryInput> = {}): SummaryInput {
    const store = new MetricStore();
    for (const v of [10, 20, 30]) store.add('http_req_duration', v, { phase: 'health' });
    for (let v = 1; v <= 100; v++) store.add('http_req_duration', v, { phase: 'load' });
    for (let i = 0; i < 103; i++) store.add('http_reqs', 1, { phase: i < 3 ? 'health' : 'load' });
    store.add('http_req_failed', 0, { phase: 'load' });
    const checks = new CheckRecorder(store);
    checks.record('health', 'status is 200', true);
    checks.record('health', 'body is healthy', false, 'bad');
    checks.record('market-data', 'schema', true);
    return {
      store,
      checks: checks.all(),
      phases: [
        { name: 'health', status: 'failed', durationMs: 5 },
        { name: 'market-data', status: 'passed', durationMs: 5 },
        { name: 'load', status: 'skipped', reason: 'skipped because health failed', durationMs: 0 },
      ],
      thresholds: [
        { metric: 'http_req_duration{phase:load}', expression: 'p(95)<500', ok: true, message: '' },
        { metric: 'http_req_duration{phase:load}', expression: 'max<50', ok: false, message: '' },
        { metric: 'http_reqs', expression: 'count>0', ok: true, message: '' },
        { metric: 'checks{phase:cluster}', expression: 'rate==1', ok: false, message: 'no samples' },
        { metric: 'dropped_iterations{phase:load}', expression: 'count==0', ok: false, message: 'no samples' },
      ],
      rollback: { triggered: false, reasons: [] },
      deliveries: [],
      durationMs: 2000,
      tty: { stdout: false, stderr: true },
      golive: {
        version: '0.1.0', runId: 'r1', testid: 't1', engine: 'node', target: 'http://x',
        startedAt: '2025-01-01T00:00:00.000Z', finishedAt: '2025-01-01T00:00:02.000Z', verdict: 'failed', exitCode: 99,
      },
      ...over,
    };
  }

  const result = buildRunResult(input());

  it('has a k6 summary entry per metric with type, contains and values', () => {
    expect(Object.keys(result.metrics).filter((k) => !k.includes('{')).sort())
      .toEqual(['checks', 'http_req_duration', 'http_req_failed', 'http_reqs']);
    const d = result.metrics.http_req_duration;
    expect(d?.type).toBe('trend');
    expect(d?.contains).toBe('time');
    expect(Object.keys(d?.values ?? {})).toEqual(['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)']);
    expect(d?.values.max).toBe(100);
    expect(d?.values.min).toBe(1);
    expect(result.metrics.http_reqs).toEqual({ type: 'counter', contains: 'default', values: { count: 103, rate: 51.5 }, thresholds: { 'count>0': { ok: true } } });
    expect(result.metrics.checks?.values).toEqual({ rate: 2 / 3, passes: 2, fails: 1 });
  });

  it('adds threshold sub-metrics with their own values and every threshold ok flag', () => {
    const sub = result.metrics['http_req_duration{phase:load}'];
    expect(sub?.type).toBe('trend');
    expect(sub?.values.min).toBe(1);
    expect(sub?.values.max).toBe(100);
    expect(sub?.values['p(95)']).toBeCloseTo(95, 1);
    expect(sub?.thresholds).toEqual({ 'p(95)<500': { ok: true }, 'max<50': { ok: false } });
    expect(result.metrics.http_req_duration?.thresholds).toBeUndefined();
  });

  it('a threshold with no samples still appears, typed from the base metric, failed and empty', () => {
    expect(result.metrics['checks{phase:cluster}']).toEqual({ type: 'rate', contains: 'default', values: {}, thresholds: { 'rate==1': { ok: false } } });
  });

  it('a threshold on a builtin metric that never got a sample keeps the builtin type', () => {
    expect(result.metrics['dropped_iterations{phase:load}']).toMatchObject({ type: 'counter', contains: 'default', values: {} });
  });

  it('root_group has one group per phase with its checks and stable ids', () => {
    const root = result.root_group;
    expect(root).toMatchObject({ name: '', path: '', id: md5(''), checks: [] });
    expect(root.groups.map((g) => [g.name, g.path, g.id])).toEqual([
      ['health', '::health', md5('::health')],
      ['market-data', '::market-data', md5('::market-data')],
      ['load', '::load', md5('::load')],
    ]);
    expect(root.groups[0]?.checks).toEqual([
      { name: 'status is 200', path: '::health::status is 200', id: md5('::health::status is 200'), passes: 1, fails: 0 },
      { name: 'body is healthy', path: '::health::body is healthy', id: md5('::health::body is healthy'), passes: 0, fails: 1 },
    ]);
    expect(root.groups[1]?.checks.map((c) => c.name)).toEqual(['schema']);
    expect(root.groups[2]?.checks).toEqual([]);
  });

  it('options, state and the golive block', () => {
    expect(result.options).toEqual({ summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'], summaryTimeUnit: 'ms', noColor: true });
    expect(result.state).toEqual({ isStdOutTTY: false, isStdErrTTY: true, testRunDurationMs: 2000 });
    expect(result.golive).toMatchObject({ runId: 'r1', verdict: 'failed', exitCode: 99, durationMs: 2000 });
    expect(result.golive.phases.map((p) => p.status)).toEqual(['failed', 'passed', 'skipped']);
    expect(result.golive.thresholds).toHaveLength(5);
    const back = MetricStore.fromJSON(result.golive.series ?? []);
    expect(back.select('http_req_duration', { phase: 'load' })?.value('count')).toBe(100);
    expect(buildRunResult(input({ includeSeries: false })).golive.series).toBeUndefined();
  });

  it('survives JSON serialisation unchanged (no Infinity, no undefined values)', () => {
    expect(JSON.parse(JSON.stringify(result.metrics))).toEqual(result.metrics);
  });
});

/** A clock that moves only when told: durations in the results are exact. */
function manualClock(start = 1000): Clock & { advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

function runner(name: PhaseName, needs: PhaseName[], body: (ctx: PhaseContext) => Promise<PhaseOutcome>): PhaseRunner & { calls: number } {
  const r = { name, needs, calls: 0, run: (ctx: PhaseContext) => { r.calls++; return body(ctx); } };
  return r;
}

describe('runPhases', () => {
  const plan = (phases: PhaseName[]): Plan => validatePlan({ target: 'http://127.0.0.1:1', token: 't', phases });

  async function run(phases: PhaseName[], runners: PhaseRunner[], signal = new AbortController().signal, clock = manualClock()) {
    const events: RunEvent[] = [];
    const state = await runPhases(plan(phases), {
      phases: runners, clock, signal, emit: (e) => events.push(e), now: () => new Date('2025-01-01T00:00:00.000Z'),
    });
    return { state, events };
  }

  it('runs passing phases in plan order, timed by the injected clock', async () => {
    const clock = manualClock();
    const order: string[] = [];
    const pass = (ms: number) => async (ctx: PhaseContext): Promise<PhaseOutcome> => {
      order.push(ctx.plan.phases.join());
      ctx.checks.record('health', 'ok', true);
      clock.advance(ms);
      return { status: 'passed' };
    };
    const { state, events } = await run(['market-data', 'health'], [runner('health', [], pass(70)), runner('market-data', [], pass(30))], undefined, clock);
    expect(state.phases).toEqual([
      { name: 'market-data', status: 'passed', durationMs: 30, startedAt: '2025-01-01T00:00:00.000Z' },
      { name: 'health', status: 'passed', durationMs: 70, startedAt: '2025-01-01T00:00:00.030Z' },
    ]);
    expect(state.durationMs).toBe(100);
    expect(state.abortReason).toBeUndefined();
    expect(state.checks.all()[0]).toMatchObject({ passes: 2 });
    expect(state.store.select('checks')?.value('passes')).toBe(2);
    expect(events.map((e) => `${e.type}:${'phase' in e ? e.phase : ''}`)).toEqual(['phase-start:market-data', 'phase-end:market-data', 'phase-start:health', 'phase-end:health']);
  });

  it('a phase whose need failed is skipped with the reason and never run', async () => {
    const load = runner('load', ['health'], async () => ({ status: 'passed' }));
    const md = runner('market-data', [], async () => ({ status: 'passed' }));
    const { state, events } = await run(['health', 'market-data', 'load'], [
      runner('health', [], async () => ({ status: 'failed', reason: 'GET /health returned 503' })), md, load,
    ]);
    expect(state.phases.map((p) => [p.name, p.status, p.reason])).toEqual([
      ['health', 'failed', 'GET /health returned 503'],
      ['market-data', 'passed', undefined],
      ['load', 'skipped', 'skipped because health failed'],
    ]);
    expect(load.calls).toBe(0);
    expect(md.calls).toBe(1);
    expect(events).toContainEqual({ type: 'phase-end', phase: 'load', status: 'skipped', reason: 'skipped because health failed' });
    expect(events).not.toContainEqual({ type: 'phase-start', phase: 'load' });
  });

  it('a throwing phase is an error with a one-line reason, and later phases still run', async () => {
    const clock = manualClock();
    const md = runner('market-data', [], async () => ({ status: 'passed' }));
    const load = runner('load', ['health'], async () => ({ status: 'passed' }));
    const { state } = await run(['health', 'market-data', 'load'], [
      runner('health', [], async () => { clock.advance(12); throw new Error('socket hang up\n    at Socket.x (net.js:1)'); }), md, load,
    ], undefined, clock);
    expect(state.phases[0]).toMatchObject({ name: 'health', status: 'error', reason: 'socket hang up', durationMs: 12 });
    expect(md.calls).toBe(1);
    expect(state.phases[1]?.status).toBe('passed');
    expect(state.phases[2]).toMatchObject({ status: 'skipped', reason: 'skipped because health error' });
  });

  it('a non-Error throw is still a one-line reason', async () => {
    const { state } = await run(['health'], [runner('health', [], () => Promise.reject('plain\nstring'))]);
    expect(state.phases[0]).toMatchObject({ status: 'error', reason: 'plain' });
  });

  it('a phase listed before its need still waits for it, so the gate holds', async () => {
    const load = runner('load', ['health'], async () => ({ status: 'passed' }));
    const md = runner('market-data', [], async () => ({ status: 'passed' }));
    const { state } = await run(['load', 'market-data', 'health'], [
      runner('health', [], async () => ({ status: 'failed', reason: 'down' })), md, load,
    ]);
    expect(state.phases.map((p) => [p.name, p.status])).toEqual([['health', 'failed'], ['load', 'skipped'], ['market-data', 'passed']]);
    expect(load.calls).toBe(0);
  });

  it('a phase listed twice runs once', async () => {
    const health = runner('health', [], async () => ({ status: 'passed' }));
    const { state } = await run(['health', 'health'], [health]);
    expect(health.calls).toBe(1);
    expect(state.phases).toHaveLength(1);
  });

  it('a need that is not selected does not block', async () => {
    const load = runner('load', ['health'], async () => ({ status: 'passed' }));
    const { state } = await run(['load'], [load]);
    expect(state.phases[0]?.status).toBe('passed');
  });

  it('a phase the engine lacks is an error, not a crash', async () => {
    const { state } = await run(['health', 'cluster'], [runner('health', [], async () => ({ status: 'passed' }))]);
    expect(state.phases[1]).toEqual({ name: 'cluster', status: 'error', reason: 'phase cluster is not available in this engine', durationMs: 0 });
  });

  it('aborted before a phase: it is skipped with the abort reason and not run', async () => {
    const ac = new AbortController();
    ac.abort('SIGTERM');
    const health = runner('health', [], async () => ({ status: 'passed' }));
    const { state } = await run(['health'], [health], ac.signal);
    expect(health.calls).toBe(0);
    expect(state.phases).toEqual([{ name: 'health', status: 'skipped', reason: 'run aborted (SIGTERM)', durationMs: 0 }]);
    expect(state.abortReason).toBe('SIGTERM');
  });

  it('aborted during a phase: a "passed" phase becomes aborted, a failed one stays failed, later ones are skipped', async () => {
    const ac = new AbortController();
    const later = runner('load', [], async () => ({ status: 'passed' }));
    const { state } = await run(['health', 'load'], [
      runner('health', [], async () => { ac.abort('SIGINT'); return { status: 'passed' }; }), later,
    ], ac.signal);
    expect(state.phases.map((p) => [p.status, p.reason])).toEqual([['aborted', undefined], ['skipped', 'run aborted (SIGINT)']]);
    expect(later.calls).toBe(0);

    const ac2 = new AbortController();
    const { state: s2 } = await run(['health'], [runner('health', [], async () => { ac2.abort('SIGINT'); return { status: 'failed', reason: 'x' }; })], ac2.signal);
    expect(s2.phases[0]?.status).toBe('failed');
  });

  it.each<[string, unknown, string]>([
    ['a string reason', 'SIGINT', 'SIGINT'],
    ['a deadline (TimeoutError)', new DOMException('signal timed out', 'TimeoutError'), 'deadline exceeded'],
    ['an Error', new Error('stopped by operator'), 'stopped by operator'],
    ['anything else', 42, 'aborted'],
  ])('abortText for %s', (_name, reason, text) => {
    const ac = new AbortController();
    ac.abort(reason);
    expect(abortText(ac.signal)).toBe(text);
  });

  it('AbortSignal.timeout reads as a deadline', async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    expect(abortText(signal)).toBe('deadline exceeded');
  });
});
