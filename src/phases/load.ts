/**
 * Runbook "Load Testing" (ab -n 1000 -c 10): the closed model by default, or an
 * open arrival-rate model. Every response is classified (expected 2xx-3xx or
 * failed) and its latency recorded; the thresholds judge the phase afterwards.
 */
import type { Workload } from '../config/schema.js';
import { runLoad } from '../engine/load/index.js';
import type { LoadSample } from '../engine/load/index.js';
import type { PhaseOutcome, PhaseRunner } from '../engine/types.js';

export interface LoadPhaseState {
  /** requests this runner must send; the share of a parallel runner's segment */
  workload: Workload;
  errors: Map<string, number>;
  completed: number;
  sent: number;
}

export function createLoadPhase(state: LoadPhaseState, ca?: string): PhaseRunner {
  return {
    name: 'load',
    needs: ['health'],
    async run(ctx): Promise<PhaseOutcome> {
      const { plan, store } = ctx;
      const base = { phase: 'load', scenario: 'load', name: plan.load.path, method: plan.load.method };
      // One bound recorder per (status, expected) so the hot loop never builds tag keys.
      const recorders = new Map<number, (durationMs: number) => void>();
      const recorderFor = (status: number) => {
        let r = recorders.get(status);
        if (!r) {
          const expected = status >= 200 && status < 400;
          const tags = { ...base, status: String(status), expected_response: String(expected) };
          const reqs = store.recorder('http_reqs', tags);
          const failed = store.recorder('http_req_failed', tags);
          const dur = store.recorder('http_req_duration', tags);
          const flag = expected ? 0 : 1;
          r = (ms) => { reqs(1); failed(flag); dur(ms); };
          recorders.set(status, r);
        }
        return r;
      };
      const onSample = (s: LoadSample) => {
        recorderFor(s.status)(s.durationMs);
        if (s.error !== undefined) state.errors.set(s.error, (state.errors.get(s.error) ?? 0) + 1);
      };
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
        onSample,
        onProgress: (done, total) => ctx.emit({ type: 'progress', phase: 'load', done, ...(total !== undefined ? { total } : {}) }),
      });
      state.completed = stats.completed;
      state.sent = stats.started;
      if (stats.dropped > 0) store.add('dropped_iterations', stats.dropped, { phase: 'load', scenario: 'load' });
      store.add('iterations', stats.completed, { phase: 'load', scenario: 'load' });
      if (stats.aborted) return { status: 'aborted', reason: `aborted after ${stats.completed} requests` };
      return { status: 'passed' };
    },
  };
}
