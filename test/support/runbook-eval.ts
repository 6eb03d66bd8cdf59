/**
 * The runbook preset's steps judged by the one shared evaluator
 * (checks/declared/evaluate.ts) with the preset's own recording policy, as
 * both engines' runbook phases judge them: outcomes named by their label, a
 * "not run" one failed with its reason.
 */
import { evaluateStep } from '../../checks/declared/evaluate.js';
import { runbookPhaseChecks, runbookPolicy } from '../../checks/declared/runbook.js';
import type { RunbookPhase } from '../../checks/declared/runbook.js';
import type { CheckOutcome } from '../../checks/outcome.js';
import { planSchema } from '../../src/contract/plan.js';

/** `body`: the text as sent, or a value sent as its JSON. */
function judge(phase: RunbookPhase, index: number, status: number, body: unknown, durationMs: number, maxMs = 500): CheckOutcome[] {
  const plan = planSchema.parse({ target: 'http://127.0.0.1:1', health: { maxResponseMs: maxMs } });
  const check = runbookPhaseChecks(plan, phase)[index]!;
  const step = check.steps[0]!;
  const blocked = runbookPolicy(phase).recording.statusBlocked;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const { outcomes } = evaluateStep(step, { status, headers: {}, text, durationMs }, {
    schemaFor: () => undefined, sentJson: step.json, ...(blocked ? { statusBlocked: (s: number) => blocked(check, s) } : {}),
  });
  return outcomes.map((o) => ({ name: o.label, ok: o.state === 'passed', ...(o.reason !== undefined ? { reason: o.reason } : {}) }));
}

/** The preset's `GET /health` step on one answer. */
export function judgeHealth(status: number, body: unknown, durationMs: number, maxMs = 500): CheckOutcome[] {
  return judge('health', 0, status, body, durationMs, maxMs);
}

/** The preset's unauthenticated market-data call on one answer. */
export function judgeAuthRefused(status: number): CheckOutcome {
  return judge('market-data', 1, status, '', 1)[0]!;
}
