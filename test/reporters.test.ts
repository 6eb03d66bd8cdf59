import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MetricStore } from '../src/core/metrics.js';
import type { RunResult } from '../src/core/result.js';
import { renderConsole } from '../src/reporters/console.js';
import { renderHtml } from '../src/reporters/html.js';
import { renderJson } from '../src/reporters/json.js';
import { renderJunit } from '../src/reporters/junit.js';
import { createProgress } from '../src/reporters/progress.js';
import { writeReports } from '../src/reporters/write.js';
import { abortedRun, failedRun, FIXTURE_SECRETS, passedRun, recordRealRuns } from './fixtures/run-result.js';

// Every fixture is a real run of the built CLI against the reference API (see fixtures/run-result.ts).
beforeAll(recordRealRuns, 120_000);

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const noSecrets = (text: string) => expect(FIXTURE_SECRETS.filter((x) => text.includes(x))).toEqual([]);
const DURATION = String.raw`(?:\d+ms|\d+\.\d+s|\d+m\d\ds)`;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;]*[A-Za-z]/g;
const plain = (s: string): string => s.replace(ANSI, '');

function threshold(r: RunResult, metric: string, expr: string) {
  const t = r.golive.thresholds.find((x) => x.metric === metric && x.expression === expr);
  if (!t) throw new Error(`fixture lacks ${metric} ${expr}`);
  return t;
}

describe('console', () => {
  it('prints a passed run with its phases, thresholds and load figures', () => {
    const r = passedRun();
    const out = renderConsole(r, { color: false, width: 140 });
    expect(out).not.toMatch(ANSI);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^golive PASSED {2}target http://127\\.0\\.0\\.1:\\d+ {2}engine node {2}duration ${DURATION}`));
    expect(lines.at(-1)).toBe('verdict: passed (exit 0)');
    expect(out).toMatch(new RegExp(`✓\\s+load\\s+passed\\s+${DURATION}`));
    const p95 = threshold(r, 'http_req_duration{phase:load}', 'p(95)<500').actual ?? NaN;
    expect(out).toMatch(/✓\s+http_req_duration\{phase:load\}\s+p\(95\)<500\s+p\(95\)=\d+\.\d\dms/);
    expect(out).toContain(`p(95)=${p95.toFixed(2)}ms`);
    expect(out).toMatch(/http_reqs\s+1000\s+\d+\.\d\/s/);
    // The summary's trend stats (TREND_STATS), in k6's order.
    expect(out).toMatch(/http_req_duration\s+avg=[\d.]+ms\s+min=[\d.]+ms\s+med=[\d.]+ms\s+max=[\d.]+ms\s+p\(90\)=[\d.]+ms\s+p\(95\)=[\d.]+ms\s+p\(99\)=[\d.]+ms/);
    expect(out).toMatch(/http_req_failed\s+0\.00%\s+\(0 of 1000\)/);
    expect(out).not.toContain('ROLLBACK');
  });

  it('puts the rollback trigger, failures, their reasons and delivery failures up front', () => {
    const r = failedRun();
    const out = plain(renderConsole(r, { color: true, width: 300 }));
    expect(out.split('\n')[0]).toMatch(/^golive FAILED {2}target http:\/\/127\.0\.0\.1:\d+ /);
    // (two busy cores can slow the functional calls past 550 ms too: those reasons may come first)
    expect(out).toMatch(/^ROLLBACK TRIGGER: (?:p\(95\)=\d+\.\d\dms > 550ms in phase (?:health|market-data); )*p\(95\)=\d+\.\d\dms > 550ms in phase load/m);
    expect(out).toMatch(/✗\s+market-data\s+body matches schema\s+0 passed, 1 failed\s+bars\[0\]\.open: expected number, got string/);
    expect(out).toMatch(/✗\s+http_req_failed\{phase:load\}\s+rate<0\.01\s+rate=0\.03, wanted <0\.01/);
    expect(out).toMatch(/✗\s+pushgateway\s+after 3 attempts\s+pushgateway push to http:\/\/127\.0\.0\.1:\d+\/metrics\/job\/golive\/environment\/staging failed after 3 attempts: ECONNREFUSED/);
    noSecrets(out);
    expect(out.trimEnd().split('\n').at(-1)).toBe('verdict: failed (exit 99)');
  });

  it('colours only when asked and keeps every line within the width', () => {
    const r = failedRun();
    expect(renderConsole(r, { color: true })).toMatch(/\u001B\[31mverdict: failed \(exit 99\)\u001B\[0m/);
    for (const line of renderConsole(r, { color: false, width: 60 }).split('\n')) {
      expect([...line].length).toBeLessThanOrEqual(60);
    }
  });

  it('shows an aborted run with its aborted (and any skipped) phase and the reason', () => {
    const r = abortedRun();
    const out = renderConsole(r, { color: false, width: 300 });
    expect(out).toMatch(/^golive ABORTED/);
    expect(r.golive.error).toMatch(/deadline exceeded/);
    expect(out).toContain(`aborted: ${r.golive.error}`);
    const aborted = r.golive.phases.filter((p) => p.status === 'aborted');
    expect(aborted).toHaveLength(1);
    for (const p of aborted) expect(out).toMatch(new RegExp(`!\\s+${p.name}\\s+aborted\\s+${DURATION}\\s+${escapeRe(p.reason ?? '')}`));
    for (const p of r.golive.phases.filter((x) => x.status === 'skipped')) expect(out).toMatch(new RegExp(`-\\s+${p.name}\\s+skipped\\s+.*${escapeRe(p.reason ?? '')}`));
    expect(out.trimEnd().split('\n').at(-1)).toBe('verdict: aborted (exit 105)');
  });

  it('does not let terminal escapes from check names reach the terminal', () => {
    const r = failedRun();
    r.golive.checks[0]!.name = 'evil\u001B[2J\u001B]0;title\u0007name';
    const out = renderConsole(r, { color: false });
    expect(out).not.toContain('\u001B');
    expect(out).not.toContain('\u0007');
    expect(out).toContain('evil[2J]0;titlename');
  });

  it('reads p(99) from the encoded histograms when the summary lacks it', () => {
    const r = passedRun();
    const truth = MetricStore.fromJSON(r.golive.series ?? []).select('http_req_duration', { phase: 'load' })?.value('p(99)');
    for (const m of Object.values(r.metrics)) delete m.values['p(99)'];
    expect(truth).toBeGreaterThan(0);
    expect(renderConsole(r, { color: false })).toContain(`p(99)=${truth?.toFixed(2)}ms`);
  });
  it('reads the load figures from the series when the summary has no load sub-metrics', () => {
    const r = passedRun();
    for (const key of Object.keys(r.metrics)) if (key.includes('{')) delete r.metrics[key];
    // the run-wide counter also holds the health and market-data requests
    expect(r.metrics.http_reqs?.values.count).toBe(1004);
    const out = renderConsole(r, { color: false });
    expect(out).toMatch(/http_reqs\s+1000\s+\d+\.\d\/s/);
    expect(out).toMatch(/http_req_failed\s+0\.00%\s+\(0 of 1000\)/);
    const p95 = threshold(r, 'http_req_duration{phase:load}', 'p(95)<500').actual ?? NaN;
    expect(out).toContain(`p(95)=${p95.toFixed(2)}ms  p(99)=`);
  });
});

describe('json', () => {
  it('is the RunResult with series by default, without on request, credentials stripped', () => {
    const r = failedRun();
    const full = JSON.parse(renderJson(r)) as RunResult;
    expect(full.golive.verdict).toBe('failed');
    expect(full.metrics['http_req_duration{phase:load}']?.thresholds?.['p(95)<500']).toEqual({ ok: false });
    expect(full.golive.target).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    noSecrets(renderJson(r));
    // The series round-trip exactly: a merge of runners reads the same p95.
    const p95 = MetricStore.fromJSON(full.golive.series ?? []).select('http_req_duration', { phase: 'load' })?.value('p(95)');
    expect(p95).toBe(threshold(r, 'http_req_duration{phase:load}', 'p(95)<500').actual);
    const lean = JSON.parse(renderJson(r, { includeSeries: false })) as RunResult;
    expect(lean.golive.series).toBeUndefined();
    expect(lean.golive.thresholds).toEqual(full.golive.thresholds);
  });
});

// htmlEntities: decode numeric character references (&#10;) as any XML parser must.
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true, isArray: (name) => ['testsuite', 'testcase'].includes(name) });
interface XCase { classname: string; name: string; failure?: { message: string; '#text'?: string }; error?: { message: string }; skipped?: { message: string } }
interface XSuite { name: string; tests: string; failures: string; errors: string; skipped: string; time: string; testcase: XCase[] }
interface XDoc { testsuites: { tests: string; failures: string; errors: string; skipped: string; time: string; testsuite: XSuite[] } }

function parseJunit(text: string): XDoc['testsuites'] {
  expect(XMLValidator.validate(text)).toBe(true);
  const doc = (xml.parse(text) as XDoc).testsuites;
  // Every count attribute must agree with the elements actually present.
  const sum = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const s of doc.testsuite) {
    const c = s.testcase;
    const counts = { tests: c.length, failures: c.filter((x) => x.failure).length, errors: c.filter((x) => x.error).length, skipped: c.filter((x) => x.skipped).length };
    expect({ tests: +s.tests, failures: +s.failures, errors: +s.errors, skipped: +s.skipped }).toEqual(counts);
    for (const k of Object.keys(sum) as Array<keyof typeof sum>) sum[k] += counts[k];
  }
  // Jenkins' junit-10.xsd allows no skipped/timestamp on the root; the counts live on each suite.
  expect(Object.keys(doc).filter((k) => k !== 'testsuite').sort()).toEqual(['name', 'time']);
  return { ...doc, tests: String(sum.tests), failures: String(sum.failures), errors: String(sum.errors), skipped: String(sum.skipped) };
}

describe('junit', () => {
  it('has one suite per phase and one case per check and threshold', () => {
    const r = passedRun();
    const doc = parseJunit(renderJunit(r));
    expect(doc.testsuite.map((s) => s.name)).toEqual(['golive.health', 'golive.market-data', 'golive.load']);
    expect(+doc.tests).toBe(r.golive.checks.length + r.golive.thresholds.length);
    expect(+doc.failures).toBe(0);
    expect(doc.time).toBe((r.golive.durationMs / 1000).toFixed(3));
    const load = doc.testsuite.find((s) => s.name === 'golive.load');
    expect(load?.time).toBe(((r.golive.phases.find((p) => p.name === 'load')?.durationMs ?? NaN) / 1000).toFixed(3));
    expect(load?.testcase.map((c) => `${c.classname} | ${c.name}`)).toEqual([
      'golive.load.thresholds | http_req_duration{phase:load} p(95)<500',
      'golive.load.thresholds | http_req_failed{phase:load} rate<0.01',
      'golive.load.thresholds | http_reqs{phase:load} count>=1000',
    ]);
  });

  it('names the failing threshold with the measured value, and the check with its reason', () => {
    const r = failedRun();
    const doc = parseJunit(renderJunit(r));
    // one per failed check, one per failed threshold, one for the rollback trigger;
    // the bar rules the schema failure left unjudged are skipped ("not run"), not failures
    const notRun = r.golive.checks.filter((c) => c.fails > 0 && c.reasons.every((x) => x.startsWith('not run: ')));
    expect(notRun.map((c) => c.name)).toEqual(['bars inside date range', 'bars sorted by date', 'OHLC consistent', 'volume >= 0']);
    const failed = r.golive.checks.filter((c) => c.fails > 0).length - notRun.length + r.golive.thresholds.filter((t) => !t.ok).length + 1;
    expect(failed).toBe(5);
    expect(doc.testsuite.flatMap((s) => s.testcase).find((c) => c.name === 'OHLC consistent')?.skipped?.message)
      .toBe('not run: the bars do not match the schema');
    expect({ failures: +doc.failures, errors: +doc.errors }).toEqual({ failures: failed, errors: 0 });
    const cases = doc.testsuite.flatMap((s) => s.testcase);
    const p95 = cases.find((c) => c.name === 'http_req_duration{phase:load} p(95)<500');
    const actual = threshold(r, 'http_req_duration{phase:load}', 'p(95)<500').actual ?? NaN;
    expect(p95?.failure?.message).toBe(`p(95)=${actual.toFixed(2)}ms, wanted <500`);
    const schema = cases.find((c) => c.classname === 'golive.market-data.checks' && c.name === 'body matches schema');
    expect(schema?.failure?.message).toBe('1 of 1 failed: bars[0].open: expected number, got string');
    expect(schema?.failure?.['#text']).toContain('- bars[0].open: expected number, got string');
    expect(cases.find((c) => c.classname === 'golive.rollback')?.failure?.message).toMatch(/^ROLLBACK TRIGGER: (?:p\(95\)=\d+\.\d\dms > 550ms in phase (?:health|market-data); )*p\(95\)=\d+\.\d\dms > 550ms in phase load$/);
  });

  it('reports an aborted phase as an error (and a skipped one as skipped)', () => {
    const r = abortedRun();
    const doc = parseJunit(renderJunit(r));
    expect(+doc.errors).toBe(1);
    const aborted = r.golive.phases.find((p) => p.status === 'aborted')!;
    const suite = doc.testsuite.find((s) => s.name === `golive.${aborted.name}`);
    expect(suite?.testcase[0]?.error?.message).toBe(aborted.reason);
    for (const p of r.golive.phases.filter((x) => x.status === 'skipped')) {
      expect(doc.testsuite.find((s) => s.name === `golive.${p.name}`)?.testcase.some((c) => c.skipped?.message === p.reason)).toBe(true);
    }
  });

  it('escapes markup and drops control characters XML cannot carry', () => {
    const r = failedRun();
    const c = r.golive.checks.find((x) => x.fails > 0)!;
    c.name = 'a "quoted" <name> & \u0000bell\u0007\uFFFE';
    c.reasons = ['line1\nline2 ]]> <b>&amp;', '\uD800lone surrogate'];
    r.golive.phases[0]!.status = 'error';
    r.golive.phases[0]!.reason = 'engine said <boom> & "quit"';
    const text = renderJunit(r);
    const doc = parseJunit(text);
    const cases = doc.testsuite.flatMap((s) => s.testcase);
    const bad = cases.find((x) => x.classname === 'golive.market-data.checks' && x.failure);
    expect(bad?.name).toBe('a "quoted" <name> & bell');
    expect(bad?.failure?.message).toBe('1 of 1 failed: line1\nline2 ]]> <b>&amp;');
    expect(cases.find((x) => x.classname === 'golive.health')?.error?.message).toBe('engine said <boom> & "quit"');
    expect(text).not.toMatch(/[\u0000\u0007\uFFFE]/);
  });
});

describe('html', () => {
  it('is one self-contained file with banner, tables, rollback and the chart', () => {
    const html = renderHtml(failedRun());
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).toContain('<header class="banner failed"><h1>golive FAILED — exit 99</h1>');
    expect(html).toContain('ROLLBACK TRIGGER: p(95)=');
    expect(html).toMatch(/<svg [^>]*class="chart distribution"/);
    expect(html).toContain('<code>http_req_duration{phase:load}</code>');
    noSecrets(html);
    for (const svg of html.match(/<svg[\s\S]*?<\/svg>/g) ?? []) expect(XMLValidator.validate(svg)).toBe(true);
  });

  it('escapes every piece of text from the result', () => {
    const r = failedRun();
    r.golive.checks[0]!.name = '<script>alert(1)</script>';
    const failing = r.golive.checks.find((c) => c.fails > 0)!;
    failing.reasons = ['first', '"><img src=x onerror=alert(2)>'];
    r.golive.error = '</title><script>x</script>';
    r.golive.edge = {
      host: '<b>h</b>', ranIn: '<i>x</i>',
      checks: [{ name: 'hsts', status: 'failed', detail: 'malformed "<script>y</script>"' }],
      certificate: { chain: [{ role: 'leaf', subject: 'CN=<script>z</script>', issuer: 'CN=<img src=x>', notAfter: '2030-01-01T00:00:00.000Z', daysLeft: 1 }] },
    };
    const html = renderHtml(r);
    expect(html).toContain('CN=&lt;script&gt;z&lt;/script&gt;');
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('"&gt;&lt;img src=x onerror=alert(2)&gt;');
  });
});

describe('writeReports', () => {
  const dirs: string[] = [];
  const tmp = async () => { const d = await mkdtemp(join(tmpdir(), 'golive-reports-')); dirs.push(d); return d; };
  afterEach(async () => { await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true }))); });

  it('writes the three reports into a new directory and leaves no temp files', async () => {
    const out = join(await tmp(), 'nested', 'reports');
    const r = failedRun();
    const res = await writeReports(r, out);
    expect(res.errors).toEqual([]);
    expect(res.written.sort()).toEqual(['junit.xml', 'report.html', 'summary.json'].map((f) => join(out, f)));
    expect((await readdir(out)).sort()).toEqual(['junit.xml', 'report.html', 'summary.json']);
    expect(JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'))).toEqual(JSON.parse(renderJson(r)));
    expect(await readFile(join(out, 'junit.xml'), 'utf8')).toBe(renderJunit(r));
    expect(await readFile(join(out, 'report.html'), 'utf8')).toBe(renderHtml(r));
  });

  it('reports an unwritable directory as one line per file, without throwing', async () => {
    const file = join(await tmp(), 'not-a-dir');
    await writeFile(file, 'x');
    const res = await writeReports(passedRun(), join(file, 'reports'));
    expect(res.written).toEqual([]);
    expect(res.errors).toHaveLength(3);
    for (const e of res.errors) expect(e).toMatch(/^(summary\.json|junit\.xml|report\.html): cannot create directory .*not-a-dir exists and is not a directory$/);
  });

  it('writes each file independently and never leaves a half file', async () => {
    const out = await tmp();
    await mkdir(join(out, 'junit.xml', 'occupied'), { recursive: true });
    await writeFile(join(out, 'summary.json'), '{"old":true}');
    const r = passedRun();
    // A value JSON cannot serialise makes the summary fail to render mid-way.
    (r.golive.series![0] as unknown as Record<string, unknown>).sum = 1n;
    const res = await writeReports(r, out);
    expect(res.written).toEqual([join(out, 'report.html')]);
    expect(res.errors).toHaveLength(2);
    expect(res.errors[0]).toMatch(/^summary\.json: cannot render: .*BigInt/);
    expect(res.errors[1]).toMatch(/^junit\.xml: cannot write .*junit\.xml: E(ISDIR|NOTEMPTY|EXIST)/);
    expect(await readFile(join(out, 'summary.json'), 'utf8')).toBe('{"old":true}');
    expect((await readdir(out)).sort()).toEqual(['junit.xml', 'report.html', 'summary.json']);
  });
});

describe('progress', () => {
  const collect = (isTTY: boolean) => {
    const stream = Object.assign(new PassThrough(), { isTTY, columns: 60 });
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
    return { stream, chunks };
  };
  const drive = (p: ReturnType<typeof createProgress>, clock: { t: number }) => {
    p.handle({ type: 'phase-start', phase: 'load' });
    for (let done = 10; done <= 1000; done += 10) {
      clock.t += 10;
      p.handle({ type: 'progress', phase: 'load', done, total: 1000 });
    }
    p.handle({ type: 'phase-end', phase: 'load', status: 'passed' });
    p.done();
  };

  it('off a TTY: no \\r frames, only a plain line every interval while a phase runs (25.5)', async () => {
    const { stream, chunks } = collect(false);
    const clock = { t: 0 };
    const p = createProgress(stream, { now: () => clock.t }, { logIntervalMs: 20 });
    p.handle({ type: 'phase-start', phase: 'load' });
    clock.t = 12_000;
    p.handle({ type: 'progress', phase: 'load', done: 640, total: 1000, failed: 3, p95Ms: 41.25 });
    // The line comes from a real timer: wait for it, with a deadline.
    const deadline = Date.now() + 10_000;
    while (!chunks.join('').includes('\n') && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    p.handle({ type: 'phase-end', phase: 'load', status: 'passed' });
    const before = chunks.join('');
    p.done();
    await new Promise<void>((resolve) => stream.end(resolve));
    expect(before.split('\n')[0]).toBe('golive: load 12.0s: 640 of 1000 requests, 3 failed, p95 41.3ms');
    expect(chunks.join('')).not.toContain('\r');
  });

  it('--quiet: nothing at all, on a TTY or off it', async () => {
    for (const tty of [false, true]) {
      const { stream, chunks } = collect(tty);
      const clock = { t: 0 };
      drive(createProgress(stream, { now: () => clock.t }, { quiet: true, logIntervalMs: 1 }), clock);
      await new Promise<void>((resolve) => stream.end(resolve));
      expect(chunks.join('')).toBe('');
    }
  });

  it('draws throttled \\r frames on a TTY and ends the phase on its own line', async () => {
    const { stream, chunks } = collect(true);
    const clock = { t: 0 };
    drive(createProgress(stream, { now: () => clock.t }), clock);
    await new Promise<void>((resolve) => stream.end(resolve));
    const text = chunks.join('');
    const frames = text.split('\r').filter((f) => f.startsWith('load ['));
    // 1000 ms of events 10 ms apart: one frame per 100 ms, plus the first.
    expect(frames.length).toBeGreaterThanOrEqual(10);
    expect(frames.length).toBeLessThanOrEqual(12);
    expect(frames.at(-1)).toMatch(/^load \[#{24}\] 1000\/1000 {2}1000\.0\/s {2}1\.0s/);
    expect(text).toContain('load [############------------] 500/1000  1000.0/s  500ms');
    expect(text).toMatch(/✓ load passed 1\.0s\n/);
    for (const f of frames) expect([...f.replace(ANSI, '')].length).toBeLessThanOrEqual(59);
  });

  it('a log line quoting a target passes no C1, bidi or escape characters to the terminal', async () => {
    const { stream, chunks } = collect(true);
    const p = createProgress(stream, { now: () => 0 });
    p.handle({ type: 'log', level: 'warn', message: 'alert \u009b31m\u202eevil\u202c \u2066x\u2069 \u001b]0;t\u0007 \u0000done' });
    p.done();
    await new Promise<void>((resolve) => stream.end(resolve));
    const line = chunks.join('').split('\n').find((l) => l.includes('alert')) ?? '';
    expect(line).toMatch(/alert 31mevil x/);
    expect(line).not.toMatch(/[\u0000\u0007\u001b\u0080-\u009f\u202a-\u202e\u2066-\u2069]/);
  });
});
