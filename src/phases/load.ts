/**
 * Runbook "Load Testing" (ab -n 1000 -c 10): the closed model by default, or an
 * open arrival-rate model (constant or in stages). Every response is
 * classified (expected 2xx-3xx or failed) and its latency recorded; the
 * thresholds judge the phase afterwards. The open model also proves that the
 * generator sent what was asked (load-generator.ts): when it did not, the
 * phase is an error of ours (exit 107), never a pass and never a failed gate.
 */
import type { Workload } from '../config/schema.js';
import { runLoad } from '../engine/load/index.js';
import { clientFaultReason } from '../engine/failures.js';
import type { FailureTally } from '../engine/failures.js';
import { rateProfile } from '../engine/load/schedule.js';
import { createSampleRecorder } from '../engine/sample-recorder.js';
import type { PhaseOutcome, PhaseRunner } from '../engine/types.js';
import { judgeLoadGenerator, lagRecorder, recordLoadCounts } from './load-generator.js';

export interface LoadPhaseState {
  /** requests this runner must send; the share of a parallel runner's segment */
  workload: Workload;
  errors: Map<string, number>;
  /** requests handed to a connection */
  sent: number;
  /** where failed requests are counted by cause */
  failures?: FailureTally;
  /** findings that inform but do not gate (e.g. the closed model's event-loop delay) */
  notes: string[];
}

export function createLoadPhase(state: LoadPhaseState, ca?: string): PhaseRunner {
  return {
    name: 'load',
    needs: ['health'],
    async run(ctx): Promise<PhaseOutcome> {
      const { plan, store } = ctx;
      const w = state.workload;
      const profile = w.model === 'closed' ? undefined : rateProfile(w);
      const stageNames = profile?.staged ? profile.stageNames : undefined;
      const recorder = createSampleRecorder(store, { phase: 'load', scenario: 'load', name: plan.load.path, method: plan.load.method }, stageNames);
      state.errors = recorder.errors;
      const headers: Record<string, string> = {};
      if (plan.token) headers.authorization = `Bearer ${plan.token}`;
      const stats = await runLoad({
        origin: plan.target,
        request: { method: plan.load.method, path: plan.load.path, headers },
        workload: w,
        timeoutMs: plan.requestTimeoutMs,
        signal: ctx.signal,
        clock: ctx.clock,
        ...(ca ? { ca } : {}),
        onSample: recorder.onSample,
        ...(profile ? { onLag: lagRecorder(store, stageNames), maxScheduleLagMs: plan.load.maxScheduleLagMs } : {}),
        onProgress: (done, total) => ctx.emit({ type: 'progress', phase: 'load', done, ...(total !== undefined ? { total } : {}) }),
      });
      state.sent = stats.started;
      for (const [cause, n] of recorder.errors) state.failures?.add('load', cause, n);
      for (const [status, n] of recorder.badStatuses) state.failures?.add('load', `status ${status}`, n);
      recordLoadCounts(store, stats, stageNames);
      if (stats.aborted) return { status: 'aborted', reason: `aborted after ${stats.completed} requests` };
      const faults = state.failures?.clientFaults('load') ?? [];
      if (faults.length > 0) return { status: 'error', reason: clientFaultReason(faults) };
      const behind = judgeLoadGenerator(ctx, stats, state.notes);
      if (behind !== undefined) return { status: 'error', reason: behind };
      return { status: 'passed' };
    },
  };
}
