/**
 * The runbook's pass criteria as k6 thresholds, for the phases a plan selects,
 * and how custom thresholds from config combine with them.
 */
import type { Workload } from '../src/contract/plan.js';
import { DROPPED_SELECTOR, droppedIterationsDefault } from './load-evidence.js';
import { canonicalSelector, selectorPhase } from './parse.js';

/** Runbook "Load Testing": 95th percentile response time < 500ms. */
export const LOAD_P95_MS = 500;
/** Runbook "Load Testing": error rate < 1%. */
export const LOAD_MAX_ERROR_RATE = 0.01;

/**
 * What the thresholds need to know of a plan: plain inputs, so this module
 * sits below config (which imports it) instead of reaching back up.
 */
export interface DefaultsPlan {
  readonly phases: readonly string[];
  readonly health: { readonly maxResponseMs: number };
  readonly load: { readonly workload: Workload };
}

/** A plan with its custom thresholds (selector -> expressions). */
export interface ThresholdPlan extends DefaultsPlan {
  readonly thresholds: Readonly<Record<string, readonly string[]>>;
}

/**
 * "Every request completed": in the closed model the request count is known,
 * so every one must have been sent and answered (failed answers are counted by
 * http_req_failed). Under the open and staged models every scheduled arrival
 * must have been sent: `http_reqs count>=1` asks that load ran at all, and
 * `dropped_iterations{phase:load}` that fewer than 1 % of the scheduled
 * arrivals found max-in-flight requests already waiting (load-evidence.ts);
 * arrivals golive itself failed to send are the generator check's (107).
 */
export function defaultThresholds(plan: DefaultsPlan): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const phases = new Set(plan.phases);
  if (phases.has('health')) {
    out['http_req_duration{phase:health}'] = [`max<${plan.health.maxResponseMs}`];
    out['checks{phase:health}'] = ['rate==1'];
  }
  if (phases.has('market-data')) {
    out['checks{phase:market-data}'] = ['rate==1'];
  }
  if (phases.has('load')) {
    const w = plan.load.workload;
    out['http_req_duration{phase:load}'] = [`p(95)<${LOAD_P95_MS}`];
    out['http_req_failed{phase:load}'] = [`rate<${LOAD_MAX_ERROR_RATE}`];
    out['http_reqs{phase:load}'] = [w.model === 'closed' ? `count>=${w.requests}` : 'count>=1'];
    const dropped = droppedIterationsDefault(w);
    if (dropped !== undefined) out[DROPPED_SELECTOR] = [dropped];
  }
  return out;
}

/**
 * Custom thresholds win per selector: an entry for a selector that also has
 * defaults REPLACES the default list (so a team can relax or tighten one
 * criterion without restating the rest); other selectors are added. Selectors
 * are compared canonically (`x{a:1,b:2}` equals `x{ b:2, a:1 }`); the custom
 * spelling is kept.
 */
export function mergeThresholds<T>(
  defaults: Readonly<Record<string, readonly T[]>>,
  custom: Readonly<Record<string, readonly T[]>>,
): Record<string, T[]> {
  const customByCanonical = new Map<string, string>();
  for (const key of Object.keys(custom)) customByCanonical.set(canonicalSelector(key), key);
  const out: Record<string, T[]> = {};
  // A replaced default keeps its place, so reports list criteria in runbook order.
  for (const [key, list] of Object.entries(defaults)) {
    const override = customByCanonical.get(canonicalSelector(key));
    if (override === undefined) out[key] = [...list];
    else out[override] = [...(custom[override] ?? [])];
  }
  for (const [key, list] of Object.entries(custom)) if (!(key in out)) out[key] = [...list];
  return out;
}

/** The thresholds a plan asks for: the runbook's for its phases, its custom ones merged in. */
export function planThresholds(plan: ThresholdPlan): Record<string, string[]> {
  return mergeThresholds(defaultThresholds(plan), plan.thresholds);
}

/** The thresholds tagged with one of `phases`, and every untagged one. */
export function thresholdsOfPhases<T>(defs: Readonly<Record<string, T>>, phases: Iterable<string>): Record<string, T> {
  const keep = new Set(phases);
  return Object.fromEntries(Object.entries(defs).filter(([sel]) => {
    const phase = selectorPhase(sel);
    return phase === undefined || keep.has(phase);
  }));
}

/** How a phase's reason starts when a fault on golive's side (EMFILE, ...) stopped it measuring. */
export const CLIENT_FAULT_REASON = 'client-side fault, not the target';
/**
 * How the load phase's reason starts when its generator did not send what was
 * asked (issue 13): its latencies include golive's own lag, so its thresholds
 * cannot judge the target either: the run is 107, never 99 and never a pass.
 */
export const GENERATOR_BEHIND_REASON = 'the load generator fell behind';

/** A phase in error because of golive's own fault: its measurements cannot judge the target. */
function ourFault(p: { status: string; reason?: string }): boolean {
  return p.status === 'error' && (p.reason?.startsWith(CLIENT_FAULT_REASON) === true || p.reason?.startsWith(GENERATOR_BEHIND_REASON) === true);
}

/**
 * Drops the thresholds of phases that did not run: a skipped phase is already
 * the failure, judging its thresholds too would only report "no samples" twice.
 * A phase in error because of a fault on golive's side (EMFILE, ..., issue 12)
 * did not send what was asked: its thresholds would blame the target for our
 * fault (`count>=1000` over requests never sent), so they are not judged
 * either; the error itself decides the run (107). The same for a load
 * generator that fell behind (its latencies include our own lag).
 */
export function thresholdsForPhasesThatRan<T>(
  defs: Readonly<Record<string, T>>,
  phases: readonly { name: string; status: string; reason?: string }[],
): Record<string, T> {
  const measured = phases.filter((p) => p.status !== 'skipped' && !ourFault(p));
  return thresholdsOfPhases(defs, measured.map((p) => p.name));
}

/**
 * THE thresholds a run is judged by: the plan's (for a parallel runner, its
 * share of the plan), minus those of phases that did not run. One rule for
 * the node engine, the k6 engine and the merge of a Kubernetes Job's runners.
 */
export function thresholdsJudged(
  plan: ThresholdPlan,
  phases: readonly { name: string; status: string; reason?: string }[],
): Record<string, string[]> {
  return thresholdsForPhasesThatRan(planThresholds(plan), phases);
}
