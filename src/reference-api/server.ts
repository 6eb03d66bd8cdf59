/**
 * The reference API: a node:http server that behaves like the Signal Trading
 * gateway and data service, with fault injection for tests and the benchmark.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tokenDigest } from './auth.js';
import { createFaults, type LatencySpec } from './faults.js';
import { MAX_BODY_BYTES, route, type ApiResponse, type RouteConfig } from './routes.js';
import { createTimers } from './timers.js';
import { createServerLatency, LATENCY_PATH } from './server-latency.js';
import { OPENAPI_JSON, OPENAPI_PATH } from './openapi-doc.js';
import { createSessions } from './sessions.js';

export type { LatencySpec } from './faults.js';

export interface ReferenceApiOptions {
  port?: number;
  host?: string;
  token: string;
  latency?: LatencySpec;
  /** fraction of requests (any endpoint) answered with 500 */
  errorRate?: number;
  /** latency grows once the arrival rate passes this many requests per second */
  saturateRps?: number;
  /** health endpoints answer 503 */
  down?: boolean;
  /** market data in the wrong shape; health stays fine */
  badSchema?: boolean;
  seed?: number;
  random?: () => number;
  /** serve HTTPS with this certificate chain and key (PEM) */
  tls?: { cert: string; key: string };
  /** also listen on this port over plain HTTP, answering 301 to the HTTPS site */
  httpRedirectPort?: number;
  /** send Strict-Transport-Security: max-age=N; includeSubDomains on HTTPS answers */
  hstsMaxAge?: number;
}

export interface ReferenceApi {
  url: string;
  port: number;
  /** the plain-HTTP redirect listener's port, when asked for */
  redirectPort?: number;
  /** requests received so far (including faulted ones) */
  requests(): number;
  /** what the server itself measured, arrival to last byte handed to the OS */
  latency(): ReturnType<ReturnType<typeof createServerLatency>['snapshot']>;
  close(): Promise<void>;
}

const INJECTED_FAULT: ApiResponse = { status: 500, body: { error: 'injected fault (--error-rate)' } };

export async function startReferenceApi(opts: ReferenceApiOptions): Promise<ReferenceApi> {
  const host = opts.host ?? '127.0.0.1';
  const faults = createFaults(opts);
  const timers = createTimers(() => performance.now());
  const cfg: RouteConfig = {
    tokenDigest: tokenDigest(opts.token),
    down: opts.down ?? false,
    badSchema: opts.badSchema ?? false,
    now: () => new Date(),
    sessions: createSessions(),
  };
  let count = 0;
  const observed = createServerLatency();

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const arrival = performance.now();
    if (req.url?.startsWith(LATENCY_PATH)) {
      observed.serve(req, res);
      return;
    }
    // The contract is metadata, like FastAPI's own route: not counted, never faulted.
    if (req.method === 'GET' && (req.url ?? '').split('?', 1)[0] === OPENAPI_PATH) {
      req.resume();
      send(res, { status: 200, body: undefined }, OPENAPI_JSON);
      return;
    }
    res.once('finish', () => observed.record(performance.now() - arrival));
    const n = ++count;
    const decision = faults.decide(n, arrival);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Keep draining past the limit so the keep-alive connection stays usable.
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const response = decision.fail
        ? INJECTED_FAULT
        : route(
            {
              method: req.method ?? 'GET',
              path: (req.url ?? '/').split('?', 1)[0] ?? '/',
              authorization: req.headers.authorization,
              contentType: req.headers['content-type'],
              body: Buffer.concat(chunks).toString('utf8'),
              bodyTooLarge: size > MAX_BODY_BYTES,
            },
            cfg,
          );
      // The latency counts from arrival, so reading the body is part of it, not added to it.
      timers.at(arrival + decision.delayMs, faults.holdUntil, () => send(res, response));
    });
  };

  const hsts = opts.tls && opts.hstsMaxAge !== undefined ? `max-age=${opts.hstsMaxAge}; includeSubDomains` : undefined;
  const serve = hsts ? (req: IncomingMessage, res: ServerResponse): void => { res.setHeader('strict-transport-security', hsts); handle(req, res); } : handle;
  const server: Server = opts.tls ? createHttpsServer({ keepAlive: true, cert: opts.tls.cert, key: opts.tls.key }, serve) : createServer({ keepAlive: true }, serve);
  // Above typical client idle timeouts (undici 4 s) so the server is not the side that races a reuse.
  server.keepAliveTimeout = 65_000;
  const port = await listen(server, opts.port ?? 0, host);
  const redirect = opts.httpRedirectPort !== undefined ? createServer((req, res) => redirectToHttps(req, res, port)) : undefined;
  let redirectPort: number | undefined;
  try {
    if (redirect) redirectPort = await listen(redirect, opts.httpRedirectPort ?? 0, host);
  } catch (err) {
    server.close();
    throw err;
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const stop = (s: Server) => new Promise<void>((resolve, reject) => {
    s.close((err) => (err ? reject(err) : resolve()));
    s.closeAllConnections();
  });

  return {
    url: `${opts.tls ? 'https' : 'http'}://${urlHost}:${port}`,
    port,
    ...(redirectPort !== undefined ? { redirectPort } : {}),
    requests: () => count,
    latency: () => observed.snapshot(),
    close: async () => {
      timers.cancelAll();
      await Promise.all([stop(server), ...(redirect ? [stop(redirect)] : [])]);
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** 301 to the same host and path on the HTTPS port, as a production edge would. */
function redirectToHttps(req: IncomingMessage, res: ServerResponse, httpsPort: number): void {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::\d+)?$/.exec(req.headers.host ?? '');
  if (!m) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('bad Host header\n');
    return;
  }
  const path = (req.url ?? '/').startsWith('/') ? req.url ?? '/' : '/';
  res.writeHead(301, { location: `https://${m[1]}${httpsPort === 443 ? '' : `:${httpsPort}`}${path}`, 'content-length': 0 }).end();
}

function send(res: ServerResponse, response: ApiResponse, raw?: string): void {
  if (res.destroyed) return;
  const payload = raw ?? JSON.stringify(response.body);
  res.writeHead(response.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    ...response.headers,
  });
  res.end(payload);
}
