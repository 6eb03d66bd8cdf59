/**
 * --notify against real local HTTP receivers that record what they get: the
 * real CLI (dist/golive.js) runs the health phase against the real reference
 * API (healthy, or --down for a failing gate). Slack's payload shape, the
 * webhook template, PagerDuty trigger then resolve with one dedup key across
 * two runs, retries on 5xx and none on 4xx, and the secrets in no output.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decideNotification } from '../src/notify/decide.js';
import { webhookPayload, type NotifyVars } from '../src/notify/payloads.js';
import type { RunResult } from '../src/core/result.js';
import { runCli, spawnReferenceApi } from './support/processes.js';
import { startPushgateway } from './support/prometheus.js';

const TOKEN = 'test-token-0123456789';

interface Received { path: string; headers: IncomingMessage['headers']; body: string }

interface Receiver { url: string; got: Received[]; close(): Promise<void> }

/** Answers each request with the next status of `statuses` (the last one repeats). */
async function receiver(statuses: number[] = [200]): Promise<Receiver> {
  const got: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => {
      got.push({ path: req.url ?? '', headers: req.headers, body });
      const status = statuses[Math.min(got.length - 1, statuses.length - 1)] ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : `no: ${req.url ?? ''}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, got, close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }) };
}

const open: Receiver[] = [];
afterEach(async () => { await Promise.all(open.splice(0).map((r) => r.close())); });

async function run(opts: { down?: boolean; out?: string; port?: string; args: string[]; env: Record<string, string> }) {
  // The same port again is the same target: what PagerDuty's dedup key is made of.
  const api = await spawnReferenceApi(TOKEN, [...(opts.down ? ['--down'] : []), ...(opts.port ? ['--port', opts.port] : [])]);
  try {
    const out = opts.out ?? await mkdtemp(join(tmpdir(), 'golive-notify-'));
    const res = await runCli(['check', '--target', api.url, '--out', out, '--no-color', '--phases', 'health', '--environment', 'prod', ...opts.args], { env: { GOLIVE_TOKEN: TOKEN, ...opts.env } });
    return { ...res, out, port: new URL(api.url).port };
  } finally {
    await api.stop();
  }
}

/** Every output a user or a log could see: stdout, stderr and every report file. */
async function everything(r: { stdout: string; stderr: string; out: string }): Promise<string> {
  const files = await readdir(r.out);
  const texts = await Promise.all(files.map((f) => readFile(join(r.out, f), 'utf8')));
  return [r.stdout, r.stderr, ...texts].join('\n');
}

const summaryOf = async (out: string): Promise<RunResult> => JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunResult;

describe('when to notify', () => {
  it('failure (default): failures and the first pass after one; change: flips only; always: every run', () => {
    expect(decideNotification('failure', 'failed', undefined)).toBe('failure');
    expect(decideNotification('failure', 'error', 'failed')).toBe('failure');
    expect(decideNotification('failure', 'passed', 'failed')).toBe('recovery');
    expect(decideNotification('failure', 'passed', 'passed')).toBeUndefined();
    expect(decideNotification('failure', 'aborted', 'failed')).toBeUndefined();
    expect(decideNotification('change', 'failed', 'failed')).toBeUndefined();
    expect(decideNotification('change', 'failed', 'passed')).toBe('failure');
    expect(decideNotification('change', 'passed', 'failed')).toBe('recovery');
    expect(decideNotification('change', 'passed', undefined)).toBeUndefined();
    expect(decideNotification('always', 'passed', undefined)).toBe('pass');
  });

  it('fills a webhook template value by value: whole placeholders keep their JSON type, hostile text stays a string', () => {
    const v = { verdict: 'failed', exitCode: 99, failedChecks: ['a "quoted" }, {"x":1'], runId: 'r1', target: 't' } as unknown as NotifyVars;
    expect(webhookPayload({ v: '{{verdict}}', code: '{{exitCode}}', checks: '{{failedChecks}}', msg: 'run {{runId}} on {{target}}: {{nope}}', n: 3 }, v))
      .toEqual({ v: 'failed', code: 99, checks: ['a "quoted" }, {"x":1'], msg: 'run r1 on t: {{nope}}', n: 3 });
  });
});

describe('--notify against real receivers', () => {
  it('slack: a failing run posts the incoming-webhook shape; the URL appears in no output', async () => {
    const rx = await receiver();
    open.push(rx);
    const secretPath = '/services/T000/B000/XXXXsecretXXXX';
    const r = await run({ down: true, args: ['--notify', 'slack'], env: { GOLIVE_SLACK_WEBHOOK_URL: `${rx.url}${secretPath}` } });
    expect(r.code).toBe(99);
    expect(rx.got).toHaveLength(1);
    const got = rx.got[0]!;
    expect(got.path).toBe(secretPath);
    expect(got.headers['content-type']).toBe('application/json');
    const body = JSON.parse(got.body) as { text: string; blocks: { type: string; text: { type: string; text: string } }[] };
    expect(body.text).toMatch(/^:red_circle: golive prod http:\/\/127\.0\.0\.1:\d+\/? FAILED/);
    expect(body.blocks.map((b) => [b.type, b.text.type])).toEqual([['section', 'mrkdwn'], ['section', 'mrkdwn']]);
    expect(body.blocks[1]!.text.text).toMatch(/\*verdict\* failed \(exit 99\)/);
    expect(body.blocks[1]!.text.text).toContain('• check health: GET /health status is 200 (got status 503: ');
    // What depends on the failed status did not run: said so, never listed as a failure of its own.
    expect(body.blocks[1]!.text.text).toContain('• check health: GET /health body is healthy (not run: status is 503, not 200)');
    expect(body.blocks[1]!.text.text).not.toMatch(/body is healthy \((?!not run)/);
    const s = await summaryOf(r.out);
    expect(s.golive.deliveries).toEqual([{ sink: 'slack', ok: true, attempts: 1 }]);
    // One line per notification sent (25.5), naming the channel, never its URL.
    expect(r.stderr.split('\n').filter((l) => l.includes('notification sent'))).toEqual(['golive: notification sent: slack']);
    expect(await everything(r)).not.toContain('XXXXsecretXXXX');
  });

  it('webhook: the template is rendered with the run\'s variables', async () => {
    const rx = await receiver();
    open.push(rx);
    const dir = await mkdtemp(join(tmpdir(), 'golive-tpl-'));
    await writeFile(join(dir, 'tpl.json'), JSON.stringify({ status: '{{verdict}}', code: '{{exitCode}}', env: '{{environment}}', text: 'golive {{outcome}} run {{runId}}', failed: '{{failedChecks}}', notRun: '{{notRunChecks}}', p95: '{{p95}}' }));
    const r = await run({ down: true, args: ['--notify', 'webhook', '--testid', 'tpl-run'], env: { GOLIVE_WEBHOOK_URL: `${rx.url}/hook/secret-token-abc`, GOLIVE_WEBHOOK_TEMPLATE_FILE: join(dir, 'tpl.json') } });
    expect(r.code).toBe(99);
    const body = JSON.parse(rx.got[0]!.body) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'failed', code: 99, env: 'prod', text: 'golive failure run tpl-run' });
    expect(body.failed).toEqual(expect.arrayContaining([expect.stringMatching(/^health: GET \/health status is 200/)]));
    expect((body.failed as string[]).filter((c) => c.includes('body is healthy'))).toEqual([]);
    expect(body.notRun).toEqual(expect.arrayContaining(['health: GET /health body is healthy (not run: status is 503, not 200)']));
    expect(typeof body.p95).toBe('object');
    expect(await everything(r)).not.toContain('secret-token-abc');
  });

  it('pagerduty: trigger on failure, then resolve with the same dedup key when the next run passes', async () => {
    const rx = await receiver([202]);
    open.push(rx);
    const env = { GOLIVE_PAGERDUTY_ROUTING_KEY: 'R0UTINGKEY0123456789abcdef012345', GOLIVE_PAGERDUTY_URL: `${rx.url}/v2/enqueue` };
    const first = await run({ down: true, args: ['--notify', 'pagerduty'], env });
    expect(first.code).toBe(99);
    const second = await run({ out: first.out, port: first.port, args: ['--notify', 'pagerduty'], env });
    expect(second.code).toBe(0);
    const third = await run({ out: first.out, port: first.port, args: ['--notify', 'pagerduty'], env });
    expect(third.code).toBe(0);
    const events = rx.got.map((g) => JSON.parse(g.body) as { routing_key: string; event_action: string; dedup_key: string; payload?: { severity: string; summary: string } });
    expect(events.map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
    expect(events[0]!.dedup_key).toBe(events[1]!.dedup_key);
    expect(events[0]!.dedup_key).toMatch(/^golive\/prod\/http:\/\/127\.0\.0\.1:\d+/);
    expect(events[0]!.routing_key).toBe(env.GOLIVE_PAGERDUTY_ROUTING_KEY);
    expect(events[0]!.payload?.severity).toBe('critical');
    for (const r of [first, second]) expect(await everything(r)).not.toContain(env.GOLIVE_PAGERDUTY_ROUTING_KEY);
  });

  it('pagerduty with a Pushgateway: the previous verdict comes from the job/environment group, not from files', async () => {
    const pgw = await startPushgateway();
    const rx = await receiver([202]);
    open.push(rx);
    try {
      const env = { GOLIVE_PAGERDUTY_ROUTING_KEY: 'R0UTINGKEY-pgw-0123456789abcdef', GOLIVE_PAGERDUTY_URL: `${rx.url}/v2/enqueue` };
      const args = ['--notify', 'pagerduty', '--pushgateway-url', pgw.url];
      // Every run in a fresh --out (a CronJob's pods keep no files): only the Pushgateway remembers.
      const first = await run({ down: true, args, env });
      expect(first.code).toBe(99);
      const second = await run({ port: first.port, args, env });
      expect(second.code).toBe(0);
      const third = await run({ port: first.port, args, env });
      expect(third.code).toBe(0);
      const events = rx.got.map((g) => JSON.parse(g.body) as { event_action: string; dedup_key: string });
      expect(events.map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
      expect(events[1]!.dedup_key).toBe(events[0]!.dedup_key);
    } finally {
      await pgw.stop();
    }
  });

  it('retries a 5xx answer and reports the attempts', async () => {
    const rx = await receiver([503, 502, 200]);
    open.push(rx);
    const r = await run({ args: ['--notify', 'slack', '--notify-on', 'always'], env: { GOLIVE_SLACK_WEBHOOK_URL: `${rx.url}/services/retry-secret` } });
    expect(r.code).toBe(0);
    expect(rx.got).toHaveLength(3);
    expect((await summaryOf(r.out)).golive.deliveries).toEqual([{ sink: 'slack', ok: true, attempts: 3 }]);
    expect(r.stderr).toMatch(/^golive: notification sent: slack \(after 3 attempts\)$/m);
  });

  it('does not retry a 4xx; the failed notification is reported and turns the pass into 108', async () => {
    const rx = await receiver([400]);
    open.push(rx);
    const r = await run({ args: ['--notify', 'slack', '--notify-on', 'always'], env: { GOLIVE_SLACK_WEBHOOK_URL: `${rx.url}/services/four-hundred-secret` } });
    expect(r.code).toBe(108);
    expect(rx.got).toHaveLength(1);
    expect(r.stderr).toMatch(/^golive: slack notification failed after 1 attempt: HTTP 400: no: \*\*\*$/m);
    const s = await summaryOf(r.out);
    expect(s.golive.verdict).toBe('passed');
    expect(s.golive.deliveries[0]).toMatchObject({ sink: 'slack', ok: false, attempts: 1 });
    expect(await everything(r)).not.toContain('four-hundred-secret');
  });

  it('refuses --notify without its secret before the first request (104, one line)', async () => {
    const r = await runCli(['check', '--target', 'http://127.0.0.1:9', '--phases', 'health', '--notify', 'slack']);
    expect(r.code).toBe(104);
    expect(r.stderr).toBe('golive: --notify slack: set GOLIVE_SLACK_WEBHOOK_URL or GOLIVE_SLACK_WEBHOOK_URL_FILE\n');
  });
});
