/**
 * Runbook "Health Endpoint Validation": each health endpoint answers 200 with a
 * healthy body within the response-time budget. A 5xx or no answer at all is
 * the runbook's "service unavailable" rollback trigger, so it is remembered.
 */
import { checkHealthResponse } from '../../checks/index.js';
import type { HttpClient } from '../engine/http.js';
import type { PhaseOutcome, PhaseRunner } from '../engine/types.js';

export interface HealthPhaseState {
  /** set when an endpoint gave no answer or a 5xx: a rollback trigger */
  unavailable: string[];
}

export function createHealthPhase(http: HttpClient, state: HealthPhaseState): PhaseRunner {
  return {
    name: 'health',
    needs: [],
    async run(ctx): Promise<PhaseOutcome> {
      const { plan, store, checks } = ctx;
      let failed = 0;
      for (const path of plan.health.endpoints) {
        if (ctx.signal.aborted) return { status: 'aborted', reason: 'aborted' };
        const out = await http.measured('health', { method: 'GET', path }, store);
        if (out.kind === 'error') {
          state.unavailable.push(`GET ${path}: ${out.error}`);
          checks.record('health', `GET ${path} answers`, false, out.error);
          failed++;
          continue;
        }
        if (out.status >= 500) state.unavailable.push(`GET ${path} returned ${out.status}`);
        for (const c of checkHealthResponse(out.status, out.body, out.durationMs, plan.health.maxResponseMs)) {
          if (!checks.record('health', `GET ${path} ${c.name}`, c.ok, c.reason)) failed++;
        }
      }
      return failed === 0 ? { status: 'passed' } : { status: 'failed', reason: `${failed} health check(s) failed` };
    },
  };
}
