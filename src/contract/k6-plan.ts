/**
 * The contract between the `k6` engine adapter (Node) and the k6 scripts
 * (scenarios/k6, bundled into k6's own JS runtime): which environment
 * variables carry the plan, and the threshold definitions both sides derive
 * from it. Runtime-neutral on purpose (zod and plain TS only; no node:*, no
 * URL, no process) because the k6 bundles inline this module.
 */
import { z } from 'zod';
import { planSchema } from '../contract/plan.js';
import type { Plan } from '../contract/plan.js';
import { GoliveError } from '../core/errors.js';
import type { PhaseName } from '../core/result.js';
import { planThresholds, thresholdsOfPhases } from '../../thresholds/index.js';
import { K6_CONTRACT_ENV } from './k6-contract.js';

/** What golive.ts aborts k6's test with when health failed (k6 logs it; golive explains it). */
export const LOAD_SKIPPED_MESSAGE = 'load skipped because health failed';
/** The same when a load mix's declared checks failed (the mix runs only on checks that passed). */
export const MIX_SKIPPED_MESSAGE = 'load skipped because checks failed';

export const K6_ENV = {
  target: 'GOLIVE_TARGET',
  /** bearer token: always via the environment, never argv (argv is visible in `ps`) */
  token: 'GOLIVE_TOKEN',
  /** JSON of the K6Plan fields; absent means all defaults */
  plan: 'GOLIVE_PLAN',
  /** where handleSummary writes the JSON summary */
  summary: 'GOLIVE_SUMMARY',
  /** k6 execution segment of this runner, e.g. `1/3:2/3` */
  segment: 'GOLIVE_SEGMENT',
  /** the whole sequence, e.g. `0,1/3,2/3,1` */
  segmentSequence: 'GOLIVE_SEGMENT_SEQUENCE',
  /** `1`: golive reads k6's samples from stdout (`--out json=-`), so handleSummary writes no text there */
  stream: 'GOLIVE_SAMPLE_STREAM',
  /**
   * JSON of K6Declared: the declared checks' ahead-of-time pieces (schema
   * validators as code, the env values their templates read). Environment
   * only, like the token: the env values may be credentials.
   */
  declared: 'GOLIVE_DECLARED',
  /** path of the API's contract table (src/contract/k6-contract.ts), when the plan has `openapi` */
  contract: K6_CONTRACT_ENV,
} as const;

/** The plan fields a k6 script needs; target and token travel separately. */
export const k6PlanSchema = planSchema.pick({
  phases: true,
  requestTimeoutMs: true,
  deadlineSeconds: true,
  health: true,
  marketData: true,
  load: true,
  thresholds: true,
  checks: true,
  preset: true,
  maxBodyBytes: true,
});
export type K6Plan = z.infer<typeof k6PlanSchema>;

/**
 * What the declared checks need under k6 beyond the plan, made in Node:
 * each `schema` assertion's validator as ajv standalone code (k6's runtime
 * never compiles a schema), keyed by schemaKey(); and the values of the env
 * vars the checks' templates and auth read (golive drops GOLIVE_* and K6_*
 * from k6's environment, so `${env.GOLIVE_TOKEN}` must travel here).
 */
export const k6DeclaredSchema = z.object({
  validators: z.record(z.string(), z.string()).default({}),
  env: z.record(z.string(), z.string()).default({}),
});
export type K6Declared = z.infer<typeof k6DeclaredSchema>;

export interface K6Segment {
  segment: string;
  sequence?: string;
}

export interface K6Config {
  /** origin without a trailing slash, so `target + path` is the URL */
  target: string;
  token?: string;
  plan: K6Plan;
  summaryPath?: string;
  segment?: K6Segment;
  /** stdout carries k6's sample stream to golive */
  stream?: boolean;
  declared: K6Declared;
  /** the API's contract table, read by the script's init context */
  contractFile?: string;
}

export function toK6Plan(plan: Plan): K6Plan {
  const { phases, requestTimeoutMs, deadlineSeconds, health, marketData, load, thresholds, checks, preset, maxBodyBytes } = plan;
  return { phases, requestTimeoutMs, deadlineSeconds, health, marketData, load, thresholds, checks, preset, maxBodyBytes };
}

function configError(what: string): GoliveError {
  return new GoliveError('GOLIVE_INVALID_CONFIG', what);
}

const HTTP_URL = /^https?:\/\/[^\s/?#]+(?:\/[^\s?#]*)?$/i;
// k6 accepts fractions, decimals and percentages for segment bounds.
const BOUND = String.raw`(?:\d+(?:\.\d+)?%?|\d+\/\d+)`;
const SEGMENT = new RegExp(`^${BOUND}:${BOUND}$`);
const SEQUENCE = new RegExp(`^${BOUND}(?:,${BOUND})+$`);

function parseEnvJson<S extends z.ZodType>(name: string, schema: S, raw: string | undefined, what: string): z.infer<S> {
  let json: unknown = {};
  if (raw !== undefined && raw.trim() !== '') {
    try {
      json = JSON.parse(raw) as unknown;
    } catch {
      throw configError(`${name}: expected JSON of ${what}, got text that does not parse`);
    }
  }
  const r = schema.safeParse(json);
  if (r.success) return r.data as z.infer<S>;
  const problems = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw configError(`${name}: ${problems.join('; ')}`);
}

/** Reads k6's `__ENV` (or any env map); one-line errors naming the variable. */
export function readK6Env(env: Readonly<Record<string, string | undefined>>): K6Config {
  const target = env[K6_ENV.target]?.trim() ?? '';
  if (!HTTP_URL.test(target)) {
    throw configError(`${K6_ENV.target}: expected an http(s) URL, e.g. http://127.0.0.1:8080, got ${target === '' ? 'nothing' : JSON.stringify(target)}`);
  }
  const cfg: K6Config = {
    target: target.replace(/\/+$/, ''),
    plan: parseEnvJson(K6_ENV.plan, k6PlanSchema, env[K6_ENV.plan], 'the plan fields'),
    declared: parseEnvJson(K6_ENV.declared, k6DeclaredSchema, env[K6_ENV.declared], 'the declared checks\' validators and env'),
  };
  const token = env[K6_ENV.token];
  if (token !== undefined && token !== '') cfg.token = token;
  const summary = env[K6_ENV.summary];
  if (summary !== undefined && summary !== '') cfg.summaryPath = summary;
  if (env[K6_ENV.stream] === '1') cfg.stream = true;
  const contract = env[K6_ENV.contract];
  if (contract !== undefined && contract !== '') cfg.contractFile = contract;
  const segment = env[K6_ENV.segment]?.trim();
  const sequence = env[K6_ENV.segmentSequence]?.trim();
  if (segment !== undefined && segment !== '') {
    if (!SEGMENT.test(segment)) throw configError(`${K6_ENV.segment}: expected FROM:TO, e.g. 1/3:2/3, got ${JSON.stringify(segment)}`);
    cfg.segment = { segment };
    if (sequence !== undefined && sequence !== '') {
      if (!SEQUENCE.test(sequence)) throw configError(`${K6_ENV.segmentSequence}: expected a list like 0,1/3,2/3,1, got ${JSON.stringify(sequence)}`);
      cfg.segment.sequence = sequence;
    }
  } else if (sequence !== undefined && sequence !== '') {
    throw configError(`${K6_ENV.segmentSequence} is set but ${K6_ENV.segment} is not`);
  }
  return cfg;
}

/** The environment a k6 process needs for `plan`; the token only when there is one. */
export function k6EnvFor(plan: Plan, extra: { summaryPath: string; segment?: K6Segment; stream?: boolean; declared?: K6Declared; contractFile?: string }): Record<string, string> {
  const env: Record<string, string> = {
    [K6_ENV.target]: plan.target,
    [K6_ENV.plan]: JSON.stringify(toK6Plan(plan)),
    [K6_ENV.summary]: extra.summaryPath,
  };
  if (extra.declared) env[K6_ENV.declared] = JSON.stringify(extra.declared);
  if (extra.contractFile !== undefined) env[K6_ENV.contract] = extra.contractFile;
  if (plan.token !== undefined) env[K6_ENV.token] = plan.token;
  if (extra.stream === true) env[K6_ENV.stream] = '1';
  if (extra.segment) {
    env[K6_ENV.segment] = extra.segment.segment;
    if (extra.segment.sequence !== undefined) env[K6_ENV.segmentSequence] = extra.segment.sequence;
  }
  return env;
}

/** `1/3`, `0.5`, `50%` -> [numerator, denominator] in integers. */
function fraction(bound: string): [number, number] {
  if (bound.endsWith('%')) {
    const [n, d] = fraction(bound.slice(0, -1));
    return [n, d * 100];
  }
  const slash = bound.indexOf('/');
  if (slash >= 0) return [Number(bound.slice(0, slash)), Number(bound.slice(slash + 1))];
  const dot = bound.indexOf('.');
  if (dot < 0) return [Number(bound), 1];
  const scale = 10 ** (bound.length - dot - 1);
  return [Math.round(Number(bound) * scale), scale];
}

/**
 * The share of `total` iterations in a segment `a:b`. For one of `count`
 * equal segments (what golive's runners use) it is k6's striping, as the node
 * engine splits (src/engine/segment.ts share()): floor(total/count), plus one
 * for the first total % count segments. Any other segment: floor(total*b) -
 * floor(total*a), which adds up to the total but may differ from k6 by one.
 */
export function segmentShare(total: number, segment: string): number {
  const [from = '0', to = '1'] = segment.split(':');
  const [fn, fd] = fraction(from);
  const [tn, td] = fraction(to);
  // equal segment i/count:(i+1)/count?
  const count = (fd * td) / (tn * fd - fn * td);
  const index = (fn * count) / fd;
  if (Number.isInteger(count) && count > 0 && Number.isInteger(index)) {
    return Math.floor(total / count) + (index < total % count ? 1 : 0);
  }
  const at = ([n, d]: [number, number]) => Math.floor((total * n) / d);
  return at([tn, td]) - at([fn, fd]);
}

/**
 * The plan as one runner sees it: with a segment, the closed model's request
 * count is this runner's share (k6 scales the executor itself; this is for the
 * thresholds, so `count>=N` asks for the runner's part, not the whole).
 */
export function runnerPlan(plan: K6Plan, segment?: K6Segment): K6Plan {
  const w = plan.load.workload;
  if (!segment || w.model !== 'closed') return plan;
  const requests = segmentShare(w.requests, segment.segment);
  return { ...plan, load: { ...plan.load, workload: { ...w, requests } } };
}

/**
 * The node engine's threshold definitions (runbook defaults merged with the
 * plan's custom ones), restricted to `phases` when given: a threshold tagged
 * with a phase that this script or run does not execute is left out.
 */
export function k6Thresholds(plan: K6Plan, phases?: readonly PhaseName[]): Record<string, string[]> {
  const all = planThresholds(plan);
  return phases === undefined ? all : thresholdsOfPhases(all, phases);
}
