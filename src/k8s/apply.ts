/** Idempotent writes: create-if-absent for runs, create-or-replace for config and schedules. */
import type { V1ConfigMap, V1CronJob, V1Job } from '@kubernetes/client-node';
import { GoliveError } from '../core/errors.js';
import { isConflict, isNotFound, k8sError } from '../net/k8s-api-errors.js';
import { call, withTimeout, type K8sClients } from '../net/k8s-client.js';
import { LABEL_RUN_ID } from './names.js';

const ns = (o: { metadata?: { namespace?: string } }): string => o.metadata?.namespace ?? 'default';
const nm = (o: { metadata?: { name?: string } }): string => o.metadata?.name ?? '';

/** POST; on 409 GET + PUT with the live resourceVersion. */
async function createOrReplace<T extends { metadata?: { name?: string; namespace?: string; resourceVersion?: string } }>(
  c: K8sClients, kind: string, body: T,
  create: () => Promise<T>, read: () => Promise<T>, replace: (b: T) => Promise<T>,
): Promise<{ action: 'created' | 'updated'; object: T }> {
  const what = `${kind} ${nm(body)} in ${ns(body)}`;
  try {
    return { action: 'created', object: await withTimeout(`create ${what}`, c.timeoutMs, create()) };
  } catch (err) {
    if (!isConflict(err)) throw k8sError(err, `create ${what}`, c.server);
  }
  const live = await call(c, `read ${what}`, read);
  const next = { ...body, metadata: { ...body.metadata, resourceVersion: live.metadata?.resourceVersion } };
  return { action: 'updated', object: await call(c, `replace ${what}`, () => replace(next)) };
}

export function applyConfigMap(c: K8sClients, cm: V1ConfigMap) {
  const namespace = ns(cm);
  const name = nm(cm);
  return createOrReplace(c, 'ConfigMap', cm,
    () => c.core.createNamespacedConfigMap({ namespace, body: cm }),
    () => c.core.readNamespacedConfigMap({ name, namespace }),
    (body) => c.core.replaceNamespacedConfigMap({ name, namespace, body }));
}

export function applyCronJob(c: K8sClients, cj: V1CronJob) {
  const namespace = ns(cj);
  const name = nm(cj);
  return createOrReplace(c, 'CronJob', cj,
    () => c.batch.createNamespacedCronJob({ namespace, body: cj }),
    () => c.batch.readNamespacedCronJob({ name, namespace }),
    (body) => c.batch.replaceNamespacedCronJob({ name, namespace, body }));
}

/**
 * A Job is never replaced: a 409 for a Job of the same run id means this run was
 * already started (a retried command) and is adopted; any other Job by that name is
 * someone else's and is a conflict.
 */
export async function createJobIfAbsent(c: K8sClients, job: V1Job): Promise<{ action: 'created' | 'adopted'; job: V1Job }> {
  const namespace = ns(job);
  const name = nm(job);
  try {
    return { action: 'created', job: await withTimeout(`create Job ${name}`, c.timeoutMs, c.batch.createNamespacedJob({ namespace, body: job })) };
  } catch (err) {
    if (!isConflict(err)) throw k8sError(err, `create Job ${name} in ${namespace}`, c.server);
  }
  const live = await call(c, `read Job ${name} in ${namespace}`, () => c.batch.readNamespacedJob({ name, namespace }));
  const want = job.metadata?.labels?.[LABEL_RUN_ID];
  if (want === undefined || live.metadata?.labels?.[LABEL_RUN_ID] !== want) {
    throw new GoliveError('GOLIVE_K8S_ERROR', `cannot create Job ${name} in ${namespace}: conflict, a Job of that name exists and is not run ${want ?? '?'}; pick another --run-id`);
  }
  return { action: 'adopted', job: live };
}

/** Deletes with background propagation (the garbage collector removes the pods); a missing object is fine. */
export async function deleteRun(c: K8sClients, namespace: string, jobName: string, configMapName: string): Promise<void> {
  const gone = (p: Promise<unknown>, what: string) => withTimeout(what, c.timeoutMs, p).then(() => undefined, (err: unknown) => {
    if (!isNotFound(err)) throw k8sError(err, what, c.server);
  });
  await gone(c.batch.deleteNamespacedJob({ name: jobName, namespace, propagationPolicy: 'Background' }), `delete Job ${jobName} in ${namespace}`);
  await gone(c.core.deleteNamespacedConfigMap({ name: configMapName, namespace }), `delete ConfigMap ${configMapName} in ${namespace}`);
}
