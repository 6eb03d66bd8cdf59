/**
 * The `signoff` part of a golive config (issue 22): the service's own
 * criteria (`signoff.queries`, like `saturation.queries`), the checks that
 * must run hourly, and who signs. Read by `golive signoff`; `golive check`
 * accepts and ignores it, so one config file serves both.
 */
import { z } from 'zod';
import { PHASES } from '../core/result.js';
import { saturationQuery } from './capacity-schema.js';

export const signoffSchema = z.object({
  /** `$__range` in the PromQL becomes the window, the hour or the day it is judged over */
  queries: z.array(saturationQuery.extend({ unit: z.enum(['ratio', 'seconds', 'count', 'number']).default('number') })).default([]),
  /** the checks (phases) that must run at least hourly: "100 % of critical paths monitored" */
  checks: z.array(z.enum(PHASES)).min(1).optional(),
  /** a run older than this counts as down, as GoLiveCheckStale alerts (twice the hourly schedule) */
  staleAfterSeconds: z.number().int().positive().max(7 * 86_400).optional(),
  /** the runbook's sign-off lines; name and date filled in when known */
  signOff: z.array(z.object({ role: z.string().min(1).max(80), name: z.string().max(120).default(''), date: z.string().max(40).default('') })).optional(),
});

export type SignoffConfig = z.infer<typeof signoffSchema>;
