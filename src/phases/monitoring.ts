/**
 * Runbook "Monitoring Validation": Prometheus ready, the expected scrape
 * targets up, golive's rule groups loaded, no critical alert firing, and
 * (with --grafana-url) Grafana healthy. Each is a recorded check.
 */
import { Findings } from './findings.js';
import type { PhaseContext, PhaseOutcome, PhaseRunner } from './types.js';
import { apiUrl, getJson } from '../net/monitoring-api.js';
import type { ApiOptions } from '../net/monitoring-api.js';
import { CHECK, judgeAlerts, judgeGrafana, judgeRules, judgeTargets, targetsQuery } from './monitoring-checks.js';
import type { Verdict } from './monitoring-checks.js';
import { judgeSaturation } from './saturation/judge.js';
import type { SaturationDeps, SaturationLog } from './saturation/sample.js';

const PHASE = 'monitoring' as const;

async function prometheusVerdicts(ctx: PhaseContext, base: string, opts: ApiOptions): Promise<Verdict[]> {
  const ready = await getJson(apiUrl(base, '/-/ready'), opts);
  if (!ready.ok) return [{ name: CHECK.ready, ok: false, reason: `Prometheus not reachable: ${ready.error}` }];
  if (ready.status !== 200) return [{ name: CHECK.ready, ok: false, reason: `Prometheus /-/ready answered ${ready.status}` }];
  const out: Verdict[] = [{ name: CHECK.ready, ok: true }];

  const query = targetsQuery(ctx.plan.prometheus.targetsSelector);
  const [targets, rules, alerts] = await Promise.all([
    getJson(apiUrl(base, '/api/v1/query', { query }), opts),
    getJson(apiUrl(base, '/api/v1/rules'), opts),
    getJson(apiUrl(base, '/api/v1/alerts'), opts),
  ]);
  out.push(...(targets.ok ? judgeTargets(query, targets.body) : [{ name: CHECK.targets, ok: false, reason: targets.error }]));
  out.push(rules.ok ? judgeRules(rules.body) : { name: CHECK.rules, ok: false, reason: rules.error });
  if (alerts.ok) {
    const { verdict, ignored } = judgeAlerts(alerts.body);
    if (ignored.length) {
      ctx.emit({ type: 'log', level: 'warn', message: `golive alerts about earlier runs are firing (not failing this run): ${ignored.join(', ')}` });
    }
    out.push(verdict);
  } else out.push({ name: CHECK.alerts, ok: false, reason: alerts.error });
  return out;
}

/** Saturation samples taken around the load (or, without a load, one taken here) judged into checks. */
async function saturationVerdicts(ctx: PhaseContext, sat: SaturationWatch): Promise<Verdict[]> {
  if (sat.log.samples.length === 0) await sat.log.take(sat.deps, 'check', ctx.signal);
  return judgeSaturation(sat.deps.checks, sat.log.samples);
}

export interface SaturationWatch { deps: SaturationDeps; log: SaturationLog }

export const monitoringPhase: PhaseRunner = makeMonitoringPhase();

export function makeMonitoringPhase(saturation?: SaturationWatch): PhaseRunner {
  return {
  name: PHASE,
  needs: [],
  async run(ctx): Promise<PhaseOutcome> {
    const p = ctx.plan.prometheus;
    if (!p.url) {
      return { status: 'error', reason: 'the monitoring phase needs Prometheus: pass --prometheus-url URL (or prometheus.url in the config)' };
    }
    const opts: ApiOptions = {
      timeoutMs: ctx.plan.requestTimeoutMs,
      signal: ctx.signal,
      credentials: { username: p.username, password: p.password, bearerToken: p.bearerToken },
    };
    const verdicts = await prometheusVerdicts(ctx, p.url, opts);
    if (p.grafanaUrl) {
      const res = await getJson(apiUrl(p.grafanaUrl, '/api/health'), { timeoutMs: opts.timeoutMs, signal: ctx.signal });
      verdicts.push(res.ok ? judgeGrafana(res.status, res.body) : { name: CHECK.grafana, ok: false, reason: res.error });
    }
    if (saturation) verdicts.push(...(await saturationVerdicts(ctx, saturation)));
    if (ctx.signal.aborted) return { status: 'aborted', reason: 'aborted' };
    const found = new Findings();
    for (const v of verdicts) found.checks.record(PHASE, v.name, v.ok, v.reason);
    const failed = verdicts.filter((v) => !v.ok);
    if (failed.length === 0) return found.outcome('passed');
    const reasons = [...new Set(failed.map((v) => v.reason ?? v.name))];
    return found.outcome('failed', reasons.slice(0, 3).join('; ') + (reasons.length > 3 ? ` (+${reasons.length - 3} more)` : ''));
  },
  };
}
