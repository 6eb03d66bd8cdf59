/**
 * The capacity parts of the Plan (issue 10): the `2x-baseline` load profile,
 * saturation checks read from Prometheus, and the scale-out gate. Kept apart
 * from schema.ts so each stays small; schema.ts composes them.
 */
import { z } from 'zod';
import { boundedConnections, boundedRate, boundedSeconds } from './limits.js';

const seconds = boundedSeconds();

/**
 * `--profile 2x-baseline`: warm-up at the baseline rate, a linear ramp, a hold
 * at twice the baseline, as named stages (`baseline`, `ramp`, `2x`) with the
 * runbook's thresholds on the baseline and 2x stages. The baseline comes from
 * `--baseline-rps`, or from `--baseline-query` run against `--prometheus-url`
 * before the load (resolved into baselineRps then).
 */
export const profileSchema = z.object({
  name: z.literal('2x-baseline'),
  baselineRps: boundedRate().positive().optional(),
  /** PromQL giving one number: the baseline in requests per second */
  baselineQuery: z.string().min(1).optional(),
  warmupSeconds: seconds.default(30),
  rampSeconds: seconds.default(30),
  holdSeconds: seconds.default(60),
  maxInFlight: boundedConnections().default(1000),
}).refine((p) => p.baselineRps !== undefined || p.baselineQuery !== undefined, {
  message: 'the 2x-baseline profile needs a baseline: --baseline-rps N or --baseline-query PROMQL',
});

/** One saturation check: a PromQL query whose every series must satisfy `threshold`. */
export const saturationQuery = z.object({
  name: z.string().min(1),
  promql: z.string().min(1),
  /** `<0.7`, `<=0.8`, `==0`, `>0.99`: compared with each series' value */
  threshold: z.string().regex(/^\s*(<=|>=|==|!=|<|>)\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/, 'expected an operator and a number, e.g. <0.7'),
});

export const saturationSchema = z.object({
  /**
   * the runbook's CPU, memory, restart and OOM checks on kube-state-metrics/cAdvisor
   * names; default: on when the cluster phase runs too (they are Kubernetes metrics)
   */
  defaults: z.boolean().optional(),
  /** CPU below this share of the containers' limits */
  cpuLimitRatio: z.number().positive().default(0.7),
  /** memory working set below this share of the limits */
  memoryLimitRatio: z.number().positive().default(0.8),
  intervalSeconds: seconds.default(15),
  /** range of rate() in the CPU query: at least a few scrape intervals */
  rateWindow: z.string().regex(/^\d+(ms|s|m|h)$/, 'expected a PromQL duration, e.g. 1m').default('1m'),
  queries: z.array(saturationQuery).default([]),
  /** opt-in: "authentication success rate > 99 %" from the user's own counters */
  authSuccess: z.object({
    /** series selector of successful authentications, e.g. auth_requests_total{result="success"} */
    success: z.string().min(1),
    /** series selector of all authentications, e.g. auth_requests_total */
    total: z.string().min(1),
    min: z.number().min(0).max(1).default(0.99),
  }).optional(),
  /** opt-in: "database query performance normal" as a p95 from a histogram */
  dbQueryP95: z.object({
    /** the histogram's _bucket series selector, e.g. pg_stat_statements_seconds_bucket */
    bucket: z.string().min(1),
    maxSeconds: z.number().positive(),
  }).optional(),
});

export type Profile = z.infer<typeof profileSchema>;
export type SaturationConfig = z.infer<typeof saturationSchema>;
export type SaturationQuery = z.infer<typeof saturationQuery>;
