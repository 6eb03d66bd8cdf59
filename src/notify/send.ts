/**
 * Sends the run's notification on each configured channel, through the same
 * bounded delivery as the sinks (retries with backoff on 5xx, 429 and network
 * errors, none on other 4xx; a total deadline). Never throws. The URLs and
 * the routing key are secrets: no error text shows them.
 */
import { systemClock, type Clock } from '../core/clock.js';
import type { DeliveryResult, RunResult } from '../core/result.js';
import { DEFAULT_RETRY, deliver, type DeliveryEnv, type HttpDelivery, type RetryPolicy } from '../sinks/delivery.js';
import type { Channel, NotifyConfig } from './config.js';
import { decideNotification, type Previous } from './decide.js';
import { notifyVars, pagerdutyEvent, slackPayload, webhookPayload, type NotifyVars } from './payloads.js';

export interface NotifyContext {
  config: NotifyConfig;
  result: RunResult;
  previous: Previous;
  reportLocation: string;
  timeoutMs: number;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

function request(ch: Channel, v: NotifyVars): HttpDelivery {
  const json = { 'content-type': 'application/json', 'user-agent': 'golive' };
  switch (ch.kind) {
    case 'slack': return { what: 'slack notification', url: ch.url, method: 'POST', headers: json, body: JSON.stringify(slackPayload(v)), secretUrl: true };
    case 'webhook': return { what: 'webhook notification', url: ch.url, method: 'POST', headers: json, body: JSON.stringify(webhookPayload(ch.template, v)), secretUrl: true };
    case 'pagerduty': return {
      what: `pagerduty ${v.outcome === 'failure' ? 'trigger' : 'resolve'}`, url: ch.url, method: 'POST', headers: json,
      body: JSON.stringify(pagerdutyEvent(ch.routingKey, v)), secrets: [ch.routingKey],
    };
  }
}

/** The deliveries made (none when the run does not call for a notification). */
export async function sendNotifications(ctx: NotifyContext): Promise<DeliveryResult[]> {
  const outcome = decideNotification(ctx.config.on, ctx.result.golive.verdict, ctx.previous);
  if (outcome === undefined) return [];
  const vars = notifyVars(ctx.result, outcome, ctx.reportLocation);
  const env: DeliveryEnv = {
    credentials: {},
    retry: { ...DEFAULT_RETRY, ...ctx.retry },
    timeoutMs: ctx.timeoutMs,
    clock: ctx.clock ?? systemClock,
    sleep: ctx.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    random: ctx.random ?? Math.random,
  };
  return Promise.all(ctx.config.channels.map(async (ch): Promise<DeliveryResult> => {
    try {
      const out = await deliver(request(ch, vars), env);
      return out.ok ? { sink: ch.kind, ok: true, attempts: out.attempts } : { sink: ch.kind, ok: false, attempts: out.attempts, error: out.error };
    } catch {
      return { sink: ch.kind, ok: false, attempts: 0, error: `${ch.kind} notification could not be sent` };
    }
  }));
}
