/**
 * The `--engine k6` adapter against a stand-in `k6` (test/doubles/k6/fake-k6.ts),
 * for what a real k6 cannot be made to do on demand: report its argv and
 * environment (the token never in argv, K6_* and GOLIVE_* not inherited),
 * exit with a chosen code (108, a crash), hand back a summary shaped by hand
 * (k6's NaN-as-null, a no-samples sub-metric), split a token across two
 * writes. The real k6 runs the adapter end to end in engine-parity.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planSchema } from '../src/contract/plan.js';
import type { PlanInput } from '../src/contract/plan.js';
import { describeError, exitCodeFor, GoliveError } from '../src/core/errors.js';
import { classifyK6Exit, findK6, K6_SUMMARY_FILE, runK6Engine } from '../src/engine/k6/index.js';
import { lastLogMessage } from '../src/engine/k6/exit-codes.js';
import { K6_SYSTEM_TAGS } from '../src/engine/k6/run.js';
import { installFakeK6 } from './doubles/k6/fake-k6.js';
import { rootCertificates } from 'node:tls';
import { trustedCaBundle } from '../src/net/tls.js';
import { waitFor } from './support/wait.js';
import { checkSample, httpSample, k6JsonLines } from './support/k6-stream.js';
import type { StreamSample } from './support/k6-stream.js';

const TOKEN = 'tok-k6-engine-5d1e';
const fakeDir = installFakeK6();
const work = mkdtempSync(join(tmpdir(), 'golive-k6-engine-'));
let n = 0;

afterAll(() => {
  rmSync(fakeDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const plan = (input: Partial<PlanInput> = {}) => planSchema.parse({ target: 'http://127.0.0.1:18081', token: TOKEN, engine: 'k6', ...input });

const check = (group: string, name: string, passes: number, fails: number) => ({ name, path: `::setup::${group}::${name}`, id: `${group}-${name}`, passes, fails });
const trend = (v: Record<string, number>) => ({ type: 'trend', contains: 'time', values: v });

/** What k6 v1's handleSummary gets for a run whose load p95 is 612 ms (k6 exits 99). */
function cannedSummary(opts: { healthOk?: boolean; load?: boolean } = {}) {
  const healthOk = opts.healthOk ?? true;
  const load = opts.load ?? true;
  const metrics: Record<string, unknown> = {
    http_reqs: { type: 'counter', contains: 'default', values: { count: load ? 1004 : 4, rate: 120.5 } },
    http_req_duration: trend({ avg: 300, min: 3, med: 310, max: 700, 'p(90)': 590, 'p(95)': 612, 'p(99)': 690, count: load ? 1004 : 4 }),
    http_req_failed: { type: 'rate', contains: 'default', values: { rate: 0, passes: 0, fails: load ? 1004 : 4 } },
    checks: { type: 'rate', contains: 'default', values: { rate: healthOk ? 1 : 0.5, passes: healthOk ? 6 : 3, fails: healthOk ? 0 : 3 } },
    'http_req_duration{phase:health}': { ...trend({ avg: 20, min: 10, med: 20, max: 40, 'p(90)': 38, 'p(95)': 39, 'p(99)': 40, count: 2 }), thresholds: { 'max<500': { ok: true } } },
    'checks{phase:health}': { type: 'rate', contains: 'default', values: { rate: healthOk ? 1 : 0, passes: healthOk ? 3 : 0, fails: healthOk ? 0 : 3 }, thresholds: { 'rate==1': { ok: healthOk } } },
    'checks{phase:market-data}': { type: 'rate', contains: 'default', values: { rate: 1, passes: 3, fails: 0 }, thresholds: { 'rate==1': { ok: true } } },
    // k6 serialises NaN as null and passes a threshold whose sub-metric saw no samples:
    'http_req_duration{phase:load,name:/missing}': { ...trend({ avg: null as unknown as number, min: 0, med: 0, max: 0, 'p(90)': 0, 'p(95)': 0, 'p(99)': 0, count: 0 }), thresholds: { 'p(95)<300': { ok: true } } },
  };
  if (load) {
    metrics['http_req_duration{phase:load}'] = { ...trend({ avg: 305, min: 3, med: 312, max: 700, 'p(90)': 592, 'p(95)': 612, 'p(99)': 690, count: 1000 }), thresholds: { 'p(95)<500': { ok: false } } };
    metrics['http_req_failed{phase:load}'] = { type: 'rate', contains: 'default', values: { rate: 0, passes: 0, fails: 1000 }, thresholds: { 'rate<0.01': { ok: true } } };
    metrics['http_reqs{phase:load}'] = { type: 'counter', contains: 'default', values: { count: 1000, rate: 120 }, thresholds: { 'count>=1000': { ok: true } } };
  }
  const healthChecks = healthOk
    ? [check('health', 'GET /health status is 200', 1, 0), check('health', 'GET /health body is healthy', 1, 0), check('health', 'GET /health response time < 500ms', 1, 0)]
    : [check('health', 'GET /health status is 200', 0, 1), check('health', 'GET /health body is healthy', 0, 1), check('health', 'GET /health response time < 500ms', 0, 1)];
  return {
    root_group: {
      name: '', path: '', id: 'root', checks: [],
      groups: [{ name: 'setup', path: '::setup', id: 'setup', checks: [], groups: [
        { name: 'health', path: '::setup::health', id: 'h', groups: [], checks: healthChecks },
        { name: 'market-data', path: '::setup::market-data', id: 'm', groups: [], checks: [
          check('market-data', 'status is 200', 1, 0), check('market-data', 'body matches schema', 1, 0), check('market-data', 'unauthenticated call refused', 1, 0)] },
      ] }],
    },
    options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'], summaryTimeUnit: '', noColor: true },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: 8400 },
    metrics,
    setup_data: {
      health: healthOk
        ? { ok: true, failed: 0, reasons: {}, durationMs: 45, unavailable: [] }
        : { ok: false, failed: 3, reasons: { 'GET /health status is 200': ['got status 503'] }, durationMs: 30, unavailable: ['GET /health returned 503'] },
      marketData: { ok: true, failed: 0, reasons: {}, durationMs: 80 },
    },
  };
}

/** The samples behind cannedSummary(): 1000 load requests with p(95) 612 ms, health and market-data. */
function cannedStream(opts: { healthOk?: boolean; load?: boolean; loadStatus?: number } = {}): string {
  const t0 = Date.UTC(2026, 0, 1);
  const samples: StreamSample[] = [
    ...httpSample('health', 20, t0, { path: '/health' }), ...httpSample('health', 40, t0 + 5, { path: '/api/v1/data/health' }),
    ...httpSample('market-data', 30, t0 + 10, { path: '/api/v1/data/market', method: 'POST' }),
    ...httpSample('market-data', 5, t0 + 12, { path: '/api/v1/data/market', method: 'POST', status: 401 }).map((x) => ({ ...x, tags: { ...x.tags, expected_response: 'true' } })),
  ];
  for (const name of ['GET /health status is 200', 'GET /health body is healthy', 'GET /health response time < 500ms']) samples.push(checkSample('health', name, opts.healthOk ?? true, t0 + 20));
  for (const name of ['status is 200', 'body matches schema', 'unauthenticated call refused']) samples.push(checkSample('market-data', name, true, t0 + 20));
  if (opts.load ?? true) {
    for (let i = 0; i < 1000; i++) samples.push(...httpSample('load', i < 940 ? 300 : 612, t0 + 100 + i * 8, { status: opts.loadStatus ?? 200 }));
  }
  return k6JsonLines(samples);
}

interface Recorded { argv: string[]; env: Record<string, string>; scriptHasK6Imports: boolean; signal?: string; waiting?: boolean }

function setup(fake: Record<string, string>, summary: unknown = cannedSummary(), stream = cannedStream()) {
  const id = ++n;
  const record = join(work, `record-${id}.json`);
  const summaryFile = join(work, `canned-${id}.json`);
  writeFileSync(summaryFile, JSON.stringify(summary));
  const streamFile = join(work, `stream-${id}.jsonl`);
  writeFileSync(streamFile, stream);
  const outDir = join(work, `out-${id}`);
  const env: NodeJS.ProcessEnv = {
    PATH: `${fakeDir}${delimiter}${process.env['PATH'] ?? ''}`,
    HOME: work,
    FAKE_K6_RECORD: record,
    FAKE_K6_SUMMARY: summaryFile,
    FAKE_K6_STREAM: streamFile,
    // inherited variables the adapter must not pass on
    GOLIVE_PROMETHEUS_PASSWORD: 'do-not-leak',
    K6_VUS: '1',
    ...fake,
  };
  const read = () => JSON.parse(readFileSync(record, 'utf8')) as Recorded;
  return { env, outDir, record, read };
}

const base = { runId: 'run-1', version: '0.0.0-test', tty: { stdout: false, stderr: false } };

describe('findK6', () => {
  it('finds k6 on PATH, or the file K6_BINARY names, and nothing else', () => {
    expect(findK6({ PATH: `${work}${delimiter}${fakeDir}` })).toBe(join(fakeDir, 'k6'));
    expect(findK6({ PATH: work })).toBeUndefined();
    expect(findK6({ PATH: fakeDir, K6_BINARY: join(work, 'nope') })).toBeUndefined();
    expect(findK6({ PATH: '', K6_BINARY: join(fakeDir, 'k6') })).toBe(join(fakeDir, 'k6'));
  });
});

describe('runK6Engine', () => {
  it('without k6: one line, exit 107, and nothing started', async () => {
    const err = await runK6Engine({ ...base, plan: plan(), signal: new AbortController().signal, outDir: join(work, 'nf'), env: { PATH: work } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GoliveError);
    expect((err as GoliveError).code).toBe('GOLIVE_K6_NOT_FOUND');
    expect(describeError(err)).toBe('golive: k6 not found on PATH: install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/) or use --engine node');
    expect(exitCodeFor(err)).toBe(107);
    const bad = await runK6Engine({ ...base, plan: plan(), signal: new AbortController().signal, outDir: join(work, 'nf'), env: { PATH: fakeDir, K6_BINARY: '/nonexistent/k6' } }).catch((e: unknown) => e);
    expect(describeError(bad)).toMatch(/^golive: K6_BINARY=\/nonexistent\/k6 is not an executable file: install k6/);
  });

  it('k6 exit 99: RunResult from the sample stream, thresholds judged by golive (a no-samples sub-metric fails), k6 disagreeing named', async () => {
    const t = setup({ FAKE_K6_EXIT: '99' });
    const p = plan({ thresholds: { 'http_req_duration{phase:load,name:/missing}': ['p(95)<300'] } });
    const { result, outcome } = await runK6Engine({ ...base, plan: p, signal: new AbortController().signal, outDir: t.outDir, env: t.env });
    expect(outcome).toMatchObject({ kind: 'finished', k6ExitCode: 99 });
    expect(existsSync(join(t.outDir, K6_SUMMARY_FILE))).toBe(true);

    const g = result.golive;
    expect(g).toMatchObject({ engine: 'k6', verdict: 'failed', exitCode: 99, target: p.target, testid: 'run-1' });
    expect(g.phases.map((ph) => [ph.name, ph.status])).toEqual([['health', 'passed'], ['market-data', 'passed'], ['load', 'passed']]);
    expect(g.phases[2]?.durationMs).toBe(8400 - 45 - 80);
    const byKey = Object.fromEntries(g.thresholds.map((th) => [`${th.metric} ${th.expression}`, th]));
    expect(byKey['http_req_duration{phase:load} p(95)<500']).toMatchObject({ ok: false, actual: 612, phase: 'load' });
    expect(byKey['http_req_duration{phase:load} p(95)<500']?.message).toBe('p(95)=612.00ms, wanted <500');
    expect(byKey['http_req_duration{phase:load,name:/missing} p(95)<300']).toMatchObject({ ok: false, message: 'no samples for http_req_duration{phase:load,name:/missing}' });
    expect(byKey['http_req_failed{phase:load} rate<0.01']?.ok).toBe(true);
    expect(byKey['http_reqs{phase:load} count>=1000']?.ok).toBe(true);
    expect(byKey['http_req_duration{phase:health} max<500']?.ok).toBe(true);
    expect(byKey['checks{phase:market-data} rate==1']?.ok).toBe(true);
    // our verdicts replace k6's in the metrics map (k6 said ok for the empty one)
    expect(result.metrics['http_req_duration{phase:load,name:/missing}']?.thresholds).toEqual({ 'p(95)<300': { ok: false } });
    expect(result.metrics['http_req_duration{phase:load,name:/missing}']?.values['avg']).toBeUndefined();
    expect(result.metrics['http_reqs']?.values['count']).toBe(1004);
    expect(result.metrics['http_reqs']?.values['rate']).toBeCloseTo(1004 / (g.durationMs / 1000), 6);
    // k6 passed the threshold without samples; golive failed it, and says they disagree
    expect(g.notes).toContain('k6 and golive disagree on http_req_duration{phase:load,name:/missing} p(95)<300: k6 passed it, golive failed it (no samples: k6 passes such a threshold, golive does not)');
    expect(g.notes).toContain('k6 v1.1.0');
    expect(g.notes?.filter((x) => x.startsWith('k6 and golive disagree'))).toHaveLength(1);
    // the time series of the report, on k6's clock
    expect(g.timeline?.series.find((x) => x.phase === 'load')?.reqs.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(g.checks).toContainEqual({ phase: 'health', name: 'GET /health status is 200', passes: 1, fails: 0, reasons: [] });
    expect(g.checks).toContainEqual({ phase: 'market-data', name: 'unauthenticated call refused', passes: 1, fails: 0, reasons: [] });
    expect(g.rollback).toEqual({ triggered: false, reasons: [] });
    // the same engine-neutral shape as a node run: one group per phase that ran, holding its checks
    expect(result.root_group.groups.map((gr) => gr.name)).toEqual(g.phases.map((ph) => ph.name));
    expect(result.root_group.groups.find((gr) => gr.name === 'market-data')?.checks.map((c) => c.name)).toContain('unauthenticated call refused');
    expect(result.state.testRunDurationMs).toBe(g.durationMs);
  });

  it('starts `k6 run` with the bundled script and the plan in the environment, the token never in argv', async () => {
    const t = setup({ FAKE_K6_EXIT: '0' });
    const p = plan({ load: { workload: { model: 'closed', requests: 40, concurrency: 4 } } });
    await runK6Engine({ ...base, plan: p, signal: new AbortController().signal, outDir: t.outDir, env: t.env });
    const rec = t.read();
    expect(rec.argv.slice(0, 9)).toEqual(['run', '--quiet', '--no-color', '--address', '', '--out', 'json=-', '--system-tags', K6_SYSTEM_TAGS]);
    expect(rec.argv[9]).toMatch(/golive\.js$/);
    expect(rec.env['GOLIVE_SAMPLE_STREAM']).toBe('1');
    expect(rec.scriptHasK6Imports).toBe(true);
    expect(rec.argv.join(' ')).not.toContain(TOKEN);
    expect(rec.env['GOLIVE_TOKEN']).toBe(TOKEN);
    expect(rec.env['GOLIVE_TARGET']).toBe(p.target);
    expect(rec.env['GOLIVE_SUMMARY']).toBe(join(t.outDir, K6_SUMMARY_FILE));
    expect(JSON.parse(rec.env['GOLIVE_PLAN'] ?? '{}')).toMatchObject({ phases: ['health', 'market-data', 'load'], load: { workload: { requests: 40, concurrency: 4 } } });
    expect(rec.env['GOLIVE_PLAN']).not.toContain(TOKEN);
    expect(rec.env['GOLIVE_PROMETHEUS_PASSWORD']).toBeUndefined();
    expect(rec.env['K6_VUS']).toBeUndefined();
    expect(rec.env['K6_NO_USAGE_REPORT']).toBe('true');
  });

  it('with --ca-file, k6 gets the default roots plus that CA as SSL_CERT_FILE (Go replaces its roots with it)', async () => {
    const t = setup({});
    const caFile = join(work, 'extra-ca.pem');
    const pem = '-----BEGIN CERTIFICATE-----\nTUlJQ2V4dHJh\n-----END CERTIFICATE-----';
    writeFileSync(caFile, `${pem}\n`);
    await runK6Engine({ ...base, plan: plan({ caFile }), signal: new AbortController().signal, outDir: t.outDir, env: t.env });
    const certFile = t.read().env['SSL_CERT_FILE'];
    expect(certFile).toMatch(/ca-bundle\.pem$/);
    expect(certFile).not.toBe(caFile);
    const bundle = trustedCaBundle(pem);
    expect(bundle).toContain(pem);
    expect(bundle.match(/BEGIN CERTIFICATE/g)?.length).toBe(rootCertificates.length + 1);
  });

  it('a parallel runner passes its k6 execution segment', async () => {
    const t = setup({ FAKE_K6_EXIT: '0' });
    await runK6Engine({ ...base, plan: plan(), segment: { index: 1, count: 3 }, signal: new AbortController().signal, outDir: t.outDir, env: t.env });
    const rec = t.read();
    expect(rec.env['GOLIVE_SEGMENT']).toBe('1/3:2/3');
    expect(rec.env['GOLIVE_SEGMENT_SEQUENCE']).toBe('0,1/3,2/3,1');
  });

  it('health failed and load skipped by the script (k6 exit 108): a verdict, not an engine error', async () => {
    const t = setup({ FAKE_K6_EXIT: '108' }, cannedSummary({ healthOk: false, load: false }));
    const { result } = await runK6Engine({ ...base, plan: plan(), signal: new AbortController().signal, outDir: t.outDir, env: t.env });
    const g = result.golive;
    expect(g).toMatchObject({ verdict: 'failed', exitCode: 99 });
    expect(g.phases.map((ph) => [ph.name, ph.status, ph.reason])).toEqual([
      ['health', 'failed', '3 health check(s) failed'], ['market-data', 'passed', undefined], ['load', 'skipped', 'skipped because health failed']]);
    expect(g.thresholds.some((th) => th.phase === 'load')).toBe(false);
    expect(g.checks.find((c) => c.name === 'GET /health status is 200')?.reasons).toEqual(['got status 503']);
    expect(g.checks.find((c) => c.name === 'GET /health body is healthy')?.reasons).toEqual(['failed (k6 recorded no reason)']);
    expect(g.rollback).toEqual({ triggered: true, reasons: ['service unavailable: GET /health returned 503'] });
  });

  it('a script error (k6 exit 107) is an engine error with k6\'s message, the token redacted', async () => {
    const t = setup({ FAKE_K6_EXIT: '107', FAKE_K6_STDERR: `TypeError: bad header Bearer ${TOKEN} at golive.js:12` }, {});
    const err = await runK6Engine({ ...base, plan: plan(), signal: new AbortController().signal, outDir: t.outDir, env: t.env }).catch((e: unknown) => e);
    expect((err as GoliveError).code).toBe('GOLIVE_ENGINE_ERROR');
    expect(describeError(err)).toBe('golive: the k6 script threw an exception (exit 107): TypeError: bad header Bearer *** at golive.js:12');
    expect(exitCodeFor(err)).toBe(107);
  });

  it('k6\'s log lines reach k6.log with the token masked, even when it arrives in pieces; stderr only counts them', async () => {
    const t = setup({ FAKE_K6_EXIT: '107', FAKE_K6_STDERR: `bad header Bearer ${TOKEN}`, FAKE_K6_STDERR_SPLIT: '1' }, {});
    let forwarded = '';
    const stderr = new Writable({ write(chunk: Buffer, _enc, done) { forwarded += chunk.toString('utf8'); done(); } });
    await runK6Engine({ ...base, plan: plan(), signal: new AbortController().signal, outDir: t.outDir, env: t.env, stderr }).catch(() => undefined);
    const log = readFileSync(join(t.outDir, 'k6.log'), 'utf8');
    expect(log).toContain('msg="bad header Bearer ***"\n');
    expect(log + forwarded).not.toContain(TOKEN.slice(0, 5));
    // k6 broke (exit 107): golive's error line quotes k6's last error, the digest only counts
    expect(forwarded).toBe(`k6: 1 error (1 not shown) in its log: ${join(t.outDir, 'k6.log')}\n`);
  });

  it('an interrupt is forwarded as SIGINT; k6\'s partial summary gives an aborted result', async () => {
    const t = setup({ FAKE_K6_WAIT: '1' });
    const ac = new AbortController();
    const running = runK6Engine({ ...base, plan: plan(), signal: ac.signal, outDir: t.outDir, env: t.env });
    await waitFor('the fake k6 to start', async () => existsSync(t.record) || undefined, 20_000, 20);
    ac.abort('SIGINT');
    const { result, outcome } = await running;
    expect(t.read().signal).toBe('SIGINT');
    expect(outcome).toMatchObject({ kind: 'aborted', k6ExitCode: 105 });
    expect(result.golive).toMatchObject({ verdict: 'aborted', exitCode: 105, error: 'aborted: interrupted' });
    expect(result.golive.phases.find((ph) => ph.name === 'load')).toMatchObject({ status: 'aborted', reason: 'aborted after 1000 requests' });
  });
});

describe('k6 engine: an interrupt is no evidence against the target', () => {
  it('requests k6 cut short (all failed) raise no "every load request failed" rollback trigger', async () => {
    const summary = cannedSummary();
    const failed = summary.metrics['http_req_failed{phase:load}'] as { values: Record<string, number> };
    failed.values = { rate: 1, passes: 1000, fails: 0 };
    const t = setup({ FAKE_K6_WAIT: '1' }, summary, cannedStream({ loadStatus: 0 }));
    const ac = new AbortController();
    const running = runK6Engine({ ...base, plan: plan(), signal: ac.signal, outDir: t.outDir, env: t.env });
    await waitFor('the fake k6 to start', async () => existsSync(t.record) || undefined, 20_000, 20);
    ac.abort('SIGTERM');
    const { result } = await running;
    expect(result.golive.verdict).toBe('aborted');
    expect(result.golive.rollback).toEqual({ triggered: false, reasons: [] });
  });
});

describe('k6 engine: a broken sample stream is the engine\'s fault', () => {
  const run = async (stream: string) => {
    const t = setup({ FAKE_K6_EXIT: '0' }, cannedSummary(), stream);
    return runK6Engine({ ...base, plan: plan(), signal: new AbortController().signal, outDir: t.outDir, env: t.env });
  };
  it('k6 crashing mid-line (the stream cut inside a line): 107 naming the stream, never a failed gate', async () => {
    const whole = cannedStream({ loadStatus: 500 });
    const { result } = await run(whole.slice(0, whole.length - 40));
    expect(result.golive).toMatchObject({ verdict: 'error', exitCode: 107 });
    expect(result.golive.error).toMatch(/^k6's sample stream \(--out json\) is unusable, the stream ended inside line \d+ \(k6 stopped mid-write\): golive cannot judge the run \(engine fault, not the target's\)$/);
  });
  it('a line that is not k6 JSON, or one without end: 107; the rest of the stream is still read', async () => {
    const junk = await run(`${cannedStream()}this is not json\n`);
    expect(junk.result.golive).toMatchObject({ verdict: 'error', exitCode: 107 });
    expect(junk.result.golive.error).toMatch(/line \d+ is not a k6 JSON sample/);
    const endless = await run(`${cannedStream()}{"metric":"http_req_duration","type":"Point","data":{"tags":"${'x'.repeat(200_000)}`);
    expect(endless.result.golive.exitCode).toBe(107);
    expect(endless.result.golive.error).toMatch(/the stream ended inside line/);
    expect(endless.result.metrics['http_reqs{phase:load}']?.values['count']).toBe(1000);
  });
});

describe('k6 engine: the k6 version', () => {
  it('an unverified version is refused with 104 naming it and the supported range, before anything runs; --k6-unverified runs it', async () => {
    const t = setup({ FAKE_K6_VERSION: 'k6 v2.0.0 (commit/abc, go1.25.0, linux/amd64)' });
    const err = await runK6Engine({ ...base, plan: plan(), signal: new AbortController().signal, outDir: t.outDir, env: t.env }).catch((e: unknown) => e);
    expect(exitCodeFor(err)).toBe(104);
    expect(describeError(err)).toMatch(/^golive: --engine k6: k6 v2\.0\.0 \(.*\/k6\) is not a version golive has verified \(supported: v0\.57\.0 to v1\.1\.x\); install one of those, or pass --k6-unverified to run it anyway$/);
    expect(existsSync(t.record)).toBe(false);
    const ok = await runK6Engine({ ...base, plan: plan({ k6Unverified: true }), signal: new AbortController().signal, outDir: t.outDir, env: t.env });
    expect(ok.result.golive.notes).toContain('k6 v2.0.0');
  });
  it('a binary that prints no k6 version is an engine error (107)', async () => {
    const t = setup({ FAKE_K6_VERSION: 'hello' });
    const err = await runK6Engine({ ...base, plan: plan(), signal: new AbortController().signal, outDir: t.outDir, env: t.env }).catch((e: unknown) => e);
    expect(exitCodeFor(err)).toBe(107);
    expect(describeError(err)).toMatch(/printed no k6 version/);
  });
});

describe('k6 exit codes', () => {
  it('maps k6 codes to finished, aborted or error', () => {
    const ctx = { interrupted: false, loadSkipped: false };
    expect(classifyK6Exit(0, null, ctx).kind).toBe('finished');
    expect(classifyK6Exit(99, null, ctx).kind).toBe('finished');
    expect(classifyK6Exit(110, null, ctx).kind).toBe('finished');
    expect(classifyK6Exit(105, null, ctx).kind).toBe('aborted');
    expect(classifyK6Exit(108, null, ctx)).toEqual({ kind: 'error', reason: 'the k6 script aborted the test (exit 108)' });
    expect(classifyK6Exit(108, null, { ...ctx, loadSkipped: true }).kind).toBe('finished');
    expect(classifyK6Exit(104, null, ctx)).toEqual({ kind: 'error', reason: 'k6 rejected the script options (exit 104)' });
    expect(classifyK6Exit(100, null, ctx).kind).toBe('error');
    expect(classifyK6Exit(null, 'SIGKILL', ctx)).toEqual({ kind: 'error', reason: 'k6 was killed by SIGKILL' });
    expect(classifyK6Exit(1, null, { ...ctx, interrupted: true }).kind).toBe('aborted');
  });

  it('takes the msg of k6\'s last log line', () => {
    expect(lastLogMessage(['x', 'time="t" level=error msg="GoError: \\"boom\\"" source=console', ''])).toBe('GoError: "boom"');
    expect(lastLogMessage(['plain line'])).toBe('plain line');
    expect(lastLogMessage([])).toBeUndefined();
  });
});
