/**
 * The runbook's health and market-data phases: the `runbook` preset
 * (checks/declared/runbook.ts) run by the declared-checks phase, recording
 * by the preset's own policy (runbookPolicy), which the k6 engine's runbook
 * phases (scenarios/k6/lib/runbook.ts) follow too.
 */
import { RUNBOOK_PHASES, runbookPhaseChecks, runbookPolicy } from '../../checks/declared/runbook.js';
import type { HttpClient } from '../net/http.js';
import { SetupVars, createChecksPhase } from './declared.js';
import type { PhaseRunner } from './types.js';

/** The two runbook phases; the preset's checks have no setup, so each gets an empty scope of its own. */
export function createRunbookPhases(http: HttpClient, env: Readonly<Record<string, string | undefined>>): PhaseRunner[] {
  return RUNBOOK_PHASES.map((phase) => createChecksPhase(http, env, new SetupVars(), {
    phase, checksOf: (plan) => runbookPhaseChecks(plan, phase), ...runbookPolicy(phase),
  }));
}
