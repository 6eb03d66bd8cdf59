/**
 * Runbook "Health Endpoint Validation": each health endpoint answers 200 with a
 * healthy body within the response-time budget. A 5xx or no answer at all is
 * the runbook's "service unavailable" rollback trigger, so the outcome carries
 * it as `unavailable` evidence; an aborted request or a fault of our own is not
 * an answer and never is.
 */
import { checkHealthResponse, UnreadableBody } from '../../checks/index.js';
import type { HttpClient } from '../net/http.js';
import { clientFaultReason } from '../net/failures.js';
import { Findings } from './findings.js';
import type { PhaseOutcome, PhaseRunner } from './types.js';

export function createHealthPhase(http: HttpClient): PhaseRunner {
  return {
    name: 'health',
    needs: [],
    async run(ctx): Promise<PhaseOutcome> {
      const { plan } = ctx;
      const found = new Findings();
      const { checks } = found;
      let failed = 0;
      const faults: string[] = [];
      for (const path of plan.health.endpoints) {
        if (ctx.signal.aborted) return found.outcome('aborted', 'aborted');
        const out = await http.measured('health', { method: 'GET', path }, found);
        if (out.kind === 'aborted') return found.outcome('aborted', 'aborted');
        if (out.kind === 'client-fault') {
          faults.push(`GET ${path}: ${out.error} (${out.hint})`);
          continue;
        }
        if (out.kind === 'error') {
          found.unavailable.push(`GET ${path}: ${out.error}`);
          checks.record('health', `GET ${path} answers`, false, out.error);
          failed++;
          continue;
        }
        if (out.status >= 500) found.unavailable.push(`GET ${path} returned ${out.status}`);
        const body = out.bodyError !== undefined ? new UnreadableBody(out.bodyError) : out.body;
        for (const c of checkHealthResponse(out.status, body, out.durationMs, plan.health.maxResponseMs, out.location)) {
          if (!checks.record('health', `GET ${path} ${c.name}`, c.ok, c.reason)) failed++;
        }
      }
      if (faults.length > 0) return found.outcome('error', clientFaultReason(faults));
      return failed === 0 ? found.outcome('passed') : found.outcome('failed', `${failed} health check(s) failed`);
    },
  };
}
