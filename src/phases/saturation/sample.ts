/**
 * Taking saturation samples: every check's instant query against Prometheus,
 * before the load, every `saturation.intervalSeconds` during it and after it
 * (a wrapper around the load phase, as the HPA watch is). The samples go into
 * a log that the monitoring phase judges; without a load the monitoring phase
 * takes one sample itself.
 */
import { z } from 'zod';
import type { Plan } from '../../contract/plan.js';
import { apiUrl, getJson } from '../../net/monitoring-api.js';
import type { PhaseOutcome, PhaseRunner } from '../types.js';
import { runWhileSampling } from '../while-loading.js';
import type { QueryResult, SampleWhen, SaturationSample } from './judge.js';
import { concreteQuery, promDurationSeconds, saturationChecks } from './queries.js';
import type { SaturationCheck } from './queries.js';

export interface SaturationDeps {
  checks: readonly SaturationCheck[];
  query(promql: string, signal: AbortSignal): Promise<QueryResult>;
  /** epoch ms */
  now(): number;
  rateWindowSeconds: number;
  intervalMs: number;
}

/** What was sampled so far; filled by the load wrapper, read by the monitoring phase. */
export class SaturationLog {
  readonly samples: SaturationSample[] = [];
  private firstAtMs: number | undefined;

  async take(deps: SaturationDeps, when: SampleWhen, signal: AbortSignal): Promise<void> {
    const atMs = deps.now();
    this.firstAtMs ??= atMs;
    const elapsed = (atMs - this.firstAtMs) / 1000;
    const results = await Promise.all(deps.checks.map((c) => deps.query(concreteQuery(c, elapsed, deps.rateWindowSeconds), signal)));
    this.samples.push({ atMs, when, results });
  }
}

const value = z.tuple([z.number(), z.string()]);
const answer = z.object({
  status: z.literal('success'),
  data: z.discriminatedUnion('resultType', [
    z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric: z.record(z.string(), z.string()), value })) }),
    z.object({ resultType: z.literal('scalar'), result: value }),
  ]),
});

/** Pure: a /api/v1/query answer -> the series and their values. */
export function parseQueryAnswer(status: number, body: unknown): QueryResult {
  const parsed = answer.safeParse(body);
  if (!parsed.success) {
    const err = (body as { error?: unknown } | undefined)?.error;
    return { ok: false, error: typeof err === 'string' ? `Prometheus answered ${status}: ${err.slice(0, 200)}` : `Prometheus answered ${status} with an unexpected body` };
  }
  const d = parsed.data.data;
  if (d.resultType === 'scalar') return { ok: true, rows: [{ labels: {}, value: Number(d.result[1]) }] };
  return { ok: true, rows: d.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) })) };
}

export function saturationDeps(plan: Plan): SaturationDeps | undefined {
  const p = plan.prometheus;
  const checks = saturationChecks(plan);
  if (!p.url || checks.length === 0) return undefined;
  const base = p.url;
  return {
    checks,
    now: () => Date.now(),
    rateWindowSeconds: promDurationSeconds(plan.saturation.rateWindow),
    intervalMs: plan.saturation.intervalSeconds * 1000,
    async query(promql, signal) {
      const res = await getJson(apiUrl(base, '/api/v1/query', { query: promql }), {
        timeoutMs: plan.requestTimeoutMs, signal,
        credentials: { username: p.username, password: p.password, bearerToken: p.bearerToken },
      });
      return res.ok ? parseQueryAnswer(res.status, res.body) : { ok: false, error: res.error };
    },
  };
}

/** Wraps the load phase: a sample before it, every interval during it, one after it. */
export function watchSaturationDuring(load: PhaseRunner, deps: SaturationDeps, log: SaturationLog): PhaseRunner {
  return {
    ...load,
    async run(ctx): Promise<PhaseOutcome> {
      await log.take(deps, 'before', ctx.signal);
      const out = await runWhileSampling(() => load.run(ctx), deps.intervalMs, () => log.take(deps, 'during', ctx.signal));
      await log.take(deps, 'after', ctx.signal);
      return out;
    },
  };
}
