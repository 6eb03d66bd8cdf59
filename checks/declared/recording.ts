/**
 * How a phase of declared checks records what it found, and what it names
 * each outcome, and the order and setup rule every run of them follows: the
 * policy both engines' runners follow (src/phases/declared.ts for node,
 * scenarios/k6/lib/declared.ts for k6). Pure and runtime-neutral, so one
 * definition serves both and they cannot drift apart.
 */
import type { DeclaredCheck, Step } from '../../src/contract/checks-schema.js';
import { schemaKey } from './evaluate.js';
import type { SchemaCheck } from './evaluate.js';
import { notRunFlow, outcomeName } from './flow.js';
import type { FlowOutcome, StepContextFor } from './flow.js';

export interface Recording {
  /** a check not run is recorded as a failed one, reason kept */
  notRunFails: boolean;
  /** samples and results carry the check's `check` and `group` tags */
  tagged: boolean;
  /** no answer or a 5xx is evidence for the "service unavailable" rollback trigger */
  unavailable: boolean;
  /** which statuses count as expected (k6's expected_response); default: the step's status assertion */
  expected?: (check: DeclaredCheck, step: Step) => (status: number) => boolean;
  /** why what reads a response of the wrong status is not run */
  statusBlocked?: (check: DeclaredCheck, status: number) => string;
}

export interface CheckPolicy {
  recording: Recording;
  /** an outcome's check name in every report */
  nameOf: (check: DeclaredCheck, o: FlowOutcome) => string;
}

/**
 * The user's checks: tagged with their check and group, "not run" chained
 * without a sample, named `check: step-title label`.
 */
export const DECLARED_POLICY: CheckPolicy = {
  recording: { notRunFails: false, tagged: true, unavailable: true },
  nameOf: outcomeName,
};

/** Setup checks first: their captures feed every other check (and the load mix). */
export function setupFirst(checks: readonly DeclaredCheck[]): DeclaredCheck[] {
  return [...checks.filter((c) => c.setup), ...checks.filter((c) => !c.setup)];
}

/** Why what needs a setup check's captures is not run, when that check failed. */
export function setupFailure(check: DeclaredCheck, outcomes: readonly FlowOutcome[]): string | undefined {
  const bad = outcomes.find((o) => o.state === 'failed');
  return bad ? `setup check ${check.name} failed (step ${bad.step + 1}: ${bad.label})` : undefined;
}

/** Every outcome of a check left unrun by a failed setup check. */
export function notRunAfterSetup(check: DeclaredCheck, setupFailed: string): FlowOutcome[] {
  return notRunFlow(check, `not run: ${setupFailed}`);
}

/** How the flow judges each step of `check`: its compiled schemas, and the policy's words for a blocked status. */
export function stepContexts(check: DeclaredCheck, schemas: ReadonlyMap<string, SchemaCheck>, rec: Recording): StepContextFor {
  const blocked = rec.statusBlocked;
  return (si) => ({
    schemaFor: (ai) => schemas.get(schemaKey(check.name, si, ai)),
    ...(blocked ? { statusBlocked: (s: number) => blocked(check, s) } : {}),
  });
}
