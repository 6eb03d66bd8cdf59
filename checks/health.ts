/**
 * The runbook's "Health Endpoint Validation": 200 OK, a healthy body, and an
 * answer within the time budget (500 ms by default).
 */
import { z } from 'zod';
import { describeIssue, fail, parseBody, pass, statusReason, preview } from './outcome.js';
import type { CheckOutcome } from './outcome.js';
import { notRunReason } from './causes.js';

export const HEALTHY_STATUSES = ['ok', 'healthy', 'up', 'pass'] as const;

/** `status` says healthy in any common spelling; other fields (version, checks, ...) are allowed. */
export const healthBodySchema = z.looseObject({
  status: z.string().refine((s) => (HEALTHY_STATUSES as readonly string[]).includes(s.trim().toLowerCase()), {
    error: `expected one of ${HEALTHY_STATUSES.join('|')}`,
  }),
});
export type HealthBody = z.infer<typeof healthBodySchema>;

export const HEALTH_CHECKS = {
  status: 'status is 200',
  body: 'body is healthy',
  time: (maxMs: number) => `response time < ${maxMs}ms`,
} as const;

/** The `healthy-body` built-in: the body alone, whatever the status. */
export function healthBodyOutcome(body: unknown): CheckOutcome {
  const parsed = parseBody(body);
  if (!parsed.ok) return fail(HEALTH_CHECKS.body, parsed.reason);
  const r = healthBodySchema.safeParse(parsed.value);
  if (r.success) return pass(HEALTH_CHECKS.body);
  const issue = r.error.issues[0];
  if (issue === undefined) return fail(HEALTH_CHECKS.body, 'body: not a health document');
  if (issue.code === 'custom') {
    const got = (parsed.value as { status: string }).status;
    return fail(HEALTH_CHECKS.body, `status: ${issue.message}, got ${preview(got)}`);
  }
  return fail(HEALTH_CHECKS.body, describeIssue(issue, parsed.value));
}

/** Always the same three outcomes, in this order, so reports list stable check names. */
/** `location`: the response's Location header, named when the status is a redirect. */
export function checkHealthResponse(status: number, body: unknown, elapsedMs: number, maxMs: number, location?: string): CheckOutcome[] {
  const time = HEALTH_CHECKS.time(maxMs);
  return [
    status === 200 ? pass(HEALTH_CHECKS.status) : fail(HEALTH_CHECKS.status, statusReason(status, location, body)),
    // A body sent with the wrong status is quoted by the status check, not judged as health.
    status === 200 ? healthBodyOutcome(body) : fail(HEALTH_CHECKS.body, notRunReason(`status is ${status}, not 200`)),
    elapsedMs < maxMs ? pass(time) : fail(time, `took ${elapsedMs.toFixed(1)}ms`),
  ];
}
