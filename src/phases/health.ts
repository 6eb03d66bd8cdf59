/**
 * Runbook "Health Endpoint Validation": each health endpoint answers 200 with a
 * healthy body within the response-time budget. A 5xx or no answer at all is
 * the runbook's "service unavailable" rollback trigger, so it is remembered;
 * an aborted request or a fault of our own is not an answer and never is.
 */
import { checkHealthResponse, UnreadableBody } from '../../checks/index.js';
import type { HttpClient } from '../engine/http.js';
import { clientFaultReason } from '../engine/failures.js';
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
      const faults: string[] = [];
      for (const path of plan.health.endpoints) {
        if (ctx.signal.aborted) return { status: 'aborted', reason: 'aborted' };
        const out = await http.measured('health', { method: 'GET', path }, store);
        if (out.kind === 'aborted') return { status: 'aborted', reason: 'aborted' };
        if (out.kind === 'client-fault') {
          faults.push(`GET ${path}: ${out.error} (${out.hint})`);
          continue;
        }
        if (out.kind === 'error') {
          state.unavailable.push(`GET ${path}: ${out.error}`);
          checks.record('health', `GET ${path} answers`, false, out.error);
          failed++;
          continue;
        }
        if (out.status >= 500) state.unavailable.push(`GET ${path} returned ${out.status}`);
        const body = out.bodyError !== undefined ? new UnreadableBody(out.bodyError) : out.body;
        for (const c of checkHealthResponse(out.status, body, out.durationMs, plan.health.maxResponseMs)) {
          if (!checks.record('health', `GET ${path} ${c.name}`, c.ok, c.reason)) failed++;
        }
      }
      if (faults.length > 0) return { status: 'error', reason: clientFaultReason(faults) };
      return failed === 0 ? { status: 'passed' } : { status: 'failed', reason: `${failed} health check(s) failed` };
    },
  };
}
