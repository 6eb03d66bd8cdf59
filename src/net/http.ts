/**
 * Single requests for the functional phases (health, market-data): Node's
 * HTTP client with keep-alive (exchange.ts: 1xx skipped, a GET resent once
 * when a reused connection closed unanswered), a per-request timeout that
 * holds end to end (body included), bodies decoded (gzip, deflate, br) and
 * capped after decoding, TLS verification on (an extra CA may be added,
 * verification is never turned off). Every request the target saw is
 * recorded as k6 records it: http_reqs, http_req_duration, http_req_failed,
 * tagged. An aborted request and a fault of our own are not: they say
 * nothing about the target.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { CheckRecorder } from '../core/check-recorder.js';
import type { MetricStore } from '../core/metrics.js';
import type { PhaseName } from '../core/result.js';
import { bodyTooLarge, readCapped } from './body.js';
import { ACCEPT_ENCODING, decodedBody, isDecodeError } from './decode.js';
import { Exchanger } from './exchange.js';
import { STALE_RETRIES, type FailureTally } from './failures.js';
import { clientFault, describeError } from './load/describe-error.js';
import { withTimeout } from './timeout.js';
import { defaultExpected } from '../../checks/declared/expected.js';
import type { Clock } from '../core/clock.js';

export interface HttpCall {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  /** a path on the origin, or an absolute URL (declared checks) */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** statuses that count as expected (k6's expected_response); default 200-399 */
  expected?: (status: number) => boolean;
  /** this request's own timeout instead of the client's */
  timeoutMs?: number;
  /** the `name` tag when it is not the path (a declared step's template, never its rendered secrets) */
  name?: string;
  /** extra sample tags (a declared check's `check` and `group`) */
  tags?: Readonly<Record<string, string>>;
}

export type HttpOutcome =
  /** `bodyError` when the body could not be kept (over the cap): the checks on it fail with it */
  | { kind: 'response'; status: number; body: unknown; text: string; durationMs: number; bodyError?: string; location?: string; headers: Record<string, string>; resent?: boolean }
  /** no answer: evidence against the target (timeout, refused, reset, TLS) */
  | { kind: 'error'; error: string; durationMs: number }
  /** a fault raised on our side (EMFILE, a header we cannot send): never evidence */
  | { kind: 'client-fault'; error: string; hint: string; durationMs: number }
  /** the run was aborted (signal or deadline) while the request was in flight */
  | { kind: 'aborted'; durationMs: number };

export interface HttpClientOptions {
  origin: string;
  timeoutMs: number;
  /** bytes of a body kept for the checks; more fails them with "body larger than N bytes" */
  maxBodyBytes?: number;
  clock: Clock;
  ca?: string;
  signal: AbortSignal;
}

/** Where a measured request goes: the phase's samples and its failures by cause. */
export interface MeasuredInto {
  store: MetricStore;
  failures?: FailureTally;
  /** where a check on the response itself goes (the API's contract) */
  checks?: CheckRecorder;
}

export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** A one-line cause for a failed request: the load loops' wording, one rule for both. */
export const describeRequestError = describeError;

export class HttpClient {
  private readonly exchanger: Exchanger;

  constructor(private readonly opts: HttpClientOptions) {
    this.exchanger = new Exchanger(opts.ca);
  }

  async call(call: HttpCall): Promise<HttpOutcome> {
    const { clock } = this.opts;
    const timeoutMs = call.timeoutMs ?? this.opts.timeoutMs;
    const maxBytes = this.opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const start = clock.now();
    const elapsed = () => clock.now() - start;
    if (this.opts.signal.aborted) return { kind: 'aborted', durationMs: 0 };
    let deadline: ReturnType<typeof withTimeout> | undefined;
    try {
      const url = new URL(call.path, this.opts.origin);
      // One timer for headers and body: the request is bounded end to end.
      deadline = withTimeout(this.opts.signal, timeoutMs);
      const headers: OutgoingHttpHeaders = { 'accept-encoding': ACCEPT_ENCODING, ...call.headers };
      const { res, resent } = await this.exchanger.send({
        method: call.method, url, headers, ...(call.body !== undefined ? { body: call.body } : {}), signal: deadline.signal,
      });
      const status = res.statusCode ?? 0;
      // never followed; named in the status check
      const location = res.headers.location;
      const extra = { headers: flatHeaders(res.headers), ...(location === undefined ? {} : { location }), ...(resent ? { resent } : {}) };
      const refused = (bodyError: string): HttpOutcome => {
        res.destroy();
        return { kind: 'response', status, body: undefined, text: '', durationMs: elapsed(), bodyError, ...extra };
      };
      // A HEAD, 204 or 304 has no body to decode, whatever its content-encoding says.
      const decoded = call.method === 'HEAD' || status === 204 || status === 304 ? { ok: true as const, stream: res, codings: [] } : decodedBody(res);
      if (!decoded.ok) return refused(`body in a content coding golive cannot decode: ${decoded.coding.slice(0, 40)}`);
      const codings = decoded.codings.join(', ');
      const coded = codings ? ` (decoded from ${codings})` : '';
      if (!coded && Number(res.headers['content-length']) > maxBytes) return refused(bodyTooLarge(maxBytes));
      let read: Awaited<ReturnType<typeof readCapped>>;
      try {
        read = await readCapped(decoded.stream, maxBytes);
      } catch (err) {
        if (!isDecodeError(err) || deadline.timedOut() || this.opts.signal.aborted) throw err;
        return refused(`body does not decode as ${codings}: ${describeError(err)}`);
      }
      if (!read.ok) return refused(`${bodyTooLarge(maxBytes)}${coded}`);
      return { kind: 'response', status, body: parseJson(read.text), text: read.text, durationMs: elapsed(), ...extra };
    } catch (err) {
      // An abort rejects with the run signal's reason (e.g. 'SIGINT'), which says nothing about the request.
      if (this.opts.signal.aborted) return { kind: 'aborted', durationMs: elapsed() };
      const error = deadline?.timedOut() ? 'timeout' : describeRequestError(err);
      const hint = clientFault(error);
      return hint !== undefined
        ? { kind: 'client-fault', error, hint, durationMs: elapsed() }
        : { kind: 'error', error, durationMs: elapsed() };
    } finally {
      deadline?.clear();
    }
  }

  /** Calls and records the k6 HTTP metrics for a request the target saw. */
  async measured(phase: PhaseName, call: HttpCall, into: MeasuredInto): Promise<HttpOutcome> {
    const { store, failures } = into;
    const out = await this.call(call);
    if (out.kind === 'aborted') return out;
    if (out.kind === 'client-fault') {
      failures?.add(phase, out.error);
      return out;
    }
    const status = out.kind === 'response' ? out.status : 0;
    const expected = (call.expected ?? defaultExpected)(status);
    if (!expected) failures?.add(phase, out.kind === 'error' ? out.error : `status ${status}`);
    const tags = {
      ...call.tags,
      phase,
      scenario: phase,
      name: call.name ?? call.path,
      method: call.method,
      status: String(status),
      expected_response: String(expected),
    };
    if (out.kind === 'response' && out.resent) store.add(STALE_RETRIES, 1, { phase }, { type: 'counter', contains: 'default' });
    store.add('http_reqs', 1, tags);
    store.add('http_req_failed', expected ? 0 : 1, tags);
    // Like k6, failed requests still count towards the duration trend.
    store.add('http_req_duration', out.durationMs, tags);
    return out;
  }

  async close(): Promise<void> {
    this.exchanger.close();
  }
}

/** Lower-case names; a repeated header joined with ", " as HTTP allows. */
function flatHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
