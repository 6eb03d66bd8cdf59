/**
 * The checks a load mix may name: the declared ones and, while the runbook
 * preset is on, the preset's (`health`, `market-data`, ...), so
 * `load.mix: [{ check: 'health', weight: 80 }, { check: 'market-data', weight: 20 }]`
 * needs no `checks` of its own. A declared check of the same name wins: it is
 * what the user wrote, and a config that named its own `health` check keeps
 * meaning what it meant. Pure: validation and both engines' mixes resolve
 * names here.
 */
import type { DeclaredCheck } from '../../src/contract/checks-schema.js';
import { runbookChecks } from './runbook.js';
import type { RunbookSettings } from './runbook.js';

export interface MixPlan extends RunbookSettings {
  checks: readonly DeclaredCheck[];
  preset: 'runbook' | 'none';
}

/** The runbook preset's checks while it is on, else none. */
export function presetChecks(plan: MixPlan): DeclaredCheck[] {
  if (plan.preset !== 'runbook') return [];
  const { health, marketData } = runbookChecks(plan);
  return [...health, ...marketData];
}

/** Checks by the name a mix entry gives; a declared check shadows the preset's of its name. */
export function byMixName(preset: readonly DeclaredCheck[], declared: readonly DeclaredCheck[]): Map<string, DeclaredCheck> {
  return new Map([...preset, ...declared].map((c) => [c.name, c]));
}

/** Every check a mix entry of `plan` may name, by name. */
export function mixableChecks(plan: MixPlan): Map<string, DeclaredCheck> {
  return byMixName(presetChecks(plan), plan.checks);
}
