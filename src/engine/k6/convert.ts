/**
 * Pure: a k6 summary (from golive.ts) -> the RunResult pieces the node engine
 * produces: phases with the same statuses and gate, checks with reasons,
 * thresholds RE-EVALUATED by our evaluator (k6 passes a threshold whose
 * metric got no samples; a gate must not), and the rollback signal.
 */
import type { Plan } from '../../contract/plan.js';
import { BUILTIN_METRICS, MetricStore } from '../../core/metrics.js';
import { CheckRecorder } from '../../core/check-recorder.js';
import { PHASES } from '../../core/result.js';
import type {
  CheckResult, PhaseName, PhaseResult, RollbackSignal, SummaryGroup, SummaryMetric, ThresholdResult,
} from '../../core/result.js';
import {
  evaluateRunThresholds, parseMetricSelector, rollbackTriggers, summaryMetricSource, thresholdsJudged,
} from '../../../thresholds/index.js';
import type { MetricSource } from '../../../thresholds/source.js';
import { runnerPlan, segmentShare, toK6Plan } from '../../contract/k6-plan.js';
import { accountK6Load, voidUnclearDrops, withZeroDrops, type K6LoadAccount } from './load-honesty.js';
import type { K6Segment } from '../../contract/k6-plan.js';
import type { K6SetupData, K6Summary } from './summary-schema.js';

export interface ConvertContext {
  plan: Plan;
  segment?: K6Segment;
  /** the run was interrupted (signal, deadline, k6 exit 105) */
  aborted: boolean;
  /** golive's store of k6's sample stream: thresholds and rollback are judged on it, not on k6's summary */
  source?: MetricSource;
  /** golive stopped the load early (abortOnFail): why */
  stopped?: string;
}

export interface K6RunPieces {
  phases: PhaseResult[];
  checks: CheckResult[];
  thresholds: ThresholdResult[];
  rollback: RollbackSignal;
  /** summary metrics with OUR threshold verdicts attached (k6's own are dropped) */
  metrics: Record<string, SummaryMetric>;
  durationMs: number;
  /** what k6's own numbers could not decide (whose fault a drop is) */
  notes: string[];
}

const NO_REASON = 'failed (k6 recorded no reason)';

function isPhase(name: string): name is PhaseName {
  return (PHASES as readonly string[]).includes(name);
}

/** Checks by (phase, name); the phase is the nearest enclosing group named after one. */
export function collectChecks(root: SummaryGroup, setup: K6SetupData | undefined): CheckResult[] {
  const reasonsOf = (phase: PhaseName, name: string): string[] => {
    const report = phase === 'health' ? setup?.health : phase === 'market-data' ? setup?.marketData : undefined;
    return report?.reasons[name] ?? [];
  };
  const byKey = new Map<string, CheckResult>();
  const walk = (g: SummaryGroup, phase: PhaseName | undefined) => {
    const here = isPhase(g.name) ? g.name : phase;
    if (here !== undefined) {
      for (const c of g.checks) {
        const key = `${here}\u0000${c.name}`;
        const r = byKey.get(key) ?? { phase: here, name: c.name, passes: 0, fails: 0, reasons: [] };
        r.passes += c.passes;
        r.fails += c.fails;
        byKey.set(key, r);
      }
    }
    for (const sub of g.groups) walk(sub, here);
  };
  walk(root, undefined);
  for (const r of byKey.values()) {
    if (r.fails === 0) continue;
    const reasons = reasonsOf(r.phase, r.name);
    r.reasons = reasons.length > 0 ? [...reasons] : [NO_REASON];
  }
  return [...byKey.values(), ...declaredChecks(setup?.checks)];
}

/**
 * The declared checks' outcomes, recorded as the node engine records them
 * (degraded and not-run included, reasons capped and cleaned), from the whole
 * list k6's setup() returned; their `checks` samples came through the stream.
 */
function declaredChecks(report: K6SetupData['checks']): CheckResult[] {
  if (!report) return [];
  const rec = new CheckRecorder(new MetricStore());
  for (const o of report.outcomes) {
    const tags = { group: o.group };
    if (o.state === 'not-run') rec.notRun('checks', o.name, o.reason ?? '', tags);
    else if (o.state === 'degraded') rec.degraded('checks', o.name, o.reason, tags);
    else rec.record('checks', o.name, o.state === 'passed', o.reason, tags);
  }
  return rec.all();
}

function checksPhase(setup: K6SetupData | undefined, aborted: boolean): PhaseResult {
  const report = setup?.checks;
  if (!report) {
    return aborted
      ? { name: 'checks', status: 'aborted', reason: 'aborted before the phase finished', durationMs: 0 }
      : { name: 'checks', status: 'error', reason: 'k6 reported no result for this phase', durationMs: 0 };
  }
  if (report.ok) return { name: 'checks', status: 'passed', durationMs: report.durationMs };
  return { name: 'checks', status: 'failed', reason: report.reason ?? `${report.failed} declared check(s) failed`, durationMs: report.durationMs };
}

function functionalPhase(name: 'health' | 'market-data', setup: K6SetupData | undefined, aborted: boolean): PhaseResult {
  const report = name === 'health' ? setup?.health : setup?.marketData;
  if (!report) {
    return aborted
      ? { name, status: 'aborted', reason: 'aborted before the phase finished', durationMs: 0 }
      : { name, status: 'error', reason: 'k6 reported no result for this phase', durationMs: 0 };
  }
  if (report.ok) return { name, status: 'passed', durationMs: report.durationMs };
  return { name, status: 'failed', reason: report.reason ?? `${report.failed} ${name} check(s) failed`, durationMs: report.durationMs };
}

function loadRequests(source: MetricSource): number {
  return source.select('http_reqs', { phase: 'load' })?.value('count') ?? 0;
}

const sourceOf = (summary: K6Summary, ctx: ConvertContext): MetricSource => ctx.source ?? summaryMetricSource(summary.metrics);

/**
 * What the load account reads: the stream's counts first (k6's summary has no
 * dropped_iterations{phase:load}: k6 tags a drop with its scenario only), then
 * k6's summary for the trends golive does not read from the stream.
 */
function accountSource(summary: K6Summary, ctx: ConvertContext): MetricSource {
  const fromSummary = summaryMetricSource(summary.metrics);
  const stream = ctx.source;
  if (stream === undefined) return fromSummary;
  return { select: (name, tags) => stream.select(name, tags) ?? fromSummary.select(name, tags) };
}

/** k6's account of the open-model load (undefined for the closed model). */
export function k6LoadAccount(summary: K6Summary, ctx: ConvertContext): K6LoadAccount | undefined {
  const share = ctx.segment ? segmentShare(1_000_000, ctx.segment.segment) / 1_000_000 : 1;
  return accountK6Load(accountSource(summary, ctx), ctx.plan.load.workload, share);
}

export function phaseResults(summary: K6Summary, ctx: ConvertContext, account = k6LoadAccount(summary, ctx)): PhaseResult[] {
  const setup = summary.setupData;
  const out: PhaseResult[] = [];
  for (const name of ctx.plan.phases) {
    if (name === 'health' || name === 'market-data') {
      out.push(functionalPhase(name, setup, ctx.aborted));
      continue;
    }
    if (name === 'checks') {
      out.push(checksPhase(setup, ctx.aborted));
      continue;
    }
    if (name !== 'load') {
      out.push({ name, status: 'error', reason: `phase ${name} is not available in the k6 engine`, durationMs: 0 });
      continue;
    }
    // As the node engine's gate: a load mix also needs the declared checks (their setup captures feed it).
    const needs = ctx.plan.load.mix !== undefined ? ['health', 'checks'] : ['health'];
    const blocker = needs.map((n) => out.find((p) => p.name === n)).find((p) => p !== undefined && p.status !== 'passed');
    const setupMs = (setup?.health?.durationMs ?? 0) + (setup?.marketData?.durationMs ?? 0) + (setup?.checks?.durationMs ?? 0);
    const durationMs = Math.max(0, summary.state.testRunDurationMs - setupMs);
    if (blocker) {
      out.push({ name, status: 'skipped', reason: `skipped because ${blocker.name} ${blocker.status}`, durationMs: 0 });
    } else if (ctx.aborted) {
      out.push({ name, status: 'aborted', reason: `aborted after ${loadRequests(sourceOf(summary, ctx))} requests`, durationMs });
    } else if (ctx.stopped !== undefined) {
      // As the node engine: stopped by a failing threshold, the gate's answer is known (99), not an abort.
      out.push({ name, status: 'failed', reason: `stopped early after ${loadRequests(sourceOf(summary, ctx))} requests: ${ctx.stopped}`, durationMs });
    } else if (account?.behind !== undefined) {
      // k6 did not send what was asked: its thresholds cannot judge the target (107).
      out.push({ name, status: 'error', reason: account.behind, durationMs });
    } else {
      out.push({ name, status: 'passed', durationMs });
    }
  }
  return out;
}

/** The node engine's definitions, minus those of phases that did not run (the skip is the failure). */
export function thresholdDefsFor(ctx: ConvertContext, phases: readonly PhaseResult[]): Record<string, string[]> {
  return thresholdsJudged(runnerPlan(toK6Plan(ctx.plan), ctx.segment), phases);
}

function withVerdicts(metrics: Record<string, SummaryMetric>, thresholds: readonly ThresholdResult[]): Record<string, SummaryMetric> {
  const out: Record<string, SummaryMetric> = {};
  for (const [key, m] of Object.entries(metrics)) {
    const { thresholds: _k6Verdicts, ...rest } = m;
    out[key] = rest;
  }
  for (const t of thresholds) {
    let entry = out[t.metric];
    if (!entry) {
      const base = parseMetricSelector(t.metric).name;
      const info = out[base] ?? BUILTIN_METRICS[base] ?? { type: 'trend' as const, contains: 'default' as const };
      entry = { type: info.type, contains: info.contains, values: {} };
      out[t.metric] = entry;
    }
    entry.thresholds = { ...entry.thresholds, [t.expression]: { ok: t.ok } };
  }
  return out;
}

export function convertK6Summary(summary: K6Summary, ctx: ConvertContext): K6RunPieces {
  const durationMs = summary.state.testRunDurationMs;
  // A run golive stopped (abortOnFail) released fewer arrivals than scheduled on purpose: not "k6 fell behind".
  const account = ctx.aborted || ctx.stopped !== undefined ? undefined : k6LoadAccount(summary, ctx);
  const phases = phaseResults(summary, ctx, account);
  const source = withZeroDrops(sourceOf(summary, ctx), ctx.plan.load.workload);
  const thresholds = voidUnclearDrops(evaluateRunThresholds(thresholdDefsFor(ctx, phases), source, durationMs / 1000, ctx.plan.load.workload), account);
  const loadRan = phases.some((p) => p.name === 'load' && p.status !== 'skipped');
  // Requests k6 cut short when the run was interrupted fail too: after an abort "every request
  // failed" is no evidence against the target (issue 12).
  const loadAllFailed = !ctx.aborted && loadRan && loadRequests(source) > 0 && source.select('http_req_failed', { phase: 'load' })?.value('rate') === 1;
  const unavailable = [...(summary.setupData?.health?.unavailable ?? []), ...(summary.setupData?.checks?.unavailable ?? []), ...(loadAllFailed ? ['every load request failed'] : [])];
  const rollback = rollbackTriggers({
    source,
    maxP95Ms: ctx.plan.rollback.maxP95Ms,
    phases,
    unavailable,
  });
  return {
    phases,
    checks: collectChecks(summary.root_group, summary.setupData),
    thresholds,
    rollback,
    metrics: withVerdicts(summary.metrics, thresholds),
    durationMs,
    notes: account?.unclear !== undefined ? [account.unclear] : [],
  };
}
