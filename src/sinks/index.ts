/**
 * Sinks: deliver a finished run to Prometheus (remote write) and the
 * Pushgateway. Called by the CLI after the reports are built; never throws,
 * one DeliveryResult per configured sink.
 */
import type { Plan } from '../contract/plan.js';
import type { MetricStore } from '../core/metrics.js';
import type { DeliveryResult, RunResult } from '../core/result.js';
import { MetricStore as Store, TREND_STATS } from '../core/metrics.js';
import { systemClock } from '../core/clock.js';
import type { Clock } from '../core/clock.js';
import { DEFAULT_RETRY, deliver } from './delivery.js';
import type { DeliveryEnv, RetryPolicy } from './delivery.js';
import { buildK6Series } from './k6-series.js';
import { remoteWriteBody } from './prompb.js';
import { certExpiryFamily, checkSuccessFamily, groupingPath, exposition, verdictFamilies } from './pushgateway-format.js';
import { familySeries } from './family-series.js';
import { oneLine } from '../core/scrub.js';

export interface SinkContext {
  result: RunResult;
  store: MetricStore;
  plan: Plan;
  /** monotonic ms, for the deadline */
  clock?: Clock;
  /** per-request timeout; default plan.requestTimeoutMs */
  fetchTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** static labels on every remote-written series, e.g. { runner: '0' } */
  extraLabels?: Readonly<Record<string, string>>;
  /** wall-clock sample timestamp (ms); default the run's finishedAt */
  timestampMs?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function envOf(ctx: SinkContext): DeliveryEnv {
  const p = ctx.plan.prometheus;
  return {
    credentials: { username: p.username, password: p.password, bearerToken: p.bearerToken },
    retry: { ...DEFAULT_RETRY, ...ctx.retry },
    timeoutMs: ctx.fetchTimeoutMs ?? ctx.plan.requestTimeoutMs,
    clock: ctx.clock ?? systemClock,
    sleep: ctx.sleep ?? defaultSleep,
    random: ctx.random ?? Math.random,
  };
}

function sampleTime(ctx: SinkContext): number {
  if (ctx.timestampMs !== undefined) return ctx.timestampMs;
  const t = Date.parse(ctx.result.golive.finishedAt);
  return Number.isFinite(t) ? t : Date.now();
}

export async function deliverRemoteWrite(ctx: SinkContext, url: string): Promise<DeliveryResult> {
  const sink = 'prometheus-remote-write' as const;
  let body: Uint8Array;
  try {
    const g = ctx.result.golive;
    // Under --engine k6, k6's own remote-write output already wrote these samples (engine/k6/prometheus-output.ts).
    const samples = ctx.result.golive.engine === 'k6' ? new Store() : ctx.store;
    const series = buildK6Series(samples, {
      testid: ctx.plan.testid ?? g.testid,
      environment: ctx.plan.environment ?? g.environment,
      extraLabels: ctx.extraLabels,
      trendStats: ctx.result.options.summaryTrendStats.length ? ctx.result.options.summaryTrendStats : TREND_STATS,
      nativeHistograms: ctx.plan.prometheus.nativeHistograms,
      timestampMs: sampleTime(ctx),
    });
    // The edge phase's verdict and certificate expiry, as the Pushgateway gets them (k6 has no such series).
    const success = checkSuccessFamily(ctx.result);
    const edgeSuccess = { ...success, samples: success.samples.filter((s) => s.labels.phase === 'edge') };
    series.push(...familySeries([edgeSuccess, certExpiryFamily(ctx.result)], {
      ...ctx.extraLabels, testid: ctx.plan.testid ?? g.testid, ...(ctx.plan.environment ?? g.environment ? { environment: ctx.plan.environment ?? g.environment ?? '' } : {}),
    }, sampleTime(ctx)));
    body = remoteWriteBody(series);
  } catch (err) {
    return { sink, ok: false, attempts: 0, error: oneLine(`prometheus remote write: could not encode the series: ${err instanceof Error ? err.message : String(err)}`) };
  }
  const out = await deliver({
    what: 'prometheus remote write',
    url,
    method: 'POST',
    headers: {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
      'user-agent': `golive/${ctx.result.golive.version}`,
    },
    body,
  }, envOf(ctx));
  return out.ok ? { sink, ok: true, attempts: out.attempts } : { sink, ok: false, attempts: out.attempts, error: out.error };
}

export async function deliverPushgateway(ctx: SinkContext, baseUrl: string): Promise<DeliveryResult> {
  const sink = 'pushgateway' as const;
  const g = ctx.result.golive;
  const path = groupingPath(ctx.plan.prometheus.job, ctx.plan.environment ?? g.environment);
  const url = `${baseUrl.replace(/\/+$/, '')}${path}`;
  const out = await deliver({
    what: 'pushgateway push',
    url,
    // PUT replaces the whole group: series of a phase that no longer ran do not linger.
    method: 'PUT',
    headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
    body: exposition(verdictFamilies(ctx.result, ctx.store)),
  }, envOf(ctx));
  return out.ok ? { sink, ok: true, attempts: out.attempts } : { sink, ok: false, attempts: out.attempts, error: out.error };
}

/** Every configured sink, concurrently; never throws. */
export async function deliverAll(ctx: SinkContext): Promise<DeliveryResult[]> {
  const p = ctx.plan.prometheus;
  const jobs: Promise<DeliveryResult>[] = [];
  // The sinks catch their own failures; this is the last net so the CLI still writes its reports.
  const safe = (sink: DeliveryResult['sink'], run: () => Promise<DeliveryResult>) => run().catch((err: unknown) => ({
    sink, ok: false, attempts: 0, error: oneLine(`${sink}: ${err instanceof Error ? err.message : String(err)}`),
  }));
  const { remoteWriteUrl, pushgatewayUrl } = p;
  if (remoteWriteUrl) jobs.push(safe('prometheus-remote-write', () => deliverRemoteWrite(ctx, remoteWriteUrl)));
  if (pushgatewayUrl) jobs.push(safe('pushgateway', () => deliverPushgateway(ctx, pushgatewayUrl)));
  return Promise.all(jobs);
}
