/**
 * One HTTP delivery with bounded retries: exponential backoff with jitter, a
 * per-attempt timeout and a total deadline. A 429 or 503 with Retry-After
 * (seconds or an HTTP-date) waits as long as the receiver asks, when that
 * fits before the deadline; when it does not, the delivery fails at once,
 * saying so. Never throws; the outcome says how many attempts were made and,
 * on failure, why (one line, no secrets).
 */
import { Agent, request } from 'undici';
import { readCapped } from '../net/body.js';
import { withTimeout } from '../net/timeout.js';
import type { Clock } from '../core/clock.js';
import { redactUrl } from '../core/redact.js';
import { oneLine, scrubSecrets } from '../core/scrub.js';
import { authorize, describeFailure, type Credentials } from '../core/http-auth.js';

export { authorize, describeFailure, type Credentials } from '../core/http-auth.js';

export interface RetryPolicy {
  /** total attempts, the first included */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** the whole delivery, retries and waits included, ends by then */
  deadlineMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 250, maxDelayMs: 4000, deadlineMs: 20_000 };

export interface DeliveryEnv {
  credentials: Credentials;
  retry: RetryPolicy;
  /** per-attempt timeout; capped by what is left of the deadline */
  timeoutMs: number;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** wall-clock ms, for a Retry-After given as an HTTP-date; default Date.now */
  now?: () => number;
}

export interface HttpDelivery {
  /** for messages: "prometheus remote write", "pushgateway push" */
  what: string;
  url: string;
  method: 'POST' | 'PUT';
  headers: Record<string, string>;
  body: Uint8Array | string;
  /** the URL itself is a secret (a Slack webhook): errors never show it */
  secretUrl?: boolean;
  /** further strings masked in every error text (a routing key in the body) */
  secrets?: readonly string[];
}

export type DeliveryOutcome =
  | { ok: true; attempts: number }
  | { ok: false; attempts: number; error: string };

type Attempt = { kind: 'ok' } | { kind: 'retry'; why: string; retryAfterMs?: number } | { kind: 'permanent'; why: string };

/** Retry-After as ms from `nowMs`: delta-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined when absent or malformed. */
export function retryAfterMs(value: string | string[] | undefined, nowMs: number): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) && /[a-z]/i.test(v) ? Math.max(0, at - nowMs) : undefined;
}

/** Equal jitter: at least half the exponential step, so retries do spread out. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return step / 2 + random() * (step / 2);
}

/** A sink's error body is only ever quoted in one line: this much is plenty. */
const MAX_SINK_BODY_BYTES = 16 * 1024;

async function attemptOnce(d: HttpDelivery, url: string, headers: Record<string, string>, timeoutMs: number, agent: Agent, now: () => number): Promise<Attempt> {
  const deadline = withTimeout(undefined, timeoutMs);
  try {
    const res = await request(url, {
      method: d.method,
      headers,
      body: d.body,
      dispatcher: agent,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: deadline.signal,
    });
    const read = await readCapped(res.body, MAX_SINK_BODY_BYTES);
    const text = read.ok ? read.text : `(body larger than ${MAX_SINK_BODY_BYTES} bytes)`;
    if (res.statusCode >= 200 && res.statusCode < 300) return { kind: 'ok' };
    const why = oneLine(`HTTP ${res.statusCode}${text ? `: ${text}` : ''}`);
    // 4xx means the request itself is wrong: sending it again cannot help.
    const retryable = res.statusCode >= 500 || res.statusCode === 429 || res.statusCode === 408;
    if (!retryable) return { kind: 'permanent', why };
    const after = res.statusCode === 429 || res.statusCode === 503 ? retryAfterMs(res.headers['retry-after'], now()) : undefined;
    return after === undefined ? { kind: 'retry', why } : { kind: 'retry', why, retryAfterMs: after };
  } catch (err) {
    return { kind: 'retry', why: describeFailure(err, timeoutMs) };
  } finally {
    deadline.clear();
  }
}

/** A secret URL and the parts of it a receiver might echo back (its path, its query). */
function secretParts(url: string): string[] {
  try {
    const u = new URL(url);
    return [url, u.href, `${u.pathname}${u.search}`, u.pathname, u.search].filter((s) => s.length > 1);
  } catch {
    return [url];
  }
}

export async function deliver(d: HttpDelivery, env: DeliveryEnv): Promise<DeliveryOutcome> {
  const start = env.clock.now();
  const deadline = start + env.retry.deadlineMs;
  let auth: ReturnType<typeof authorize>;
  try {
    auth = authorize(d.url, env.credentials);
  } catch {
    return { ok: false, attempts: 0, error: `${d.what}: invalid URL${d.secretUrl ? '' : ` ${redactUrl(d.url)}`}` };
  }
  const shown = d.secretUrl ? '' : ` to ${redactUrl(d.url)}`;
  const secrets = [...auth.secrets, ...(d.secrets ?? []), ...(d.secretUrl ? secretParts(d.url) : [])];
  const headers = { ...d.headers, ...(auth.authorization ? { authorization: auth.authorization } : {}) };
  const agent = new Agent({ connect: { timeout: Math.max(1, Math.round(env.timeoutMs)) } });
  const fail = (attempts: number, why: string, note = ''): DeliveryOutcome => ({
    ok: false,
    attempts,
    error: scrubSecrets(`${d.what}${shown} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}${note}: ${why}`, secrets),
  });
  try {
    let attempts = 0;
    for (;;) {
      const left = deadline - env.clock.now();
      const timeoutMs = Math.max(1, Math.round(Math.min(env.timeoutMs, left)));
      attempts++;
      const r = await attemptOnce(d, auth.url, headers, timeoutMs, agent, env.now ?? Date.now);
      if (r.kind === 'ok') return { ok: true, attempts };
      if (r.kind === 'permanent' || attempts >= env.retry.attempts) return fail(attempts, r.why);
      const asked = r.retryAfterMs;
      const wait = asked ?? backoffMs(attempts, env.retry, env.random);
      if (env.clock.now() + wait >= deadline) {
        const note = asked === undefined ? '' : `, it asked to retry after ${Math.ceil(asked / 1000)} s`;
        return fail(attempts, r.why, ` (deadline ${env.retry.deadlineMs} ms${note})`);
      }
      await env.sleep(wait);
    }
  } finally {
    await agent.close().catch(() => undefined);
  }
}
