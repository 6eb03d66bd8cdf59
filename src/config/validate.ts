/**
 * Pure: raw merged config -> Plan, or one GoliveError listing every problem
 * with its path (and the flag that sets it), on one line.
 */
import { z } from 'zod';
import { GoliveError } from '../core/errors.js';
import { PHASES } from '../core/result.js';
import { closestName } from '../core/nearest.js';
import { unknownKeys } from '../contract/schema-walk.js';
import { describeIssue, describeUnknownKeys } from './problems.js';
import { BUILTIN_METRICS } from '../core/metrics.js';
import { parseMetricSelector, planThresholds, validateThresholdDefs } from '../../thresholds/index.js';
import { FLAG_FOR_PATH } from './flags.js';
import { checkHeaderSecret, checkThresholdMetrics } from './preflight.js';
import type { RawConfig } from './merge.js';
import { applyProfile } from './profile.js';
import { DEFAULT_PHASES, planSchema, thresholdObject } from '../contract/plan.js';
import { parseDurationSeconds } from './stages-flag.js';
import type { Plan } from '../contract/plan.js';
import { checksProblems } from './checks-validate.js';
import { presetChecks } from '../../checks/declared/mix-checks.js';

export const DEMO_HINT = 'to try golive against the bundled reference API, run `npm run demo`';

/**
 * An https:// target gets the edge phase by default (http:// has no certificate
 * or redirect to check); declared checks run by default after the runbook's
 * functional phases, which `preset: 'none'` drops.
 */
function withDefaultPhases(raw: RawConfig): RawConfig {
  if (raw.phases !== undefined) return raw;
  const edge = typeof raw.target === 'string' && /^https:/i.test(raw.target) ? ['edge'] : [];
  const declared = Array.isArray(raw.checks) && raw.checks.length > 0 ? ['checks'] : [];
  const runbook = raw.preset === 'none' ? [] : DEFAULT_PHASES.slice(0, 2);
  if (edge.length === 0 && declared.length === 0 && runbook.length === 2) return raw;
  return { ...raw, phases: [...edge, ...runbook, ...declared, 'load'] };
}

/** A runbook phase asked for without the preset that defines its checks would run nothing and pass. */
function presetProblems(plan: Plan): string[] {
  if (plan.preset !== 'none') return [];
  const runbook = plan.phases.filter((p) => p === 'health' || p === 'market-data');
  return runbook.length === 0 ? [] : [`preset: 'none' drops the runbook's ${runbook.join(' and ')} checks, but phases lists ${runbook.join(', ')}; drop them from --phases or use preset: 'runbook'`];
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

const NO_TARGET = `no target: pass --target URL or set GOLIVE_TARGET (${DEMO_HINT})`;

/** Every problem at once: one line each, and one message joining them. */
export function configProblems(problems: readonly string[]): GoliveError {
  return new GoliveError('GOLIVE_INVALID_CONFIG', `invalid config: ${problems.join('; ')}`, { lines: problems.map((p) => `invalid config: ${p}`) });
}

/**
 * A threshold the user asked for must be judged: one on a phase that does not
 * exist, or that this run does not run, would be silently dropped (issue 25).
 */
function thresholdPhaseProblems(raw: RawConfig, phases: readonly string[]): string[] {
  const t = raw.thresholds;
  if (typeof t !== 'object' || t === null) return [];
  const out: string[] = [];
  for (const key of Object.keys(t)) {
    let phase: string | undefined;
    try {
      phase = parseMetricSelector(key).tags.phase;
    } catch {
      continue; // a malformed selector is reported by the threshold validation below
    }
    if (phase === undefined || phase === '*') continue;
    if (!(PHASES as readonly string[]).includes(phase)) {
      const near = closestName(phase, PHASES);
      out.push(`threshold ${key} (--threshold): there is no phase "${phase}"${near !== undefined ? `, did you mean ${near}?` : `; expected one of ${PHASES.join(', ')}`}`);
    } else if (!phases.includes(phase)) {
      out.push(`threshold ${key} (--threshold): threshold on ${phase}, but --phases runs ${phases.join(',')}; add ${phase} to --phases or drop the threshold`);
    }
  }
  return out;
}

/** The declared checks and the load mix, against the env they will run with (exit 104 before any request). */
export function validateDeclared(plan: Plan, env: Readonly<Record<string, string | undefined>>): void {
  if (plan.checks.length === 0 && plan.load.mix === undefined) return;
  const problems = checksProblems({ checks: plan.checks, preset: presetChecks(plan), ...(plan.load.mix ? { mix: plan.load.mix } : {}), hasToken: plan.token !== undefined, env });
  if (plan.load.mix && plan.phases.includes('load') && !plan.phases.includes('checks') && plan.checks.some((c) => c.setup)) {
    problems.push('load.mix: the setup checks that feed it run in the checks phase; add checks to --phases');
  }
  if (problems.length > 0) throw configProblems(problems);
}

/** --workers: the node engine's open model only, and every thread needs a part of max-in-flight. */
function checkWorkers(plan: Plan): void {
  const n = plan.load.workers;
  const w = plan.load.workload;
  if (n === 1) return;
  if (plan.engine === 'k6') throw new GoliveError('GOLIVE_USAGE', `--workers ${n}: threads of the node engine's open model; k6 schedules its own VUs, drop --workers or --engine k6`);
  if (w.model === 'closed') throw new GoliveError('GOLIVE_USAGE', `--workers ${n}: only applies to the open model; add --rate R --duration S or --stages`);
  if (plan.openapi) throw new GoliveError('GOLIVE_USAGE', `--workers ${n}: the API's contract (openapi) is held against the responses on one thread; drop --workers or openapi`);
  if (w.maxInFlight < n) throw new GoliveError('GOLIVE_USAGE', `--workers ${n}: each thread holds its part of --max-in-flight, which is ${w.maxInFlight}; expected --max-in-flight at least ${n}`);
}

/**
 * `before`: problems found before the plan (unknown environment variables),
 * reported with the plan's own in one error.
 */
export function validatePlan(raw: RawConfig, before: readonly string[] = []): Plan {
  const strays = unknownKeys(planSchema, raw);
  const unknown = describeUnknownKeys(strays, planSchema);
  // A strict object's own complaint about a key already named above would be a second line for one cause.
  const strayAt = (i: z.core.$ZodIssue) => strays.some((u) => u.at.length <= i.path.length && u.at.every((k, n) => String(k) === String(i.path[n])));
  if (raw.target === undefined && unknown.length === 0 && before.length === 0) throw new GoliveError('GOLIVE_MISSING_TARGET', NO_TARGET);
  const parsed = planSchema.safeParse(withDefaultPhases(raw), { reportInput: true });
  const issues = parsed.success ? [] : parsed.error.issues.filter((i) => !(raw.target === undefined && i.path.join('.') === 'target') && !strayAt(i));
  const problems = [...before, ...unknown, ...(raw.target === undefined ? [NO_TARGET] : []), ...issues.map((i) => describeIssue(i, FLAG_FOR_PATH))];
  if (parsed.success) problems.push(...thresholdPhaseProblems(raw, parsed.data.phases), ...presetProblems(parsed.data));
  if (problems.length > 0 || !parsed.success) throw configProblems(problems);
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
  checkWorkers(plan);
  // A threshold that cannot be judged is a config error now, not a surprise after the load.
  const defs = planThresholds(plan);
  checkThresholdMetrics(Object.keys(defs), plan.engine);
  validateThresholdDefs(defs, (n) => BUILTIN_METRICS[n]?.type);
  return plan;
}
