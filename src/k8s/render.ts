/** Every manifest for a plan, as objects and as one multi-document YAML stream. */
import { stringify } from 'yaml';
import { buildConfigMap, type Scripts } from './configmap.js';
import { buildCronJob } from './cronjob.js';
import { buildJob } from './job.js';
import { buildNetworkPolicy } from './network-policy.js';
import { buildRbac, type RbacNames } from './rbac.js';
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
