/**
 * Reading Prometheus for the sign-off: instant and range queries at fixed
 * times, over the monitoring API client (timeout, size cap, credentials in
 * the header only). Every failure comes back as a value naming the query,
 * never as an exception: a criterion it hits is `unknown`.
 */
import { z } from 'zod';
import type { Credentials } from '../core/http-auth.js';
import { redactUrl } from '../core/redact.js';
import { oneLine } from '../core/scrub.js';
import { apiUrl, getJson } from '../net/monitoring-api.js';

export interface Row { labels: Record<string, string>; value: number }
export interface SeriesRows { labels: Record<string, string>; points: [t: number, v: number][] }

export type Answer<T> = { ok: true; data: T } | { ok: false; error: string };

export interface PromReader {
  /** at `time` (epoch s) */
  instant(query: string, time: number): Promise<Answer<Row[]>>;
  /** bucket ends from start to end (epoch s) every step s */
  range(query: string, start: number, end: number, step: number): Promise<Answer<SeriesRows[]>>;
  /** labels of the loaded alerting rules */
  alertRules(): Promise<Answer<Record<string, string>[]>>;
}

const sample = z.tuple([z.number(), z.string()]);
const labels = z.record(z.string(), z.string());
const instantAnswer = z.object({
  status: z.literal('success'),
  data: z.discriminatedUnion('resultType', [
    z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric: labels, value: sample })) }),
    z.object({ resultType: z.literal('scalar'), result: sample }),
  ]),
});
const rangeAnswer = z.object({
  status: z.literal('success'),
  data: z.object({ resultType: z.literal('matrix'), result: z.array(z.object({ metric: labels, values: z.array(sample) })) }),
});
const rulesAnswer = z.object({
  status: z.literal('success'),
  data: z.object({ groups: z.array(z.object({ rules: z.array(z.object({ type: z.string(), labels: labels.optional() })) })) }),
});

/** Why Prometheus refused, from its own error text (capped: it echoes the query). */
function refusal(status: number, body: unknown): string {
  const err = (body as { error?: unknown } | undefined)?.error;
  return typeof err === 'string' ? `Prometheus answered ${status}: ${oneLine(err, 300)}` : `Prometheus answered ${status} with an unexpected body`;
}

export interface ReaderOptions {
  baseUrl: string;
  credentials: Credentials;
  timeoutMs: number;
  signal: AbortSignal;
}

export function promReader(o: ReaderOptions): PromReader {
  const get = async <T>(path: string, params: Record<string, string>, schema: z.ZodType<T>): Promise<Answer<T>> => {
    const res = await getJson(apiUrl(o.baseUrl, path, params), { timeoutMs: o.timeoutMs, signal: o.signal, credentials: o.credentials });
    // The query is in the URL: say where and why, not the whole URL again.
    if (!res.ok) return { ok: false, error: `${redactUrl(o.baseUrl)}: ${res.error.replace(/^GET \S+: /, '')}` };
    const parsed = schema.safeParse(res.body);
    return parsed.success ? { ok: true, data: parsed.data } : { ok: false, error: refusal(res.status, res.body) };
  };
  return {
    async instant(query, time) {
      const a = await get('/api/v1/query', { query, time: String(time) }, instantAnswer);
      if (!a.ok) return a;
      const d = a.data.data;
      if (d.resultType === 'scalar') return { ok: true, data: [{ labels: {}, value: Number(d.result[1]) }] };
      return { ok: true, data: d.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) })) };
    },
    async range(query, start, end, step) {
      const a = await get('/api/v1/query_range', { query, start: String(start), end: String(end), step: String(step) }, rangeAnswer);
      if (!a.ok) return a;
      return { ok: true, data: a.data.data.result.map((r) => ({ labels: r.metric, points: r.values.map(([t, v]) => [t, Number(v)] as [number, number]) })) };
    },
    async alertRules() {
      const a = await get('/api/v1/rules', { type: 'alert' }, rulesAnswer);
      if (!a.ok) return a;
      return { ok: true, data: a.data.data.groups.flatMap((g) => g.rules.filter((r) => r.type === 'alerting').map((r) => r.labels ?? {})) };
    },
  };
}
