/**
 * The open model opens its first connections before the schedule starts
 * (open.ts, connectionsAhead): at a fast rate the first arrivals find them
 * up, instead of each waiting for a connect on a cold thread. A connection
 * opened ahead that the server closes before its first request is a stale
 * one, not the target's failure: the request goes on a fresh connection.
 * Real servers on port 0 (node:net, so the test controls every byte).
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../src/core/clock.js';
import { runLoad, type LoadSample } from '../src/net/load/index.js';
import { connectionsAhead } from '../src/net/load/open.js';
import { rateProfile } from '../src/net/load/schedule.js';

const servers: { srv: Server; sockets: Set<Socket> }[] = [];
afterEach(async () => {
  for (const { srv, sockets } of servers.splice(0)) {
    for (const s of sockets) s.destroy();
    await new Promise((r) => srv.close(r));
  }
});

const RESPONSE = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 15\r\n\r\n{"status":"ok"}';

/**
 * Answers every request on its connection; records how many connections it had accepted when the
 * first request arrived. `closeSilent`: when the first request arrives, it closes every connection
 * that has not sent anything yet (an idle timeout, at the worst moment for connections opened ahead).
 */
async function server(closeSilent = false) {
  const seen = { accepted: 0, atFirstRequest: -1, closedIdle: 0 };
  const sockets = new Set<Socket>();
  const silent = new Set<Socket>();
  const srv = createServer((sock) => {
    seen.accepted++;
    sockets.add(sock);
    silent.add(sock);
    sock.on('close', () => { sockets.delete(sock); silent.delete(sock); });
    sock.on('data', (chunk: Buffer) => {
      silent.delete(sock);
      if (seen.atFirstRequest < 0) {
        seen.atFirstRequest = seen.accepted;
        if (closeSilent) for (const idle of silent) { seen.closedIdle++; idle.end(); }
      }
      const n = chunk.toString('latin1').split('\r\n\r\n').length - 1;
      for (let i = 0; i < n; i++) sock.write(RESPONSE);
    });
    sock.on('error', () => undefined);
  });
  servers.push({ srv, sockets });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, seen };
}

async function open(origin: string, rate: number, seconds: number) {
  const samples: LoadSample[] = [];
  const stats = await runLoad({
    origin, request: { method: 'GET', path: '/health' }, workload: { model: 'open', rate, durationSeconds: seconds, maxInFlight: 200 },
    timeoutMs: 5_000, signal: new AbortController().signal, clock: systemClock, onSample: (s) => { samples.push({ ...s }); },
  });
  return { stats, samples };
}

describe('how many connections open ahead (pure)', () => {
  it.each([
    // [rate, threads, maxInFlight, expected]: 10 ms of arrivals at the thread's peak, none below 500/s
    [20, 1, 200, 0],
    [499, 1, 200, 0],
    [2_000, 1, 200, 20],
    [20_000, 1, 200, 200],
    [20_000, 2, 100, 100],
    [40_000, 1, 1000, 256],
    [2_000, 4, 50, 5],
    [1_996, 4, 50, 0],
  ])('%d/s on %d thread(s), max-in-flight %d: %d', (rate, threads, max, want) => {
    expect(connectionsAhead(rateProfile({ model: 'open', rate, durationSeconds: 1, maxInFlight: max }), threads, max)).toBe(want);
  });

  it('a staged run opens for its highest stage', () => {
    const p = rateProfile({ model: 'staged', startRate: 0, stages: [{ durationSeconds: 1, target: 100 }, { durationSeconds: 1, target: 3_000 }], maxInFlight: 200 });
    expect(connectionsAhead(p, 1, 200)).toBe(30);
  });
});

describe('connections opened ahead, against a real server', () => {
  it('at 2,000/s the 20 connections are up before the first request arrives', async () => {
    const s = await server();
    const { stats } = await open(s.origin, 2_000, 0.25);
    expect(stats.completed).toBe(500);
    // the server may accept the last of them after the first request's bytes: more than one is what opening ahead gives
    expect(s.seen.atFirstRequest).toBeGreaterThan(1);
    expect(s.seen.accepted).toBeGreaterThanOrEqual(20);
  });

  it('at 20/s none is opened ahead: the first request comes on the first connection', async () => {
    const s = await server();
    const { stats } = await open(s.origin, 20, 0.2);
    expect(stats.completed).toBe(4);
    expect(s.seen.atFirstRequest).toBe(1);
  });

  it('a server that closes the connections still silent at the first request fails no request: they go again on a fresh connection', async () => {
    const s = await server(true);
    const { stats, samples } = await open(s.origin, 2_000, 0.25);
    expect(s.seen.closedIdle).toBeGreaterThan(0);
    expect(samples.filter((x) => x.error !== undefined).map((x) => x.error)).toEqual([]);
    expect(stats.completed).toBe(500);
  });
});
