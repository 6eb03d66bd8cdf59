/**
 * Pure judgements over Prometheus / Grafana API answers, one function per
 * monitoring check. Each returns the verdicts to record: a check name, ok,
 * and a one-line reason that names what failed (instance, group, alert).
 */
import { z } from 'zod';

/** The rule groups in k8s/monitoring/golive-rules.yaml (a test keeps them in sync). */
export const GOLIVE_RULE_GROUPS = ['golive.availability', 'golive.alerts'] as const;

export const CHECK = {
  ready: 'prometheus ready',
  targets: 'scrape targets up',
  rules: 'golive rule groups loaded',
  alerts: 'no critical alert firing',
  grafana: 'grafana healthy',
} as const;

export interface Verdict { name: string; ok: boolean; reason?: string }

const labels = z.record(z.string(), z.string());
const vectorAnswer = z.object({
  status: z.literal('success'),
  data: z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric: labels, value: z.tuple([z.number(), z.string()]) })) }),
});
const rulesAnswer = z.object({
  status: z.literal('success'),
  data: z.object({ groups: z.array(z.object({
    name: z.string(),
    rules: z.array(z.object({ name: z.string(), health: z.string().optional(), lastError: z.string().optional() })),
  })) }),
});
const alertsAnswer = z.object({
  status: z.literal('success'),
  data: z.object({ alerts: z.array(z.object({ labels, state: z.string() })) }),
});

/** `up`, `up{...}`, `{...}` or bare matchers `namespace="x"` -> a PromQL selector. */
export function targetsQuery(selector: string): string {
  const s = selector.trim();
  if (s.startsWith('{')) return `up${s}`;
  if (/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[\s\S]*\})?$/.test(s)) return s;
  return `up{${s}}`;
}

function unexpected(what: string, body: unknown): string {
  const err = (body as { error?: unknown } | undefined)?.error;
  return typeof err === 'string' ? `${what}: ${err}` : `${what}: unexpected answer`;
}

function describeLabels(m: Record<string, string>): string {
  const who = m.instance ?? Object.entries(m).filter(([k]) => k !== '__name__').map(([k, v]) => `${k}=${v}`).join(',');
  return m.job && m.instance ? `${who} (job ${m.job})` : who;
}

/** One verdict per target, so counts say how many were down. */
export function judgeTargets(query: string, body: unknown): Verdict[] {
  const parsed = vectorAnswer.safeParse(body);
  if (!parsed.success) return [{ name: CHECK.targets, ok: false, reason: unexpected(`query ${query}`, body) }];
  const rows = parsed.data.data.result;
  if (rows.length === 0) return [{ name: CHECK.targets, ok: false, reason: `no scrape target matches ${query}` }];
  return rows.map((r) => {
    const ok = Number(r.value[1]) === 1;
    return ok ? { name: CHECK.targets, ok } : { name: CHECK.targets, ok, reason: `target ${describeLabels(r.metric)} is down (${query} = ${r.value[1]})` };
  });
}

export function judgeRules(body: unknown, expected: readonly string[] = GOLIVE_RULE_GROUPS): Verdict {
  const parsed = rulesAnswer.safeParse(body);
  if (!parsed.success) return { name: CHECK.rules, ok: false, reason: unexpected('/api/v1/rules', body) };
  const groups = parsed.data.data.groups;
  const missing = expected.filter((g) => !groups.some((x) => x.name === g));
  if (missing.length) return { name: CHECK.rules, ok: false, reason: `rule groups not loaded: ${missing.join(', ')}` };
  const broken = groups.filter((g) => expected.includes(g.name))
    .flatMap((g) => g.rules.filter((r) => r.health === 'err').map((r) => `${r.name}: ${r.lastError ?? 'error'}`));
  if (broken.length) return { name: CHECK.rules, ok: false, reason: `golive rules failing to evaluate: ${broken.join('; ')}` };
  return { name: CHECK.rules, ok: true };
}

export interface AlertJudgement { verdict: Verdict; ignored: string[] }

/**
 * Critical alerts firing fail the check. golive's own alerts (source=golive)
 * describe earlier runs; this run measures the same things afresh, so they
 * are reported but do not fail it (else one failure would fail the next run).
 */
export function judgeAlerts(body: unknown): AlertJudgement {
  const parsed = alertsAnswer.safeParse(body);
  if (!parsed.success) return { verdict: { name: CHECK.alerts, ok: false, reason: unexpected('/api/v1/alerts', body) }, ignored: [] };
  const critical = parsed.data.data.alerts.filter((a) => a.state === 'firing' && a.labels.severity === 'critical');
  const name = (a: { labels: Record<string, string> }) => {
    const { alertname, severity: _s, source: _src, ...rest } = a.labels;
    const extra = Object.entries(rest).map(([k, v]) => `${k}=${v}`).join(',');
    return `${alertname ?? '(unnamed)'}${extra ? `{${extra}}` : ''}`;
  };
  const own = critical.filter((a) => a.labels.source === 'golive').map(name);
  const foreign = critical.filter((a) => a.labels.source !== 'golive').map(name);
  const verdict: Verdict = foreign.length
    ? { name: CHECK.alerts, ok: false, reason: `critical alert${foreign.length > 1 ? 's' : ''} firing: ${foreign.join(', ')}` }
    : { name: CHECK.alerts, ok: true };
  return { verdict, ignored: own };
}

export function judgeGrafana(status: number, body: unknown): Verdict {
  const db = (body as { database?: unknown } | undefined)?.database;
  if (status === 200 && db === 'ok') return { name: CHECK.grafana, ok: true };
  return { name: CHECK.grafana, ok: false, reason: `grafana /api/health answered ${status}${typeof db === 'string' ? ` (database ${db})` : ''}` };
}
