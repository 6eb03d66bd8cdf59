/**
 * The phase contract. A phase gets the plan and the run's signal, clock and
 * event sink, and RETURNS what it found: its own samples and checks, notes,
 * and evidence of an unavailable service. The engine gates and times the
 * phases and folds their outcomes; no phase writes into engine-owned state.
 */
import type { Plan } from '../contract/plan.js';
import type { Clock } from '../core/clock.js';
import type { EventSink } from '../core/events.js';
import type { MetricStore } from '../core/metrics.js';
import type { CheckResult, EdgeReport, FailedRequests, PhaseName, PhaseStatus } from '../core/result.js';

export interface PhaseContext {
  readonly plan: Plan;
  /** aborted on SIGINT/SIGTERM or when the run deadline passes */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly emit: EventSink;
}

/** What a phase found; every part optional so a phase that measured nothing returns only its status. */
export interface PhaseFindings {
  /** the phase's samples (http_*, checks, iterations, ...), merged into the run's store */
  store?: MetricStore;
  checks?: CheckResult[];
  /** failed requests by cause, with counts (ours and the target's) */
  failedRequests?: FailedRequests[];
  /** findings that inform but do not gate, e.g. whether the HPAs scaled */
  notes?: string[];
  /** evidence for the "service unavailable" rollback trigger, one line each */
  unavailable?: string[];
  /** the edge phase's measured values (certificate chain, redirect, HSTS, DNS answers) */
  edge?: EdgeReport;
}

export interface PhaseOutcome extends PhaseFindings {
  /** 'passed' only when every check of the phase passed; thresholds are judged later */
  status: Exclude<PhaseStatus, 'skipped'>;
  reason?: string;
}

export interface PhaseRunner {
  readonly name: PhaseName;
  /** phases this one needs to have passed; otherwise it is skipped, with the reason */
  readonly needs: readonly PhaseName[];
  run(ctx: PhaseContext): Promise<PhaseOutcome>;
}

/** Stops the load phase early when an abortOnFail threshold fails (the engine builds it from the plan). */
export interface AbortWatch {
  /** starts judging `store`; the returned signal fires when a threshold stops the load */
  start(store: MetricStore, nowMs: () => number): AbortSignal;
  stop(): void;
  /** one line: which threshold stopped the load, with its value, once it has */
  readonly reason: string | undefined;
}
