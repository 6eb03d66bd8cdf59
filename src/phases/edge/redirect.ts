/**
 * Pure: the plain-HTTP answer judged as the runbook's "HTTP to HTTPS redirect
 * functional": a permanent redirect (301 or 308) whose Location is https:// on
 * the same host. A temporary redirect, another host or a page served over
 * plain HTTP fail, naming the status and the location.
 */
import type { EdgeCheck } from '../../core/edge-report.js';
import { quoted } from './text.js';

export type HttpAnswer =
  | { kind: 'answer'; status: number; location?: string }
  /** `ours`: the hint when the cause was on our side (EMFILE, ...): never evidence against the target */
  | { kind: 'error'; error: string; ours?: string };

const sameHost = (a: string, b: string): boolean => a.replace(/^\[|\]$/g, '').toLowerCase() === b.replace(/^\[|\]$/g, '').toLowerCase();

export function judgeRedirect(url: string, answer: HttpAnswer, host: string): EdgeCheck {
  const fail = (detail: string): EdgeCheck => ({ name: 'redirect', status: 'failed', detail: `GET ${url}: ${detail}` });
  if (answer.kind === 'error') return fail(answer.error);
  const { status } = answer;
  const loc = answer.location;
  const where = loc === undefined ? 'no Location' : `Location ${quoted(loc)}`;
  if (status < 300 || status > 399) return fail(`answered ${status} over plain HTTP, wanted a 301 or 308 redirect to https://${host}`);
  let target: URL | undefined;
  try {
    target = loc === undefined ? undefined : new URL(loc, url);
  } catch {
    target = undefined;
  }
  if (status !== 301 && status !== 308) {
    return fail(`answered ${status} with ${where}, wanted a permanent redirect (301 or 308)${status === 302 || status === 307 ? `: ${status} is temporary` : ''}`);
  }
  if (!target) return fail(`answered ${status} with ${loc === undefined ? 'no Location' : `an unparseable Location ${quoted(loc)}`}`);
  if (target.protocol !== 'https:') return fail(`answered ${status} to ${quoted(target.href)}, which is not https://`);
  if (!sameHost(target.hostname, host)) return fail(`answered ${status} to ${quoted(target.href)}: another host (wanted ${host})`);
  return { name: 'redirect', status: 'passed', detail: `GET ${url} -> ${status} ${target.href}` };
}
