/**
 * Pure builders: K6Config -> k6 `options`. The thresholds are the node
 * engine's (runbook defaults merged with the plan's), so both engines gate on
 * the same strings; the trend stats include `count` so an empty sub-metric is
 * recognisable in the summary and re-judged as "no samples".
 */
import type { Options, Scenario } from 'k6/options';
import type { PhaseName } from '../../../src/core/result.js';
import { k6Thresholds, runnerPlan } from '../../../src/contract/k6-plan.js';
import { isWindowedThreshold } from '../../../thresholds/parse.js';
import type { K6Config, K6Plan } from '../../../src/contract/k6-plan.js';

export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'];

const seconds = (ms: number) => `${Math.ceil(ms / 1000)}s`;

/** Long enough for the slowest request to finish before k6 interrupts it. */
function gracefulStop(plan: K6Plan): string {
  return seconds(plan.requestTimeoutMs + 1000);
}

/**
 * k6 wants an integer rate per time unit; a fractional rate per second is
 * written per 1000 s, which keeps the same spacing between arrivals.
 */
export function arrivalRate(perSecond: number): { rate: number; timeUnit: string } {
  if (Number.isInteger(perSecond)) return { rate: perSecond, timeUnit: '1s' };
  return { rate: Math.round(perSecond * 1000), timeUnit: '1000s' };
}

/**
 * Closed model (`ab -n N -c C`): N iterations shared by C VUs. Open model:
 * arrivals on a fixed schedule whatever the latency (k6 counts arrivals it
 * had no free VU for as dropped_iterations), at most maxInFlight VUs.
 */
export function loadScenario(plan: K6Plan, exec?: string): Scenario {
  const w = plan.load.workload;
  const common = {
    tags: { phase: 'load' },
    gracefulStop: gracefulStop(plan),
    ...(exec === undefined ? {} : { exec }),
  };
  if (w.model === 'closed') {
    return {
      executor: 'shared-iterations',
      vus: w.concurrency,
      iterations: w.requests,
      maxDuration: `${Math.ceil(plan.deadlineSeconds)}s`,
      ...common,
    };
  }
  if (w.model === 'staged') {
    // k6 wants integer rates per one time unit for all stages: per 1000 s when any is fractional.
    const rates = [w.startRate, ...w.stages.map((s) => s.target)];
    const perMille = rates.some((r) => !Number.isInteger(r));
    const unit = (r: number): number => (perMille ? Math.round(r * 1000) : r);
    const peak = Math.max(...rates);
    return {
      executor: 'ramping-arrival-rate',
      startRate: unit(w.startRate),
      timeUnit: perMille ? '1000s' : '1s',
      stages: w.stages.map((s) => ({ duration: `${Math.round(s.durationSeconds * 1000)}ms`, target: unit(s.target) })),
      preAllocatedVUs: Math.min(w.maxInFlight, Math.max(1, Math.ceil(peak))),
      maxVUs: w.maxInFlight,
      ...common,
    };
  }
  return {
    executor: 'constant-arrival-rate',
    ...arrivalRate(w.rate),
    duration: `${w.durationSeconds}s`,
    preAllocatedVUs: Math.min(w.maxInFlight, Math.max(1, Math.ceil(w.rate))),
    maxVUs: w.maxInFlight,
    ...common,
  };
}

/** One VU, one iteration: the functional phases send a handful of requests. */
export function onceScenario(phase: PhaseName | 'idle', exec?: string): Scenario {
  return {
    executor: 'shared-iterations',
    vus: 1,
    iterations: 1,
    tags: phase === 'idle' ? {} : { phase },
    ...(exec === undefined ? {} : { exec }),
  };
}

function segmentOptions(cfg: K6Config): Options {
  if (!cfg.segment) return {};
  return {
    executionSegment: cfg.segment.segment,
    ...(cfg.segment.sequence === undefined ? {} : { executionSegmentSequence: cfg.segment.sequence }),
  };
}

/**
 * k6 does not parse golive's windowed form (`p(95)<500 over 10s`): those are
 * left out of k6's options and judged by golive afterwards (where a k6
 * summary, having no time series, cannot satisfy them).
 */
/** Metrics golive records itself after k6 has run. */
const GOLIVE_JUDGED: readonly string[] = ['openapi_coverage'];

export function k6OwnThresholds(defs: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [sel, list] of Object.entries(defs)) {
    // Counted by golive after k6 (the operations k6 reported exercised): k6 has no such metric.
    if (GOLIVE_JUDGED.includes(sel.split('{', 1)[0] ?? sel)) continue;
    const kept = list.filter((e) => !isWindowedThreshold(e));
    if (kept.length > 0) out[sel] = kept;
  }
  return out;
}

const LOAD_ACCOUNT_METRICS = ['iterations', 'iteration_duration', 'http_req_blocked', 'dropped_iterations'] as const;

/** The per-phase metrics the node engine reports for every phase it runs. */
const PHASE_METRICS = ['http_reqs', 'http_req_failed', 'http_req_duration', 'checks'] as const;

/**
 * k6's summary carries a tagged sub-metric only when a threshold names it; an
 * empty list makes k6 keep it without judging anything (golive judges the
 * thresholds itself), so every phase's metrics reach the reports, as the node
 * engine's do.
 */
export function phaseSubmetrics(phases: readonly PhaseName[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const phase of phases) for (const m of PHASE_METRICS) out[`${m}{phase:${phase}}`] = [];
  // what golive reads to decide whether k6 sent the load (src/engine/k6/load-honesty.ts)
  if (phases.includes('load')) for (const m of LOAD_ACCOUNT_METRICS) out[`${m}{phase:load}`] = [];
  return out;
}

function baseOptions(cfg: K6Config, phases?: readonly PhaseName[]): Options {
  return {
    thresholds: { ...phaseSubmetrics(phases ?? cfg.plan.phases), ...k6OwnThresholds(k6Thresholds(runnerPlan(cfg.plan, cfg.segment), phases)) },
    summaryTrendStats: SUMMARY_TREND_STATS,
    // TLS verification stays on, as in the node engine.
    insecureSkipTLSVerify: false,
    // No redirect is followed, as in the node engine: k6 would follow 10 and Go copies the
    // Authorization header to the same host on any port or scheme. A 3xx fails the status check.
    maxRedirects: 0,
    ...segmentOptions(cfg),
  };
}

/** Options of a one-phase script (health.ts, market-data.ts, load.ts). */
export function phaseOptions(cfg: K6Config, phase: 'health' | 'market-data' | 'load'): Options {
  const scenario = phase === 'load' ? loadScenario(cfg.plan) : onceScenario(phase);
  return { ...baseOptions(cfg, [phase]), scenarios: { [phase === 'market-data' ? 'market_data' : phase]: scenario } };
}

/** setup() sends every functional request in sequence; give it their timeouts plus slack. */
export function setupTimeout(plan: K6Plan): string {
  const phases = new Set(plan.phases);
  const requests = (phases.has('health') ? plan.health.endpoints.length : 0)
    + (phases.has('market-data') ? (plan.marketData.checkAuthRefusal ? 2 : 1) : 0);
  // A declared step may set its own timeout.
  const declaredMs = phases.has('checks') ? plan.checks.flatMap((c) => c.steps).reduce((sum, s) => sum + (s.timeoutMs ?? plan.requestTimeoutMs), 0) : 0;
  return seconds((requests + 1) * plan.requestTimeoutMs + declaredMs + 10_000);
}

/**
 * golive.ts: health and market-data run in setup() (in order, before any
 * load), and the load scenario reads setup()'s result to honour the gate.
 * Without a load phase an idle scenario keeps k6 happy (it needs one).
 */
export function goliveOptions(cfg: K6Config): Options {
  const scenarios: Record<string, Scenario> = cfg.plan.phases.includes('load')
    ? { load: loadScenario(cfg.plan, 'load') }
    : { idle: onceScenario('idle', 'idle') };
  return { ...baseOptions(cfg), setupTimeout: setupTimeout(cfg.plan), scenarios };
}
