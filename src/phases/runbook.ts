/**
 * The runbook's health and market-data phases: the `runbook` preset
 * (checks/declared/runbook.ts) run by the declared-checks phase. They record
 * as these phases always have, which is what the k6 engine's runbook phases
 * (scenarios/k6/lib/phases.ts) record too: the same check names, "not run"
 * counted as failed with the reason, no check/group tags, k6's default
 * expected_response (200-399) where a refusal is not the expected answer,
 * and only the health endpoints' silence or 5xx as the "service
 * unavailable" rollback trigger.
 */
import { UNAUTHENTICATED, runbookChecks } from '../../checks/declared/runbook.js';
import type { FlowOutcome } from '../../checks/declared/flow.js';
import { MARKET_CHECKS } from '../../checks/market-data.js';
import type { DeclaredCheck } from '../contract/checks-schema.js';
import type { HttpClient } from '../net/http.js';
import { SetupVars, createChecksPhase, expectedStatus } from './declared.js';
import type { Recording } from './declared.js';
import type { PhaseRunner } from './types.js';

const k6Default = (s: number) => s >= 200 && s < 400;

function recording(unavailable: boolean): Recording {
  return {
    notRunFails: true,
    tagged: false,
    unavailable,
    expected: (check, step) => (check.name === UNAUTHENTICATED ? expectedStatus(step) : k6Default),
    statusBlocked: (_check, status) => `status is ${status}, not 200`,
  };
}

/** `GET /health status is 200`; no answer is `GET /health answers`. */
const healthName = (_c: DeclaredCheck, o: FlowOutcome) => `${o.stepTitle} ${o.label}`;

/** The rule's own name (`status is 200`); no answer is `POST /api/v1/data/market answers`, or the refusal check itself. */
function marketName(check: DeclaredCheck, o: FlowOutcome): string {
  if (check.name === UNAUTHENTICATED) return MARKET_CHECKS.authRefused;
  return o.label === 'answers' ? `${o.stepTitle} answers` : o.label;
}

/** The two runbook phases; the preset's checks have no setup, so each gets an empty scope of its own. */
export function createRunbookPhases(http: HttpClient, env: Readonly<Record<string, string | undefined>>): PhaseRunner[] {
  return [
    createChecksPhase(http, env, new SetupVars(), { phase: 'health', checksOf: (plan) => runbookChecks(plan).health, nameOf: healthName, recording: recording(true) }),
    createChecksPhase(http, env, new SetupVars(), { phase: 'market-data', checksOf: (plan) => runbookChecks(plan).marketData, nameOf: marketName, recording: recording(false) }),
  ];
}
