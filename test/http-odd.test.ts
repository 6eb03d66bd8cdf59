/**
 * Issue 27: HTTP a healthy server is allowed to send, byte for byte from a
 * `net` server on port 0, against the functional client (health and
 * market-data): 1xx interim responses, content codings, keep-alive
 * connections closed under a request.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../src/core/clock.js';
import { MetricStore } from '../src/core/metrics.js';
import { STALE_RETRIES } from '../src/net/failures.js';
import { HttpClient, type HttpClientOptions } from '../src/net/http.js';

const servers: Server[] = [];
const sockets = new Set<Socket>();
const clients: HttpClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const s of sockets) s.destroy();
  sockets.clear();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

interface Req { head: string; conn: number; index: number }

/** A TCP server that hands every request head (bodies are small and in the same read) to `reply`. */
async function tcp(reply: (socket: Socket, req: Req) => void) {
  const seen: Req[] = [];
  let conns = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    const conn = conns++;
    let index = 0;
    socket.on('error', () => undefined);
    socket.on('data', (d) => {
      const req = { head: d.toString('latin1'), conn, index: index++ };
      seen.push(req);
      reply(socket, req);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function client(origin: string, extra: Partial<HttpClientOptions> = {}): HttpClient {
  const c = new HttpClient({ origin, timeoutMs: 5_000, clock: systemClock, signal: new AbortController().signal, ...extra });
  clients.push(c);
  return c;
}

const response = (body: Buffer | string, headers: string[] = []) => Buffer.concat([
  Buffer.from(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`, 'latin1'),
  Buffer.from(body),
]);
const HEALTHY = '{"status":"healthy"}';

describe('1xx interim responses', () => {
  it('a 100 Continue nobody asked for, then 102 and 103: skipped, the final 200 is the answer (GET and POST)', async () => {
    const { origin } = await tcp((s) => {
      s.write('HTTP/1.1 100 Continue\r\n\r\n');
      s.write('HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload\r\n\r\n');
      s.write(response(HEALTHY));
    });
    const c = client(origin);
    expect(await c.call({ method: 'GET', path: '/health' })).toMatchObject({ kind: 'response', status: 200, body: { status: 'healthy' } });
    expect(await c.call({ method: 'POST', path: '/api/v1/data/market', body: '{}' })).toMatchObject({ kind: 'response', status: 200, body: { status: 'healthy' } });
  });

  it('an endless stream of 102 Processing ends at the timeout', async () => {
    const { origin } = await tcp((s) => {
      const t = setInterval(() => { if (!s.destroyed) s.write('HTTP/1.1 102 Processing\r\n\r\n'); }, 20);
      s.on('close', () => clearInterval(t));
    });
    const t0 = performance.now();
    const out = await client(origin, { timeoutMs: 400 }).call({ method: 'GET', path: '/health' });
    expect(out).toMatchObject({ kind: 'error', error: 'timeout' });
    expect(performance.now() - t0).toBeLessThan(3_000);
  });
});

describe('content codings', () => {
  it('asks for gzip, deflate, br and decodes each', async () => {
    const bodies: Record<string, Buffer> = { gzip: gzipSync(HEALTHY), deflate: deflateSync(HEALTHY), br: brotliCompressSync(HEALTHY) };
    const { origin, seen } = await tcp((s, r) => {
      const coding = /GET \/(\w+)/.exec(r.head)?.[1] ?? '';
      s.write(response(bodies[coding] ?? '', [`content-encoding: ${coding}`]));
    });
    const c = client(origin);
    for (const coding of Object.keys(bodies)) {
      expect(await c.call({ method: 'GET', path: `/${coding}` }), coding).toMatchObject({ kind: 'response', status: 200, body: { status: 'healthy' } });
    }
    expect(seen[0]?.head).toMatch(/\r\naccept-encoding: gzip, deflate, br\r\n/i);
  });

  it('a gzip bomb (64 MiB of zeros in 64 KiB) is cut at maxBodyBytes of decoded bytes, and named', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100 * 1024);
    const { origin } = await tcp((s) => { s.write(response(bomb, ['content-encoding: gzip'])); });
    const out = await client(origin, { maxBodyBytes: 1024 * 1024 }).call({ method: 'GET', path: '/health' });
    expect(out).toMatchObject({ kind: 'response', status: 200, body: undefined, bodyError: 'body larger than 1048576 bytes (decoded from gzip)' });
  });

  it('bytes that do not decode as the coding they claim fail the body, naming it', async () => {
    const { origin } = await tcp((s) => { s.write(response('not gzip at all', ['content-encoding: gzip'])); });
    const out = await client(origin).call({ method: 'GET', path: '/health' });
    expect(out).toMatchObject({ kind: 'response', status: 200, body: undefined });
    expect(out.kind === 'response' ? out.bodyError : '').toMatch(/^body does not decode as gzip: Z_/);
  });

  it('a coding golive does not know is named, not guessed', async () => {
    const { origin } = await tcp((s) => { s.write(response('xx', ['content-encoding: compress'])); });
    expect(await client(origin).call({ method: 'GET', path: '/health' })).toMatchObject({ bodyError: 'body in a content coding golive cannot decode: compress' });
  });
});

describe('keep-alive connections closed under a request', () => {
  /** answers the first request of each connection; a second request on it meets a close, no byte */
  const oncePerConnection = () => tcp((s, r) => { if (r.index === 0) s.write(response(HEALTHY)); else s.destroy(); });

  it('a GET on a reused connection that closes unanswered is resent once on a fresh one, and counted', async () => {
    const { origin, seen } = await oncePerConnection();
    const c = client(origin);
    const store = new MetricStore();
    expect(await c.measured('health', { method: 'GET', path: '/health' }, { store })).toMatchObject({ kind: 'response', status: 200 });
    expect(await c.measured('health', { method: 'GET', path: '/health' }, { store })).toMatchObject({ kind: 'response', status: 200, resent: true });
    expect(seen.map((r) => [r.conn, r.index])).toEqual([[0, 0], [0, 1], [1, 0]]);
    expect(store.select(STALE_RETRIES, { phase: 'health' })?.value('count')).toBe(1);
    expect(store.select('http_reqs', { phase: 'health' })?.value('count')).toBe(2);
  });

  it('a POST goes on a connection of its own (it could not be resent), so a closing one cannot cost it', async () => {
    const { origin, seen } = await oncePerConnection();
    const c = client(origin);
    await c.call({ method: 'GET', path: '/health' });
    expect(await c.call({ method: 'POST', path: '/api/v1/data/market', body: '{}' })).toMatchObject({ kind: 'response', status: 200 });
    expect(seen.map((r) => [r.conn, r.index])).toEqual([[0, 0], [1, 0]]);
  });

  it('a POST whose fresh connection closes unanswered fails once, never resent', async () => {
    const { origin, seen } = await tcp((s) => { s.destroy(); });
    expect(await client(origin).call({ method: 'POST', path: '/api/v1/data/market', body: '{}' })).toMatchObject({ kind: 'error', error: 'ECONNRESET' });
    expect(seen).toHaveLength(1);
  });

  it('a server that closes right after its response (FIN with the bytes): the next GET goes on a new connection', async () => {
    const { origin, seen } = await tcp((s) => { s.end(response(HEALTHY)); });
    const c = client(origin);
    for (let i = 0; i < 3; i++) expect(await c.call({ method: 'GET', path: '/health' })).toMatchObject({ kind: 'response', status: 200 });
    // each request is the first on its connection; a stale one is resent at most once
    expect(seen.length).toBeLessThanOrEqual(5);
    expect(seen.filter((r) => r.index === 0)).toHaveLength(3);
  });

  it('a fresh connection that closes unanswered is the target\'s failure, not resent', async () => {
    const { origin, seen } = await tcp((s) => { s.destroy(); });
    expect(await client(origin).call({ method: 'GET', path: '/health' })).toMatchObject({ kind: 'error', error: 'ECONNRESET' });
    expect(seen).toHaveLength(1);
  });
});

