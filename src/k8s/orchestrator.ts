/**
 * `golive k8s run` and `golive k8s schedule`: the I/O around the pure builders.
 * run: ConfigMap -> Job (create-if-absent) -> follow with a deadline -> runner exit
 * codes and results -> merged verdict -> cleanup per policy.
 */
import { applyConfigMap, applyCronJob, createJobIfAbsent, deleteRun } from './apply.js';
import type { K8sClients } from '../net/k8s-client.js';
import { buildConfigMap, type Scripts } from './configmap.js';
import { buildCronJob } from './cronjob.js';
import { followJob, type FollowEvent, type JobOutcome } from './follow.js';
import { buildJob } from './job.js';
import { decideK8sVerdict, type K8sVerdict } from './k8s-verdict.js';
import { jobName } from './names.js';
import { apiLogSource, collectRunners, type LogSource, type RunnerReport } from './runners.js';
import type { RunnerPlan, SchedulePlan } from './types.js';

export type CleanupPolicy = 'always' | 'on-success' | 'never';

export type OrchestratorEvent =
  | { type: 'applied'; kind: 'ConfigMap' | 'Job' | 'CronJob'; name: string; action: string }
  | FollowEvent
  | { type: 'finished'; outcome: JobOutcome }
  | { type: 'cleaned-up'; job: string }
  | { type: 'cleanup-failed'; error: string };

export interface RunDeps {
  clients: K8sClients;
  /** where the runner logs come from; default the API's pods/log */
  logs?: LogSource;
  signal?: AbortSignal;
  now?: () => number;
  onEvent?: (e: OrchestratorEvent) => void;
}

export interface RunOptions {
  cleanup: CleanupPolicy;
  /** the k6 flavour's bundled scripts (dist/k6), by file name */
  scripts?: Scripts;
  /** how long to follow the Job; default its activeDeadlineSeconds plus a minute */
  followTimeoutMs?: number;
  maxWatchDropsInARow?: number;
}

export interface K8sRunOutcome {
  runId: string;
  job: string;
  outcome: JobOutcome;
  runners: RunnerReport[];
  verdict: K8sVerdict;
}

export async function runInCluster(plan: RunnerPlan, opts: RunOptions, deps: RunDeps): Promise<K8sRunOutcome> {
  const c = deps.clients;
  const emit = deps.onEvent ?? (() => undefined);
  const now = deps.now ?? Date.now;
  const name = jobName(plan.runId);
  const cm = await applyConfigMap(c, buildConfigMap(plan, plan.engine === 'k6' ? opts.scripts : {}));
  emit({ type: 'applied', kind: 'ConfigMap', name: plan.configMapName, action: cm.action });
  const created = await createJobIfAbsent(c, buildJob(plan));
  emit({ type: 'applied', kind: 'Job', name, action: created.action });

  let exitCode: number | undefined;
  try {
    const followed = await followJob(c, plan.namespace, name, {
      deadline: now() + (opts.followTimeoutMs ?? (plan.activeDeadlineSeconds + 60) * 1000),
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(opts.maxWatchDropsInARow !== undefined ? { maxDropsInARow: opts.maxWatchDropsInARow } : {}),
      onEvent: emit,
      now,
    });
    emit({ type: 'finished', outcome: followed.outcome });
    const runners = await collectRunners(c, plan.namespace, plan.runId, plan.parallelism, deps.logs ?? apiLogSource(c));
    const verdict = decideK8sVerdict(plan.plan, name, followed.outcome, runners);
    exitCode = verdict.exitCode;
    return { runId: plan.runId, job: name, outcome: followed.outcome, runners, verdict };
  } finally {
    const clean = opts.cleanup === 'always' || (opts.cleanup === 'on-success' && exitCode === 0);
    if (clean) {
      // A failed cleanup must not hide the verdict: it is reported, the TTL removes the Job later.
      await deleteRun(c, plan.namespace, name, plan.configMapName).then(
        () => emit({ type: 'cleaned-up', job: name }),
        (err: unknown) => emit({ type: 'cleanup-failed', error: err instanceof Error ? err.message : String(err) }),
      );
    }
  }
}

export interface ScheduleOutcome { name: string; action: 'created' | 'updated' }

/** Installs or updates the CronJob and the ConfigMap it mounts; running it twice changes nothing. */
export async function scheduleInCluster(plan: RunnerPlan, schedule: SchedulePlan, deps: RunDeps, scripts: Scripts = {}): Promise<ScheduleOutcome> {
  const emit = deps.onEvent ?? (() => undefined);
  const cm = await applyConfigMap(deps.clients, buildConfigMap(plan, plan.engine === 'k6' ? scripts : {}));
  emit({ type: 'applied', kind: 'ConfigMap', name: plan.configMapName, action: cm.action });
  const cj = await applyCronJob(deps.clients, buildCronJob(plan, schedule));
  emit({ type: 'applied', kind: 'CronJob', name: schedule.name, action: cj.action });
  return { name: schedule.name, action: cj.action };
}
