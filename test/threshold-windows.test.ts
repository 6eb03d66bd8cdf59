/**
 * Windowed thresholds (`p(95)<500 over 10s`): parsing, sliding windows over
 * the store's timeline, the worst window named; and end to end, a short stall
 * of the reference API that the whole-run p95 hides is caught by `over 1s`.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricStore } from '../src/core/metrics.js';
import { Timeline } from '../src/core/timeline.js';
import type { RunResult } from '../src/core/result.js';
import { GoliveError } from '../src/core/errors.js';
import { evaluateThresholds, isWindowedThreshold, parseThreshold, summaryMetricSource, validateThresholdDefs } from '../thresholds/index.js';
import { k6OwnThresholds } from '../scenarios/k6/lib/options.js';
import { runCli, spawnReferenceApi } from './support/processes.js';
import type { SpawnedApi } from './support/processes.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** A store whose timeline reads T0 + second; samples are (second, latency ms), over 1000 ms answered 500. */
function storeWith(samples: ReadonlyArray<[number, number]>, phase = 'load'): MetricStore {
  let now = T0;
  const store = new MetricStore(new Timeline(() => now));
  const recorders = new Map<number, (ms: number) => void>();
  const rec = (status: number): ((ms: number) => void) => {
    let r = recorders.get(status);
    if (!r) {
      const tags = { phase, status: String(status), expected_response: String(status < 400) };
      const dur = store.recorder('http_req_duration', tags);
      const failed = store.recorder('http_req_failed', tags);
      r = (ms) => { dur(ms); failed(status < 400 ? 0 : 1); };
      recorders.set(status, r);
    }
    return r;
  };
  for (const [sec, ms] of samples) {
    now = T0 + sec * 1000 + 10;
    rec(ms > 1000 ? 500 : 200)(ms);
  }
  return store;
}

/** 10 s at 100 samples a second of 20 ms, except `slowSecond` where 40 of 100 take 900 ms. */
function stalled(slowSecond: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let s = 0; s < 10; s++) for (let i = 0; i < 100; i++) out.push([s, s === slowSecond && i < 40 ? 900 : 20]);
  return out;
}

describe('windowed threshold syntax', () => {
  it('parses "over DURATION" in seconds, minutes and hours, keeping the text as written', () => {
    expect(parseThreshold('p(95)<500 over 10s')).toMatchObject({ aggName: 'p(95)', operator: '<', value: 500, windowSeconds: 10, source: 'p(95)<500 over 10s' });
    expect(parseThreshold('rate<0.01 over 1m').windowSeconds).toBe(60);
    expect(parseThreshold('avg < 200   over 1h').windowSeconds).toBe(3600);
    expect(parseThreshold('p(95)<500').windowSeconds).toBeUndefined();
    expect(isWindowedThreshold('p(95)<500 over 10s')).toBe(true);
    expect(isWindowedThreshold('p(95)<500')).toBe(false);
  });

  it.each(['p(95)<500 over 10', 'p(95)<500 over 0s', 'p(95)<500 over 1.5s', 'p(95)<500 over 500ms', 'p(95)<500 over 2h', 'p(95)<500 over'])(
    'refuses %j with one line naming the window rule', (expr) => {
      let msg = '';
      try { parseThreshold(expr); } catch (err) { expect(err).toBeInstanceOf(GoliveError); msg = (err as Error).message; }
      expect(msg).toMatch(/window must be whole seconds|expected <aggregation>/);
      expect(msg).not.toContain('\n');
    });

  it('k6 is not given the windowed form (it would not parse it); golive judges it', () => {
    expect(k6OwnThresholds({ a: ['p(95)<500', 'p(95)<500 over 10s'], b: ['rate<0.01 over 5s'] })).toEqual({ a: ['p(95)<500'] });
  });
});

describe('windowed threshold evaluation', () => {
  it('a slow second that the whole-run p95 hides fails the 1 s window and is named with its time', () => {
    const store = storeWith(stalled(6));
    const [whole, windowed] = evaluateThresholds({ 'http_req_duration{phase:load}': ['p(95)<500', 'p(95)<500 over 1s'] }, store, 10);
    expect(whole?.ok).toBe(true);
    expect(windowed?.ok).toBe(false);
    expect(windowed?.window).toMatchObject({ seconds: 1, windows: 10, failed: 1 });
    expect(windowed?.window?.worst?.startedAt).toBe(new Date(T0 + 6000).toISOString());
    expect(windowed?.actual).toBeCloseTo(900, -1);
    expect(windowed?.message).toContain('12:00:06-12:00:07Z');
    expect(windowed?.message).toContain('1 of 10 windows failed');
  });

  it('slides one second at a time: every 3 s window holding the slow second fails', () => {
    const store = storeWith(stalled(6));
    const [r] = evaluateThresholds({ 'http_req_duration{phase:load}': ['p(90)<500 over 3s'] }, store, 10);
    // 40 slow of 300 samples = 13 %: over p(90) in windows 4-6, 5-7, 6-8.
    expect(r?.window).toMatchObject({ windows: 8, failed: 3 });
    expect(r?.ok).toBe(false);
  });

  it('passes when every window holds, and says which came closest', () => {
    const store = storeWith(stalled(-1));
    const [r] = evaluateThresholds({ 'http_req_duration{phase:load}': ['p(95)<500 over 2s'] }, store, 10);
    expect(r?.ok).toBe(true);
    expect(r?.window).toMatchObject({ windows: 9, failed: 0 });
    expect(r?.message).toMatch(/^worst 2s window p\(95\)=20\.\d\dms at .*9 windows \(<500\)$/);
  });

  it('rates per window: 40 % failed requests in one second fail rate<0.01 over 1s but not over the run', () => {
    const samples = stalled(-1).map(([s, ms], i): [number, number] => [s, s === 3 && i % 100 < 5 ? 2000 : ms]);
    const store = storeWith(samples);
    const [whole, windowed] = evaluateThresholds({ 'http_req_failed{phase:load}': ['rate<0.01', 'rate<0.01 over 1s'] }, store, 10);
    expect(whole?.ok).toBe(true);
    expect(windowed?.ok).toBe(false);
    expect(windowed?.actual).toBeCloseTo(0.05);
  });

  it('only what the timeline keeps can be windowed: a config error before anything runs, and a failure if judged', () => {
    expect(() => validateThresholdDefs({ 'checks{phase:health}': ['rate==1 over 10s'] }, () => 'rate')).toThrow(/windowed thresholds apply to http_req_duration, http_req_failed, http_reqs only/);
    expect(() => validateThresholdDefs({ 'http_req_duration{phase:load,status:200}': ['p(95)<500 over 10s'] }, () => 'trend')).toThrow(/by phase and stage only, not by status/);
    const [r] = evaluateThresholds({ 'iterations{phase:load}': ['count>0 over 1s'] }, storeWith(stalled(-1)), 10);
    expect(r?.ok).toBe(false);
    expect(r?.message).toMatch(/apply to http_req_duration/);
  });

  it('a window over a stage or selector with no samples fails, as whole-run thresholds do', () => {
    const store = storeWith(stalled(-1));
    const [r] = evaluateThresholds({ 'http_req_duration{phase:health}': ['p(95)<500 over 1s'] }, store, 10);
    expect(r).toMatchObject({ ok: false, message: 'no samples for http_req_duration{phase:health}' });
  });

  it('a k6 summary has no time series: the windowed threshold fails and says why', () => {
    const source = summaryMetricSource({ 'http_req_duration{phase:load}': { type: 'trend', contains: 'time', values: { 'p(95)': 20, count: 10 } } });
    const [r] = evaluateThresholds({ 'http_req_duration{phase:load}': ['p(95)<500 over 1s'] }, source, 10);
    expect(r?.ok).toBe(false);
    expect(r?.message).toMatch(/no per-window samples .* no time series/);
  });

  it('seconds without samples inside the span are part of the windows, not judged alone', () => {
    const samples = stalled(-1).filter(([s]) => s !== 4);
    const store = storeWith(samples);
    const [r] = evaluateThresholds({ 'http_req_duration{phase:load}': ['p(95)<500 over 1s'] }, store, 10);
    expect(r?.window?.windows).toBe(9);
    expect(r?.ok).toBe(true);
  });

  it('merging two stores merges their timelines second by second', () => {
    const a = storeWith(stalled(-1));
    const b = storeWith(stalled(6));
    a.merge(b);
    const [r] = evaluateThresholds({ 'http_req_duration{phase:load}': ['p(95)<500 over 1s'] }, a, 10);
    // 40 slow of 200 in second 6: 20 %.
    expect(r?.window?.failed).toBe(1);
  });
});

describe('windowed thresholds against the reference API (real processes)', () => {
  const TOKEN = 'test-token-windows-01';
  let api: SpawnedApi | undefined;
  afterEach(async () => {
    await api?.stop();
    api = undefined;
  });

  it('a 1 s stall at 50 req/s passes the whole-run p(95)<500 and fails it over 1s, naming the window', async () => {
    // One stall, at the 600th of 1000 requests (12 s into the load; the next would be the 1200th):
    // about 50 requests (5 %) wait up to a second, and all their answers arrive in the same second.
    api = await spawnReferenceApi(TOKEN, ['--latency', 'stall:1000/600']);
    const out = await mkdtemp(join(tmpdir(), 'golive-windows-'));
    const res = await runCli([
      'check', '--target', api.url, '--out', out, '--no-color', '--phases', 'load', '--rate', '50', '--duration', '20',
      // A generous schedule-lag limit: on a busy machine the generator check would end the run in 107
      // before the thresholds are judged; this test is about the windows.
      '--max-schedule-lag', '1000',
      '--threshold', 'http_req_duration{phase:load}=p(95)<500', '--threshold', 'http_req_duration{phase:load}=p(95)<500 over 1s',
    ], { env: { GOLIVE_TOKEN: TOKEN } });
    const s = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunResult;
    const [whole, windowed] = s.golive.thresholds.filter((t) => t.metric === 'http_req_duration{phase:load}');
    expect(whole).toMatchObject({ expression: 'p(95)<500', ok: true });
    expect(windowed).toMatchObject({ expression: 'p(95)<500 over 1s', ok: false });
    expect(windowed?.actual).toBeGreaterThan(500);
    const worst = Date.parse(windowed?.window?.worst?.startedAt ?? '');
    const load = s.golive.phases.find((p) => p.name === 'load');
    const loadStart = Date.parse(load?.startedAt ?? '');
    // The worst window is the stall's (answers arrive as it ends), not the first or the last second.
    expect(worst - loadStart).toBeGreaterThan(10_000);
    expect(worst - loadStart).toBeLessThan(14_500);
    expect(res.code).toBe(99);
    expect(res.stdout).toContain('p(95)<500 over 1s');
    expect(res.stdout).toMatch(/1s window \d\d:\d\d:\d\d-\d\d:\d\d:\d\dZ/);
  }, 60_000);
});
