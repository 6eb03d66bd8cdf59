/**
 * Least privilege for the `golive` ServiceAccount: exactly what `golive k8s run` and
 * `schedule` and the read-only cluster phase call, in one namespace. No Secrets at all:
 * the token reaches the runner through a secretKeyRef that the kubelet resolves.
 */
import type { V1PolicyRule, V1Role, V1RoleBinding, V1ServiceAccount } from '@kubernetes/client-node';
import { baseLabels } from './names.js';

export interface RbacNames { namespace: string; serviceAccountName: string }

/** Each rule with the caller that needs it; the auth can-i test walks this table. */
export const RBAC_RULES: ReadonlyArray<V1PolicyRule & { why: string }> = [
  { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'create', 'update', 'patch', 'delete'], why: 'k8s run: the per-run plan and k6 scripts; cleanup' },
  { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch', 'create', 'delete'], why: 'k8s run: create, follow and clean up the runner Job' },
  { apiGroups: ['batch'], resources: ['cronjobs'], verbs: ['get', 'create', 'update', 'patch'], why: 'k8s schedule: install or update the CronJob' },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'], why: 'k8s run: runner exit codes; cluster phase: pods Ready' },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get'], why: 'k8s run: each runner\'s result from its log' },
  { apiGroups: [''], resources: ['services'], verbs: ['get', 'list'], why: 'cluster phase: Services' },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list'], why: 'cluster phase: ready endpoints' },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list'], why: 'cluster phase: Deployments available' },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['get', 'list'], why: 'cluster phase: Ingress address' },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['get', 'list'], why: 'cluster phase: HPA replicas' },
];

export function buildServiceAccount(n: RbacNames): V1ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: n.serviceAccountName, namespace: n.namespace, labels: baseLabels('rbac') },
    // Pods opt in only when they run the cluster phase.
    automountServiceAccountToken: false,
  };
}

export function buildRole(n: RbacNames): V1Role {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: n.serviceAccountName, namespace: n.namespace, labels: baseLabels('rbac') },
    rules: RBAC_RULES.map(({ apiGroups, resources, verbs }) => ({ apiGroups, resources, verbs })),
  };
}

export function buildRoleBinding(n: RbacNames): V1RoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: n.serviceAccountName, namespace: n.namespace, labels: baseLabels('rbac') },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: n.serviceAccountName },
    subjects: [{ kind: 'ServiceAccount', name: n.serviceAccountName, namespace: n.namespace }],
  };
}
