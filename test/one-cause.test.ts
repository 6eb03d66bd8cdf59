/**
 * Issue 25.3/25.4: one root cause gives one red line, what depends on it reads
 * "not run", and the verdict says what it covers. Real CLI runs against the
 * real reference API (and a closed port), read as a CI log reads them: piped.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyCause, bodySnippet } from '../checks/causes.js';
import { runCli, spawnReferenceApi, type SpawnedApi } from './support/processes.js';
import { closedPort } from './support/ports.js';

const TOKEN = 'one-cause-token-5b1';
/** two busy cores can make a loopback health answer slow: only the intended fault may decide */
const LENIENT = ['--threshold', 'http_req_duration{phase:health}=max<5000'];

let dir: string;
const apis: SpawnedApi[] = [];
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'golive-one-cause-')); });
afterAll(async () => {
  await Promise.all(apis.map((a) => a.stop()));
  await rm(dir, { recursive: true, force: true });
});

async function api(args: string[] = []): Promise<string> {
  const a = await spawnReferenceApi(TOKEN, args);
  apis.push(a);
  return a.url;
}

let n = 0;
async function check(target: string, extra: string[] = [], token = TOKEN) {
  const out = join(dir, `run-${n++}`);
  const tokenFile = join(dir, `token-${n}`);
  await writeFile(tokenFile, token);
  // A threshold on a phase that does not run is refused (104): the health allowance only where health runs.
  const phases = extra[extra.indexOf('--phases') + 1];
  const lenient = !extra.includes('--phases') || phases?.includes('health') ? LENIENT : [];
  const res = await runCli(['check', '--target', target, '--token-file', tokenFile, '--out', out, '--summary-md', join(out, 'summary.md'), '--requests', '50', ...lenient, ...extra], { deadlineMs: 90_000 });
  return { ...res, out, md: () => readFile(join(out, 'summary.md'), 'utf8'), html: () => readFile(join(out, 'report.html'), 'utf8') };
}

/** Lines that state a failure: ✗ in front (the console's red mark). */
const redLines = (stdout: string): string[] => stdout.split('\n').filter((l) => /^\s*✗/.test(l));
/** A section of the table, its wrapped lines (piped output wraps, indented) joined back. */
const section = (stdout: string, name: string): string =>
  stdout.replace(/\n {4,}/g, ' ').split(/\n(?=\S)/).find((s) => s.startsWith(name)) ?? '';

describe('one cause, one line (real runs, piped)', () => {
  it('a wrong token: one line saying the token was rejected, with what the target answered; the rest not run', async () => {
    const run = await check(await api(), [], 'not-the-token');
    expect(run.code).toBe(99);
    const mentions = run.stdout.split('\n').filter((l) => l.includes('the token was rejected'));
    expect(mentions).toHaveLength(1);
    // Piped, a long line wraps: read it joined.
    expect(run.stdout.replace(/\n {4,}/g, ' ')).toMatch(/✗\s+market-data\s+status is 200\s+0 passed, 1 failed\s+the token was rejected: got status 401: \{"error":"missing or invalid bearer token"\}/);
    const checks = section(run.stdout, 'Checks');
    expect(redLines(checks)).toHaveLength(1);
    for (const name of ['body matches schema', 'symbol echoed', 'OHLC consistent', 'volume >= 0']) {
      expect(checks).toMatch(new RegExp(`-\\s+market-data\\s+${name}\\s+not run\\s+status is 401, not 200`));
    }
    expect(run.stdout).toMatch(/✗\s+checks\{phase:market-data\}\s+rate==1\s+rate=0\.1111, wanted ==1: see Checks \(1 failed, 7 not run\)/);
    expect(run.stdout).toMatch(/✗\s+market-data\s+failed\s+\S+\s+1 check failed, 7 not run \(see Checks\)/);
    const md = await run.md();
    expect(md.split('\n').filter((l) => l.includes('the token was rejected'))).toHaveLength(1);
    expect(md).toMatch(/\| market-data \| OHLC consistent \| not run \| status is 401, not 200 \|/);
  });

  it('https:// to a plain-HTTP port: named once, with the http:// to use', async () => {
    const url = await api();
    const target = url.replace('http://', 'https://');
    const run = await check(target, ['--phases', 'health,market-data,load']);
    expect(run.code).toBe(99);
    const plain = `${url.replace('http://', '')} speaks plain HTTP, not TLS: use ${url}`;
    const checks = section(run.stdout, 'Checks');
    expect(redLines(checks)).toEqual([expect.stringContaining(plain)]);
    expect(checks).toMatch(/·\s+health\s+GET \/api\/v1\/data\/health answers\s+0 passed, 1 failed\s+same cause as health GET \/health answers/);
    expect(run.stdout).not.toContain('ERR_SSL_WRONG_VERSION_NUMBER');
    expect(run.stdout).toMatch(/-\s+load\s+not run\s+skipped because health failed/);
    // The port is up and answered in plain HTTP: the URL's scheme is wrong, no deployed service went down.
    expect(run.stdout.replace(/\n {4,}/g, ' ').split('\n').filter((l) => l.includes(plain))).toHaveLength(1);
    expect(run.stdout).not.toContain('ROLLBACK TRIGGER');
    const summary = JSON.parse(await readFile(join(run.out, 'summary.json'), 'utf8')) as { golive: { rollback: { triggered: boolean } } };
    expect(summary.golive.rollback.triggered).toBe(false);
    expect(await run.md()).not.toMatch(/rollback/i);
    expect(await run.html()).not.toContain('ROLLBACK TRIGGER');
  });

  it('connection refused: one line naming host:port', async () => {
    const port = await closedPort();
    const run = await check(`http://127.0.0.1:${port}`);
    expect(run.code).toBe(99);
    expect(redLines(section(run.stdout, 'Checks'))).toEqual([expect.stringContaining(`connection refused: nothing listens on 127.0.0.1:${port}`)]);
    expect(run.stdout).toMatch(new RegExp(`ROLLBACK TRIGGER: service unavailable: connection refused: nothing listens on 127\\.0\\.0\\.1:${port}\\n`));
    // The functional phases' failed requests are their checks: no second table of the same cause.
    expect(run.stdout).not.toContain('Failed requests by cause');
  });

  it('health down (503): the status quotes the body, the body check is not run', async () => {
    const run = await check(await api(['--down']));
    expect(run.code).toBe(99);
    const checks = section(run.stdout, 'Checks');
    expect(redLines(checks)).toEqual([expect.stringMatching(/GET \/health status is 200\s+0 passed, 1 failed\s+got status 503: \{"status":"unavailable"/)]);
    expect(checks).toMatch(/·\s+health\s+GET \/api\/v1\/data\/health status is 200\s+0 passed, 1 failed\s+same cause as health GET \/health status is 200/);
    expect(checks).toMatch(/-\s+health\s+GET \/health body is healthy\s+not run\s+status is 503, not 200/);
  });

  it('prices as strings: the schema fails once; OHLC and volume are not run, not a false green', async () => {
    const run = await check(await api(['--bad-schema']));
    expect(run.code).toBe(99);
    const checks = section(run.stdout, 'Checks');
    expect(redLines(checks)).toEqual([expect.stringMatching(/body matches schema\s+0 passed, 1 failed\s+bars\[0\]\.open: expected number, got string/)]);
    expect(checks).toMatch(/-\s+market-data\s+OHLC consistent\s+not run\s+the bars do not match the schema/);
    expect(checks).toMatch(/-\s+market-data\s+volume >= 0\s+not run/);
    expect(checks).not.toMatch(/✓\s+market-data\s+(OHLC consistent|volume >= 0)/);
    const html = await run.html();
    expect(html).not.toMatch(/<td class="ok">✓<\/td><td>market-data<\/td><td>OHLC consistent/);
  });

  it('a failed threshold of a passed phase shows ✗ in its row; the verdict names what did not run', async () => {
    const run = await check(await api(), ['--phases', 'load', '--threshold', 'http_req_duration{phase:load}=p(95)<0.001']);
    expect(run.code).toBe(99);
    expect(run.stdout.split('\n')[0]).toMatch(/^golive FAILED — load only \(health, market-data not run\)/);
    expect(run.stdout).toMatch(/✗\s+load\s+failed\s+\S+\s+threshold failed: http_req_duration\{phase:load\} p\(95\)<0\.001/);
    for (const sel of ['http_req_duration{phase:health}', 'checks{phase:health}', 'checks{phase:market-data}']) {
      expect(run.stdout).toMatch(new RegExp(`-\\s+${sel.replace(/[{}()]/g, '\\$&')}\\s+not judged: phase did not run`));
    }
    const html = await run.html();
    expect(html).toMatch(/<td>load<\/td><td class="failed">✗ failed<\/td>/);
    expect(html).toContain('golive FAILED — exit 99 — load only (health, market-data not run)');
    expect(await run.md()).toContain('golive FAILED (exit 99) — load only (health, market-data not run)');
  });

  it('a pass on load alone says so', async () => {
    const run = await check(await api(), ['--phases', 'load']);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^golive PASSED — load only \(health, market-data not run\)/);
  });

  it('piped output wraps a long reason instead of cutting it (25.5)', async () => {
    const run = await check(await api(['--down']), ['--phases', 'health']);
    // The whole body of /health, past column 120, wrapped and never cut.
    const flat = run.stdout.replace(/\n {4,}/g, ' ');
    expect(flat).toMatch(/got status 503: \{"status":"unavailable","service":"gateway","version":"[^"]+","timestamp":"[^"]+"\}\n/);
    expect(run.stdout).toMatch(/got status 503:.*\n {4,}\S/);
    for (const line of run.stdout.split('\n').filter((l) => l.includes('got status 503'))) expect([...line].length).toBeLessThanOrEqual(120);
    expect(section(run.stdout, 'Checks')).not.toMatch(/[^)]…\n/);
  });
});

describe('classifyCause (pure)', () => {
  it('names the cause of the raw reasons both engines produce', () => {
    expect(classifyCause('ERR_SSL_WRONG_VERSION_NUMBER', { target: 'https://api.test:8080/base' }))
      .toEqual({ kind: 'plain-http', line: 'api.test:8080 speaks plain HTTP, not TLS: use http://api.test:8080/base' });
    // k6's Go TLS wording
    expect(classifyCause('tls: first record does not look like a TLS handshake', { target: 'https://u:p@h.test' }).line)
      .toBe('h.test:443 speaks plain HTTP, not TLS: use http://h.test');
    expect(classifyCause('connect ECONNREFUSED 127.0.0.1:9', { target: 'http://127.0.0.1:9' }).line).toBe('connection refused: nothing listens on 127.0.0.1:9');
    // The edge's redirect probe names the plain-HTTP port it was refused on, not the target's.
    expect(classifyCause('GET http://127.0.0.1:80/health: connection refused (ECONNREFUSED): no plain-HTTP listener', { target: 'https://127.0.0.1:8443' }).line)
      .toBe('connection refused: nothing listens on 127.0.0.1:80');
    expect(classifyCause('took 612.0ms').kind).toBe('other');
  });

  it('quotes a body capped, on one line, without control characters', () => {
    expect(bodySnippet({ error: 'x' })).toBe('{"error":"x"}');
    expect(bodySnippet('a\n\u001b[31mb')).toBe('a [31mb');
    expect(bodySnippet('y'.repeat(1000))).toBe(`${'y'.repeat(120)}… (1000 characters)`);
    let deep: unknown[] = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(bodySnippet(deep)).toBe('a body too deep to quote');
  });
});
