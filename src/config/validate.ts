/**
 * Pure: raw merged config -> Plan, or one GoliveError listing every problem
 * with its path (and the flag that sets it), on one line.
 */
import { z } from 'zod';
import { GoliveError } from '../core/errors.js';
import { BUILTIN_METRICS } from '../core/metrics.js';
import { planThresholds, validateThresholdDefs } from '../../thresholds/index.js';
import { FLAG_FOR_PATH } from './flags.js';
import { checkHeaderSecret, checkThresholdMetrics } from './preflight.js';
import type { RawConfig } from './merge.js';
import { applyProfile } from './profile.js';
import { DEFAULT_PHASES, planSchema, thresholdObject } from '../contract/plan.js';
import { parseDurationSeconds } from './stages-flag.js';
import type { Plan } from '../contract/plan.js';
import { bracketPath, checksProblems } from './checks-validate.js';

export const DEMO_HINT = 'to try golive against the bundled reference API, run `npm run demo`';

function describeIssue(issue: z.core.$ZodIssue): string {
  // Declared checks are deep lists: `checks[2].steps[0].expect[1]` reads as the user wrote it.
  const declared = issue.path[0] === 'checks' || issue.path.includes('mix');
  const path = declared ? bracketPath(issue.path) : issue.path.map(String).join('.');
  // The flag of the nearest path that has one: load.workload.stages.0.target -> --stages.
  let flag: string | undefined;
  for (let n = issue.path.length; n > 0 && flag === undefined; n--) flag = FLAG_FOR_PATH[issue.path.slice(0, n).map(String).join('.')];
  const where = path === '' ? 'config' : flag ? `${path} (${flag})` : path;
  return `${where}: ${issue.message}`;
}

/** An https:// target gets the edge phase by default; http:// has no certificate or redirect to check. */
/** Declared checks run by default too, after the runbook's functional phases. */
function withDefaultPhases(raw: RawConfig): RawConfig {
  if (raw.phases !== undefined) return raw;
  const edge = typeof raw.target === 'string' && /^https:/i.test(raw.target) ? ['edge'] : [];
  const declared = Array.isArray(raw.checks) && raw.checks.length > 0 ? ['checks'] : [];
  if (edge.length === 0 && declared.length === 0) return raw;
  const [health, market, load] = DEFAULT_PHASES;
  return { ...raw, phases: [...edge, health, market, ...declared, load] };
}

function isExplicitWorkload(raw: RawConfig): boolean {
  const load = raw.load;
  return typeof load === 'object' && load !== null && (load as Record<string, unknown>).workload !== undefined;
}

/** The thresholds written in k6's object form with abortOnFail: true, as plan.abortOnFail. */
function withAbortEntries(plan: Plan, raw: RawConfig): Plan {
  const parsed = z.record(z.string(), z.array(z.union([z.string(), thresholdObject]))).safeParse(raw.thresholds ?? {});
  if (!parsed.success) return plan;
  const entries = Object.entries(parsed.data).flatMap(([metric, list]) => list.flatMap((e) => (typeof e === 'string' || !e.abortOnFail ? [] : [{
    metric, expression: e.threshold, delaySeconds: e.delayAbortEval === undefined ? 0 : parseDurationSeconds(e.delayAbortEval) ?? 0,
  }])));
  return entries.length === 0 ? plan : { ...plan, abortOnFail: [...plan.abortOnFail, ...entries] };
}

/** The declared checks and the load mix, against the env they will run with (exit 104 before any request). */
export function validateDeclared(plan: Plan, env: Readonly<Record<string, string | undefined>>): void {
  if (plan.checks.length === 0 && plan.load.mix === undefined) return;
  if (plan.engine === 'k6') throw new GoliveError('GOLIVE_INVALID_CONFIG', 'checks: declared checks and load.mix run under --engine node only so far; drop --engine k6 or the checks');
  const problems = checksProblems({ checks: plan.checks, ...(plan.load.mix ? { mix: plan.load.mix } : {}), hasToken: plan.token !== undefined, env });
  if (problems.length > 0) throw new GoliveError('GOLIVE_INVALID_CONFIG', `invalid config: ${problems.join('; ')}`);
}

export function validatePlan(raw: RawConfig): Plan {
  if (raw.target === undefined) {
    throw new GoliveError('GOLIVE_MISSING_TARGET', `no target: pass --target URL or set GOLIVE_TARGET (${DEMO_HINT})`);
  }
  const parsed = planSchema.safeParse(withDefaultPhases(raw));
  if (!parsed.success) {
    const problems = parsed.error.issues.map(describeIssue);
    throw new GoliveError('GOLIVE_INVALID_CONFIG', `invalid config: ${problems.join('; ')}`);
  }
  const plan = withAbortEntries(applyProfile(parsed.data, isExplicitWorkload(raw)), raw);
  if (plan.cluster.requireScaleOut && !(plan.phases.includes('cluster') && plan.phases.includes('load'))) {
    throw new GoliveError('GOLIVE_USAGE', '--require-scale-out: judges the HPAs under the load; add both load and cluster to --phases');
  }
  if (plan.phases.includes('market-data') && plan.token === undefined) {
    throw new GoliveError(
      'GOLIVE_MISSING_TOKEN',
      'the market-data phase needs a bearer token: set GOLIVE_TOKEN or pass --token-file FILE (or leave market-data out of --phases)',
    );
  }
  // A token that cannot be a header value would fail every request on our side, not the target's.
  checkHeaderSecret(plan.token, 'the bearer token (GOLIVE_TOKEN or --token-file)');
  checkHeaderSecret(plan.prometheus.bearerToken, 'the Prometheus bearer token (GOLIVE_PROMETHEUS_BEARER_TOKEN)');
  // A threshold that cannot be judged is a config error now, not a surprise after the load.
  const defs = planThresholds(plan);
  checkThresholdMetrics(Object.keys(defs), plan.engine);
  validateThresholdDefs(defs, (n) => BUILTIN_METRICS[n]?.type);
  return plan;
}
