/**
 * What a run tells its watchers while it goes (progress line, logs). Phases
 * emit them, the engine adds phase boundaries, the CLI renders them.
 */
import type { PhaseName, PhaseStatus } from './result.js';

export type RunEvent =
  | { type: 'phase-start'; phase: PhaseName }
  | { type: 'phase-end'; phase: PhaseName; status: PhaseStatus; reason?: string }
  /** `failed` and `p95Ms`: the phase so far, refreshed about once a second */
  | { type: 'progress'; phase: PhaseName; done: number; total?: number; failed?: number; p95Ms?: number }
  | { type: 'log'; level: 'info' | 'warn'; message: string };

export type EventSink = (event: RunEvent) => void;
