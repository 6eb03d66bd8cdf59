/** Every manifest for a plan, as objects and as one multi-document YAML stream. */
import { stringify } from 'yaml';
import { buildConfigMap, type Scripts } from './configmap.js';
import { buildCronJob } from './cronjob.js';
import { buildJob } from './job.js';
import { buildNetworkPolicy } from './network-policy.js';
import { buildRbac, type RbacNames } from './rbac.js';
import { K6_IMAGE, NODE_RUNNER_IMAGE } from './names.js';
import type { RunnerPlan, SchedulePlan } from './types.js';

export interface Manifest { apiVersion?: string; kind?: string; metadata?: { name?: string } }

export interface RenderWhat {
  /** include the one-off Job (default true) */
  job?: boolean;
  /** include the CronJob with this schedule */
  schedule?: SchedulePlan;
  scripts?: Scripts;
}

export function rbacNames(plan: RunnerPlan): RbacNames {
  return { namespace: plan.namespace, clusterNamespace: plan.plan.cluster.namespace, orchestrator: plan.orchestratorServiceAccountName, runner: plan.serviceAccountName };
}

export function renderManifests(plan: RunnerPlan, what: RenderWhat = {}): Manifest[] {
  const out: Manifest[] = [
    ...buildRbac(rbacNames(plan), plan.plan.phases.includes('cluster')),
    buildConfigMap(plan, what.scripts), buildNetworkPolicy(plan),
  ];
  if (what.job ?? true) out.push(buildJob(plan));
  if (what.schedule) out.push(buildCronJob(plan, what.schedule));
  return out;
}

/** Dates and class instances never reach here: the builders return plain JSON data. */
export function toYaml(manifests: readonly unknown[]): string {
  return manifests.map((m) => stringify(m, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}

/**
 * What a rendering needs that it cannot carry, for stderr beside the YAML: the
 * Secret the pods read (never in a manifest) and where the image comes from.
 */
export function renderNotes(plan: RunnerPlan, jobRendered: boolean): string[] {
  const ns = plan.namespace;
  const notes = [
    `the pods read the target's token from Secret ${plan.secret.name}, key ${plan.secret.key}: kubectl -n ${ns} create secret generic ${plan.secret.name} --from-literal=${plan.secret.key}="$TOKEN"`,
  ];
  if (plan.image === NODE_RUNNER_IMAGE) notes.push(`image ${plan.image}: build it from k8s/runner/Dockerfile and push it to a registry the cluster pulls from, or pass --image (docs/kubernetes.md)`);
  if (plan.k6Image === K6_IMAGE) notes.push(`image ${plan.k6Image}: Grafana's k6 image, from which an init container copies k6 for golive to run (--k6-image for another)`);
  if (jobRendered) notes.push(`Job golive-${plan.runId} is this rendering's own: apply it with kubectl apply --server-side -f; render again for a new run`);
  return notes;
}
