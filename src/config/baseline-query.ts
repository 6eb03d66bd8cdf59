/**
 * `--baseline-query PROMQL`: the 2x-baseline profile's baseline read from
 * Prometheus before anything is sent to the target, e.g.
 * `sum(rate(http_requests_total{service="gateway"}[1h]))`. It must give one
 * positive number; anything else is a usage error (exit 104) naming the flag.
 */
import { GoliveError } from '../core/errors.js';
import { apiUrl, getJson } from '../net/monitoring-api.js';
import type { Plan } from '../contract/plan.js';

const usage = (msg: string): GoliveError => new GoliveError('GOLIVE_USAGE', `--baseline-query: ${msg}`);

/** Pure: a /api/v1/query answer -> the one number it holds. */
export function baselineFromAnswer(body: unknown): number {
  const b = body as { status?: unknown; error?: unknown; data?: { resultType?: unknown; result?: unknown } } | undefined;
  if (b?.status !== 'success') throw usage(`Prometheus refused the query: ${typeof b?.error === 'string' ? b.error.slice(0, 200) : 'unexpected answer'}`);
  const { resultType, result } = b.data ?? {};
  let raw: unknown;
  if (resultType === 'scalar' && Array.isArray(result)) raw = result[1];
  else if (resultType === 'vector' && Array.isArray(result)) {
    if (result.length !== 1) throw usage(`expected one series, got ${result.length}${result.length > 1 ? '; wrap the query in sum(...)' : ' (no data for the query)'}`);
    raw = (result[0] as { value?: unknown[] } | undefined)?.value?.[1];
  } else throw usage(`expected an instant vector or scalar, got ${String(resultType)}`);
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw usage(`expected a positive number of requests per second, got ${String(raw).slice(0, 40)}`);
  return v;
}

export async function queryBaseline(plan: Plan, query: string): Promise<number> {
  const p = plan.prometheus;
  if (!p.url) throw usage('needs --prometheus-url (the Prometheus to ask)');
  const res = await getJson(apiUrl(p.url, '/api/v1/query', { query }), {
    timeoutMs: plan.requestTimeoutMs,
    // getJson bounds the query with its own strongly held timer (--timeout); nothing else aborts it.
    signal: new AbortController().signal,
    credentials: { username: p.username, password: p.password, bearerToken: p.bearerToken },
  });
  if (!res.ok) throw usage(res.error);
  if (res.status !== 200 && res.status !== 400 && res.status !== 422) throw usage(`Prometheus answered ${res.status}`);
  return baselineFromAnswer(res.body);
}
