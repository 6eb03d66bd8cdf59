/**
 * Pure: what a load in which every request failed says. No answer at all, or
 * a 5xx, is the runbook's "service unavailable" (a rollback trigger). Every
 * request answered with a 4xx is the service answering: the usual cause is
 * our own request (method, path, credentials), so it is one red line naming
 * the status and where to look, and no rollback trigger.
 */
import { STATUS_CODES } from 'node:http';
import type { FailedRequests } from '../core/result.js';

export type AllFailed =
  | { kind: 'unavailable'; line: string }
  | { kind: 'refused'; line: string };

/** The likely cause on our side of a 4xx, by status. */
function likelyCause(status: number): string {
  if (status === 401 || status === 403) return 'check the token (GOLIVE_TOKEN or --token-file) and load.path';
  if (status === 404 || status === 410) return 'check load.path (--endpoint)';
  if (status === 405 || status === 501) return 'check load.method / load.path';
  if (status === 429) return 'the target rate-limits golive: lower the load or exempt its address';
  if (status === 400 || status === 411 || status === 413 || status === 415 || status === 422) return 'check load.method / load.path (the load sends no body)';
  return 'check --target, load.method and load.path';
}

const statusOf = (cause: string): number | undefined => {
  const m = /^status (\d{3})$/.exec(cause);
  return m ? Number(m[1]) : undefined;
};

export function judgeAllFailed(failed: readonly FailedRequests[], request: { method: string; path: string }): AllFailed {
  const target = failed.filter((f) => f.side === 'target');
  const statuses = target.map((f) => statusOf(f.cause));
  const all4xx = target.length > 0 && statuses.every((s) => s !== undefined && s >= 400 && s < 500);
  const req = `${request.method} ${request.path}`;
  if (!all4xx) return { kind: 'unavailable', line: `every load request failed (${target.map((f) => f.cause).join(', ') || 'error statuses'})` };
  const [only] = target;
  if (target.length === 1 && only) {
    const status = statusOf(only.cause) ?? 0;
    const text = STATUS_CODES[status];
    return { kind: 'refused', line: `every load request got ${status}${text ? ` ${text}` : ''} for ${req}: ${likelyCause(status)}` };
  }
  const first = statuses[0] ?? 0;
  return { kind: 'refused', line: `every load request got a 4xx (${target.map((f) => `${statusOf(f.cause) ?? '?'} ×${f.count}`).join(', ')}) for ${req}: ${likelyCause(first)}` };
}
