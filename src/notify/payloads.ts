/**
 * Pure: the message for each channel from a finished run. One set of
 * variables (documented in the README) feeds Slack, the webhook template and
 * PagerDuty, so every channel says the same thing. Strings from the run are
 * hostile: Slack's control characters are escaped; the webhook template is
 * filled value by value (never by pasting text into JSON).
 */
import type { RunResult } from '../core/result.js';
import { checkRows } from '../reporters/check-view.js';
import { latencyRows } from '../reporters/latency.js';
import { removeControlChars } from '../reporters/text.js';
import type { Outcome } from './decide.js';

export interface NotifyVars {
  verdict: string;
  exitCode: number;
  outcome: Outcome;
  target: string;
  environment: string;
  runId: string;
  testid: string;
  /** each failed check with its cause in one line (a later one of the same cause points at the first) */
  failedChecks: string[];
  /** checks that did not run because a step they need failed: not failures of their own */
  notRunChecks: string[];
  failedThresholds: string[];
  /** p95 of http_req_duration per phase, ms */
  p95: Record<string, number>;
  /** the load phase's p95 (ms), or null */
  p95Load: number | null;
  reportLocation: string;
  /** one line: what happened */
  summary: string;
  finishedAt: string;
}

const MAX_ITEMS = 10;
const clean = (s: string): string => removeControlChars(s).replace(/[\r\n\t]+/g, ' ').slice(0, 300);

export function notifyVars(result: RunResult, outcome: Outcome, reportLocation: string): NotifyVars {
  const g = result.golive;
  const p95: Record<string, number> = {};
  for (const r of latencyRows(result)) p95[r.phase] = Math.round(r.p95 * 100) / 100;
  // The reports' view of the checks, so a channel says what the console says: one cause, one line.
  const rows = checkRows(result);
  const failedChecks = rows.filter((c) => c.state === 'failed' || c.state === 'same-cause').map((c) => clean(`${c.phase}: ${c.name}${c.line ? ` (${c.line})` : ''}`));
  const notRunChecks = rows.filter((c) => c.state === 'not-run').map((c) => clean(`${c.phase}: ${c.name} (not run: ${c.line})`));
  const failedThresholds = g.thresholds.filter((t) => !t.ok).map((t) => clean(`${t.metric} ${t.expression}: ${t.message}`));
  const what = outcome === 'recovery' ? 'recovered: passed again' : outcome === 'failure'
    ? `${g.verdict === 'error' ? 'could not decide' : 'FAILED'}${failedThresholds[0] ? `: ${failedThresholds[0]}` : failedChecks[0] ? `: ${failedChecks[0]}` : g.error ? `: ${clean(g.error)}` : ''}`
    : 'passed';
  const env = g.environment ?? '';
  return {
    verdict: g.verdict,
    exitCode: g.exitCode,
    outcome,
    target: clean(g.target),
    environment: clean(env),
    runId: clean(g.runId),
    testid: clean(g.testid),
    failedChecks: failedChecks.slice(0, MAX_ITEMS),
    notRunChecks: notRunChecks.slice(0, MAX_ITEMS),
    failedThresholds: failedThresholds.slice(0, MAX_ITEMS),
    p95,
    p95Load: p95.load ?? null,
    reportLocation: clean(reportLocation),
    summary: clean(`golive ${env ? `${env} ` : ''}${g.target} ${what}`),
    finishedAt: g.finishedAt,
  };
}

/** Slack mrkdwn: &, < and > are its only control characters. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackPayload(v: NotifyVars): Record<string, unknown> {
  const icon = v.outcome === 'failure' ? ':red_circle:' : v.outcome === 'recovery' ? ':large_green_circle:' : ':white_check_mark:';
  const lines = [
    `*verdict* ${v.verdict} (exit ${v.exitCode}) · *target* \`${slackEscape(v.target)}\`${v.environment ? ` · *environment* ${slackEscape(v.environment)}` : ''}`,
    ...v.failedThresholds.map((t) => `• threshold ${slackEscape(t)}`),
    ...v.failedChecks.map((c) => `• check ${slackEscape(c)}`),
    ...v.notRunChecks.map((c) => `• check ${slackEscape(c)}`),
    ...(v.p95Load !== null ? [`p95 (load) ${v.p95Load} ms`] : []),
    `run ${slackEscape(v.runId)} · report ${slackEscape(v.reportLocation)}`,
  ];
  return {
    text: `${icon} ${slackEscape(v.summary)}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${icon} *${slackEscape(v.summary)}*` } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 2900) } },
    ],
  };
}

/**
 * The webhook body: the template with every string "{{name}}" replaced by the
 * variable's JSON value, and "{{name}}" inside a longer string by its text.
 * Without a template, the variables themselves.
 */
export function webhookPayload(template: unknown, v: NotifyVars): unknown {
  if (template === undefined) return v;
  const vars = v as unknown as Record<string, unknown>;
  const text = (x: unknown): string => (typeof x === 'string' ? x : JSON.stringify(x) ?? '');
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const whole = /^\{\{\s*([A-Za-z0-9]+)\s*\}\}$/.exec(node);
      if (whole?.[1] !== undefined && whole[1] in vars) return vars[whole[1]];
      return node.replace(/\{\{\s*([A-Za-z0-9]+)\s*\}\}/g, (m, name: string) => (name in vars ? text(vars[name]) : m));
    }
    if (Array.isArray(node)) return node.map(fill);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, x]) => [k, fill(x)]));
    return node;
  };
  return fill(template);
}

/** Events API v2: one alert per target and environment, so a recovery resolves the failure's incident. */
export function pagerdutyDedupKey(v: NotifyVars): string {
  return `golive/${v.environment || 'default'}/${v.target}`.slice(0, 255);
}

export function pagerdutyEvent(routingKey: string, v: NotifyVars): Record<string, unknown> {
  const dedup_key = pagerdutyDedupKey(v);
  if (v.outcome !== 'failure') return { routing_key: routingKey, event_action: 'resolve', dedup_key };
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key,
    payload: {
      summary: v.summary.slice(0, 1024),
      source: v.target,
      severity: v.verdict === 'error' ? 'error' : 'critical',
      component: 'golive',
      ...(v.environment ? { group: v.environment } : {}),
      timestamp: v.finishedAt,
      custom_details: {
        exit_code: v.exitCode, run_id: v.runId, failed_thresholds: v.failedThresholds,
        failed_checks: v.failedChecks, not_run_checks: v.notRunChecks, p95_ms: v.p95, report: v.reportLocation,
      },
    },
  };
}
