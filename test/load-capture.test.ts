/**
 * The load generator keeping sampled responses for the API's contract: head
 * and body as sent (chunked, split heads, both carriers), the body capped,
 * nothing kept for a request the sampler passed over, no more than
 * MAX_CAPTURES_IN_FLIGHT at once; and the sampler's budget: every response
 * while it holds, then every stride-th per request. Real servers on port 0.
 */
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../src/core/clock.js';
import { runLoad } from '../src/net/load/index.js';
import { rawTarget } from '../src/net/load/raw-request.js';
import { MAX_CAPTURES_IN_FLIGHT } from '../src/net/load/run-state.js';
import type { LoadCapture } from '../src/net/load/capture.js';
import type { LoadOptions, LoadRequest } from '../src/net/load/types.js';
import { LoadSampler } from '../src/openapi/load-sampling.js';

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A TCP server answering each request (one per read: we never pipeline) with `reply(n)`, written in `pieces`. */
async function tcp(reply: (n: number) => string, pieces = 1): Promise<string> {
  let n = 0;
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => {
      const bytes = Buffer.from(reply(++n), 'latin1');
      const size = Math.ceil(bytes.length / pieces);
      for (let i = 0; i < bytes.length; i += size) socket.write(bytes.subarray(i, i + size));
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface Kept { status: number; request: number; headers?: Record<string, string>; text?: string | undefined; capped?: boolean }

async function load(origin: string, capture: LoadCapture | undefined, requests: number, concurrency: number, request: LoadRequest = { method: 'GET', path: '/x' }, extra: Partial<LoadOptions> = {}): Promise<Kept[]> {
  const kept: Kept[] = [];
  await runLoad({
    origin, request, workload: { model: 'closed', requests, concurrency }, timeoutMs: 5000,
    signal: new AbortController().signal, clock: systemClock, ...(capture ? { capture } : {}),
    // The response is valid only during onSample: copy what is kept.
    onSample: (s) => { kept.push({ status: s.status, request: s.request ?? 0, ...(s.response ? { headers: { ...s.response.headers() }, text: s.response.text(), capped: s.response.capped } : {}) }); },
    ...extra,
  });
  return kept;
}

const every: LoadCapture = { want: () => true, maxBytes: 1024 };
const json = (body: string, extra = '') => `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Seq: a\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('responses kept for the contract', () => {
  it('keeps head and body as sent by the raw client: content-length, chunked, written byte by byte, after a 100 Continue', async () => {
    const chunked = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{"a":\r\n3;x=1\r\n 1}\r\n0\r\nx-trailer: t\r\n\r\n';
    const replies = [json('{"ok":true}'), chunked, `HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n${json('[1,2]')}`];
    const origin = await tcp((n) => replies[(n - 1) % 3]!, 40);
    const kept = await load(origin, every, 3, 1);
    expect(kept.map((k) => [k.status, k.text, k.headers?.['content-type'], k.headers?.['x-interim']])).toEqual([
      [200, '{"ok":true}', 'application/json', undefined],
      [200, '{"a": 1}', 'application/json', undefined],
      [200, '[1,2]', 'application/json', undefined],
    ]);
  });

  it('keeps them through undici too (a request the raw client leaves to it)', async () => {
    const origin = await tcp(() => json('{"via":"undici"}'));
    const request: LoadRequest = { method: 'GET', path: '/x', headers: { te: 'trailers' } };
    expect(rawTarget(origin, request)).toBeUndefined();
    const kept = await load(origin, every, 2, 1, request);
    expect(kept.map((k) => [k.status, k.text, k.headers?.['x-seq']])).toEqual([[200, '{"via":"undici"}', 'a'], [200, '{"via":"undici"}', 'a']]);
  });

  it('caps the body: a longer one is marked capped and not given as text', async () => {
    const origin = await tcp(() => json(`{"pad":"${'x'.repeat(5000)}"}`), 7);
    const kept = await load(origin, { want: () => true, maxBytes: 1000 }, 2, 1);
    expect(kept.map((k) => [k.status, k.capped, k.text])).toEqual([[200, true, undefined], [200, true, undefined]]);
  });

  it('keeps nothing without a capture or for a request passed over, and at most MAX_CAPTURES_IN_FLIGHT at once', async () => {
    const origin = await tcp(() => json('{}'));
    expect((await load(origin, undefined, 20, 4)).filter((k) => k.headers !== undefined)).toEqual([]);
    let asked = 0;
    const odd: LoadCapture = { want: () => asked++ % 2 === 1, maxBytes: 64 };
    const kept = await load(origin, odd, 20, 4);
    expect(kept.filter((k) => k.text === '{}').length).toBe(10);
    // Twice the limit sent at once (one per worker, before any answer), each asking to be kept: only the limit is.
    const wide = await load(origin, every, 2 * MAX_CAPTURES_IN_FLIGHT, 2 * MAX_CAPTURES_IN_FLIGHT);
    expect(wide.length).toBe(2 * MAX_CAPTURES_IN_FLIGHT);
    expect(wide.filter((k) => k.text !== undefined).length).toBe(MAX_CAPTURES_IN_FLIGHT);
  });
});

describe('the sampler: every response within the CPU budget, then an even sample per request', () => {
  it('checks everything while the budget holds', () => {
    const s = new LoadSampler(1024, { share: 0.05, graceMs: 10 }, 0);
    // 0.01 ms per check at 1 response per ms: 1 % of the time, under 5 %.
    let picked = 0;
    for (let t = 1; t <= 10_000; t++) {
      if (s.want(0)) { picked++; s.spent(0.01, t); }
    }
    expect(picked).toBe(10_000);
    expect(s.stride).toBe(1);
  });

  it('samples past the budget, holding the spend near it, every stride-th of each request of the mix', () => {
    const s = new LoadSampler(1024, { share: 0.05, graceMs: 10 }, 0);
    // 0.5 ms per check at 1 response per ms: checking all would be 50 %.
    const picked = [0, 0];
    for (let t = 1; t <= 100_000; t++) {
      const request = t % 5 === 0 ? 1 : 0;
      if (s.want(request)) { picked[request]!++; s.spent(0.5, t); }
    }
    const share = s.spentMs / 100_000;
    expect(share).toBeGreaterThan(0.02);
    expect(share).toBeLessThanOrEqual(0.05 + 10 / 100_000);
    // Each request of an 80/20 mix is sampled in proportion, not aliased away by the cycle.
    expect(picked[1]! / (picked[0]! + picked[1]!)).toBeGreaterThan(0.15);
    expect(picked[1]! / (picked[0]! + picked[1]!)).toBeLessThan(0.25);
  });

  it('is deterministic: the same costs pick the same responses', () => {
    const picks = () => {
      const s = new LoadSampler(1024, { share: 0.05, graceMs: 1 }, 0);
      const out: number[] = [];
      for (let t = 1; t <= 2000; t++) if (s.want(0)) { out.push(t); s.spent(0.2, t); }
      return out;
    };
    expect(picks()).toEqual(picks());
  });
});
