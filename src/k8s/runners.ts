/**
 * Each runner pod's exit code (from containerStatuses) and its RunResult (from its
 * log, through an injectable LogSource: where no kubelet serves logs, e.g. in the
 * tests, the caller supplies them).
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { RunResult } from '../core/result.js';
import { call, withTimeout, type K8sClients } from '../net/k8s-client.js';
import { ANNOTATION_RUNNER_INDEX, LABEL_RUN_ID, RUNNER_CONTAINER } from './names.js';
import { extractEmittedResult } from './result-markers.js';

export interface LogSource {
  /** the runner container's log, or undefined when it cannot be read */
  read(pod: V1Pod): Promise<string | undefined>;
}

export interface RunnerReport {
  index: number;
  pod: string;
  /** undefined when the pod never terminated (deleted, deadline) */
  exitCode?: number;
  /** the runtime's word for how the container ended: OOMKilled, Error, ContainerCannotRun, ... */
  reason?: string;
  result?: RunResult;
  /** why there is no result, e.g. "log not readable" */
  note?: string;
}

export function apiLogSource(c: K8sClients): LogSource {
  return {
    async read(pod) {
      try {
        return await withTimeout('read pod log', c.timeoutMs, c.core.readNamespacedPodLog({
          name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', container: RUNNER_CONTAINER,
        }));
      } catch {
        return undefined; // no kubelet, pods/log forbidden, pod gone: fall back to the exit code
      }
    },
  };
}

export function runnerExitCode(pod: V1Pod): number | undefined {
  const st = pod.status?.containerStatuses?.find((s) => s.name === RUNNER_CONTAINER);
  return st?.state?.terminated?.exitCode ?? st?.lastState?.terminated?.exitCode;
}

export function runnerTermination(pod: V1Pod): string | undefined {
  const st = pod.status?.containerStatuses?.find((s) => s.name === RUNNER_CONTAINER);
  return (st?.state?.terminated ?? st?.lastState?.terminated)?.reason;
}

function runnerIndex(pod: V1Pod): number {
  return Number(pod.metadata?.annotations?.[ANNOTATION_RUNNER_INDEX] ?? pod.metadata?.labels?.[ANNOTATION_RUNNER_INDEX] ?? 0);
}

/** Per index, the pod that decided it: a succeeded one, else the one that finished last. */
export function pickRunnerPods(pods: readonly V1Pod[]): Map<number, V1Pod> {
  const rank = (p: V1Pod): number => (p.status?.phase === 'Succeeded' ? 2 : runnerExitCode(p) !== undefined ? 1 : 0);
  const created = (p: V1Pod): number => new Date(p.metadata?.creationTimestamp ?? 0).getTime();
  const out = new Map<number, V1Pod>();
  for (const p of pods) {
    const i = runnerIndex(p);
    const cur = out.get(i);
    if (!cur || rank(p) > rank(cur) || (rank(p) === rank(cur) && created(p) > created(cur))) out.set(i, p);
  }
  return out;
}

export async function collectRunners(c: K8sClients, ns: string, runId: string, count: number, logs: LogSource): Promise<RunnerReport[]> {
  const list = await call(c, `list runner pods of run ${runId} in ${ns}`,
    () => c.core.listNamespacedPod({ namespace: ns, labelSelector: `${LABEL_RUN_ID}=${runId}` }));
  const byIndex = pickRunnerPods(list.items);
  const reports: RunnerReport[] = [];
  for (let index = 0; index < count; index++) {
    const pod = byIndex.get(index);
    if (!pod) { reports.push({ index, pod: '', note: 'no pod' }); continue; }
    const report: RunnerReport = { index, pod: pod.metadata?.name ?? '' };
    const exitCode = runnerExitCode(pod);
    if (exitCode !== undefined) report.exitCode = exitCode;
    const reason = runnerTermination(pod);
    if (reason) report.reason = reason;
    const text = await logs.read(pod);
    const got = text === undefined ? { kind: 'unreadable' as const } : extractEmittedResult(text);
    if (got.kind === 'ok') report.result = got.result;
    else report.note = got.kind === 'unreadable' ? 'log not readable' : got.kind === 'missing' ? 'no result in log' : got.reason;
    reports.push(report);
  }
  return reports;
}
