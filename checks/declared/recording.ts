/**
 * How a phase of declared checks records what it found, and what it names
 * each outcome: the policy both engines' runners follow (src/phases/declared.ts
 * for node, scenarios/k6/lib/run-checks.ts for k6). Pure and runtime-neutral,
 * so one definition serves both and they cannot drift apart.
 */
import type { DeclaredCheck, Step } from '../../src/contract/checks-schema.js';
import { outcomeName } from './flow.js';
import type { FlowOutcome } from './flow.js';

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
