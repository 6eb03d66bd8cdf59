/**
 * The JSON that golive.ts's handleSummary() writes: k6's summary data
 * (root_group, options, state, metrics) plus `setup_data`, the health and
 * market-data reports of setup(). Parsed, not trusted: a malformed file is an
 * engine error naming the field. k6 serialises NaN as null; those values are
 * dropped (they are "not available", and the evaluator treats them so).
 */
import { z } from 'zod';
import { GoliveError } from '../../core/errors.js';
import type { SummaryGroup, SummaryMetric } from '../../core/result.js';

const summaryCheck = z.object({
  name: z.string(),
  path: z.string(),
  id: z.string(),
  passes: z.number(),
  fails: z.number(),
});

const summaryGroup: z.ZodType<SummaryGroup> = z.lazy(() => z.object({
  name: z.string(),
  path: z.string(),
  id: z.string(),
  groups: z.array(summaryGroup),
  checks: z.array(summaryCheck),
}));

const summaryMetric = z.object({
  type: z.enum(['counter', 'gauge', 'rate', 'trend']),
  contains: z.enum(['default', 'time', 'data']),
  values: z.record(z.string(), z.number().nullable()),
  thresholds: z.record(z.string(), z.object({ ok: z.boolean() })).optional(),
});

const phaseReport = z.object({
  ok: z.boolean(),
  failed: z.number(),
  reasons: z.record(z.string(), z.array(z.string())),
  durationMs: z.number(),
  /** why the phase failed when its own checks did not say (the API's contract) */
  reason: z.string().optional(),
});

/** The declared checks' outcomes, whole: k6's summary keeps only passes and fails per name. */
const checksReport = z.object({
  ok: z.boolean(),
  failed: z.number(),
  outcomes: z.array(z.object({
    name: z.string(),
    group: z.string(),
    state: z.enum(['passed', 'failed', 'degraded', 'not-run']),
    reason: z.string().optional(),
  })),
  unavailable: z.array(z.string()),
  durationMs: z.number(),
  /** why the checks after a failed setup check did not run */
  setupFailed: z.string().optional(),
  /** why the phase failed when no check of its own did (the API's contract) */
  reason: z.string().optional(),
  /** the setup checks' captures, for the load mix; dropped before the summary is written (they may be secrets) */
  vars: z.record(z.string(), z.string()).optional(),
});

export const setupDataSchema = z.object({
  health: phaseReport.extend({ unavailable: z.array(z.string()) }).optional(),
  marketData: phaseReport.optional(),
  checks: checksReport.optional(),
});
export type K6SetupData = z.infer<typeof setupDataSchema>;

const k6SummarySchema = z.object({
  root_group: summaryGroup,
  options: z.object({
    summaryTrendStats: z.array(z.string()).default([]),
    summaryTimeUnit: z.string().nullable().default(''),
    noColor: z.boolean().default(true),
  }).prefault({}),
  state: z.object({
    isStdOutTTY: z.boolean().default(false),
    isStdErrTTY: z.boolean().default(false),
    testRunDurationMs: z.number(),
  }),
  metrics: z.record(z.string(), summaryMetric),
  // absent when setup() did not finish (e.g. interrupted during setup)
  setup_data: setupDataSchema.nullable().optional(),
});

export interface K6Summary {
  root_group: SummaryGroup;
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  metrics: Record<string, SummaryMetric>;
  setupData?: K6SetupData;
}

function dropNulls(values: Record<string, number | null>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(values)) if (v !== null) out[k] = v;
  return out;
}

/** Throws GOLIVE_ENGINE_ERROR naming the first bad field. */
export function parseK6Summary(text: string, where: string): K6Summary {
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    throw new GoliveError('GOLIVE_ENGINE_ERROR', `k6 summary ${where} is not JSON`);
  }
  const r = k6SummarySchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue ? issue.path.map(String).join('.') : '';
    throw new GoliveError('GOLIVE_ENGINE_ERROR', `k6 summary ${where} is not a k6 summary: ${path || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const s = r.data;
  const metrics: Record<string, SummaryMetric> = {};
  for (const [name, m] of Object.entries(s.metrics)) {
    metrics[name] = { type: m.type, contains: m.contains, values: dropNulls(m.values), ...(m.thresholds ? { thresholds: m.thresholds } : {}) };
  }
  return {
    root_group: s.root_group,
    options: { summaryTrendStats: s.options.summaryTrendStats, summaryTimeUnit: s.options.summaryTimeUnit ?? '', noColor: s.options.noColor },
    state: s.state,
    metrics,
    ...(s.setup_data ? { setupData: s.setup_data } : {}),
  };
}
