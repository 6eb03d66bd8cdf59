/**
 * Follows one Job to its end with a watch, a deadline and re-list on drop: a watch
 * that ends is re-opened from a fresh GET (so nothing between the two is missed);
 * only drops in a row without any event count against the limit.
 */
import { Watch, type V1Job } from '@kubernetes/client-node';
import { firstLine, GoliveError } from '../core/errors.js';
import { call, type K8sClients } from '../net/k8s-client.js';

export type JobOutcome =
  | { kind: 'complete' }
  | { kind: 'failed'; reason: string; message: string };

export type FollowEvent =
  | { type: 'job-status'; active: number; succeeded: number; failed: number }
  | { type: 'watch-dropped'; attempt: number; error: string };

export interface FollowOptions {
  /** absolute deadline, in `now()` milliseconds */
  deadline: number;
  signal?: AbortSignal;
  maxDropsInARow?: number;
  onEvent?: (e: FollowEvent) => void;
  now?: () => number;
  /** seconds the server keeps one watch open before a clean re-list */
  watchSeconds?: number;
}

export function jobOutcome(job: V1Job): JobOutcome | undefined {
  for (const c of job.status?.conditions ?? []) {
    if (c.status !== 'True') continue;
    if (c.type === 'Complete') return { kind: 'complete' };
    if (c.type === 'Failed') return { kind: 'failed', reason: c.reason ?? 'Failed', message: c.message ?? '' };
  }
  return undefined;
}

interface WatchEnd { kind: 'outcome'; job: V1Job; outcome: JobOutcome } 
type Round = WatchEnd | { kind: 'closed' } | { kind: 'dropped'; error: string } | { kind: 'gone' };

function watchOnce(c: K8sClients, ns: string, name: string, rv: string | undefined, o: FollowOptions, sawEvent: () => void): Promise<Round> {
  return new Promise<Round>((resolve) => {
    let ctl: AbortController | undefined;
    let settled = false;
    const finish = (r: Round): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      ctl?.abort();
      resolve(r);
    };
    const onAbort = (): void => finish({ kind: 'closed' });
    // The watch must end by the deadline even if the server never sends anything.
    const timer = setTimeout(() => finish({ kind: 'closed' }), Math.max(0, o.deadline - (o.now ?? Date.now)()));
    o.signal?.addEventListener('abort', onAbort, { once: true });
    new Watch(c.kc).watch(`/apis/batch/v1/namespaces/${ns}/jobs`, {
      fieldSelector: `metadata.name=${name}`,
      ...(rv ? { resourceVersion: rv } : {}),
      allowWatchBookmarks: true,
      timeoutSeconds: o.watchSeconds ?? 60,
    }, (type: string, obj: unknown) => {
      if (type === 'ERROR') {
        // 410 Gone: our resourceVersion is too old; a fresh GET resumes.
        finish((obj as { code?: number }).code === 410 ? { kind: 'gone' } : { kind: 'dropped', error: JSON.stringify(obj).slice(0, 200) });
        return;
      }
      sawEvent();
      if (type === 'BOOKMARK') return;
      const job = obj as V1Job;
      o.onEvent?.({ type: 'job-status', active: job.status?.active ?? 0, succeeded: job.status?.succeeded ?? 0, failed: job.status?.failed ?? 0 });
      const outcome = jobOutcome(job);
      if (outcome) finish({ kind: 'outcome', job, outcome });
    }, (err: unknown) => {
      finish(err ? { kind: 'dropped', error: err instanceof Error ? err.message : String(err) } : { kind: 'closed' });
    }).then((controller) => {
      ctl = controller;
      if (settled) controller.abort();
    }, (err: unknown) => {
      const code = (err as { statusCode?: number }).statusCode;
      if (code === 403) {
        settled = true;
        clearTimeout(timer);
        resolve({ kind: 'dropped', error: 'forbidden' });
        return;
      }
      finish({ kind: 'dropped', error: err instanceof Error ? err.message : String(err) });
    });
  });
}

export async function followJob(c: K8sClients, ns: string, name: string, o: FollowOptions): Promise<{ job: V1Job; outcome: JobOutcome }> {
  const now = o.now ?? Date.now;
  const maxDrops = o.maxDropsInARow ?? 5;
  let drops = 0;
  let lastError = '';
  for (;;) {
    if (o.signal?.aborted) throw new GoliveError('GOLIVE_ABORTED', `stopped following Job ${name}: interrupted`);
    if (now() >= o.deadline) throw new GoliveError('GOLIVE_K8S_ERROR', `Job ${name} in ${ns} did not finish before the deadline; it keeps running (delete it with: kubectl -n ${ns} delete job ${name})`);
    const job = await call(c, `read Job ${name} in ${ns}`, () => c.batch.readNamespacedJob({ name, namespace: ns }));
    const outcome = jobOutcome(job);
    if (outcome) return { job, outcome };
    let progressed = false;
    const round = await watchOnce(c, ns, name, job.metadata?.resourceVersion, o, () => { progressed = true; });
    if (round.kind === 'outcome') return { job: round.job, outcome: round.outcome };
    if (round.kind === 'dropped' && round.error === 'forbidden') {
      throw new GoliveError('GOLIVE_K8S_ERROR', `cannot watch Job ${name}: forbidden, the caller lacks permission "watch" on "jobs.batch" in namespace ${ns} (grant it in the Role golive-orchestrator, see docs/kubernetes.md, "RBAC: two identities")`);
    }
    if (round.kind !== 'dropped') { drops = 0; continue; }
    drops = progressed ? 1 : drops + 1;
    lastError = round.error;
    o.onEvent?.({ type: 'watch-dropped', attempt: drops, error: round.error });
    if (drops >= maxDrops) {
      throw new GoliveError('GOLIVE_K8S_ERROR', `watch on Job ${name} in ${ns} dropped ${drops} times in a row (last error: ${firstLine(lastError)}); the Job keeps running`);
    }
    // Back off a little so a flapping API server is not hammered.
    await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** drops)));
  }
}
