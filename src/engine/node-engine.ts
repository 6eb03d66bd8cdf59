/**
 * The embedded `node` engine: builds the phases for the plan, runs them, then
 * judges the measurements (thresholds, rollback triggers) into a RunResult.
 */
import type { Plan, Workload } from '../contract/plan.js';
import type { PhaseName, RunResult } from '../core/result.js';
import {
  evaluateRunThresholds, planThresholds, rollbackTriggers, thresholdsJudged,
} from '../../thresholds/index.js';
import { HttpClient } from '../net/http.js';
import { runPhases } from './run.js';
import type { RunState } from './run.js';
import { segmentWorkload } from './segment.js';
import type { Segment } from './segment.js';
import { buildRunResult, runIdentity } from './summary.js';
import type { Clock } from '../core/clock.js';
import type { EventSink } from '../core/events.js';
import type { PhaseRunner } from '../phases/types.js';
import { createRunbookPhases } from '../phases/runbook.js';
import { createLoadPhase } from '../phases/load.js';
import { SetupVars, createChecksPhase } from '../phases/declared.js';
import { decideVerdict, errorLine } from './verdict.js';
import { loadAccount, stageRows } from './stages.js';
import { abortOnFailWatch } from './abort-on-fail.js';
import type { SaturationWatch } from '../phases/monitoring.js';
import type { ScaleOutLog } from './hpa-watch.js';
import type { Contract } from '../openapi/contract.js';
import type { ContractLog } from '../openapi/conforming-http.js';
import type { LoadContract } from '../phases/load-contract.js';

export interface EngineRun {
  plan: Plan;
  ca?: string;
  segment?: Segment;
  signal: AbortSignal;
  clock: Clock;
  emit: EventSink;
  tty: { stdout: boolean; stderr: boolean };
  runId: string;
  version: string;
  now?: () => Date;
  /** the API's own contract (plan.openapi), loaded before the first request */
  contract?: Contract;
  /** what `${env.NAME}` in declared checks reads (the process env in the CLI) */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface EngineOutput {
  result: RunResult;
  state: RunState;
}

/** Phases that live outside the core and are loaded only when selected. */
async function optionalPhase(name: PhaseName, saturation?: SaturationWatch, scaleOut?: ScaleOutLog): Promise<PhaseRunner | undefined> {
  if (name === 'monitoring') return (await import('../phases/monitoring.js')).makeMonitoringPhase(saturation);
  if (name === 'cluster') return (await import('../phases/cluster.js')).makeClusterPhase(scaleOut ? { scaleOut } : {});
  return undefined;
}

/** The edge phase, loaded only when selected; both engines run it in Node. */
export async function edgePhaseFor(plan: Plan, ca: string | undefined, now?: () => Date): Promise<PhaseRunner | undefined> {
  if (!plan.phases.includes('edge')) return undefined;
  const { createEdgePhase } = await import('../phases/edge/phase.js');
  return createEdgePhase({ ...(ca ? { ca } : {}), ...(now ? { now } : {}) });
}

/** The thresholds a plan asks for (before phases that did not run are dropped). */
export const thresholdDefs = (plan: Plan): Record<string, string[]> => planThresholds(plan);

export async function runNodeEngine(run: EngineRun): Promise<EngineOutput> {
  const { plan } = run;
  const httpOpts = {
    origin: plan.target, timeoutMs: plan.requestTimeoutMs, maxBodyBytes: plan.maxBodyBytes,
    clock: run.clock, signal: run.signal, ...(run.ca ? { ca: run.ca } : {}),
  };
  // Loaded only with a contract: ajv and its compiled schemas cost nothing otherwise.
  const conforming = run.contract ? await import('../openapi/conforming-http.js') : undefined;
  const contractLog = conforming ? new conforming.ContractLog() : undefined;
  const http = run.contract && conforming && contractLog
    ? new conforming.ConformingHttpClient(httpOpts, run.contract, contractLog, plan.target)
    : new HttpClient(httpOpts);
  const workload = segmentWorkload(plan.load.workload, run.segment);
  const setup = new SetupVars();
  const mixSource = plan.load.mix ? { setup, env: run.env ?? {} } : undefined;
  const loadContract = run.contract && conforming && contractLog ? await loadContractFor(run.contract, contractLog, run.clock) : undefined;
  const load = createLoadPhase(workload, run.ca, abortOnFailWatch(plan.abortOnFail), mixSource, loadContract);
  let loadPhase = conforming && loadContract ? conforming.failOnContract(load) : load;
  let scaleOut: ScaleOutLog | undefined;
  if (plan.phases.includes('cluster') && plan.phases.includes('load')) {
    const { hpaSampler, compareHpaSamples, describeHpaScaling } = await import('../phases/cluster.js');
    const { watchHpasDuring, ScaleOutLog: Log, scaleOutWindow } = await import('./hpa-watch.js');
    if (plan.cluster.requireScaleOut) scaleOut = new Log(plan.cluster.scaleOutWithinSeconds * 1000, (start) => scaleOutWindow(workload, start));
    loadPhase = watchHpasDuring(loadPhase, {
      sample: hpaSampler(plan.cluster.namespace, plan.cluster.kubeconfig ? { kubeconfig: plan.cluster.kubeconfig } : {}),
      describe: (before, during) => compareHpaSamples(before, during).map(describeHpaScaling),
      intervalMs: plan.cluster.hpaIntervalSeconds * 1000,
      ...(scaleOut ? { gate: scaleOut } : {}),
    });
  }
  // Saturation from Prometheus: sampled around the load, judged by the monitoring phase.
  let saturation: SaturationWatch | undefined;
  if (plan.phases.includes('monitoring')) {
    const { saturationDeps, SaturationLog, watchSaturationDuring } = await import('../phases/saturation/sample.js');
    const deps = saturationDeps(plan);
    if (deps) {
      saturation = { deps, log: new SaturationLog() };
      if (plan.phases.includes('load')) loadPhase = watchSaturationDuring(loadPhase, deps, saturation.log);
    }
  }
  const functional = [...(plan.preset === 'runbook' ? createRunbookPhases(http, run.env ?? {}) : []), createChecksPhase(http, run.env ?? {}, setup, { phase: 'checks' })];
  // With a contract, the client itself judges every functional response (runbook phases and declared steps alike).
  const phases: PhaseRunner[] = [...(conforming ? functional.map(conforming.failOnContract) : functional), loadPhase];
  const edge = await edgePhaseFor(plan, run.ca, run.now);
  if (edge) phases.push(edge);
  for (const name of plan.phases) {
    const p = await optionalPhase(name, saturation, scaleOut);
    if (p) phases.push(p);
  }
  const runPlan = effectivePlan(plan, workload);
  let state: RunState;
  try {
    state = await runPhases(runPlan, { phases, clock: run.clock, emit: run.emit, signal: run.signal, ...(run.now ? { now: run.now } : {}) });
  } finally {
    await http.close();
  }
  if (run.contract && conforming && contractLog) {
    const coverage = conforming.coverageOf(run.contract, contractLog.exercised);
    conforming.recordCoverage(coverage, state.store);
    state.notes.push(`openapi: ${conforming.describeCoverage(coverage)}`);
  }
  const durationSeconds = state.durationMs / 1000;
  // Thresholds of a phase that did not run are not judged: the skip itself is the failure.
  const defs = thresholdsJudged(runPlan, state.phases);
  const thresholds = evaluateRunThresholds(defs, state.store, durationSeconds, runPlan.load.workload);
  const { unavailable, notes, failures } = state;
  const rollback = rollbackTriggers({
    source: state.store,
    maxP95Ms: plan.rollback.maxP95Ms,
    phases: state.phases,
    unavailable,
  });
  const finishedAt = new Date(state.startedAt.getTime() + state.durationMs);
  const loadResult = state.phases.find((p) => p.name === 'load');
  const stages = stageRows(state.store, workload, thresholds, loadResult?.startedAt);
  const account = loadAccount(state.store, workload, loadResult);
  const { verdict, exitCode } = decideVerdict({ phases: state.phases, thresholds, deliveries: [], aborted: state.abortReason !== undefined });
  // An error verdict says why in one line (e.g. the load generator fell behind).
  const why = verdict === 'error' ? errorLine(state.phases, thresholds) : undefined;
  const result = buildRunResult({
    store: state.store,
    checks: state.checks,
    phases: state.phases,
    thresholds,
    rollback,
    deliveries: [],
    durationMs: state.durationMs,
    tty: run.tty,
    golive: {
      ...runIdentity(plan, { ...run, engine: 'node' }, state.startedAt, finishedAt),
      verdict,
      exitCode,
      ...(state.abortReason ? { error: `aborted: ${state.abortReason}` } : why !== undefined ? { error: why } : {}),
      ...(notes.length > 0 ? { notes } : {}),
      ...(stages.length > 0 ? { stages } : {}),
      ...(account ? { load: account } : {}),
      failedRequests: failures.list(),
      ...(state.edge ? { edge: state.edge } : {}),
    },
  });
  return { result, state };
}

/** The contract on the load's responses: a measured CPU budget, then a sample (src/openapi/load-sampling.ts). */
async function loadContractFor(contract: Contract, log: ContractLog, clock: Clock): Promise<LoadContract> {
  const { loadConformance, processCpuMs } = await import('../openapi/load-sampling.js');
  return (targets) => loadConformance({ contract, log, cpuMs: processCpuMs, nowMs: () => clock.now() }, targets);
}

/** The plan as this runner executes it: a parallel runner's share of the load. */
function effectivePlan(plan: Plan, workload: Workload): Plan {
  if (workload === plan.load.workload) return plan;
  // A runner whose share of a tiny load is zero requests has no load to run.
  const empty = workload.model === 'closed' && workload.requests === 0;
  return {
    ...plan,
    ...(empty ? { phases: plan.phases.filter((p) => p !== 'load') } : {}),
    load: { ...plan.load, workload },
  };
}
