/**
 * Runbook "Load Testing" (ab -n 1000 -c 10): the closed model by default, or an
 * open arrival-rate model. Every response is classified (expected 2xx-3xx or
 * failed) and its latency recorded; the thresholds judge the phase afterwards.
 */
import type { Workload } from '../config/schema.js';
import { runLoad } from '../engine/load/index.js';
import { clientFaultReason } from '../engine/failures.js';
import type { FailureTally } from '../engine/failures.js';
import { createSampleRecorder } from '../engine/sample-recorder.js';
import type { PhaseOutcome, PhaseRunner } from '../engine/types.js';

export interface LoadPhaseState {
  /** requests this runner must send; the share of a parallel runner's segment */
  workload: Workload;
  errors: Map<string, number>;
  /** requests handed to a connection */
  sent: number;
  /** where failed requests are counted by cause */
  failures?: FailureTally;
}

export function createLoadPhase(state: LoadPhaseState, ca?: string): PhaseRunner {
  return {
    name: 'load',
    needs: ['health'],
    async run(ctx): Promise<PhaseOutcome> {
      const { plan, store } = ctx;
      const recorder = createSampleRecorder(store, { phase: 'load', scenario: 'load', name: plan.load.path, method: plan.load.method });
      state.errors = recorder.errors;
      const headers: Record<string, string> = {};
      if (plan.token) headers.authorization = `Bearer ${plan.token}`;
      const stats = await runLoad({
        origin: plan.target,
        request: { method: plan.load.method, path: plan.load.path, headers },
        workload: state.workload,
        timeoutMs: plan.requestTimeoutMs,
        signal: ctx.signal,
        clock: ctx.clock,
        ...(ca ? { ca } : {}),
        onSample: recorder.onSample,
        onProgress: (done, total) => ctx.emit({ type: 'progress', phase: 'load', done, ...(total !== undefined ? { total } : {}) }),
      });
      state.sent = stats.started;
      for (const [cause, n] of recorder.errors) state.failures?.add('load', cause, n);
      for (const [status, n] of recorder.badStatuses) state.failures?.add('load', `status ${status}`, n);
      if (stats.dropped > 0) store.add('dropped_iterations', stats.dropped, { phase: 'load', scenario: 'load' });
      store.add('iterations', stats.completed, { phase: 'load', scenario: 'load' });
      if (stats.aborted) return { status: 'aborted', reason: `aborted after ${stats.completed} requests` };
      const faults = state.failures?.clientFaults('load') ?? [];
      if (faults.length > 0) return { status: 'error', reason: clientFaultReason(faults) };
      return { status: 'passed' };
    },
  };
}
