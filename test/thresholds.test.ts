import { describe, expect, it } from 'vitest';
import { planSchema } from '../src/contract/plan.js';
import { GoliveError, exitCodeFor } from '../src/core/errors.js';
import { BUILTIN_METRICS, MetricStore } from '../src/core/metrics.js';
import type { SummaryMetric } from '../src/core/result.js';
import {
  canonicalSelector, defaultThresholds, evaluateThresholds, mergeThresholds, normalizeThreshold,
  parseMetricSelector, parseThreshold, rollbackTriggers, summaryMetricSource, thresholdsForPhasesThatRan, validateFor, validateThresholdDefs,
  selectorPhase, thresholdPhase, thresholdsJudged, planThresholds,
} from '../thresholds/index.js';

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GoliveError);
    expect((err as GoliveError).code).toBe('GOLIVE_INVALID_CONFIG');
    expect(exitCodeFor(err)).toBe(104);
    const msg = (err as Error).message;
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error('expected a config error');
}

describe('parseThreshold', () => {
  it.each([
    ['p(95)<500', 'p(95)', '<', 500],
    ['p(99.9) <= 1500', 'p(99.9)', '<=', 1500],
    ['  avg<200 ', 'avg', '<', 200],
    ['med<100', 'med', '<', 100],
    ['min>0', 'min', '>', 0],
    ['max<1000', 'max', '<', 1000],
    ['rate<0.01', 'rate', '<', 0.01],
    ['rate>0.99', 'rate', '>', 0.99],
    ['count==0', 'count', '==', 0],
    ['count>=1000', 'count', '>=', 1000],
    ['value>0', 'value', '>', 0],
    ['rate===1', 'rate', '===', 1],
    ['count != 3', 'count', '!=', 3],
    ['p( 90 ) > .5', 'p(90)', '>', 0.5],
    ['avg<1e3', 'avg', '<', 1000],
    ['min>-1', 'min', '>', -1],
    ['p(0)>=0', 'p(0)', '>=', 0],
    ['p(100)<=10', 'p(100)', '<=', 10],
  ])('%s', (expr, agg, op, value) => {
    const p = parseThreshold(expr);
    expect(p).toMatchObject({ source: expr, aggName: agg, operator: op, value });
  });

  it.each([
    ['p(95)<>500', 'threshold "p(95)<>500": expected <aggregation><operator><number>, e.g. p(95)<500 (got ">500" after "<")'],
    ['', 'threshold "": expected <aggregation><operator><number>, e.g. p(95)<500'],
    ['p(95)', 'expected <aggregation><operator><number>'],
    ['p(95)=500', 'expected <aggregation><operator><number>'],
    ['p(95)<', '(got nothing after "<")'],
    ['p(95)<fast', '(got "fast" after "<")'],
    ['p(95)<500ms', '(got "500ms" after "<")'],
    ['p95<500', 'unknown aggregation "p95", expected one of avg min med max p(N) rate count value'],
    ['mean<5', 'unknown aggregation "mean"'],
    ['p(101)<5', 'percentile must be a number from 0 to 100, e.g. p(95), got p(101)'],
    ['p(x)<5', 'got p(x)'],
    ['p(95)<500\nx', 'threshold "p(95)<500\\nx"'],
  ])('rejects %j', (expr, fragment) => {
    expect(configError(() => parseThreshold(expr))).toContain(fragment);
  });

  it('normalizes the object form', () => {
    expect(normalizeThreshold('rate<0.01')).toEqual({ expression: 'rate<0.01', abortOnFail: false });
    expect(normalizeThreshold({ threshold: 'p(95)<500', abortOnFail: true, delayAbortEval: '10s' }))
      .toEqual({ expression: 'p(95)<500', abortOnFail: true, delayAbortEval: '10s' });
  });
});

describe('validateFor', () => {
  it.each([
    ['trend', ['avg<1', 'min<1', 'med<1', 'max<1', 'p(95)<1'], ['rate<1', 'count<1', 'value<1']],
    ['rate', ['rate<1'], ['avg<1', 'count<1', 'p(95)<1', 'value<1']],
    ['counter', ['count<1', 'rate<1'], ['avg<1', 'value<1', 'p(50)<1']],
    ['gauge', ['value<1'], ['rate<1', 'count<1', 'max<1']],
  ] as const)('%s', (type, good, bad) => {
    for (const e of good) expect(() => validateFor(parseThreshold(e), type)).not.toThrow();
    for (const e of bad) expect(configError(() => validateFor(parseThreshold(e), type, 'm'))).toContain(`on m (a ${type})`);
  });

  it('validateThresholdDefs names the metric at config time', () => {
    const typeOf = (n: string) => BUILTIN_METRICS[n]?.type;
    expect(configError(() => validateThresholdDefs({ 'http_req_duration{phase:load}': ['rate<0.01'] }, typeOf)))
      .toBe('threshold "rate<0.01": rate does not apply on http_req_duration{phase:load} (a trend); expected one of avg min med max p(N)');
    expect(() => validateThresholdDefs({ my_custom: ['rate<0.01'], http_reqs: ['count>1'] }, typeOf)).not.toThrow();
  });
});

describe('parseMetricSelector', () => {
  it.each([
    ['http_req_duration', 'http_req_duration', {}],
    ['http_req_duration{phase:load}', 'http_req_duration', { phase: 'load' }],
    ['checks{phase:health,check:status is 200}', 'checks', { phase: 'health', check: 'status is 200' }],
    [' checks{ phase : health , check:response time < 500ms } ', 'checks', { phase: 'health', check: 'response time < 500ms' }],
    ['x{url:http://a:1/b}', 'x', { url: 'http://a:1/b' }],
  ])('%s', (sel, name, tags) => {
    expect(parseMetricSelector(sel)).toEqual({ name, tags });
  });

  it.each([
    ['', 'expected name or name{tag:value,...}'],
    ['http_req_duration{phase:load', 'expected name or name{tag:value,...}'],
    ['1metric', 'expected name or name{tag:value,...}'],
    ['m{}', 'empty tag list'],
    ['m{phase}', 'tag "phase" is not key:value'],
    ['m{phase:}', 'tag "phase:" is not key:value'],
    ['m{a:1,,b:2}', 'tag "" is not key:value'],
    ['m{a:1,a:2}', 'tag "a" given twice'],
  ])('rejects %j', (sel, fragment) => {
    expect(configError(() => parseMetricSelector(sel))).toContain(fragment);
  });

  it('canonical form sorts tags', () => {
    expect(canonicalSelector('m{ b:2 , a:1}')).toBe('m{a:1,b:2}');
  });
});

function loadedStore(): MetricStore {
  const s = new MetricStore();
  for (let i = 1; i <= 100; i++) s.add('http_req_duration', i, { phase: 'load', name: 'GET /health' });
  s.add('http_req_duration', 40, { phase: 'health', name: 'GET /health' });
  s.add('http_req_duration', 600, { phase: 'health', name: 'GET /api/v1/data/health' });
  for (let i = 0; i < 200; i++) s.add('http_req_failed', i < 6 ? 1 : 0, { phase: 'load' });
  s.add('http_reqs', 200, { phase: 'load' });
  s.add('checks', 1, { phase: 'health', check: 'status is 200' });
  s.add('checks', 0, { phase: 'health', check: 'response time < 500ms' });
  s.add('vus', 10);
  return s;
}

describe('evaluateThresholds with a MetricStore', () => {
  const store = loadedStore();

  it('p95 of known data, pass and fail messages with units', () => {
    const [ok, bad] = evaluateThresholds({ 'http_req_duration{phase:load}': ['p(95)<500', 'p(95)<90'] }, store, 10);
    expect(ok).toMatchObject({ metric: 'http_req_duration{phase:load}', expression: 'p(95)<500', ok: true, phase: 'load' });
    expect(ok!.actual).toBeCloseTo(95, 1);
    expect(ok!.message).toMatch(/^p\(95\)=95\.\d\dms \(<500\)$/);
    expect(bad).toMatchObject({ ok: false });
    expect(bad!.message).toMatch(/^p\(95\)=95\.\d\dms, wanted <90$/);
  });

  it('every aggregation of a trend', () => {
    const r = evaluateThresholds({ 'http_req_duration{phase:load}': ['avg==50.5', 'min==1', 'max==100', 'med<=51', 'med>=49'] }, store, 10);
    expect(r.map((x) => [x.expression, x.ok])).toEqual([['avg==50.5', true], ['min==1', true], ['max==100', true], ['med<=51', true], ['med>=49', true]]);
  });

  it('rate, counter count and rate, gauge value', () => {
    const r = evaluateThresholds({
      'http_req_failed{phase:load}': ['rate<0.01', 'rate<0.05'],
      'http_reqs{phase:load}': ['count>=1000', 'count>=200', 'rate==20'],
      vus: ['value==10'],
    }, store, 10);
    expect(r.map((x) => [x.expression, x.ok, x.message])).toEqual([
      ['rate<0.01', false, 'rate=0.03, wanted <0.01'],
      ['rate<0.05', true, 'rate=0.03 (<0.05)'],
      ['count>=1000', false, 'count=200, wanted >=1000'],
      ['count>=200', true, 'count=200 (>=200)'],
      ['rate==20', true, 'rate=20 (==20)'],
      ['value==10', true, 'value=10 (==10)'],
    ]);
  });

  it('selects sub-metrics by tag, including values with spaces', () => {
    const r = evaluateThresholds({
      'http_req_duration{phase:health}': ['max<500'],
      'http_req_duration{phase:health,name:GET /health}': ['max<500'],
      'checks{phase:health}': ['rate==1'],
      'checks{phase:health,check:status is 200}': ['rate==1'],
      'http_req_duration': ['max<=600', 'p(50)<60'],
    }, store, 10);
    expect(r.map((x) => [x.metric, x.ok])).toEqual([
      ['http_req_duration{phase:health}', false],
      ['http_req_duration{phase:health,name:GET /health}', true],
      ['checks{phase:health}', false],
      ['checks{phase:health,check:status is 200}', true],
      ['http_req_duration', true],
      ['http_req_duration', true],
    ]);
    expect(r[0]!.message).toBe('max=600.00ms, wanted <500');
    expect(r[0]!.phase).toBe('health');
    expect(r[4]!.phase).toBeUndefined();
  });

  it('a threshold with no samples fails, saying so', () => {
    const s = loadedStore();
    s.recorder('http_req_failed', { phase: 'market-data' }); // series exists, never recorded
    const r = evaluateThresholds({
      'http_req_duration{phase:market-data}': ['p(95)<500'],
      'http_req_failed{phase:market-data}': ['rate<0.01'],
      'checks{phase:load}': ['rate==1'],
      'data_received': ['count>0'],
    }, s, 10);
    expect(r.map((x) => [x.ok, x.message, x.actual])).toEqual([
      [false, 'no samples for http_req_duration{phase:market-data}', undefined],
      [false, 'no samples for http_req_failed{phase:market-data}', undefined],
      [false, 'no samples for checks{phase:load}', undefined],
      [false, 'no samples for data_received', undefined],
    ]);
    expect(r[0]!.phase).toBe('market-data');
  });

  it('a counter series the engine created counts as measured (count==0 can pass)', () => {
    const s = new MetricStore();
    s.add('dropped_iterations', 0, { phase: 'load' });
    const [r] = evaluateThresholds({ 'dropped_iterations{phase:load}': ['count==0'] }, s, 10);
    expect(r).toMatchObject({ ok: true, actual: 0, message: 'count=0 (==0)' });
  });

  it('a wrong aggregation for the metric type is a config error naming the metric', () => {
    expect(configError(() => evaluateThresholds({ 'http_req_duration{phase:load}': ['rate<0.01'] }, store, 10)))
      .toContain('on http_req_duration{phase:load} (a trend)');
    expect(configError(() => evaluateThresholds({ 'http_req_failed': ['p(95)<1'] }, store, 10)))
      .toContain('on http_req_failed (a rate)');
  });

  it('bad syntax fails before anything is judged', () => {
    expect(configError(() => evaluateThresholds({ http_reqs: ['count>1'], 'checks{phase}': ['rate==1'] }, store, 10)))
      .toContain('threshold metric "checks{phase}"');
  });

  it('accepts the object form', () => {
    const [r] = evaluateThresholds({ 'http_req_duration{phase:load}': [{ threshold: 'p(95)<500', abortOnFail: true }] }, store, 10);
    expect(r).toMatchObject({ expression: 'p(95)<500', ok: true });
  });
});

describe('summaryMetricSource', () => {
  const metrics: Record<string, SummaryMetric> = {
    http_req_duration: { type: 'trend', contains: 'time', values: { avg: 80, min: 5, med: 70, max: 700, 'p(90)': 300, 'p(95)': 612.4 } },
    'http_req_duration{phase:load}': { type: 'trend', contains: 'time', values: { avg: 30, min: 5, med: 25, max: 90, 'p(90)': 50, 'p(95)': 51.2 } },
    'http_req_duration{phase:market-data}': { type: 'trend', contains: 'time', values: { avg: 0, min: 0, med: 0, max: 0, 'p(90)': 0, 'p(95)': 0 } },
    'http_req_failed{phase:load}': { type: 'rate', contains: 'default', values: { rate: 0.02, passes: 2, fails: 98 } },
    'checks{phase:health,check:status is 200}': { type: 'rate', contains: 'default', values: { rate: 0, passes: 0, fails: 0 } },
    'http_reqs{phase:load}': { type: 'counter', contains: 'default', values: { count: 100, rate: 10 } },
  };
  const source = summaryMetricSource(metrics);

  it('re-evaluates k6 results the same way', () => {
    const r = evaluateThresholds({
      'http_req_duration{phase:load}': ['p(95)<500'],
      http_req_duration: ['p(95)<500'],
      'http_req_failed{phase:load}': ['rate<0.01'],
      'http_reqs{phase:load}': ['count>=100', 'rate>5'],
    }, source, 10);
    expect(r.map((x) => [x.ok, x.message])).toEqual([
      [true, 'p(95)=51.20ms (<500)'],
      [false, 'p(95)=612.40ms, wanted <500'],
      [false, 'rate=0.02, wanted <0.01'],
      [true, 'count=100 (>=100)'],
      [true, 'rate=10 (>5)'],
    ]);
  });

  it('matches selectors written with other tag order and spacing', () => {
    const [r] = evaluateThresholds({ 'checks{ check:status is 200, phase:health }': ['rate==1'] }, source, 10);
    expect(r!.message).toBe('no samples for checks{ check:status is 200, phase:health }');
  });

  it('empty sub-metrics (k6 prints zeros) and missing ones fail as no samples', () => {
    const r = evaluateThresholds({
      'http_req_duration{phase:market-data}': ['p(95)<500'],
      'http_req_duration{phase:health}': ['max<500'],
    }, source, 10);
    expect(r.map((x) => [x.ok, x.message])).toEqual([
      [false, 'no samples for http_req_duration{phase:market-data}'],
      [false, 'no samples for http_req_duration{phase:health}'],
    ]);
  });

  it('a trend stat the summary lacks fails, naming it', () => {
    const [r] = evaluateThresholds({ 'http_req_duration{phase:load}': ['p(99.9)<500'] }, source, 10);
    expect(r).toMatchObject({ ok: false, message: 'p(99.9) not available for http_req_duration{phase:load}' });
  });
});

describe('defaultThresholds and mergeThresholds', () => {
  const plan = planSchema.parse({ target: 'http://127.0.0.1:1' });

  it('runbook criteria for the default phases (closed model)', () => {
    expect(defaultThresholds(plan)).toEqual({
      'http_req_duration{phase:health}': ['max<500'],
      'checks{phase:health}': ['rate==1'],
      'checks{phase:market-data}': ['rate==1'],
      'http_req_duration{phase:load}': ['p(95)<500'],
      'http_req_failed{phase:load}': ['rate<0.01'],
      'http_reqs{phase:load}': ['count>=1000'],
    });
  });

  it('follows the selected phases, the health budget and the workload', () => {
    const p = planSchema.parse({
      target: 'http://127.0.0.1:1', phases: ['health', 'load'], health: { maxResponseMs: 250 },
      load: { workload: { model: 'open', rate: 50, durationSeconds: 10 } },
    });
    const d = defaultThresholds(p);
    expect(d['http_req_duration{phase:health}']).toEqual(['max<250']);
    expect(d['checks{phase:market-data}']).toBeUndefined();
    expect(d['http_reqs{phase:load}']).toEqual(['count>=1']);
    expect(defaultThresholds(planSchema.parse({ target: 'http://127.0.0.1:1', phases: ['market-data'] })))
      .toEqual({ 'checks{phase:market-data}': ['rate==1'] });
    expect(defaultThresholds(planSchema.parse({ target: 'http://127.0.0.1:1', phases: ['cluster'] }))).toEqual({});
  });

  it('every default parses and fits its metric type', () => {
    expect(() => validateThresholdDefs(defaultThresholds(plan), (n) => BUILTIN_METRICS[n]?.type)).not.toThrow();
  });

  it('a custom entry replaces the default list for the same selector, in place', () => {
    const merged = mergeThresholds(defaultThresholds(plan), {
      'http_req_duration{ phase: load }': ['p(99)<800'],
      'http_req_duration{phase:market-data}': ['p(95)<1000'],
    });
    expect(Object.keys(merged)).toEqual([
      'http_req_duration{phase:health}', 'checks{phase:health}', 'checks{phase:market-data}',
      'http_req_duration{ phase: load }', 'http_req_failed{phase:load}', 'http_reqs{phase:load}',
      'http_req_duration{phase:market-data}',
    ]);
    expect(merged['http_req_duration{ phase: load }']).toEqual(['p(99)<800']);
    expect(merged['http_req_duration{phase:load}']).toBeUndefined();
  });
});

describe('thresholdsForPhasesThatRan', () => {
  it('keeps untagged selectors and those of phases that ran, drops those of skipped phases', () => {
    const defs = {
      'checks{phase:health}': ['rate==1'],
      'http_req_duration{ scenario:x , phase:load }': ['p(95)<500'],
      http_req_failed: ['rate<0.01'],
    };
    const phases = [{ name: 'health', status: 'failed' }, { name: 'load', status: 'skipped' }];
    expect(Object.keys(thresholdsForPhasesThatRan(defs, phases))).toEqual(['checks{phase:health}', 'http_req_failed']);
    expect(Object.keys(thresholdsForPhasesThatRan(defs, [{ name: 'load', status: 'passed' }]))).toEqual(['http_req_duration{ scenario:x , phase:load }', 'http_req_failed']);
  });

  it('drops those of a phase stopped by a fault of golive\'s (EMFILE): they must not fail the target\'s thresholds', () => {
    const defs = { 'http_reqs{phase:load}': ['count>=1000'], 'checks{phase:health}': ['rate==1'] };
    const phases = [{ name: 'health', status: 'passed' }, { name: 'load', status: 'error', reason: 'client-side fault, not the target: EMFILE ×3 (...)' }];
    expect(Object.keys(thresholdsForPhasesThatRan(defs, phases))).toEqual(['checks{phase:health}']);
    // a generator that fell behind (issue 13) is our fault too: its latencies include our lag (107, never 99)
    expect(Object.keys(thresholdsForPhasesThatRan(defs, [{ name: 'load', status: 'error', reason: 'the load generator fell behind: sent 10 of 40 req/s' }]))).toEqual([]);
    // other errors keep their thresholds
    expect(Object.keys(thresholdsForPhasesThatRan(defs, [{ name: 'load', status: 'error', reason: 'something else' }]))).toEqual(['http_reqs{phase:load}']);
  });
});

describe('thresholdsJudged: the one rule for which thresholds a run is judged by', () => {
  const plan = { phases: ['health', 'load'] as const, health: { maxResponseMs: 500 }, load: { workload: { model: 'closed' as const, requests: 10, concurrency: 1 } },
    thresholds: { 'http_req_duration{phase:load}': ['p(99)<800'], 'checks{phase:market-data}': ['rate==1'], http_req_failed: ['rate<0.1'] } };
  it('is the plan\'s thresholds (custom ones replacing defaults per selector) minus those of phases that did not run', () => {
    expect(Object.keys(planThresholds(plan as never))).toEqual([
      'http_req_duration{phase:health}', 'checks{phase:health}', 'http_req_duration{phase:load}', 'http_req_failed{phase:load}', 'http_reqs{phase:load}',
      'checks{phase:market-data}', 'http_req_failed',
    ]);
    const judged = thresholdsJudged(plan as never, [{ name: 'health', status: 'failed' }, { name: 'load', status: 'skipped' }]);
    // market-data is not in the run at all: it did not run either
    expect(judged).toEqual({ 'http_req_duration{phase:health}': ['max<500'], 'checks{phase:health}': ['rate==1'], http_req_failed: ['rate<0.1'] });
  });
});

describe('selectorPhase / thresholdPhase: one reading of a selector\'s phase', () => {
  it.each<[string, string | undefined]>([
    ['http_req_duration{phase:load}', 'load'], ['http_req_duration{ scenario:x , phase:market-data }', 'market-data'],
    ['http_req_duration', undefined], ['http_req_duration{scenario:phase}', undefined], ['not a selector{', undefined],
  ])('%s -> %s', (sel, phase) => {
    expect(selectorPhase(sel)).toBe(phase);
  });
  it('prefers the evaluator\'s phase', () => {
    expect(thresholdPhase({ metric: 'x{phase:load}', phase: 'health' })).toBe('health');
    expect(thresholdPhase({ metric: 'x{phase:load}' })).toBe('load');
  });
});

describe('rollbackTriggers', () => {
  const phases = [
    { name: 'health', status: 'passed' },
    { name: 'market-data', status: 'passed' },
    { name: 'load', status: 'failed' },
  ] as const;

  it('quiet when the service answers and p95 is under the limit', () => {
    expect(rollbackTriggers({ source: loadedStore(), maxP95Ms: 5000, phases, unavailable: [] }))
      .toEqual({ triggered: false, reasons: [] });
  });

  it('service unavailable', () => {
    const r = rollbackTriggers({ source: new MetricStore(), maxP95Ms: 5000, phases, unavailable: ['GET /health returned 503'] });
    expect(r).toEqual({ triggered: true, reasons: ['service unavailable: GET /health returned 503'] });
  });

  it('a port answering TLS in plain HTTP is up: a wrong scheme, not a service to roll back (node and k6 wording)', () => {
    const plain = ['GET /health: EPROTO: wrong version number', 'GET /api/v1/data/health: tls: first record does not look like a TLS handshake'];
    expect(rollbackTriggers({ source: new MetricStore(), maxP95Ms: 5000, phases, unavailable: plain })).toEqual({ triggered: false, reasons: [] });
    // Beside real evidence of a down service, only that evidence is the reason.
    expect(rollbackTriggers({ source: new MetricStore(), maxP95Ms: 5000, phases, unavailable: [...plain, 'GET /health returned 503'] }).reasons)
      .toEqual(['service unavailable: GET /health returned 503']);
  });

  it('p95 above the limit in any phase, even when other phases dilute it', () => {
    const s = loadedStore();
    for (let i = 0; i < 20; i++) s.add('http_req_duration', 6000, { phase: 'market-data' });
    const r = rollbackTriggers({ source: s, maxP95Ms: 5000, phases, unavailable: [] });
    expect(r.triggered).toBe(true);
    expect(r.reasons).toHaveLength(1);
    expect(r.reasons[0]).toMatch(/^p\(95\)=6\d{3}\.\d\dms > 5000ms in phase market-data$/);
    expect(rollbackTriggers({ source: s, maxP95Ms: 7000, phases, unavailable: [] }).triggered).toBe(false);
  });

  it('falls back to all requests when no phase has samples, and reports both causes', () => {
    const s = new MetricStore();
    for (let i = 0; i < 10; i++) s.add('http_req_duration', 5200);
    const r = rollbackTriggers({ source: s, maxP95Ms: 5000, phases, unavailable: ['GET /health: timeout'] });
    expect(r.reasons).toEqual(['service unavailable: GET /health: timeout', 'p(95)=5200.00ms > 5000ms over all requests']);
  });

  it('ignores skipped phases', () => {
    const s = new MetricStore();
    s.add('http_req_duration', 9000, { phase: 'load' });
    const r = rollbackTriggers({ source: s, maxP95Ms: 5000, phases: [{ name: 'load', status: 'skipped' }], unavailable: [] });
    // skipped: no per-phase read, so the untagged fallback sees it
    expect(r.reasons).toEqual(['p(95)=9000.00ms > 5000ms over all requests']);
  });
});
