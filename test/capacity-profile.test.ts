/**
 * The 2x-baseline profile: stages and per-stage thresholds from a baseline
 * given as a number or read from a real Prometheus; end to end against the
 * reference API with --saturate, the baseline stage passes and the 2x stage
 * fails on its own threshold.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCheckFlags } from '../src/config/flags.js';
import { resolvePlan } from '../src/config/load.js';
import { profileThresholds, profileWorkload } from '../src/config/profile.js';
import { validatePlan } from '../src/config/validate.js';
import { exitCodeFor } from '../src/core/errors.js';
import type { RunResult } from '../src/core/result.js';
import { runCli, spawnReferenceApi } from './support/processes.js';
import type { SpawnedApi } from './support/processes.js';
import { startPrometheus } from './support/prometheus.js';
import type { Server } from './support/prometheus.js';
import { expectBaselinePassesTwoXBreaches } from './support/capacity-verdict.js';

const T = 'http://127.0.0.1:1';

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(exitCodeFor(err)).toBe(104);
    const msg = (err as Error).message;
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error('expected a usage error');
}

describe('2x-baseline profile (pure)', () => {
  it('warm-up at the baseline, a ramp, a hold at 2x, as named stages', () => {
    const w = profileWorkload({ name: '2x-baseline', baselineRps: 50, warmupSeconds: 30, rampSeconds: 30, holdSeconds: 60, maxInFlight: 1000 }, 50);
    expect(w).toEqual({
      model: 'staged', startRate: 50, maxInFlight: 1000,
      stages: [
        { durationSeconds: 30, target: 50, name: 'baseline' },
        { durationSeconds: 30, target: 100, name: 'ramp' },
        { durationSeconds: 60, target: 100, name: '2x' },
      ],
    });
    expect(profileThresholds()).toEqual({
      'http_req_duration{stage:baseline}': ['p(95)<500'], 'http_req_failed{stage:baseline}': ['rate<0.01'],
      'http_req_duration{stage:2x}': ['p(95)<500'], 'http_req_failed{stage:2x}': ['rate<0.01'],
    });
  });

  it('--profile with --baseline-rps expands into the plan; the user can still tighten a stage threshold', () => {
    const flags = parseCheckFlags(['--target', T, '--phases', 'health,load', '--profile', '2x-baseline', '--baseline-rps', '50', '--threshold', 'http_req_duration{stage:2x}=p(95)<300']);
    const plan = validatePlan(flags.raw);
    expect(plan.load.workload).toMatchObject({ model: 'staged', startRate: 50 });
    expect(plan.thresholds['http_req_duration{stage:2x}']).toEqual(['p(95)<300']);
    expect(plan.thresholds['http_req_failed{stage:2x}']).toEqual(['rate<0.01']);
    expect(plan.profile).toBeUndefined();
    // A runner re-validating the expanded plan (golive k8s) does not expand it twice.
    expect(validatePlan(JSON.parse(JSON.stringify(plan)) as Record<string, unknown>).load.workload).toEqual(plan.load.workload);
  });

  it.each([
    [['--profile', '2x-baseline'], /needs a baseline: --baseline-rps N or --baseline-query PROMQL/],
    [['--profile', '3x'], /profile\.name \(--profile\)/],
    [['--baseline-rps', '50'], /only apply to a load profile; add --profile 2x-baseline/],
    [['--profile', '2x-baseline', '--baseline-rps', '0'], /profile\.baselineRps \(--baseline-rps\)/],
    [['--profile', '2x-baseline', '--baseline-rps', '50', '--rate', '10', '--duration', '5'], /--profile: cannot be combined with --stages, --rate/],
    [['--profile', '2x-baseline', '--baseline-rps', '50', '--phases', 'health'], /add load to --phases/],
    [['--profile', '2x-baseline', '--baseline-query', 'vector(1)'], /--baseline-query: needs --prometheus-url/],
    [['--require-scale-out'], /--require-scale-out: judges the HPAs under the load; add both load and cluster to --phases/],
  ])('refuses %j in one line (exit 104)', (args, why) => {
    expect(usageError(() => validatePlan(parseCheckFlags(['--target', T, '--phases', 'load', ...args]).raw))).toMatch(why);
  });
});

describe('--baseline-query against a real Prometheus', () => {
  let prom: Server;
  beforeAll(async () => { prom = await startPrometheus(); });
  afterAll(async () => { await prom?.stop(); });

  const resolve = (query: string) => resolvePlan(
    parseCheckFlags(['--target', T, '--phases', 'load', '--profile', '2x-baseline', '--baseline-query', query, '--prometheus-url', prom.url]),
    {}, tmpdir(),
  );

  it('reads the baseline before the load and builds the stages from it', async () => {
    const { plan } = await resolve('vector(20)');
    expect(plan.load.workload).toMatchObject({ model: 'staged', startRate: 20, stages: [{ target: 20 }, { target: 40 }, { target: 40 }] });
  });

  it('a query without data, with several series or that Prometheus refuses is one line naming the flag', async () => {
    await expect(resolve('up{job="no-such-job"}')).rejects.toThrow(/--baseline-query: expected one series, got 0 \(no data/);
    await expect(resolve('label_replace(vector(1), "a", "x", "", "") or label_replace(vector(2), "a", "y", "", "")')).rejects.toThrow(/got 2; wrap the query in sum/);
    await expect(resolve('rate(')).rejects.toThrow(/--baseline-query: Prometheus refused the query/);
    await expect(resolve('vector(0)')).rejects.toThrow(/expected a positive number/);
  });
});

describe('2x-baseline against the reference API with --saturate (real processes)', () => {
  const TOKEN = 'test-token-capacity-01';
  let api: SpawnedApi | undefined;
  afterEach(async () => {
    await api?.stop();
    api = undefined;
  });

  it('the baseline stage passes, the 2x stage fails its p(95)<500 and the verdict is 99', async () => {
    // Capacity 25/s: the baseline (20/s) is under it, 2x (40/s) is 60 % over: +600 ms.
    api = await spawnReferenceApi(TOKEN, ['--saturate', '25']);
    const dir = await mkdtemp(join(tmpdir(), 'golive-profile-'));
    const config = join(dir, 'golive.config.json');
    await writeFile(config, JSON.stringify({ profile: { name: '2x-baseline', warmupSeconds: 4, rampSeconds: 2, holdSeconds: 4 } }));
    const res = await runCli([
      'check', '--target', api.url, '--out', dir, '--no-color', '--config', config,
      '--phases', 'health,load', '--profile', '2x-baseline', '--baseline-rps', '20',
      // A busy shared machine delays timers: the generator's own lag limit is not what this test is about.
      '--max-schedule-lag', '250',
    ], { env: { GOLIVE_TOKEN: TOKEN } });
    const s = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunResult;
    const junit = () => readFile(join(dir, 'junit.xml'), 'utf8');
    expectBaselinePassesTwoXBreaches(s);
    expect(res.code).toBe(99);
    expect(res.stdout).toMatch(/http_req_duration\{stage:2x\}\s+p\(95\)<500\s+p\(95\)=\d+/);
    // Per-stage rows: summary.json, console, JUnit.
    const rows = s.golive.stages ?? [];
    expect(rows.map((r) => [r.name, r.targetRate, r.durationSeconds, r.thresholds])).toEqual([
      ['baseline', { from: 20, to: 20 }, 4, { passed: 2, failed: 0 }],
      ['ramp', { from: 20, to: 40 }, 2, { passed: 0, failed: 0 }],
      ['2x', { from: 40, to: 40 }, 4, { passed: 1, failed: 1 }],
    ]);
    expect(rows[0]?.requests).toBe(80);
    expect(rows[2]?.scheduled).toBe(160);
    expect(rows[2]?.achievedRate).toBeGreaterThan(35);
    expect(rows[2]?.p95).toBeGreaterThan(500);
    expect(rows[0]?.p95).toBeLessThan(500);
    expect(res.stdout).toMatch(/Stages\n\s+✓\s+baseline\s+asked 20\.0\/s\s+achieved 20\.0\/s\s+sent 80 of 80\s/);
    expect(res.stdout).toMatch(/✗\s+2x\s+asked 40\.0\/s/);
    // Every stage says what it dropped, by cause.
    expect(res.stdout).toMatch(/✓\s+ramp\s+asked 20\.0->40\.0\/s\s+achieved [\d.]+\/s\s+sent \d+ of 60\s.*dropped: max-in-flight full \d+\s+dropped: golive late \d+/);
    await expect(junit()).resolves.toMatch(/<testsuite name="golive\.stage\.ramp"[^>]*>\n    <properties>\n      <property name="asked_rate_from" value="20"\/>\n      <property name="asked_rate_to" value="40"\/>/);
    const xml = await junit();
    expect(xml).toMatch(/<testsuite name="golive\.stage\.2x"[^>]* tests="2" failures="1"/);
    expect(xml).toMatch(/<testsuite name="golive\.stage\.baseline"[^>]* tests="2" failures="0"/);
  }, 60_000);
});

describe('per-stage rows (pure)', () => {
  it('target and achieved rate, latency, failures and thresholds per stage, from stage-tagged series', async () => {
    const { MetricStore } = await import('../src/core/metrics.js');
    const { stageRows } = await import('../src/engine/stages.js');
    const store = new MetricStore();
    const add = (stage: string, n: number, ms: number, status = 200) => {
      const tags = { phase: 'load', stage, status: String(status), expected_response: String(status < 400) };
      for (let i = 0; i < n; i++) {
        store.add('http_reqs', 1, tags);
        store.add('http_req_duration', ms, tags);
        store.add('http_req_failed', status < 400 ? 0 : 1, tags);
      }
    };
    add('baseline', 100, 20);
    add('2x', 190, 700);
    add('2x', 10, 50, 503);
    store.add('dropped_iterations', 7, { phase: 'load', stage: '2x' });
    const w = profileWorkload({ name: '2x-baseline', baselineRps: 10, warmupSeconds: 10, rampSeconds: 5, holdSeconds: 10, maxInFlight: 100 }, 10);
    const rows = stageRows(store, w, [
      { metric: 'http_req_duration{stage:2x}', expression: 'p(95)<500', ok: false, message: '' },
      { metric: 'http_req_failed{stage:2x}', expression: 'rate<0.01', ok: false, message: '' },
      { metric: 'http_req_duration{stage:baseline}', expression: 'p(95)<500', ok: true, message: '' },
    ], '2026-01-01T12:00:00.000Z');
    expect(rows.map((r) => [r.name, r.startedAt, r.scheduled, r.requests, r.achievedRate, r.dropped, r.thresholds])).toEqual([
      ['baseline', '2026-01-01T12:00:00.000Z', 100, 100, 10, 0, { passed: 1, failed: 0 }],
      ['ramp', '2026-01-01T12:00:10.000Z', 75, 0, 0, 0, { passed: 0, failed: 0 }],
      ['2x', '2026-01-01T12:00:15.000Z', 200, 200, 20, 7, { passed: 0, failed: 2 }],
    ]);
    expect(rows[2]?.failedRate).toBeCloseTo(0.05);
    expect(rows[2]?.p95).toBeCloseTo(700, -1);
    expect(rows[1]?.p95).toBeUndefined();
    expect(stageRows(store, { model: 'open', rate: 5, durationSeconds: 2, maxInFlight: 5 }, [])).toEqual([]);
  });
});
