import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MetricStore } from '../src/core/metrics.js';
import { CheckRecorder } from '../src/core/check-recorder.js';
import { buildRunResult } from '../src/engine/summary.js';
import type { SummaryInput } from '../src/engine/summary.js';

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
