/**
 * `--engine k6`: runs the plan under a local k6 binary that streams every
 * sample to golive (`--out json=-`, sample-stream.ts), so the RunResult is
 * built as the node engine's is: from golive's MetricStore and per-second
 * timeline, thresholds (windowed ones too) judged on golive's HDR histograms,
 * abortOnFail watched on the live store. k6's summary still brings the phases'
 * outcomes and check reasons (setup data), and k6's own threshold verdicts,
 * which are compared with golive's (a disagreement is a note). With
 * --prometheus-rw-url k6 writes its own samples (prometheus-output.ts), so
 * golive's remote write adds only the verdict series (sinks/index.ts).
 */
import type { Plan } from '../../contract/plan.js';
import { MetricStore } from '../../core/metrics.js';
import type { DeliveryResult, RunResult } from '../../core/result.js';
import type { Segment } from '../segment.js';
import { decideVerdict, errorLine } from '../verdict.js';
import { buildRunResult, runIdentity } from '../summary.js';
import { convertK6Summary } from './convert.js';
import type { K6RunPieces } from './convert.js';
import { runK6 } from './run.js';
import type { K6Outcome } from './run.js';
import { K6SampleStream } from './sample-stream.js';
import type { StreamFault } from './sample-stream.js';
import { k6Verdicts, verdictDisagreements } from './k6-verdicts.js';
import { abortOnFailWatch } from '../abort-on-fail.js';
import { parseMetricSelector, planThresholds } from '../../../thresholds/index.js';
import { loadAccount, stageRows } from '../stages.js';
import { segmentWorkload } from '../segment.js';
import { mixSplitOf } from '../../phases/load-mix.js';
import type { Contract } from '../../openapi/contract.js';
import type { K6ContractTap } from './contract-tap.js';
import { k6LoadNote, phasesOnContract, recordK6Coverage, withConformance } from './contract-result.js';

export { findK6, k6NotFoundMessage } from './find.js';
export { runK6, K6_SUMMARY_FILE } from './run.js';
export type { K6Outcome, K6RunOptions } from './run.js';
export { convertK6Summary } from './convert.js';
export type { K6RunPieces } from './convert.js';
export { classifyK6Exit, K6_EXIT } from './exit-codes.js';
export { K6SampleStream } from './sample-stream.js';
export { checkK6Version, K6_VERIFIED_RANGE } from './version.js';

export interface K6EngineRun {
  plan: Plan;
  signal: AbortSignal;
  outDir: string;
  env: NodeJS.ProcessEnv;
  runId: string;
  version: string;
  tty: { stdout: boolean; stderr: boolean };
  segment?: Segment;
  stderr?: NodeJS.WritableStream;
  now?: () => Date;
  /** the API's own contract (plan.openapi), loaded before the first request */
  contract?: Contract;
}

function emptyPieces(plan: Plan, reason: string): K6RunPieces {
  return {
    phases: plan.phases.map((name) => ({ name, status: 'skipped' as const, reason, durationMs: 0 })),
    checks: [],
    thresholds: [],
    rollback: { triggered: false, reasons: [] },
    metrics: {},
    durationMs: 0,
    notes: [],
  };
}

export interface K6Measured {
  /** golive's store of k6's samples */
  store: MetricStore;
  failures?: K6SampleStream['failures'];
  /** the stream broke (malformed, endless or cut-short line): golive's fault, 107 */
  fault?: StreamFault;
  /** what k6 reported of the API's contract */
  contract?: K6ContractTap;
}

function streamFaultLine(f: StreamFault): string {
  return `k6's sample stream (--out json) is unusable, ${f.detail}: golive cannot judge the run (engine fault, not the target's)`;
}

/** Pure: a k6 outcome and what golive measured of it -> RunResult, judged and built like a node engine run. */
export function k6RunResult(outcome: K6Outcome, run: Omit<K6EngineRun, 'signal' | 'outDir' | 'env'>, startedAt: Date, finishedAt: Date, measured: K6Measured = { store: new MetricStore() }): RunResult {
  const { plan } = run;
  const { store } = measured;
  const aborted = outcome.kind === 'aborted';
  const stopped = outcome.kind === 'finished' ? outcome.stopped : undefined;
  const contract = run.contract && measured.contract && outcome.summary ? { contract: run.contract, tap: measured.contract, store } : undefined;
  // Before the thresholds are judged: openapi_coverage is golive's count of what k6 exercised.
  const coverage = contract ? recordK6Coverage(contract) : undefined;
  const judged = outcome.summary
    ? convertK6Summary(outcome.summary, {
      plan, aborted, source: store,
      ...(outcome.segment ? { segment: outcome.segment } : {}), ...(stopped !== undefined ? { stopped } : {}),
    })
    : emptyPieces(plan, outcome.kind === 'aborted' ? `run aborted (${outcome.reason})` : 'no summary');
  const pieces = contract ? contractPieces(judged, contract) : judged;
  // k6's own remote write failed (it logs and exits 0): a delivery failure like golive's sinks' (108)
  const deliveries: DeliveryResult[] = (outcome.outputErrors ?? []).slice(0, 1).map((line) => ({
    sink: 'prometheus-remote-write', ok: false, attempts: 1,
    error: `k6's experimental-prometheus-rw output failed: ${/error="([^"]*)"/.exec(line)?.[1] ?? line}`,
  }));
  const fault = measured.fault === undefined ? undefined : streamFaultLine(measured.fault);
  const decided = decideVerdict({ phases: pieces.phases, thresholds: pieces.thresholds, deliveries, aborted });
  // A broken stream voids the judgement (a "failure" may be a lost sample): 107 unless aborted.
  const { verdict, exitCode } = fault !== undefined && decided.verdict !== 'aborted' ? { verdict: 'error' as const, exitCode: 107 } : decided;
  const why = fault ?? errorLine(pieces.phases, pieces.thresholds);
  const loadRan = pieces.phases.some((p) => p.name === 'load' && p.status !== 'skipped');
  const mix = plan.load.mix !== undefined && loadRan ? mixSplitOf(store, plan.load.mix.map((e) => e.check)) : [];
  const notes = [
    ...(outcome.k6Version !== undefined ? [`k6 v${outcome.k6Version}`] : []),
    ...pieces.notes,
    ...mix,
    ...(contract && loadRan ? [k6LoadNote(contract)] : []),
    ...(coverage !== undefined ? [coverage] : []),
    ...(outcome.k6Log ? [outcome.k6Log.note] : []),
    ...(outcome.summary ? verdictDisagreements(k6Verdicts(outcome.summary), pieces.thresholds) : []),
  ];
  const workload = segmentWorkload(plan.load.workload, run.segment);
  const loadPhase = pieces.phases.find((p) => p.name === 'load');
  const stages = stageRows(store, workload, pieces.thresholds, loadPhase?.startedAt);
  const load = loadAccount(store, workload, loadPhase);
  return buildRunResult({
    store,
    checks: pieces.checks,
    phases: pieces.phases,
    thresholds: pieces.thresholds,
    rollback: pieces.rollback,
    deliveries,
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    tty: run.tty,
    golive: {
      ...runIdentity(plan, { ...run, engine: 'k6' }, startedAt, finishedAt),
      verdict,
      exitCode,
      ...(outcome.kind === 'aborted' ? { error: `aborted: ${outcome.reason}` } : verdict === 'error' && why !== undefined ? { error: why } : {}),
      ...(notes.length > 0 ? { notes } : {}),
      ...(stages.length > 0 ? { stages } : {}),
      ...(load ? { load } : {}),
      ...(measured.failures ? { failedRequests: measured.failures.list() } : {}),
    },
  });
}

/** The contract's checks in place, and the load failed when its responses broke the contract (the functional phases' verdicts came from setup()). */
function contractPieces(pieces: K6RunPieces, contract: Parameters<typeof withConformance>[1]): K6RunPieces {
  const checks = withConformance(pieces.checks, contract);
  const load = phasesOnContract(pieces.phases.filter((p) => p.name === 'load'), checks)[0];
  return { ...pieces, checks, phases: load ? pieces.phases.map((p) => (p.name === 'load' ? load : p)) : pieces.phases };
}

/** Metric names the plan's thresholds select: the stream parses k6's optional metrics only for those. */
function thresholdMetrics(plan: Plan): string[] {
  return Object.keys(planThresholds(plan)).map((sel) => parseMetricSelector(sel).name);
}

/**
 * Throws GoliveError: GOLIVE_K6_NOT_FOUND (no binary; exit 107), GOLIVE_INVALID_CONFIG
 * (an unverified k6 version; 104), GOLIVE_ENGINE_ERROR (bundle failed, k6 script error or crash, bad summary).
 */
export async function runK6Engine(run: K6EngineRun): Promise<{ result: RunResult; store: MetricStore; outcome: K6Outcome }> {
  const now = run.now ?? (() => new Date());
  const startedAt = now();
  const stream = new K6SampleStream(thresholdMetrics(run.plan));
  const stop = watchAbortOnFail(run.plan, stream);
  let outcome: K6Outcome;
  try {
    outcome = await runK6(run.plan, {
      signal: run.signal,
      outDir: run.outDir,
      env: run.env,
      testid: run.plan.testid ?? run.runId,
      stream,
      allowUnverified: run.plan.k6Unverified,
      ...(stop ? { stop: stop.signal } : {}),
      ...(run.segment ? { segment: run.segment } : {}),
      ...(run.stderr ? { stderr: run.stderr } : {}),
      ...(run.contract ? { contract: run.contract } : {}),
    });
  } finally {
    stop?.done();
  }
  const measured: K6Measured = { store: stream.store, failures: stream.failures, contract: stream.contract, ...(stream.fault ? { fault: stream.fault } : {}) };
  return { result: k6RunResult(outcome, run, startedAt, now(), measured), store: stream.store, outcome };
}

/** abortOnFail under k6: the node engine's watch, on the store the stream fills, stops k6 by SIGINT. */
function watchAbortOnFail(plan: Plan, stream: K6SampleStream): { signal: AbortSignal; done: () => void } | undefined {
  const watch = abortOnFailWatch(plan.abortOnFail);
  if (!watch) return undefined;
  // The load's clock starts at its first sample (setup() ran health and market-data before).
  const ctl = new AbortController();
  let started = false;
  let inner: AbortSignal | undefined;
  stream.onSamples(() => {
    if (started || stream.store.select('http_reqs', { phase: 'load' }) === undefined) return;
    started = true;
    inner = watch.start(stream.store, () => Date.now());
    inner.addEventListener('abort', () => ctl.abort(watch.reason ?? inner?.reason), { once: true });
  });
  return { signal: ctl.signal, done: () => watch.stop() };
}
