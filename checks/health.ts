/**
 * The runbook's "Health Endpoint Validation" reads a healthy body: the
 * `healthy-body` built-in of the runbook preset (checks/declared/runbook.ts),
 * whose status and time budget are plain declared assertions.
 */
import { z } from 'zod';
import { describeIssue, fail, parseBody, pass, preview } from './outcome.js';
import type { CheckOutcome } from './outcome.js';

export const HEALTHY_STATUSES = ['ok', 'healthy', 'up', 'pass'] as const;

/** `status` says healthy in any common spelling; other fields (version, checks, ...) are allowed. */
export const healthBodySchema = z.looseObject({
  status: z.string().refine((s) => (HEALTHY_STATUSES as readonly string[]).includes(s.trim().toLowerCase()), {
    error: `expected one of ${HEALTHY_STATUSES.join('|')}`,
  }),
});
export type HealthBody = z.infer<typeof healthBodySchema>;

const BODY = 'body is healthy';

/** The `healthy-body` built-in: the body alone, whatever the status. */
export function healthBodyOutcome(body: unknown): CheckOutcome {
  const parsed = parseBody(body);
  if (!parsed.ok) return fail(BODY, parsed.reason);
  const r = healthBodySchema.safeParse(parsed.value);
  if (r.success) return pass(BODY);
  const issue = r.error.issues[0];
  if (issue === undefined) return fail(BODY, 'body: not a health document');
  if (issue.code === 'custom') {
    const got = (parsed.value as { status: string }).status;
    return fail(BODY, `status: ${issue.message}, got ${preview(got)}`);
  }
  return fail(BODY, describeIssue(issue, parsed.value));
}
