import { loopbackCert } from './support/certs.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RawClosedLoad } from '../src/net/load/raw-client.js';
import { rawTarget } from '../src/net/load/raw-request.js';
import type { LoadOptions, LoadRequest, LoadSample, LoadStats } from '../src/net/load/types.js';
import { systemClock } from '../src/core/clock.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers: (Server | NetServer)[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  for (const s of servers.splice(0)) {
    if ('closeAllConnections' in s) s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** Listens on port 0; counts the connections it accepted. */
async function listen(server: Server | NetServer, scheme = 'http'): Promise<{ origin: string; connections: () => number }> {
  let connections = 0;
  server.on(scheme === 'https' ? 'secureConnection' : 'connection', (s: Socket) => {
    connections++;
    sockets.add(s);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { origin: `${scheme}://127.0.0.1:${port}`, connections: () => connections };
}

const http = (h: Handler) => listen(createServer(h));
/** A TCP server that answers every request (one per read, as we never pipeline) with `reply`. */
const tcp = (reply: (socket: Socket, n: number) => void) => {
  let n = 0;
  return listen(createNetServer((socket) => { socket.on('data', () => reply(socket, ++n)); }));
};

async function runRaw(origin: string, requests: number, concurrency: number, extra: Partial<LoadOptions> = {}, request: LoadRequest = { method: 'GET', path: '/x' }) {
  const samples: LoadSample[] = [];
  const opts: LoadOptions = {
    origin,
    request,
    workload: { model: 'closed', requests, concurrency },
    timeoutMs: 5_000,
    signal: new AbortController().signal,
    clock: systemClock,
    onSample: (s) => { samples.push({ ...s }); },
    ...extra,
  };
  const target = rawTarget(origin, request);
  if (!target) throw new Error('the raw client refused the request');
  const stats: LoadStats = await new RawClosedLoad(opts, [target], requests, concurrency).run();
  return { stats, samples, statuses: samples.map((s) => s.status) };
}

describe('raw client, bodies', () => {
  it('reads chunked bodies and keeps the connections', async () => {
    const srv = await http((_req, res) => { res.write('abc'); res.write('defg'); res.end('h'); });
    const { stats, samples } = await runRaw(srv.origin, 60, 3);
    expect(stats).toMatchObject({ started: 60, completed: 60, failed: 0 });
    expect(samples.every((s) => s.status === 200 && s.bytes === 8)).toBe(true);
    expect(srv.connections()).toBe(3);
  });

  it('reads a body written in pieces, one larger than the read buffer, and a head cut byte by byte', async () => {
    const big = Buffer.alloc(300_000, 0x61);
    const srv = await http((req, res) => {
      res.setHeader('content-length', req.url === '/big' ? big.length : 12);
      if (req.url === '/big') { res.end(big); return; }
      res.write('1234');
      setTimeout(() => { res.write('5678'); setTimeout(() => res.end('9abc'), 3); }, 3);
    });
    const pieces = await runRaw(srv.origin, 20, 2);
    expect(pieces.samples.every((s) => s.status === 200 && s.bytes === 12)).toBe(true);
    const large = await runRaw(srv.origin, 5, 1, {}, { method: 'GET', path: '/big' });
    expect(large.samples.map((s) => s.bytes)).toEqual([300_000, 300_000, 300_000, 300_000, 300_000]);

    const response = Buffer.from('HTTP/1.1 202 Accepted\r\nX-A: 1\r\nContent-Length: 5\r\n\r\nhello');
    const trickle = await tcp((socket) => {
      let i = 0;
      const next = (): void => { if (i < response.length && !socket.destroyed) socket.write(response.subarray(i, ++i), next); };
      next();
    });
    const slow = await runRaw(trickle.origin, 3, 1);
    expect(slow.samples.map((s) => [s.status, s.bytes])).toEqual([[202, 5], [202, 5], [202, 5]]);
    expect(trickle.connections()).toBe(1);
  });

  it('knows 204 and 304 have no body and keeps the connection; skips 1xx', async () => {
    let n = 0;
    const srv = await http((_req, res) => {
      n++;
      if (n % 3 === 0) { res.writeEarlyHints({ link: '</a.css>; rel=preload' }); res.end('ok'); return; }
      res.statusCode = n % 3 === 1 ? 204 : 304;
      res.end();
    });
    const { samples, statuses } = await runRaw(srv.origin, 30, 1);
    expect(statuses).toEqual(Array.from({ length: 30 }, (_, i) => [204, 304, 200][i % 3]));
    expect(samples.filter((s) => s.status !== 200).every((s) => s.bytes === 0)).toBe(true);
    expect(srv.connections()).toBe(1);
  });

  it('reads a body that runs to the close, and connects again', async () => {
    const srv = await tcp((socket) => { socket.end('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close'); });
    const { stats, samples } = await runRaw(srv.origin, 4, 2);
    expect(stats).toMatchObject({ completed: 4, failed: 0 });
    expect(samples.map((s) => [s.status, s.bytes])).toEqual([[200, 11], [200, 11], [200, 11], [200, 11]]);
    expect(srv.connections()).toBe(4);
  });
});

describe('raw client, connections', () => {
  it('reconnects after Connection: close and keeps counting exactly', async () => {
    let n = 0;
    const srv = await http((_req, res) => {
      if (++n % 3 === 0) res.setHeader('connection', 'close');
      res.end('ok');
    });
    const { stats, statuses } = await runRaw(srv.origin, 90, 3);
    expect(stats).toMatchObject({ started: 90, completed: 90, failed: 0 });
    expect(n).toBe(90);
    expect(statuses.every((s) => s === 200)).toBe(true);
    // Three to start with, one more after each of the 30 closes but those that ended a worker's last request.
    expect(srv.connections()).toBeGreaterThanOrEqual(3 + 27);
    expect(srv.connections()).toBeLessThanOrEqual(3 + 29);

    n = 0;
    const before = srv.connections();
    const one = await runRaw(srv.origin, 30, 1);
    expect(one.statuses).toEqual(Array(30).fill(200));
    // One worker: the 3rd, 6th, ... 27th response each cost a new connection; the 30th was the last.
    expect(srv.connections() - before).toBe(1 + 9);
  });

  it('reports a server that closes mid-response as status 0 with an error, then goes on', async () => {
    let n = 0;
    const srv = await http((req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('0123456789');
      if (++n % 2 === 0) setImmediate(() => req.socket.destroy());
      else res.end('x'.repeat(90));
    });
    const { stats, samples } = await runRaw(srv.origin, 20, 2);
    expect(stats).toMatchObject({ started: 20, completed: 10, failed: 10 });
    expect(samples).toHaveLength(20);
    for (const s of samples.filter((x) => x.status === 0)) expect(s.error).toMatch(/^(other side closed|ECONNRESET|EPIPE)$/);
    expect(samples.filter((s) => s.status === 200).every((s) => s.bytes === 100)).toBe(true);
  });

  it('reports a malformed response as status 0 with the reason, and connects again', async () => {
    const srv = await tcp((socket) => { socket.write('SMTP ready\r\n\r\n'); });
    const { samples } = await runRaw(srv.origin, 2, 1);
    expect(samples.map((s) => [s.status, s.error])).toEqual([[0, 'invalid response: invalid status line'], [0, 'invalid response: invalid status line']]);
    expect(srv.connections()).toBe(2);
  });

  it('times a request out end to end and carries on on a new connection', async () => {
    let n = 0;
    const srv = await http((_req, res) => { if (++n > 1) res.end('ok'); });
    const { stats, samples } = await runRaw(srv.origin, 4, 1, { timeoutMs: 200 });
    expect(samples.map((s) => [s.status, s.error])).toEqual([[0, 'timeout'], [200, undefined], [200, undefined], [200, undefined]]);
    expect(samples[0]!.durationMs).toBeGreaterThanOrEqual(199);
    expect(stats).toMatchObject({ completed: 3, failed: 1 });
    expect(srv.connections()).toBe(2);
  });

  it('aborts what is in flight without samples and resolves at once', async () => {
    let arrived = 0;
    const ac = new AbortController();
    const srv = await http(() => { if (++arrived === 3) ac.abort(); });
    const t0 = performance.now();
    const { stats, samples } = await runRaw(srv.origin, 1_000, 3, { signal: ac.signal, timeoutMs: 30_000 });
    expect(stats).toMatchObject({ started: 3, completed: 0, failed: 0, aborted: true });
    expect(samples).toHaveLength(0);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('sends method, path, host, authorization, content-length and body as serialized', async () => {
    const seen: string[] = [];
    const srv = await http((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${req.headers.host} ${req.headers.authorization} ${req.headers['content-length']} ${body}`);
        res.end();
      });
    });
    const port = new URL(srv.origin).port;
    await runRaw(srv.origin, 3, 1, {}, { method: 'POST', path: '/api?q=1', headers: { authorization: 'Bearer t0k' }, body: '{"a":"é"}' });
    expect(seen).toEqual(Array(3).fill(`POST /api?q=1 127.0.0.1:${port} Bearer t0k 10 {"a":"é"}`));
  });
});

describe('raw client, TLS', () => {
  let dir = '';
  let cert = '';
  let key: Buffer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'golive-raw-tls-'));
    ({ cert, key } = await loopbackCert(dir));
  });
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  it('trusts a self-signed CA given as ca, refuses it without, and reconnects over TLS', async () => {
    let n = 0;
    const srv = await listen(createHttpsServer({ key, cert }, (_req, res) => {
      if (++n % 4 === 0) res.setHeader('connection', 'close');
      res.end('{"status":"healthy"}');
    }), 'https');
    const trusted = await runRaw(srv.origin, 12, 1, { ca: cert });
    expect(trusted.samples.map((s) => [s.status, s.bytes])).toEqual(Array(12).fill([200, 20]));
    expect(srv.connections()).toBe(3);
    const untrusted = await runRaw(srv.origin, 2, 1);
    expect(untrusted.samples.map((s) => [s.status, s.error])).toEqual([[0, 'DEPTH_ZERO_SELF_SIGNED_CERT'], [0, 'DEPTH_ZERO_SELF_SIGNED_CERT']]);
    expect(n).toBe(12);
  });
});

describe('raw client, keep-alive closes (issue 27)', () => {
  const OK = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}';
  /** A TCP server that answers `answers(connection, request)` with OK, else closes before a byte. */
  const closing = (answers: (conn: number, req: number) => boolean, endAfter?: number) => {
    let conns = 0;
    let seen = 0;
    const srv = listen(createNetServer((socket) => {
      const conn = conns++;
      let req = 0;
      socket.on('error', () => undefined);
      socket.on('data', () => {
        seen++;
        const i = req++;
        if (!answers(conn, i)) socket.destroy();
        else if (endAfter !== undefined && i === endAfter - 1) socket.end(OK);
        else socket.write(OK);
      });
    }));
    return srv.then((s) => ({ ...s, seen: () => seen }));
  };

  it('a connection closed right after its third response: the GET written to it is resent once, nothing fails', async () => {
    const srv = await closing(() => true, 3);
    const { stats, statuses } = await runRaw(srv.origin, 40, 1);
    expect(stats).toMatchObject({ started: 40, completed: 40, failed: 0 });
    expect(statuses.every((s) => s === 200)).toBe(true);
    // the 4th, 7th, ... request met the close: 13 of them, each sent twice
    expect(stats.staleRetries).toBe(13);
    expect(srv.seen()).toBe(40 + 13);
  });

  it('a POST is never resent: the close is its failure', async () => {
    const srv = await closing(() => true, 3);
    const { stats } = await runRaw(srv.origin, 40, 1, {}, { method: 'POST', path: '/x', body: '{}' });
    expect(stats.staleRetries).toBe(0);
    // the 4th, 8th, ... request fails, and the next connects afresh
    expect(stats.failed).toBe(10);
    expect(srv.seen()).toBe(40);
  });

  it('every reused connection closes and so does the fresh one: one resend per request, then the failure', async () => {
    // connections 0, 2, 4 ... answer their first request; every other request meets a close
    const srv = await closing((conn, req) => conn % 2 === 0 && req === 0);
    const { stats, samples } = await runRaw(srv.origin, 20, 1);
    expect(stats).toMatchObject({ started: 20, completed: 10, failed: 10, staleRetries: 10 });
    for (const s of samples.filter((x) => x.status === 0)) expect(s.error).toMatch(/^(other side closed|ECONNRESET|EPIPE)$/);
    expect(srv.seen()).toBe(30);
  });

  it('a fresh connection that closes before answering is not resent', async () => {
    const srv = await closing(() => false);
    const { stats } = await runRaw(srv.origin, 10, 2);
    expect(stats).toMatchObject({ failed: 10, staleRetries: 0 });
    expect(srv.seen()).toBe(10);
  });
});
