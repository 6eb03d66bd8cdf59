/**
 * The runbook's health and market-data phases under k6: the `runbook`
 * preset (checks/declared/runbook.ts) through the one runner of declared
 * checks (runChecks), recording by the preset's policy as the node engine
 * does (src/phases/runbook.ts): the same requests, tags, check names and
 * reasons, "not run" counted as failed, and the health phase's "no answer
 * or 5xx" lines as the service-unavailable rollback evidence. Each phase is
 * a k6 group of its name: the adapter reads the phase of a check from it.
 */
import { group } from 'k6';
import { runbookPhaseChecks, runbookPolicy } from '../../../checks/declared/runbook.js';
import type { RunbookPhase } from '../../../checks/declared/runbook.js';
import type { K6Config } from '../../../src/contract/k6-plan.js';
import type { K6SetupData } from '../../../src/engine/k6/summary-schema.js';
import { runChecks } from './declared.js';
import { OutcomeRecorder } from './record.js';
import type { PhaseReport } from './record.js';

/** plus `unavailable`: "no answer or 5xx" lines, the runbook's service-unavailable rollback trigger */
export type HealthReport = NonNullable<K6SetupData['health']>;

type Env = Readonly<Record<string, string | undefined>>;

function runPhase(cfg: K6Config, env: Env, phase: RunbookPhase): PhaseReport & { unavailable: string[] } {
  const started = Date.now();
  const rec = new OutcomeRecorder(phase);
  const policy = runbookPolicy(phase);
  let unavailable: string[] = [];
  group(phase, () => {
    unavailable = runChecks(cfg, env, runbookPhaseChecks(cfg.plan, phase), { ...policy, phase }, ({ name, state, reason }) => {
      if (state === 'not-run' && !policy.recording.notRunFails) return;
      rec.record([{ name, ok: state === 'passed' || state === 'degraded', ...(reason !== undefined ? { reason } : {}) }]);
    }).unavailable;
  });
  return { ...rec.report(Date.now() - started), unavailable };
}

export function runHealth(cfg: K6Config, env: Env): HealthReport {
  return runPhase(cfg, env, 'health');
}

export function runMarketData(cfg: K6Config, env: Env): PhaseReport {
  const { unavailable: _none, ...report } = runPhase(cfg, env, 'market-data');
  return report;
}
