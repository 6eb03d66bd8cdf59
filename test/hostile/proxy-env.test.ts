/**
 * Issue 27 item 6: HTTP(S)_PROXY / NO_PROXY. The node engine sends directly,
 * so a proxy variable that would route the target is refused before the
 * first request (104, naming it), with a real proxy on loopback that must see
 * nothing; NO_PROXY excludes loopback only when it is not set at all, so the
 * test sets it to an empty value.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { excludedByNoProxy, proxyFor } from '../../src/config/proxy-env.js';
import { runGolive, startHostile, stopAll } from './harness.js';

const proxies: Server[] = [];
afterEach(async () => {
  await stopAll();
  for (const p of proxies.splice(0)) {
    p.closeAllConnections();
    await new Promise((r) => p.close(r));
  }
});

/** A proxy that answers 502 to everything (plain requests and CONNECT) and counts them. */
async function proxy(): Promise<{ url: string; seen: () => number }> {
  let seen = 0;
  const server = createServer((_req, res) => { seen++; res.writeHead(502).end(); });
  server.on('connect', (_req, socket) => { seen++; socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'); });
  proxies.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen: () => seen };
}

describe('proxy environment', () => {
  it('NO_PROXY: unset spares loopback, empty spares nothing, hosts, suffixes, ports and *', () => {
    expect(excludedByNoProxy('127.0.0.1', '80', undefined)).toBe(true);
    expect(excludedByNoProxy('[::1]', '80', undefined)).toBe(true);
    expect(excludedByNoProxy('api.example.com', '443', undefined)).toBe(false);
    expect(excludedByNoProxy('127.0.0.1', '80', '')).toBe(false);
    expect(excludedByNoProxy('api.example.com', '443', 'example.com')).toBe(true);
    expect(excludedByNoProxy('api.example.com', '443', '.example.com')).toBe(true);
    expect(excludedByNoProxy('badexample.com', '443', 'example.com')).toBe(false);
    expect(excludedByNoProxy('api.example.com', '443', 'api.example.com:8443')).toBe(false);
    expect(excludedByNoProxy('api.example.com', '8443', 'x, api.example.com:8443')).toBe(true);
    expect(excludedByNoProxy('::1', '80', '[::1]:80')).toBe(true);
    expect(excludedByNoProxy('anything', '80', '*')).toBe(true);
    expect(proxyFor('https://a.example', { HTTP_PROXY: 'http://p:1' })).toBeUndefined();
    expect(proxyFor('https://a.example', { https_proxy: 'http://p:1' })?.name).toBe('https_proxy');
    expect(proxyFor('http://a.example', { ALL_PROXY: 'http://p:1' })?.name).toBe('ALL_PROXY');
  });

  it('HTTP_PROXY set for the target (NO_PROXY empty): exit 104 naming it, nothing sent to target or proxy', async () => {
    const h = await startHostile('ok');
    const p = await proxy();
    const run = await runGolive(['--target', h.url, '--phases', 'health'], { env: { HTTP_PROXY: p.url, NO_PROXY: '' } });
    expect(run.code, run.stdout + run.stderr).toBe(104);
    expect(run.stderr).toMatch(/^golive: HTTP_PROXY is set and would route --target http:\/\/127\.0\.0\.1:\d+, but the node engine sends directly/m);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(await h.requests()).toBe(0);
    expect(p.seen()).toBe(0);
  });

  it('the same proxy with NO_PROXY unset (loopback spared) or naming the host: the run goes direct and passes', async () => {
    const h = await startHostile('ok');
    const p = await proxy();
    for (const env of [{ HTTP_PROXY: p.url }, { HTTP_PROXY: p.url, NO_PROXY: '127.0.0.1' }] as Record<string, string>[]) {
      const run = await runGolive(['--target', h.url, '--phases', 'health'], { env });
      expect(run.code, run.stdout + run.stderr).not.toBe(104);
      expect(run.summary?.golive.checks.filter((c) => c.fails > 0 && !/response time/.test(c.name))).toEqual([]);
    }
    expect(p.seen()).toBe(0);
  });
});
