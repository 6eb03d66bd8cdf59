/**
 * Credentials for an HTTP API (Prometheus, Pushgateway, Grafana, webhooks) and
 * one-line failure causes: shared by the sinks and the monitoring phase, so
 * it sits below both.
 */
import { oneLine } from './scrub.js';

export interface Credentials { username?: string; password?: string; bearerToken?: string }

/** Moves URL userinfo into basic auth (fetch-style clients refuse it in URLs). */
export function authorize(rawUrl: string, creds: Credentials): { url: string; authorization?: string; secrets: string[] } {
  const u = new URL(rawUrl);
  const fromUrl = { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
  u.username = '';
  u.password = '';
  const secrets = [creds.password, creds.bearerToken, fromUrl.password].filter((s): s is string => !!s);
  if (creds.bearerToken) return { url: u.toString(), authorization: `Bearer ${creds.bearerToken}`, secrets };
  const user = creds.username ?? (fromUrl.username || undefined);
  const pass = creds.username !== undefined ? creds.password ?? '' : fromUrl.password;
  if (user === undefined) return { url: u.toString(), secrets };
  const basic = Buffer.from(`${user}:${pass}`).toString('base64');
  return { url: u.toString(), authorization: `Basic ${basic}`, secrets: [...secrets, basic] };
}

export function describeFailure(err: unknown, timeoutMs: number): string {
  if (!(err instanceof Error)) return oneLine(String(err));
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `timed out after ${Math.round(timeoutMs)} ms`;
  const codeOf = (e: unknown) => (e as { code?: unknown } | undefined)?.code;
  for (const c of [codeOf(err), codeOf(err.cause)]) if (typeof c === 'string' && /^E[A-Z]+$/.test(c)) return c;
  const code = codeOf(err);
  return oneLine(typeof code === 'string' ? `${code}: ${err.message}` : err.message);
}
