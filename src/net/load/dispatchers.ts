/** Keep-alive connections for the load loop, one request per connection at a time. */
import { Client, Pool, type Dispatcher } from 'undici';
import { trustedCas } from '../tls.js';
import type { LoadRequest } from './types.js';

interface ConnOptions {
  timeoutMs: number;
  ca?: string;
}

function clientOptions({ timeoutMs, ca }: ConnOptions): Client.Options {
  return {
    pipelining: 1,
    connectTimeout: timeoutMs,
    // Backstops: the run's sweeper enforces the end-to-end timeout.
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 30_000,
    // An extra CA is added to the default roots, never replacing verification.
    ...(ca ? { connect: { ca: trustedCas(ca), rejectUnauthorized: true } } : {}),
  };
}

/** Closed model: one Client per worker, so no pool bookkeeping per request. */
export function workerClients(origin: string, count: number, opts: ConnOptions): Client[] {
  const o = clientOptions(opts);
  return Array.from({ length: count }, () => new Client(origin, o));
}

/** Open model: up to `connections` sockets, opened as arrivals need them. */
export function arrivalPool(origin: string, connections: number, opts: ConnOptions): Pool {
  return new Pool(origin, { ...clientOptions(opts), connections });
}

/** One options object for every request: undici copies what it needs. */
export function dispatchOptions(request: LoadRequest, timeoutMs: number): Dispatcher.DispatchOptions {
  return {
    method: request.method,
    path: request.path,
    headers: request.headers ?? null,
    body: request.body ?? null,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  };
}
