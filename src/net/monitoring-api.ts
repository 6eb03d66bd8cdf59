/**
 * GET a JSON document from Prometheus or Grafana with a timeout and the run's
 * abort signal. Failures come back as one-line values (URL without
 * credentials), never as exceptions.
 */
import { request } from 'undici';
import { bodyTooLarge, readCapped } from './body.js';
import { withTimeout } from './timeout.js';
import type { Credentials } from '../core/http-auth.js';
import { authorize, describeFailure } from '../core/http-auth.js';
import { redactUrl } from '../core/redact.js';
import { oneLine, scrubSecrets } from '../core/scrub.js';

/** Prometheus answers for one query are small; a bigger body is refused, not kept. */
export const MAX_API_BODY_BYTES = 16 * 1024 * 1024;

export interface ApiOptions {
  timeoutMs: number;
  maxBodyBytes?: number;
  signal: AbortSignal;
  credentials?: Credentials;
}

export type ApiResponse =
  | { ok: true; status: number; body: unknown; text: string }
  | { ok: false; error: string };

export function apiUrl(base: string, path: string, query?: Record<string, string>): string {
  const u = new URL(path.replace(/^\//, ''), base.endsWith('/') ? base : `${base}/`);
  for (const [k, v] of Object.entries(query ?? {})) u.searchParams.set(k, v);
  return u.toString();
}

export async function getJson(url: string, opts: ApiOptions): Promise<ApiResponse> {
  let auth: ReturnType<typeof authorize>;
  try {
    auth = authorize(url, opts.credentials ?? {});
  } catch {
    return { ok: false, error: `invalid URL ${redactUrl(url)}` };
  }
  const timeoutMs = Math.max(1, Math.round(opts.timeoutMs));
  const maxBytes = opts.maxBodyBytes ?? MAX_API_BODY_BYTES;
  let deadline: ReturnType<typeof withTimeout> | undefined;
  try {
    // One strongly held timer for headers and body (see net/timeout.ts).
    deadline = withTimeout(opts.signal, timeoutMs);
    const res = await request(auth.url, {
      method: 'GET',
      headers: { accept: 'application/json', ...(auth.authorization ? { authorization: auth.authorization } : {}) },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: deadline.signal,
    });
    const read = await readCapped(res.body, maxBytes);
    if (!read.ok) return { ok: false, error: `GET ${redactUrl(url)}: ${bodyTooLarge(maxBytes)}` };
    const text = read.text;
    let body: unknown;
    try { body = JSON.parse(text) as unknown; } catch { body = undefined; }
    return { ok: true, status: res.statusCode, body, text };
  } catch (err) {
    const why = scrubSecrets(describeFailure(err, timeoutMs), auth.secrets);
    return { ok: false, error: oneLine(`GET ${redactUrl(url)}: ${why}`) };
  } finally {
    deadline?.clear();
  }
}
