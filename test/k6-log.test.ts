/**
 * k6's own stderr under --engine k6 (issue 25, item 6): the console shows a digest
 * (warnings counted, the abort golive itself asked for explained in one line), the
 * whole log is kept as k6.log in the reports directory and the report names it; and
 * k6 starts no REST API, so a port 6565 already taken (a second k6) makes no warning.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestK6Log, k6LogConsoleLines, parseK6LogLine } from '../src/engine/k6/k6-log.js';
import { startReferenceApi, type ReferenceApi } from '../src/reference-api/server.js';
import { k6Binary } from './support/k6.js';
import { readSummary } from './support/parity.js';
import { runCli } from './support/processes.js';

const TOKEN = 'tok-k6-log-5d21';

describe("k6's log digest (pure)", () => {
  const lines = [
    'time="t" level=warning msg="[health] GET /health status is 200: got status 503" source=console',
    'time="t" level=warning msg="[health] GET /health body is healthy: not run" source=console',
    'time="t" level=error msg="test aborted: load skipped because health failed at load (file:///tmp/x/golive.js:13472:21(17))"',
    'time="t" level=error msg="test run was aborted because k6 received a \'interrupt\' signal"',
    'time="t" level=error msg="GoError: dial tcp: \\"odd\\" \\u001b[31mred"',
    'time="t" level=error msg="thresholds on metrics \'checks{phase:health}\' have been crossed"',
  ];

  it('reads level and message from logfmt', () => {
    expect(parseK6LogLine(lines[0] ?? '')).toEqual({ level: 'warning', msg: '[health] GET /health status is 200: got status 503' });
    expect(parseK6LogLine('plain text').level).toBe('other');
  });

  it("explains golive's own stops, shows other errors one clean line each, counts the rest", () => {
    const d = digestK6Log(lines, { stopped: 'abortOnFail' });
    expect(d).toMatchObject({ warnings: 2, errors: 4 });
    expect(d.explained).toEqual([
      "load not run: health failed, so golive's k6 script ended the test before the load (as designed, not a crash)",
      'stopped early because golive asked it to (abortOnFail: see the load phase)',
    ]);
    expect(d.shown).toHaveLength(1);
    expect(d.shown[0]).not.toMatch(/\u001b/);
    // without a stop golive asked for, k6's interrupt is not golive's to explain
    expect(digestK6Log(lines, {}).shown).toHaveLength(2);
    const out = k6LogConsoleLines(d, '/r/k6.log');
    // k6's own threshold verdict is golive's Thresholds table's to show: counted, not repeated
    expect(out.at(-1)).toBe('k6: 2 warnings, 4 errors (1 not shown) in its log: /r/k6.log');
    expect(out.join('\n')).not.toContain('golive.js:');
  });
});

describe('k6 stderr under the real k6', () => {
  let down: ReferenceApi;
  let slow: ReferenceApi;
  let holder: Server | undefined;

  beforeAll(async () => {
    [down, slow] = await Promise.all([
      startReferenceApi({ port: 0, token: TOKEN, down: true }),
      startReferenceApi({ port: 0, token: TOKEN, latency: { kind: 'fixed', ms: 120 } }),
    ]);
    // k6's REST API port, as a second k6 would hold it (already held by someone else: the same clash)
    holder = await new Promise<Server | undefined>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(undefined)).listen(6565, '127.0.0.1', () => resolve(s));
    });
  }, 30_000);

  afterAll(async () => {
    await Promise.all([down?.close(), slow?.close(), new Promise<void>((r) => (holder ? holder.close(() => r()) : r()))]);
  });

  it('health down: one line explains the skipped load, warnings are counted, k6.log holds it all and the report names it; no 6565 clash', async () => {
    const out = await mkdtemp(join(tmpdir(), 'golive-k6-log-'));
    const r = await runCli(['check', '--engine', 'k6', '--target', down.url, '--out', out, '--requests', '20', '--no-color'], { env: { GOLIVE_TOKEN: TOKEN, K6_BINARY: k6Binary() }, deadlineMs: 120_000 });
    expect(r.code, r.stderr).toBe(99);
    const k6Lines = r.stderr.split('\n').filter((l) => l.startsWith('k6'));
    expect(k6Lines).toEqual([
      "k6: load not run: health failed, so golive's k6 script ended the test before the load (as designed, not a crash)",
      `k6: 4 warnings, 1 error in its log: ${join(out, 'k6.log')}`,
    ]);
    expect(r.stderr).not.toMatch(/level=|golive\.js:\d+|6565/);
    const log = await readFile(join(out, 'k6.log'), 'utf8');
    expect(log).toMatch(/level=error msg="test aborted: load skipped because health failed/);
    expect(log.match(/level=warning/g)).toHaveLength(4);
    expect(log).not.toMatch(/6565|address already in use/);
    expect(log).not.toContain(TOKEN);
    expect((await readSummary(out)).golive.notes).toContain("k6's own log (4 warnings, 1 error): k6.log in the reports directory");
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('k6.log in the reports directory');
  }, 150_000);

  it('abortOnFail: the stop golive asked for is one line, not "test run was aborted"', async () => {
    const out = await mkdtemp(join(tmpdir(), 'golive-k6-log-aof-'));
    const config = join(out, 'golive.config.json');
    await writeFile(config, JSON.stringify({ thresholds: { 'http_req_duration{phase:load}': [{ threshold: 'p(95)<50', abortOnFail: true, delayAbortEval: '1s' }] } }));
    const r = await runCli(['check', '--engine', 'k6', '--config', config, '--target', slow.url, '--out', join(out, 'r'), '--phases', 'load', '--requests', '5000', '--concurrency', '5', '--no-color'],
      { env: { GOLIVE_TOKEN: TOKEN, K6_BINARY: k6Binary() }, deadlineMs: 120_000 });
    expect(r.code, r.stderr).toBe(99);
    expect(slow.requests()).toBeLessThan(5000);
    expect(r.stderr).toContain('k6: stopped early because golive asked it to (abortOnFail: see the load phase)\n');
    expect(r.stderr).not.toMatch(/level=error|test run was aborted/);
    expect(existsSync(join(out, 'r', 'k6.log'))).toBe(true);
  }, 150_000);
});
