/**
 * No redirect is followed, by either engine (issue 12 item 7), under the real
 * k6: the target answers every request with a 302 to a second server on
 * another port of the same host (where Go would copy the Authorization
 * header), and that second server records whatever reaches it. A 3xx fails
 * the status check naming the location; nothing, and so no token, arrives there.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { k6Binary } from './support/k6.js';
import { readSummary } from './support/parity.js';
import { runCli } from './support/processes.js';

const TOKEN = 'tok-redirect-secret-88e0';
const received: { url: string | undefined; headers: IncomingHttpHeaders }[] = [];
let elsewhere: Server;
let target: Server;
let elsewhereUrl = '';
let targetUrl = '';

function listen(s: Server): Promise<string> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as { port: number }).port}`)));
}

beforeAll(async () => {
  elsewhere = createServer((req, res) => {
    received.push({ url: req.url, headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  });
  elsewhereUrl = await listen(elsewhere);
  target = createServer((req, res) => {
    req.resume();
    res.writeHead(302, { location: `${elsewhereUrl}${req.url ?? '/'}?from=redirect` }).end();
  });
  targetUrl = await listen(target);
});
afterAll(async () => {
  await new Promise((r) => target.close(r));
  await new Promise((r) => elsewhere.close(r));
});

describe.each(['node', 'k6'])('--engine %s follows no redirect', (engine) => {
  it('a 302 fails the status checks naming the location, and nothing reaches the other port', async () => {
    received.length = 0;
    const out = await mkdtemp(join(tmpdir(), `golive-redirect-${engine}-`));
    const res = await runCli(['check', '--target', targetUrl, '--out', out, '--engine', engine, '--phases', 'health,market-data'], {
      env: { GOLIVE_TOKEN: TOKEN, K6_BINARY: k6Binary() }, deadlineMs: 120_000,
    });
    expect(res.code, res.stderr).toBe(99);
    const s = await readSummary(out);
    const failed = Object.fromEntries(s.golive.checks.filter((c) => c.fails > 0).map((c) => [`${c.phase}/${c.name}`, c.reasons.join(' ')]));
    const where = (path: string) => `got status 302 redirecting to ${elsewhereUrl}${path}?from=*** (not followed: golive follows no redirects)`;
    expect(failed['health/GET /health status is 200']).toBe(where('/health'));
    expect(failed['market-data/status is 200']).toBe(where('/api/v1/data/market'));
    expect(failed['market-data/unauthenticated call refused']).toBe(`expected 401 or 403, ${where('/api/v1/data/market')}`);
    expect(received).toEqual([]);
    expect(res.stdout + res.stderr).not.toContain(TOKEN);
  }, 120_000);
});
