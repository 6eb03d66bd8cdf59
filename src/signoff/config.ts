/**
 * The `signoff` part of a golive config file: the service's own criteria
 * (`signoff.queries`, like `saturation.queries`), which checks must run
 * hourly, and who signs. Validated with zod; every problem is one 104 line.
 */
import { z } from 'zod';
import { saturationQuery } from '../contract/capacity-schema.js';
import { GoliveError } from '../core/errors.js';
import { PHASES } from '../core/result.js';

export const SIGN_OFF_ROLES = ['Launch Manager', 'DevOps Engineer', 'Platform Engineer', 'Security Engineer'] as const;

export const signoffSchema = z.object({
  /** `$__range` in the PromQL becomes the window, the hour or the day it is judged over */
  queries: z.array(saturationQuery.extend({ unit: z.enum(['ratio', 'seconds', 'count', 'number']).default('number') })).default([]),
  /** the checks (phases) that must run at least hourly: "100 % of critical paths monitored" */
  checks: z.array(z.enum(PHASES)).min(1).optional(),
  /** a run older than this counts as down, as GoLiveCheckStale alerts (twice the hourly schedule) */
  staleAfterSeconds: z.number().int().positive().max(7 * 86_400).optional(),
  /** the runbook's sign-off lines; name and date filled in when known */
  signOff: z.array(z.object({ role: z.string().min(1).max(80), name: z.string().max(120).default(''), date: z.string().max(40).default('') })).optional(),
}).strict();

export type SignoffConfig = z.infer<typeof signoffSchema>;

export function parseSignoffConfig(raw: unknown, file: string): SignoffConfig {
  const r = signoffSchema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = ['signoff', ...(issue?.path ?? [])].join('.');
  throw new GoliveError('GOLIVE_INVALID_CONFIG', `config file ${file}: ${path}: ${issue?.message ?? 'invalid'}`);
}
