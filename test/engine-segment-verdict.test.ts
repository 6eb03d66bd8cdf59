import { describe, expect, it } from 'vitest';
import type { Workload } from '../src/contract/plan.js';
import { EXIT, GoliveError, exitCodeFor } from '../src/core/errors.js';
import { MetricStore } from '../src/core/metrics.js';
import type { DeliveryResult, PhaseResult, PhaseStatus, ThresholdResult } from '../src/core/result.js';
import { CheckRecorder } from '../src/core/check-recorder.js';
import { k6SegmentArgs, parseSegment, segmentWorkload, share } from '../src/engine/segment.js';
import { decideVerdict, withDeliveries, withReportErrors } from '../src/engine/verdict.js';
import { buildRunResult } from '../src/engine/summary.js';
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
    expect(parts.map((p) => (p.model === 'closed' ? p.requests : NaN))).toEqual([334, 333, 333]);
    expect(parts.map((p) => (p.model === 'closed' ? p.concurrency : NaN))).toEqual([4, 3, 3]);
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

describe('withDeliveries: the final result in one pure step', () => {
  const judged = (verdict: 'passed' | 'failed' | 'aborted' | 'error', exitCode: number, phases: PhaseResult[]) => buildRunResult({
    store: new MetricStore(), checks: [], phases, thresholds: [], rollback: { triggered: false, reasons: [] }, deliveries: [],
    durationMs: 1, tty: { stdout: false, stderr: false },
    golive: { version: 'v', runId: 'r', testid: 't', engine: 'node', target: 'http://x', startedAt: '', finishedAt: '', verdict, exitCode },
  });
  const failedPush: DeliveryResult = { sink: 'pushgateway', ok: false, attempts: 3, error: 'pushgateway push: 503' };

  it('a failed delivery turns a pass into 108 without touching the judged result', () => {
    const before = judged('passed', EXIT.passed, [{ name: 'health', status: 'passed', durationMs: 1 }]);
    const after = withDeliveries(before, [failedPush]);
    expect([after.golive.verdict, after.golive.exitCode, after.golive.deliveries]).toEqual(['passed', EXIT.deliveryFailed, [failedPush]]);
    expect([before.golive.exitCode, before.golive.deliveries]).toEqual([EXIT.passed, []]);
  });

  it('the engine\'s own deliveries (k6\'s remote-write output) come first and count too', () => {
    const k6Output: DeliveryResult = { sink: 'prometheus-remote-write', ok: false, attempts: 1, error: 'k6 output failed' };
    const judgedWithK6 = { ...judged('passed', EXIT.passed, []), golive: { ...judged('passed', EXIT.passed, []).golive, deliveries: [k6Output] } };
    const okPush: DeliveryResult = { sink: 'pushgateway', ok: true, attempts: 1 };
    const after = withDeliveries(judgedWithK6, [okPush]);
    expect(after.golive.deliveries).toEqual([k6Output, okPush]);
    expect(after.golive.exitCode).toBe(EXIT.deliveryFailed);
  });

  it('an aborted run stays aborted, and a broken run keeps its own exit code', () => {
    expect(withDeliveries(judged('aborted', EXIT.aborted, []), [failedPush]).golive.exitCode).toBe(EXIT.aborted);
    expect(withDeliveries(judged('error', EXIT.invalidConfig, []), [failedPush]).golive).toMatchObject({ verdict: 'error', exitCode: EXIT.invalidConfig });
  });

  it('reports that could not be written make a passing or undelivered run an engine error, named', () => {
    const code = (verdict: 'passed' | 'failed', exitCode: number, errors: string[]) => withReportErrors(judged(verdict, exitCode, []), errors).golive;
    expect(code('passed', EXIT.passed, ['ENOSPC: no space left on device'])).toMatchObject({ verdict: 'error', exitCode: EXIT.engineError, error: 'report not written: ENOSPC: no space left on device' });
    expect(code('passed', EXIT.deliveryFailed, ['EACCES']).exitCode).toBe(EXIT.engineError);
    expect(code('failed', EXIT.thresholdsFailed, ['EACCES'])).toMatchObject({ verdict: 'failed', exitCode: EXIT.thresholdsFailed });
    expect(code('passed', EXIT.passed, [])).toMatchObject({ verdict: 'passed', exitCode: EXIT.passed });
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
