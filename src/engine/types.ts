/**
 * The engine's vocabulary. The phase contract lives with the phases
 * (phases/types.ts) and the clock and run events in core; they are re-exported
 * here for the engine's callers.
 */
export type { Clock } from '../core/clock.js';
export { systemClock } from '../core/clock.js';
export type { EventSink, RunEvent } from '../core/events.js';
export type { PhaseContext, PhaseFindings, PhaseOutcome, PhaseRunner } from '../phases/types.js';
