/**
 * Runs the selected phases in order, gating each on the phases it needs, and
 * folds the outcomes they return into one RunState. It never throws for a
 * phase's failure: a phase that throws is recorded as `error` with a one-line
 * reason and the run goes on, so the reports always have every phase in them.
 */
import { safeLine } from '../core/sanitize.js';
import { mergeCheckResults } from '../core/check-recorder.js';
import type { Clock } from '../core/clock.js';
import { firstLine } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { MetricStore } from '../core/metrics.js';
import type { CheckResult, EdgeReport, PhaseName, PhaseResult } from '../core/result.js';
import type { Plan } from '../contract/plan.js';
import type { PhaseOutcome, PhaseRunner } from '../phases/types.js';
import { FailureTally } from '../net/failures.js';

export interface RunState {
  /** every phase's samples, merged */
  store: MetricStore;
  checks: CheckResult[];
  /** findings that inform but do not gate, in phase order */
  notes: string[];
  /** evidence for the "service unavailable" rollback trigger, in phase order */
  unavailable: string[];
  /** failed requests by cause, every phase's */
  failures: FailureTally;
  phases: PhaseResult[];
  startedAt: Date;
  durationMs: number;
  /** why the run stopped early (signal or deadline), if it did */
  abortReason?: string;
  /** what the edge phase measured, when it ran */
  edge?: EdgeReport;
}

export interface RunDeps {
  phases: readonly PhaseRunner[];
  clock: Clock;
  emit: EventSink;
  signal: AbortSignal;
  now?: () => Date;
}

export async function runPhases(plan: Plan, deps: RunDeps): Promise<RunState> {
  const store = new MetricStore();
  let checks: CheckResult[] = [];
  const notes: string[] = [];
  const unavailable: string[] = [];
  const failures = new FailureTally();
  let edge: EdgeReport | undefined;
  const fold = (out: PhaseOutcome): void => {
    if (out.store) store.merge(out.store);
    checks = mergeCheckResults([checks, out.checks ?? []]);
    notes.push(...(out.notes ?? []).map((n) => safeLine(n)));
    unavailable.push(...(out.unavailable ?? []));
    for (const f of out.failedRequests ?? []) failures.add(f.phase, f.cause, f.count);
    if (out.edge) edge = out.edge;
  };
  const startedAt = (deps.now ?? (() => new Date()))();
  const t0 = deps.clock.now();
  const results: PhaseResult[] = [];
  const byName = new Map<PhaseName, PhaseResult>();
  const ctx = { plan, signal: deps.signal, clock: deps.clock, emit: deps.emit };

  for (const name of runOrder(plan.phases, deps.phases)) {
    const phase = deps.phases.find((p) => p.name === name);
    const started = deps.clock.now();
    let result: PhaseResult;
    if (!phase) {
      result = { name, status: 'error', reason: `phase ${name} is not available in this engine`, durationMs: 0 };
    } else if (deps.signal.aborted) {
      result = { name, status: 'skipped', reason: `run aborted (${abortText(deps.signal)})`, durationMs: 0 };
    } else {
      const blocker = phase.needs.map((n) => byName.get(n)).find((r) => r !== undefined && r.status !== 'passed');
      if (blocker) {
        result = { name, status: 'skipped', reason: `skipped because ${blocker.name} ${blocker.status}`, durationMs: 0 };
      } else {
        deps.emit({ type: 'phase-start', phase: name });
        try {
          const out = await phase.run(ctx);
          fold(out);
          const status = deps.signal.aborted && out.status === 'passed' ? 'aborted' : out.status;
          result = { name, status, ...(out.reason ? { reason: out.reason } : {}), durationMs: deps.clock.now() - started };
        } catch (err) {
          result = { name, status: 'error', reason: firstLine(err), durationMs: deps.clock.now() - started };
        }
        result.startedAt = new Date(startedAt.getTime() + (started - t0)).toISOString();
      }
    }
    // A phase's reason may quote the target (or a thrown message): one capped, clean line.
    if (result.reason !== undefined) result.reason = safeLine(result.reason);
    deps.emit({ type: 'phase-end', phase: name, status: result.status, ...(result.reason ? { reason: result.reason } : {}) });
    results.push(result);
    byName.set(name, result);
  }

  return {
    store,
    checks,
    notes,
    unavailable,
    failures,
    phases: results,
    startedAt,
    durationMs: deps.clock.now() - t0,
    ...(deps.signal.aborted ? { abortReason: abortText(deps.signal) } : {}),
    ...(edge ? { edge } : {}),
  };
}

/**
 * Plan order, except that edge runs first and a phase runs after the selected
 * phases it needs, each once: the gate must hold whatever order --phases lists them in.
 */
function runOrder(names: readonly PhaseName[], runners: readonly PhaseRunner[]): PhaseName[] {
  const selected = new Set(names);
  const out: PhaseName[] = [];
  const visit = (name: PhaseName, path: ReadonlySet<PhaseName>): void => {
    if (out.includes(name) || path.has(name)) return;
    const needs = runners.find((p) => p.name === name)?.needs ?? [];
    for (const need of needs) if (selected.has(need)) visit(need, new Set([...path, name]));
    out.push(name);
  };
  // The edge checks (DNS, certificate, redirect) come first, as the runbook's launch list has them.
  for (const name of [...names].sort((a, b) => Number(b === 'edge') - Number(a === 'edge'))) visit(name, new Set());
  return out;
}

export function abortText(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  if (typeof r === 'string') return r;
  if (r instanceof Error) return r.name === 'TimeoutError' ? 'deadline exceeded' : r.message;
  return 'aborted';
}
