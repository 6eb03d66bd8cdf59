/**
 * What a phase sees and returns. Phases (health, market-data, load, cluster,
 * monitoring) are plain objects implementing PhaseRunner; the runner gates and
 * times them and turns their outcomes into the RunResult.
 */
import type { Plan } from '../config/schema.js';
import type { MetricStore } from '../core/metrics.js';
import type { PhaseName, PhaseStatus } from '../core/result.js';
import type { CheckRecorder } from './check-recorder.js';

/** Monotonic milliseconds; injected so tests and the bench can control time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => performance.now() };

export type RunEvent =
  | { type: 'phase-start'; phase: PhaseName }
  | { type: 'phase-end'; phase: PhaseName; status: PhaseStatus; reason?: string }
  | { type: 'progress'; phase: PhaseName; done: number; total?: number }
  | { type: 'log'; level: 'info' | 'warn'; message: string };

export type EventSink = (event: RunEvent) => void;

export interface PhaseContext {
  readonly plan: Plan;
  readonly store: MetricStore;
  readonly checks: CheckRecorder;
  /** aborted on SIGINT/SIGTERM or when the run deadline passes */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly emit: EventSink;
}

export interface PhaseOutcome {
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
