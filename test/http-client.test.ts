import { loopbackCert } from './support/certs.js';
import { freePort } from './support/ports.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricStore } from '../src/core/metrics.js';
import { FailureTally } from '../src/net/failures.js';
import { HttpClient, describeRequestError } from '../src/net/http.js';
import type { HttpClientOptions } from '../src/net/http.js';
import { systemClock } from '../src/core/clock.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const servers: Server[] = [];
const clients: HttpClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

interface Seen { method: string; url: string; headers: IncomingMessage['headers']; body: string }

async function serve(handle: Handler, make: (h: (req: IncomingMessage, res: ServerResponse) => void) => Server = createServer) {
  const seen: Seen[] = [];
  let connections = 0;
  const server = make((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { body += c; });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handle(req, res, body);
    });
  });
  server.on('connection', () => { connections++; });
  server.on('secureConnection', () => { connections++; });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { port, seen, connections: () => connections };
}

function client(origin: string, extra: Partial<HttpClientOptions> = {}): HttpClient {
  const c = new HttpClient({ origin, timeoutMs: 5_000, clock: systemClock, signal: new AbortController().signal, ...extra });
  clients.push(c);
  return c;
}

const json = (status: number, body: unknown): Handler => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** The one series of `name` in the store, with its tags. */
function only(store: MetricStore, name: string) {
  const s = store.series().filter((x) => x.name === name);
  expect(s).toHaveLength(1);
  return { tags: s[0]?.tags, agg: store.select(name) };
}

describe('HttpClient.measured', () => {
  it('records http_reqs, http_req_duration and http_req_failed with the k6 tags', async () => {
    const { port } = await serve(json(200, { status: 'healthy' }));
    const store = new MetricStore();
    const out = await client(`http://127.0.0.1:${port}`).measured('health', { method: 'GET', path: '/health' }, { store });
    expect(out).toMatchObject({ kind: 'response', status: 200, body: { status: 'healthy' }, text: '{"status":"healthy"}' });
    const tags = { phase: 'health', scenario: 'health', name: '/health', method: 'GET', status: '200', expected_response: 'true' };
    expect(only(store, 'http_reqs')).toMatchObject({ tags });
    expect(only(store, 'http_req_failed').tags).toEqual(tags);
    expect(only(store, 'http_req_duration').tags).toEqual(tags);
    expect(store.select('http_reqs')?.value('count')).toBe(1);
    expect(store.select('http_req_failed')?.summaryValues(1)).toEqual({ rate: 0, passes: 0, fails: 1 });
    expect(store.select('http_req_duration')?.value('max')).toBe(out.durationMs);
    expect(out.durationMs).toBeGreaterThan(0);
  });

  it.each<[number, string, number]>([
    [201, 'true', 0],
    [302, 'true', 0],
    [399, 'true', 0],
    [400, 'false', 1],
    [404, 'false', 1],
    [500, 'false', 1],
    [503, 'false', 1],
  ])('status %i: expected_response=%s, failed rate %i', async (status, expected, failed) => {
    const { port } = await serve((_req, res) => { res.writeHead(status, { location: '/elsewhere' }); res.end('x'); });
    const store = new MetricStore();
    const out = await client(`http://127.0.0.1:${port}`).measured('load', { method: 'GET', path: '/health' }, { store });
    expect(out).toMatchObject({ kind: 'response', status });
    expect(only(store, 'http_req_failed').tags).toMatchObject({ status: String(status), expected_response: expected });
    expect(store.select('http_req_failed')?.value('rate')).toBe(failed);
  });

  it.each<[number, boolean]>([[401, true], [403, true], [200, false], [500, false]])(
    'custom expected statuses (401/403 expected): %i expected=%s', async (status, expected) => {
      const { port } = await serve(json(status, {}));
      const store = new MetricStore();
      await client(`http://127.0.0.1:${port}`).measured('market-data', {
        method: 'POST', path: '/api/v1/data/market', body: '{}', expected: (s) => s === 401 || s === 403,
      }, { store });
      expect(only(store, 'http_reqs').tags).toMatchObject({ method: 'POST', status: String(status), expected_response: String(expected) });
      expect(store.select('http_req_failed')?.value('rate')).toBe(expected ? 0 : 1);
    });

  it('sends method, headers and body; keeps the query; reuses the connection', async () => {
    const { port, seen, connections } = await serve((_req, res, body) => { res.end(body.toUpperCase()); });
    const c = client(`http://127.0.0.1:${port}`);
    const store = new MetricStore();
    const out = await c.measured('market-data', {
      method: 'POST', path: '/api/v1/data/market?x=1', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: '{"symbol":"aapl"}',
    }, { store });
    for (let i = 0; i < 10; i++) await c.call({ method: 'GET', path: '/health' });
    expect(out).toMatchObject({ kind: 'response', status: 200, text: '{"SYMBOL":"AAPL"}', body: { SYMBOL: 'AAPL' } });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/v1/data/market?x=1', body: '{"symbol":"aapl"}' });
    expect(seen[0]?.headers.authorization).toBe('Bearer t');
    expect(seen[1]).toMatchObject({ method: 'GET', url: '/health' });
    // keep-alive: undici's pool may open a second socket when a call follows in the same tick, never one per call
    expect(connections()).toBeLessThanOrEqual(2);
    expect(only(store, 'http_reqs').tags?.name).toBe('/api/v1/data/market?x=1');
  });

  it('a body that is not JSON is kept as text', async () => {
    const { port } = await serve((_req, res) => { res.end('<html>oops'); });
    const out = await client(`http://127.0.0.1:${port}`).call({ method: 'GET', path: '/' });
    expect(out).toEqual({
      kind: 'response', status: 200, body: undefined, text: '<html>oops', durationMs: expect.any(Number),
      headers: expect.objectContaining({ 'content-length': '10' }),
    });
  });
});

describe('HttpClient failures', () => {
  it('no response headers within the timeout: error "timeout" within the deadline, recorded as failed', async () => {
    const { port } = await serve(() => { /* never answers */ });
    const store = new MetricStore();
    const t0 = performance.now();
    const out = await client(`http://127.0.0.1:${port}`, { timeoutMs: 300 }).measured('health', { method: 'GET', path: '/health' }, { store });
    const wall = performance.now() - t0;
    expect(out).toMatchObject({ kind: 'error', error: 'timeout' });
    expect(out.durationMs).toBeGreaterThanOrEqual(290);
    expect(wall).toBeLessThan(2_000);
    expect(only(store, 'http_reqs').tags).toMatchObject({ status: '0', expected_response: 'false' });
    expect(store.select('http_req_failed')?.value('rate')).toBe(1);
    // like k6, a failed request still counts in the duration trend
    expect(store.select('http_req_duration')?.value('count')).toBe(1);
  });

  it('a body that stalls after the headers also times out', async () => {
    const { port } = await serve((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.write('{"sta'); });
    const t0 = performance.now();
    const out = await client(`http://127.0.0.1:${port}`, { timeoutMs: 300 }).call({ method: 'GET', path: '/health' });
    expect(out).toMatchObject({ kind: 'error', error: 'timeout' });
    expect(performance.now() - t0).toBeLessThan(2_000);
  });

  it('connection refused: ECONNREFUSED, status 0', async () => {
    const port = await freePort();
    const store = new MetricStore();
    const out = await client(`http://127.0.0.1:${port}`, { timeoutMs: 2_000 }).measured('health', { method: 'GET', path: '/health' }, { store });
    expect(out).toMatchObject({ kind: 'error', error: 'ECONNREFUSED' });
    expect(only(store, 'http_req_failed').tags).toMatchObject({ status: '0', expected_response: 'false' });
  });

  it('the run signal aborts a request in flight: kind "aborted" (not an error of the target), promptly', async () => {
    let arrived!: () => void;
    const requestArrived = new Promise<void>((r) => { arrived = r; });
    const { port } = await serve(() => { arrived(); });
    const ac = new AbortController();
    const pending = client(`http://127.0.0.1:${port}`, { timeoutMs: 10_000, signal: ac.signal }).call({ method: 'GET', path: '/health' });
    await requestArrived;
    const t0 = performance.now();
    ac.abort('SIGINT');
    const out = await pending;
    expect(out).toMatchObject({ kind: 'aborted' });
    expect(performance.now() - t0).toBeLessThan(1_000);
  });

  it('the run deadline aborting a request reads as "aborted" too', async () => {
    const { port } = await serve(() => { /* never answers */ });
    const out = await client(`http://127.0.0.1:${port}`, { timeoutMs: 10_000, signal: AbortSignal.timeout(200) }).call({ method: 'GET', path: '/health' });
    expect(out).toMatchObject({ kind: 'aborted' });
    expect(out.durationMs).toBeLessThan(2_000);
  });

  it('an aborted request is not recorded: it is no evidence against the target', async () => {
    const { port } = await serve(() => { /* never answers */ });
    const ac = new AbortController();
    const store = new MetricStore();
    const failures = new FailureTally();
    const pending = client(`http://127.0.0.1:${port}`, { signal: ac.signal }).measured('health', { method: 'GET', path: '/health' }, { store, failures });
    setImmediate(() => ac.abort('SIGTERM'));
    expect(await pending).toMatchObject({ kind: 'aborted' });
    expect(store.series()).toEqual([]);
    expect(failures.list()).toEqual([]);
  });

  it('a body over maxBodyBytes is not kept: the outcome carries "body larger than N bytes"', async () => {
    const { port } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"status":"${'x'.repeat(5000)}"}`);
    });
    const out = await client(`http://127.0.0.1:${port}`, { maxBodyBytes: 1000 }).call({ method: 'GET', path: '/health' });
    expect(out).toMatchObject({ kind: 'response', status: 200, body: undefined, text: '', bodyError: 'body larger than 1000 bytes' });
  });

  it('a chunked body over the cap (no content-length) is cut while streaming', async () => {
    const { port } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < 10; i++) res.write('x'.repeat(500));
      res.end();
    });
    const out = await client(`http://127.0.0.1:${port}`, { maxBodyBytes: 1200 }).call({ method: 'GET', path: '/health' });
    expect(out).toMatchObject({ kind: 'response', bodyError: 'body larger than 1200 bytes' });
  });

  it('a header value we cannot send is a client fault, not recorded against the target', async () => {
    const { port, seen } = await serve(json(200, {}));
    const store = new MetricStore();
    const failures = new FailureTally();
    const out = await client(`http://127.0.0.1:${port}`).measured('health', { method: 'GET', path: '/health', headers: { authorization: 'Bearer a\nb' } }, { store, failures });
    expect(out.kind).toBe('client-fault');
    expect(seen).toHaveLength(0);
    expect(store.series()).toEqual([]);
    expect(failures.list()).toMatchObject([{ phase: 'health', side: 'golive', count: 1 }]);
  });

  it('TLS is verified: refused without the CA, trusted with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-http-tls-'));
    try {
      const { cert, key } = await loopbackCert(dir);
      const { port } = await serve(json(200, { ok: true }), (h) => createHttpsServer({ key, cert }, h));
      const origin = `https://127.0.0.1:${port}`;
      expect(await client(origin).call({ method: 'GET', path: '/' })).toMatchObject({ kind: 'error', error: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      expect(await client(origin, { ca: cert }).call({ method: 'GET', path: '/' })).toMatchObject({ kind: 'response', status: 200, body: { ok: true } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('describeRequestError', () => {
  const withCode = (code: string) => Object.assign(new Error('x'), { code });
  it.each<[string, unknown, string]>([
    ['a timeout DOMException', new DOMException('t', 'TimeoutError'), 'timeout'],
    ['undici headers timeout', withCode('UND_ERR_HEADERS_TIMEOUT'), 'timeout'],
    ['undici body timeout', withCode('UND_ERR_BODY_TIMEOUT'), 'timeout'],
    ['an AbortError', new DOMException('a', 'AbortError'), 'aborted'],
    ['undici aborted', withCode('UND_ERR_ABORTED'), 'aborted'],
    ['a system code', withCode('ECONNRESET'), 'ECONNRESET'],
    ['a cause with a code', new TypeError('fetch failed', { cause: withCode('ENOTFOUND') }), 'ENOTFOUND'],
    ['a multi-line message', new Error('first\nsecond'), 'first'],
    ['a string', 'weird', 'weird'],
  ])('%s', (_name, err, text) => {
    expect(describeRequestError(err)).toBe(text);
  });
});
