/**
 * Runbook "Load Testing" (ab -n 1000 -c 10): the closed model by default, or an
 * open arrival-rate model (constant or in stages). Every response is
 * classified (expected 2xx-3xx or failed) and its latency recorded; the
 * thresholds judge the phase afterwards. The open model also proves that the
 * generator sent what was asked (load-generator.ts): when it did not, the
 * phase is an error of ours (exit 107), never a pass and never a failed gate.
 * A load where every request failed without an answer or with a 5xx is evidence that the
 * service is unavailable; every request refused with a 4xx is most likely our request (all-failed.ts).
 */
import type { Plan, Workload } from '../contract/plan.js';
import type { LoadSample } from '../net/load/index.js';
import { firstLine } from '../core/errors.js';
import { runLoad } from '../net/load/index.js';
import { runLoadWorkers } from '../net/load/workers/run-workers.js';
import { clientFaultReason } from '../net/failures.js';
import { rateProfile } from '../net/load/schedule.js';
import { createSampleRecorder } from '../net/sample-recorder.js';
import { defaultExpected } from '../../checks/declared/expected.js';
import type { AbortWatch } from './types.js';
import { Findings } from './findings.js';
import { judgeAllFailed } from './all-failed.js';
import type { PhaseOutcome, PhaseRunner } from './types.js';
import { judgeLoadGenerator, lagRecorder, recordLoadCounts } from './load-generator.js';
import { buildLoadMix, mixSplit } from './load-mix.js';
import type { SetupVars } from './declared.js';
import type { BuiltMix } from './load-mix.js';
import type { LoadContract, LoadTarget } from './load-contract.js';

/** A load mix needs the declared checks' setup captures, and the env their templates read. */
export interface LoadMixSource {
  setup: SetupVars;
  env: Readonly<Record<string, string | undefined>>;
}

const pathOnly = (p: string) => p.split('?', 1)[0] ?? p;

/** The load's requests as the API's contract sees them. */
function loadTargets(plan: Plan, built: BuiltMix | undefined): LoadTarget[] {
  if (!built) return [{ method: plan.load.method, path: pathOnly(plan.load.path), name: plan.load.path, expected: defaultExpected }];
  return built.mix.requests.map((r, i) => ({
    method: r.method, path: pathOnly(r.path), name: built.tags[i]?.tags['name'] ?? r.path, expected: built.tags[i]?.expected ?? defaultExpected,
  }));
}

/**
 * `workload` is what this runner must send: a parallel runner's share of the
 * plan's load. `contract`: the API's contract, held against a sample of the responses.
 */
export function createLoadPhase(workload: Workload, ca?: string, abort?: AbortWatch, mixSource?: LoadMixSource, contract?: LoadContract): PhaseRunner {
  return {
    name: 'load',
    // With a mix, the declared checks (and their setup) run first and must pass: no load on a failing flow.
    needs: mixSource ? ['health', 'checks'] : ['health'],
    async run(ctx): Promise<PhaseOutcome> {
      const { plan } = ctx;
      const found = new Findings();
      const { store, failures } = found;
      const w = workload;
      const profile = w.model === 'closed' ? undefined : rateProfile(w);
      const stageNames = profile?.staged ? profile.stageNames : undefined;
      const built = mixSource ? buildLoadMix(plan, mixSource.setup, mixSource.env) : undefined;
      const base = { phase: 'load', scenario: 'load', name: plan.load.path, method: plan.load.method };
      const recorder = createSampleRecorder(store, base, stageNames, built?.tags);
      const judge = contract?.(loadTargets(plan, built));
      const onSample = judge ? (s: LoadSample) => { recorder.onSample(s); judge.judge(s, found); } : recorder.onSample;
      const headers: Record<string, string> = {};
      if (plan.token) headers.authorization = `Bearer ${plan.token}`;
      let stats: Awaited<ReturnType<typeof runLoad>>;
      let errors = recorder.errors;
      let badStatuses = recorder.badStatuses;
      // The progress line's errors and p95 so far: read from the store at most once a second.
      let figuresAt = -Infinity;
      let last: { failed?: number; p95Ms?: number } = {};
      const figures = (): { failed?: number; p95Ms?: number } => {
        const now = ctx.clock.now();
        if (now - figuresAt < 1000) return last;
        figuresAt = now;
        const failed = store.select('http_req_failed', { phase: 'load' })?.value('passes');
        const p95Ms = store.select('http_req_duration', { phase: 'load' })?.value('p(95)');
        last = { ...(failed !== undefined ? { failed } : {}), ...(p95Ms !== undefined ? { p95Ms } : {}) };
        return last;
      };
      // abortOnFail thresholds judged on this phase's samples as they come in.
      const stopped = abort?.start(store, () => ctx.clock.now());
      const signal = stopped ? AbortSignal.any([ctx.signal, stopped]) : ctx.signal;
      const common = {
        origin: plan.target,
        request: built?.mix.requests[0] ?? { method: plan.load.method, path: plan.load.path, headers },
        ...(built ? { mix: built.mix } : {}),
        timeoutMs: plan.requestTimeoutMs,
        signal,
        clock: ctx.clock,
        ...(ca ? { ca } : {}),
        onProgress: (done: number, total?: number) => ctx.emit({ type: 'progress', phase: 'load', done, ...(total !== undefined ? { total } : {}), ...figures() }),
      };
      try {
        if (w.model !== 'closed' && plan.load.workers > 1) {
          const run = await runLoadWorkers({
            ...common, workload: w, workers: plan.load.workers, maxScheduleLagMs: plan.load.maxScheduleLagMs,
            store, record: { base, ...(stageNames ? { stageNames } : {}), ...(built ? { mix: built.tags } : {}) },
          });
          ({ stats, errors, badStatuses } = run);
        } else {
          stats = await runLoad({
            ...common,
            workload: w,
            onSample,
            ...(judge ? { capture: judge.capture } : {}),
            ...(profile ? { onLag: lagRecorder(store, stageNames), maxScheduleLagMs: plan.load.maxScheduleLagMs } : {}),
          });
        }
      } catch (err) {
        // What was measured before the generator broke is still reported.
        return found.outcome('error', firstLine(err));
      } finally {
        abort?.stop();
      }
      for (const [cause, n] of errors) failures.add('load', cause, n);
      for (const [status, n] of badStatuses) failures.add('load', `status ${status}`, n);
      recordLoadCounts(store, stats, stageNames);
      if (built) found.notes.push(...mixSplit(store, built));
      if (judge) found.notes.push(judge.note());
      const allFailed = stats.started > 0 && (store.select('http_req_failed', { phase: 'load' })?.value('rate') ?? 0) === 1;
      const judged = allFailed ? judgeAllFailed(failures.list().filter((f) => f.phase === 'load'), plan.load) : undefined;
      if (judged?.kind === 'unavailable') found.unavailable.push(judged.line);
      // Stopped by a failing threshold, not by a signal: the gate's answer is known (99), not an abort.
      if (stats.aborted && !ctx.signal.aborted && abort?.reason) return found.outcome('failed', `stopped early after ${stats.completed} requests: ${abort.reason}`);
      if (stats.aborted) return found.outcome('aborted', `aborted after ${stats.completed} requests`);
      const faults = failures.clientFaults('load');
      if (faults.length > 0) return found.outcome('error', clientFaultReason(faults));
      const behind = judgeLoadGenerator(plan, found, stats);
      if (behind !== undefined) return found.outcome('error', behind);
      // The service answered every request, with a refusal: our request is the likely cause.
      if (judged?.kind === 'refused') return found.outcome('failed', judged.line);
      return found.outcome('passed');
    },
  };
}
