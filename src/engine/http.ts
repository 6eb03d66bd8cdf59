/**
 * Single requests for the functional phases (health, market-data): undici with
 * keep-alive, a per-request timeout and TLS verification on (an extra CA may be
 * added, verification is never turned off). Every request is recorded as k6
 * records it: http_reqs, http_req_duration, http_req_failed, tagged.
 */
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import type { MetricStore } from '../core/metrics.js';
import type { PhaseName } from '../core/result.js';
import { trustedCas } from './tls.js';
import type { Clock } from './types.js';
import { describeError } from './load/describe-error.js';

export interface HttpCall {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** statuses that count as expected (k6's expected_response); default 200-399 */
  expected?: (status: number) => boolean;
}

export type HttpOutcome =
  | { kind: 'response'; status: number; body: unknown; text: string; durationMs: number }
  | { kind: 'error'; error: string; durationMs: number };

export interface HttpClientOptions {
  origin: string;
  timeoutMs: number;
  clock: Clock;
  ca?: string;
  signal: AbortSignal;
}

const defaultExpected = (s: number) => s >= 200 && s < 400;

/** A one-line cause for a failed request: the load loops' wording, one rule for both. */
export const describeRequestError = describeError;

export class HttpClient {
  private readonly agent: Dispatcher;

  constructor(private readonly opts: HttpClientOptions) {
    this.agent = new Agent({
      keepAliveTimeout: 10_000,
      connect: { timeout: opts.timeoutMs, ...(opts.ca ? { ca: trustedCas(opts.ca) } : {}) },
    });
  }

  async call(call: HttpCall): Promise<HttpOutcome> {
    const { clock, timeoutMs } = this.opts;
    const url = new URL(call.path, this.opts.origin);
    const start = clock.now();
    try {
      const res = await request(url, {
        method: call.method,
        headers: call.headers,
        body: call.body,
        dispatcher: this.agent,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.any([this.opts.signal, AbortSignal.timeout(timeoutMs)]),
      });
      const text = await res.body.text();
      const durationMs = clock.now() - start;
      return { kind: 'response', status: res.statusCode, body: parseJson(text), text, durationMs };
    } catch (err) {
      // undici rejects with the run signal's reason (e.g. 'SIGINT'), which says nothing about the request.
      const error = this.opts.signal.aborted ? 'aborted' : describeRequestError(err);
      return { kind: 'error', error, durationMs: clock.now() - start };
    }
  }

  /** Calls and records the k6 HTTP metrics for it. */
  async measured(phase: PhaseName, call: HttpCall, store: MetricStore): Promise<HttpOutcome> {
    const out = await this.call(call);
    const status = out.kind === 'response' ? out.status : 0;
    const expected = (call.expected ?? defaultExpected)(status);
    const tags = {
      phase,
      scenario: phase,
      name: call.path,
      method: call.method,
      status: String(status),
      expected_response: String(expected),
    };
    store.add('http_reqs', 1, tags);
    store.add('http_req_failed', expected ? 0 : 1, tags);
    // Like k6, failed requests still count towards the duration trend.
    store.add('http_req_duration', out.durationMs, tags);
    return out;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
