/**
 * `--notify slack,webhook`: the sign-off table posted to the war-room
 * channel, through the same bounded delivery and secret handling as a run's
 * notifications (src/notify/). Never throws.
 */
import type { Clock } from '../core/clock.js';
import type { DeliveryResult } from '../core/result.js';
import type { NotifyConfig } from '../notify/config.js';
// The template filler reads the variables by name only, so the sign-off's own set serves.
import { slackEscape, webhookPayload, type NotifyVars } from '../notify/payloads.js';
import { DEFAULT_RETRY, deliver, type DeliveryEnv } from '../sinks/delivery.js';
import { cleanLabel } from './measure.js';
import { HEADLINE, STATUS_MARK } from './render-text.js';
import type { SignoffReport } from './types.js';

/** The variables a webhook template can use (README-style `{{name}}`), and the default body. */
export function signoffVars(r: SignoffReport, reportLocation: string): Record<string, unknown> {
  return {
    kind: r.kind, status: r.status, exitCode: r.exitCode, since: r.since, until: r.until, selector: cleanLabel(r.selector),
    summary: cleanLabel(`golive signoff ${r.since} – ${r.until}: ${HEADLINE[r.status]}`, 300),
    criteria: r.criteria.map((c) => ({ id: c.id, name: c.name, status: c.status, measured: cleanLabel(c.measured, 300), target: c.target })),
    reportLocation: cleanLabel(reportLocation, 300),
  };
}

export function slackSignoff(r: SignoffReport, reportLocation: string): Record<string, unknown> {
  const icon = r.status === 'passed' ? ':white_check_mark:' : ':red_circle:';
  const head = `${icon} *golive signoff: ${HEADLINE[r.status]}* (exit ${r.exitCode}) · ${r.since} – ${r.until}`;
  const rows = r.criteria.map((c) => `${STATUS_MARK[c.status]} ${c.name.padEnd(34)} ${cleanLabel(c.measured, 80).padEnd(30)} target ${c.target}`);
  return {
    text: slackEscape(`golive signoff: ${HEADLINE[r.status]}`),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: slackEscape(head) } },
      { type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${slackEscape(rows.join('\n')).replace(/`/g, "'").slice(0, 2800)}\`\`\`` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: slackEscape(`report ${cleanLabel(reportLocation, 200)}`) }] },
    ],
  };
}

export interface SignoffNotifyContext {
  config: NotifyConfig;
  report: SignoffReport;
  reportLocation: string;
  timeoutMs: number;
  clock: Clock;
  sleep?: (ms: number) => Promise<void>;
}

export async function notifySignoff(ctx: SignoffNotifyContext): Promise<DeliveryResult[]> {
  const env: DeliveryEnv = {
    credentials: {}, retry: DEFAULT_RETRY, timeoutMs: ctx.timeoutMs, clock: ctx.clock,
    sleep: ctx.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))), random: Math.random,
  };
  const json = { 'content-type': 'application/json', 'user-agent': 'golive' };
  return Promise.all(ctx.config.channels.map(async (ch): Promise<DeliveryResult> => {
    if (ch.kind === 'pagerduty') return { sink: ch.kind, ok: false, attempts: 0, error: 'pagerduty: the sign-off posts to slack or webhook' };
    const body = ch.kind === 'slack' ? slackSignoff(ctx.report, ctx.reportLocation) : webhookPayload(ch.template, signoffVars(ctx.report, ctx.reportLocation) as unknown as NotifyVars);
    try {
      const out = await deliver({ what: `${ch.kind} notification`, url: ch.url, method: 'POST', headers: json, body: JSON.stringify(body), secretUrl: true }, env);
      return out.ok ? { sink: ch.kind, ok: true, attempts: out.attempts } : { sink: ch.kind, ok: false, attempts: out.attempts, error: out.error };
    } catch {
      return { sink: ch.kind, ok: false, attempts: 0, error: `${ch.kind} notification could not be sent` };
    }
  }));
}
