/**
 * `golive signoff` against a real Prometheus holding 24 h of a launch's
 * history in golive's own series (backfilled by the real promtool), with
 * golive's real rule file loaded: the five verdicts the runbook's sign-off
 * needs, through the real CLI.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignoffReport } from '../src/signoff/types.js';
import { runCli, spawnReferenceApi } from './support/processes.js';
import type { Server } from './support/prometheus.js';
import { startWithHistory, type History } from './support/signoff-history.js';
import { freePort } from './support/ports.js';

const HOUR = 3600;
// The window: 24 whole hours ending two hours ago.
const startS = Math.floor(Date.now() / 1000 / HOUR) * HOUR - 26 * HOUR;
const since = new Date(startS * 1000).toISOString();

let quiet: Server;
let alerted: Server;

beforeAll(async () => {
  const clean: History = { startS, hours: 24, capacity: { hour: 2, ok: true } };
  [quiet, alerted] = await Promise.all([
    // Three launches side by side, told apart by environment: clean, an outage, no capacity run.
    startWithHistory([
      { ...clean, environment: 'clean' },
      { ...clean, environment: 'outage', healthFailHours: [10, 11, 12] },
      { startS, hours: 24, environment: 'nocap' },
    ]),
    startWithHistory([{ ...clean, environment: 'alerted', criticalAlert: { name: 'GoLiveRollbackTrigger', fromS: startS + 15 * HOUR + 600, toS: startS + 15 * HOUR + 2400 } }]),
  ]);
}, 240_000);
afterAll(async () => {
  await Promise.all([quiet?.stop(), alerted?.stop()]);
});

async function signoff(prom: string, environment: string, extra: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string; report: SignoffReport; out: string }> {
  const out = await mkdtemp(join(tmpdir(), 'golive-signoff-'));
  const res = await runCli(['signoff', '--prometheus-url', prom, '--since', since, '--window', '24h', '--environment', environment, '--out', out, '--no-color', ...extra], { deadlineMs: 120_000 });
  const report = JSON.parse(await readFile(join(out, 'signoff.json'), 'utf8')) as SignoffReport;
  return { ...res, report, out };
}

const byId = (r: SignoffReport, id: string) => {
  const c = r.criteria.find((x) => x.id === id);
  if (!c) throw new Error(`no criterion ${id}`);
  return c;
};

describe('golive signoff over 24 h of backfilled history', () => {
  it('signs off a clean launch (exit 0), every criterion measured and passed', async () => {
    const r = await signoff(quiet.url, 'clean');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.report.status).toBe('passed');
    expect(r.report.criteria.map((c) => [c.id, c.status])).toEqual([
      ['availability', 'passed'], ['p95', 'passed'], ['error-rate', 'passed'], ['critical-incidents', 'passed'], ['capacity', 'passed'], ['coverage', 'passed'],
    ]);
    expect(byId(r.report, 'availability').value).toBe(1);
    expect(byId(r.report, 'p95').value).toBeCloseTo(0.21, 6);
    expect(byId(r.report, 'p95').series).toHaveLength(24);
    expect(r.stdout).toContain('SIGNED OFF');
  });

  it('fails availability on a 3-hour outage (exit 99), naming the failed runs and the worst hour', async () => {
    const r = await signoff(quiet.url, 'outage');
    expect(r.code, r.stderr + r.stdout).toBe(99);
    const a = byId(r.report, 'availability');
    expect(a.status).toBe('failed');
    // 21 of 24 hours up: 87.5 %, far under 99.5 % (7.2 minutes of downtime allowed).
    expect(a.value).toBeCloseTo(21 / 24, 3);
    expect(a.evidence.worst?.value).toBe('0.00 %');
    const failedRuns = a.evidence.failures.filter((l) => l.startsWith('run finished'));
    expect(failedRuns).toHaveLength(3);
    expect(failedRuns[0]).toContain(new Date((startS + 10 * HOUR + 45) * 1000).toISOString().replace('.000Z', 'Z'));
    expect(a.evidence.failures.some((l) => /^not up .* \(3h 0m\)$/.test(l))).toBe(true);
    expect(byId(r.report, 'critical-incidents').status).toBe('passed');
    expect(r.stdout).toMatch(/✗ +System availability +87\.5\d %/);
  });

  it('fails "zero critical incidents" on one critical alert, naming it and when it fired', async () => {
    const r = await signoff(alerted.url, 'alerted');
    expect(r.code, r.stderr + r.stdout).toBe(99);
    const c = byId(r.report, 'critical-incidents');
    expect(c.status).toBe('failed');
    expect(c.value).toBe(1);
    expect(c.evidence.failures).toHaveLength(1);
    expect(c.evidence.failures[0]).toContain('GoLiveRollbackTrigger');
    expect(c.evidence.failures[0]).toContain(new Date((startS + 15 * HOUR + 600) * 1000).toISOString().slice(0, 16));
    expect(r.report.criteria.filter((x) => x.id !== 'critical-incidents').every((x) => x.status === 'passed')).toBe(true);
  });

  it('reports a missing capacity run as not measured, and does not sign off (exit 99)', async () => {
    const r = await signoff(quiet.url, 'nocap');
    expect(r.code, r.stderr + r.stdout).toBe(99);
    expect(r.report.status).toBe('incomplete');
    expect(byId(r.report, 'capacity').status).toBe('not-measured');
    expect(byId(r.report, 'capacity').measured).toMatch(/^not measured/);
    expect(r.report.criteria.filter((x) => x.id !== 'capacity').every((x) => x.status === 'passed')).toBe(true);
  });

  it('with Prometheus down: every criterion unknown, exit 108, never a pass, the reports still written', async () => {
    const port = await freePort();
    const r = await signoff(`http://127.0.0.1:${port}`, 'clean');
    expect(r.code).toBe(108);
    expect(r.report.status).toBe('incomplete');
    expect(r.report.criteria.every((c) => c.status === 'unknown' && c.unknownCause === 'unreadable')).toBe(true);
    expect(r.report.criteria[0]?.measured).toMatch(/Prometheus could not be read.*ECONNREFUSED|refused/i);
    expect(await readFile(join(r.out, 'signoff.html'), 'utf8')).toContain('NOT SIGNED OFF');
  });
});

describe('golive signoff --notify webhook', () => {
  let hook: HttpServer;
  let hookUrl = '';
  let status = 200;
  const bodies: string[] = [];
  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => { body += d.toString(); });
      req.on('end', () => { bodies.push(body); res.statusCode = status; res.end(status === 200 ? 'ok' : 'down'); });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const a = hook.address();
    hookUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/hook/secret-token`;
  });
  afterAll(() => new Promise<void>((r) => hook.close(() => r())));

  it('posts the criteria through the template; an undelivered notification turns the pass into 108', async () => {
    const template = JSON.stringify({ channel: 'war-room', text: 'sign-off {{status}}: {{summary}}', criteria: '{{criteria}}' });
    const ok = await runCliWithEnv({ GOLIVE_WEBHOOK_URL: hookUrl, GOLIVE_WEBHOOK_TEMPLATE: template });
    expect(ok.code, ok.log).toBe(0);
    const sent = JSON.parse(bodies.at(-1) ?? '{}') as { channel: string; text: string; criteria: { id: string; status: string }[] };
    expect(sent.channel).toBe('war-room');
    expect(sent.text).toMatch(/^sign-off passed: golive signoff .*SIGNED OFF/);
    expect(sent.criteria.map((c) => [c.id, c.status])).toContainEqual(['availability', 'passed']);
    status = 500;
    const down = await runCliWithEnv({ GOLIVE_WEBHOOK_URL: hookUrl });
    expect(down.code, down.log).toBe(108);
    expect(down.log).toMatch(/webhook notification failed: .*HTTP 500/);
    expect(down.log).not.toContain('secret-token');
    expect(down.report.exitCode).toBe(108);
  }, 120_000);

  async function runCliWithEnv(env: Record<string, string>) {
    const out = await mkdtemp(join(tmpdir(), 'golive-signoff-hook-'));
    const res = await runCli(['signoff', '--prometheus-url', quiet.url, '--since', since, '--environment', 'clean', '--out', out, '--notify', 'webhook'], { env, deadlineMs: 120_000 });
    return { code: res.code, log: res.stderr + res.stdout, report: JSON.parse(await readFile(join(out, 'signoff.json'), 'utf8')) as SignoffReport };
  }
});

describe('golive signoff --capacity-summary: the capacity run\'s own summary.json', () => {
  /** A real 2x-baseline run against the reference API; `saturate` caps what it can serve per second. */
  async function capacityRun(saturate: string[]): Promise<string> {
    const api = await spawnReferenceApi('tok-capacity', saturate);
    try {
      const dir = await mkdtemp(join(tmpdir(), 'golive-signoff-capacity-'));
      const config = join(dir, 'golive.config.json');
      await writeFile(config, JSON.stringify({ profile: { name: '2x-baseline', warmupSeconds: 4, rampSeconds: 2, holdSeconds: 4 } }));
      await runCli(['check', '--target', api.url, '--out', dir, '--no-color', '--config', config, '--phases', 'health,load', '--profile', '2x-baseline',
        '--baseline-rps', '20', '--max-schedule-lag', '250'], { env: { GOLIVE_TOKEN: 'tok-capacity' } });
      return join(dir, 'summary.json');
    } finally {
      await api.stop();
    }
  }

  it('judges the 2x stage from the file: held signs off, breached fails naming the threshold', async () => {
    const held = await signoff(quiet.url, 'nocap', ['--capacity-summary', await capacityRun([])]);
    expect(held.code, held.stderr + held.stdout).toBe(0);
    expect(byId(held.report, 'capacity').status).toBe('passed');
    // Capacity 25/s: the 2x stage (40/s) queues up, its p95 goes past 500 ms.
    const breached = await signoff(quiet.url, 'nocap', ['--capacity-summary', await capacityRun(['--saturate', '25'])]);
    expect(breached.code, breached.stderr + breached.stdout).toBe(99);
    const c = byId(breached.report, 'capacity');
    expect(c.status).toBe('failed');
    expect(c.evidence.failures.find((l) => l.startsWith('✗'))).toMatch(/^✗ http_req_duration\{stage:2x\} p\(95\)<500: p\(95\)=\d/);
  }, 120_000);
});

describe('golive signoff input', () => {
  let server: HttpServer;
  let hits = 0;
  let url = '';
  beforeAll(async () => {
    server = createServer((_req, res) => { hits++; res.end('{}'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const a = server.address();
    url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it.each([
    [['--since', '2026-09-03T09:00'], /^golive: --since: expected an ISO 8601 time with a zone/],
    [['--since', since, '--window', '90m'], /^golive: --window: expected whole hours/],
    [['--since', since, '--by', 'week'], /^golive: --by: expected day/],
    [['--since', since, '--window', '36h', '--by', 'day'], /^golive: --by day: expected a --window of whole days/],
    [['--since', since, '--checks', 'health,nope'], /^golive: --checks: .*got "nope"/],
    [['--since', since, '--capacity-summary', '/nonexistent/summary.json'], /^golive: --capacity-summary/],
    [['--since', since, '--slo', '/nonexistent/slo.yaml'], /^golive: --slo/],
    [['--since', since, '--notify', 'pagerduty'], /^golive: --notify/],
    [['--since', since, '--notify', 'slack'], /^golive: --notify slack: set GOLIVE_SLACK_WEBHOOK_URL/],
  ])('%j is one 104 line naming the flag, before any query', async (args, message) => {
    const res = await runCli(['signoff', '--prometheus-url', url, ...args]);
    expect(res.code).toBe(104);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(message);
    expect(hits).toBe(0);
  });
});
