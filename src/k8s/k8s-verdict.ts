/**
 * Pure: the Job's outcome and its runners -> one verdict. With every runner's result
 * the merged histograms decide; otherwise the runners' exit codes do (a 99 from any
 * runner is a failed gate whatever the others did). A Job that failed without any
 * runner reaching a verdict (deadline, image pull, eviction) is an infrastructure
 * error, not a verdict.
 */
import { EXIT, GoliveError } from '../core/errors.js';
import type { Plan } from '../contract/plan.js';
import type { JobOutcome } from './follow.js';
import { mergeRunnerResults, type MergedResult } from './merge.js';
import type { RunnerReport } from './runners.js';

export type K8sVerdict =
  | { source: 'merged'; exitCode: number; merged: MergedResult }
  | { source: 'exit-codes'; exitCode: number; reason: string };

/** Exit codes a runner reports as an answer, most decisive first. */
const VERDICT_CODES = [EXIT.aborted, EXIT.thresholdsFailed, EXIT.invalidConfig, EXIT.engineError, EXIT.deliveryFailed] as const;

export function decideK8sVerdict(plan: Plan, jobName: string, job: JobOutcome, runners: readonly RunnerReport[]): K8sVerdict {
  const results = runners.map((r) => r.result);
  if (results.every((r) => r !== undefined) && results.length > 0) {
    const merged = mergeRunnerResults(plan, results.filter((r) => r !== undefined));
    return { source: 'merged', exitCode: merged.exitCode, merged };
  }
  for (const code of VERDICT_CODES) {
    const r = runners.find((x) => x.exitCode === code);
    if (r) return { source: 'exit-codes', exitCode: code, reason: `runner ${r.index} (${r.pod}) exited ${code}; results of all runners not available` };
  }
  if (job.kind === 'complete' && runners.every((r) => r.exitCode === 0)) {
    return { source: 'exit-codes', exitCode: EXIT.passed, reason: 'every runner exited 0; logs not readable, so no merged numbers' };
  }
  const why = job.kind === 'failed' ? `${job.reason}${job.message ? `: ${job.message}` : ''}` : 'completed without runner results';
  // The runtime's reason names an infrastructure cause, e.g. OOMKilled (not the target's fault).
  const codes = runners.map((r) => `${r.index}=${r.exitCode ?? 'none'}${r.reason && r.reason !== 'Error' && r.reason !== 'Completed' ? ` ${r.reason}` : ''}`).join(', ');
  const oom = runners.filter((r) => r.reason === 'OOMKilled').map((r) => r.index);
  const hint = oom.length > 0 ? `; runner ${oom.join(', ')} OOMKilled: over its memory limit, raise --runner-memory` : '';
  throw new GoliveError('GOLIVE_K8S_ERROR', `Job ${jobName} failed without a verdict (${why}; runner exit codes ${codes}${hint})`);
}
